"""DMA and MarineCadastre readers, on the shipped excerpts (no ../shared needed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import medroutes as mr
from _testpaths import DATA_DIR, SAMPLE_DIR
from medroutes.errors import DataFormatError, DataQualityWarning, SchemaError
from medroutes.io import dma, marinecadastre

DMA300 = DATA_DIR / "dma_aisdk-2026-04-26_first300.csv"
MC = DATA_DIR / "marinecadastre_constructed.csv"


def _raw_dma(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def dma300():
    with pytest.warns(DataQualityWarning):
        return mr.io.read_dma(DMA300, on_invalid="drop", return_report=True)


def test_dma_excerpt_counts_add_up_against_plain_pandas(dma300):
    df, rep = dma300
    raw = _raw_dma(DMA300)
    assert rep.n_in == len(raw) == 300
    vessel = raw["Type of mobile"].isin(["Class A", "Class B"])
    by = {p.check: p.n_rows for p in rep.problems}
    assert by["mobile_type"] == int((~vessel).sum())
    v = raw[vessel]
    no_pos = v["Latitude"].astype(float).eq(91)
    assert by.get("lat_range", 0) == int(no_pos.sum())
    # duplicates among the kept columns of the valid vessel rows, computed independently
    cols = ["MMSI", "# Timestamp", "Latitude", "Longitude", "SOG", "COG", "Ship type", "Length", "Name"]
    ok = v[~no_pos]
    assert by.get("duplicate", 0) == int(ok[cols].duplicated().sum())
    key = int(ok.duplicated(["MMSI", "# Timestamp"]).sum())
    assert by.get("conflicting_duplicate", 0) == key - by.get("duplicate", 0)
    assert rep.n_out == len(df) == len(ok) - key
    assert rep.n_in == rep.n_out + sum(by.values())


def test_dma_values_types_and_sentinels(dma300):
    df, _ = dma300
    assert list(df.columns[:6]) == ["vessel_id", "timestamp", "lat", "lon", "sog_kn", "cog_deg"]
    assert df["vessel_id"].dtype == np.int64
    assert str(df["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert (df["source"] == "DMA").all()
    assert df["timestamp"].min() == pd.Timestamp("2026-04-26T00:00:00Z")
    assert df["lat"].between(53, 60).all()  # Danish waters, 91 gone
    assert not df["vessel_type"].isin(["Undefined", "Unknown"]).any()
    # first data line: MMSI 211429600 at 54.693287, 8.575183, SOG 0.0, COG empty
    first = df[(df.vessel_id == 211429600) & (df.timestamp == pd.Timestamp("2026-04-26T00:00:00Z"))]
    assert first[["lat", "lon", "sog_kn"]].iloc[0].tolist() == [54.693287, 8.575183, 0.0]
    assert np.isnan(first["cog_deg"].iloc[0])
    assert df.attrs["quality_report"] is not None and df.attrs["source_format"] == "dma"


def test_dma_sentinels_become_nan(tmp_path):
    lines = DMA300.read_text().splitlines(keepends=True)
    row = lines[1].split(",")
    row[7], row[8] = "102.3", "360.0"  # SOG, COG not available
    p = tmp_path / "x.csv"
    p.write_text(lines[0] + ",".join(row))
    df = mr.io.read_dma(p)
    assert np.isnan(df["sog_kn"].iloc[0]) and np.isnan(df["cog_deg"].iloc[0])


def test_dma_all_mobile_types_and_source_names(tmp_path):
    with pytest.warns(DataQualityWarning):
        df, rep = mr.io.read_dma(
            DMA300,
            mobile_types=None,
            on_invalid="drop",
            map_variables=False,
            extra_columns=True,
            return_report=True,
        )
    assert "mobile_type" not in {p.check for p in rep.problems}
    assert {"MMSI", "# Timestamp", "Latitude", "Type of mobile", "Navigational status"} <= set(df.columns)
    assert {"Base Station", "Class A"} <= set(df["Type of mobile"])


def test_dma_raise_mode_names_the_problem():
    with pytest.raises(SchemaError, match=r"column 'lat': \d+ of \d+ rows are outside -90\.\.90 or missing"):
        mr.io.read_dma(DMA300)


def test_dma_sample_data_is_shipped_and_readable():
    with pytest.warns(DataQualityWarning):
        df = mr.io.read_dma(SAMPLE_DIR / "real" / "dma_aisdk-2026-04-26_first1000.csv", on_invalid="drop")
    assert df.attrs["quality_report"].n_in == 1000
    assert 0 < len(df) < 1000


def test_dma_variable_map_is_complete():
    header = DMA300.read_text().splitlines()[0].split(",")
    assert set(header) == set(dma.VARIABLE_MAP)


# --------------------------------------------------------------------------- #
# MarineCadastre (constructed file, published layout)
# --------------------------------------------------------------------------- #


def test_marinecadastre_constructed_file():
    with pytest.warns(DataQualityWarning, match="dropped 2 of 10"):
        df, rep = mr.io.read_marinecadastre(MC, on_invalid="drop", return_report=True)
    assert {p.check: p.n_rows for p in rep.problems} == {"lat_range": 1, "duplicate": 1}
    assert len(df) == 8 and rep.n_in == 10
    assert df.groupby("vessel_id").size().to_dict() == {
        338123456: 1,
        366999999: 1,
        367004140: 3,
        538006575: 3,
    }
    types = df.drop_duplicates("vessel_id").set_index("vessel_id")["vessel_type"]
    assert types[367004140] == "Towing" and types[538006575] == "Cargo" and types[338123456] == "Pleasure"
    assert pd.isna(types[366999999])  # code 0 = not available
    cargo = df[df.vessel_id == 538006575]
    assert cargo["sog_kn"].isna().sum() == 1 and cargo["cog_deg"].isna().sum() == 1  # 102.3 / 360
    assert cargo["length_m"].iloc[0] == 229.0
    assert df["timestamp"].min() == pd.Timestamp("2023-01-01T00:00:05Z")
    assert (df["source"] == "MarineCadastre").all()


def test_marinecadastre_extra_columns_and_map_variables_false():
    with pytest.warns(DataQualityWarning):
        df = mr.io.read_marinecadastre(MC, on_invalid="drop", extra_columns=True, map_variables=False)
    assert {"MMSI", "BaseDateTime", "LAT", "Heading", "TransceiverClass", "VesselType"} <= set(df.columns)
    assert df["Heading"].isna().sum() == 5  # 511 = not available (7 rows, 2 of them dropped)
    assert set(marinecadastre.VARIABLE_MAP) == set(MC.read_text().splitlines()[0].split(","))


def test_marinecadastre_header_check(tmp_path):
    p = tmp_path / "mc.csv"
    p.write_text("MMSI,BaseDateTime,LON,SOG,COG\n1,2023-01-01T00:00:00,1,1,1\n")
    with pytest.raises(DataFormatError, match="missing column 'LAT'"):
        mr.io.read_marinecadastre(p)
