"""Tidy readers and the atomic writers: round trips, refusals, format detection."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

import medroutes as mr
from _testpaths import DATA_DIR
from medroutes.errors import DataFormatError, OutputError, SchemaError


def _positions(n: int = 6) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "vessel_id": ["007", "007", "007", "x1", "x1", "x1"][:n],
            "timestamp": pd.date_range("2026-04-26", periods=n, freq="7min", tz="UTC")
            + pd.Timedelta("123456789ns"),
            "lat": np.linspace(33.1, 33.6, n),
            "lon": np.linspace(12.0, 12.3, n) + 1e-9,
            "sog_kn": [5.1, np.nan, 5.3, 0.0, 4.4, 4.5][:n],
            "cog_deg": [10.0, 20.0, np.nan, 359.9, 0.0, 1.0][:n],
            "name": ["ALFA", "ALFA", None, "BRAVO", "BRAVO", "BRAVO"][:n],
        }
    )


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".csv.gz"])
def test_positions_round_trip_is_exact(tmp_path, suffix):
    src, _ = mr.schema.validate_positions(_positions())
    p = mr.io.write_positions(src, tmp_path / f"pos{suffix}")
    back = mr.io.read_positions(p)
    assert back.attrs["source_format"] == "tidy_positions"
    pdt.assert_frame_equal(back.drop(columns="name"), src.drop(columns="name"), check_dtype=False)
    assert back["vessel_id"].tolist() == ["007"] * 3 + ["x1"] * 3  # leading zeros kept
    assert back["timestamp"].dtype == src["timestamp"].dtype
    assert back["name"].isna().tolist() == src["name"].isna().tolist()


def test_integer_ids_stay_integers_through_csv(tmp_path):
    src = _positions().assign(vessel_id=[247000001] * 3 + [247000002] * 3)
    back = mr.io.read_positions(mr.io.write_positions(src, tmp_path / "p.csv"))
    assert back["vessel_id"].dtype == np.int64


def test_incidents_round_trip_keeps_unknown_counts_missing(tmp_path):
    inc = mr.io.read_incidents(DATA_DIR / "incidents_good.csv")
    for suffix in (".parquet", ".csv"):
        back = mr.io.read_incidents(mr.io.write_incidents(inc, tmp_path / f"inc{suffix}"))
        pdt.assert_frame_equal(back, inc)
        assert back["dead"].isna().sum() == 1 and back["missing"].isna().sum() == 2


def test_writer_refuses_to_overwrite_its_input(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes((DATA_DIR / "positions_good.csv").read_bytes())
    df = mr.io.read_positions(src)
    before = src.read_bytes()
    with pytest.raises(OutputError, match="refusing to overwrite the file these positions were read from"):
        mr.io.write_positions(df, src)
    with pytest.raises(OutputError, match="refusing to overwrite"):
        mr.io.write_positions(df.head(3), tmp_path / "." / "in.csv")  # derived frame, same file
    assert src.read_bytes() == before


def test_writer_is_atomic_and_checks_its_input(tmp_path, monkeypatch):
    target = tmp_path / "out.parquet"
    target.write_bytes(b"old content")
    bad = _positions().assign(lat=[95.0, 33.2, 33.3, 33.4, 33.5, 33.6])
    with pytest.raises(SchemaError, match="column 'lat'"):
        mr.io.write_positions(bad, target)
    assert target.read_bytes() == b"old content"

    def boom(self, *a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", boom)
    with pytest.raises(OutputError, match="No space left on device"):
        mr.io.write_positions(_positions(), target)
    assert target.read_bytes() == b"old content"
    assert os.listdir(tmp_path) == ["out.parquet"]  # no temporary file left behind


def test_writer_refusals(tmp_path):
    with pytest.raises(OutputError, match="unsupported output suffix"):
        mr.io.write_positions(_positions(), tmp_path / "p.xlsx")
    with pytest.raises(OutputError, match="does not exist"):
        mr.io.write_positions(_positions(), tmp_path / "missing" / "p.csv")
    (tmp_path / "p.csv").write_text("x")
    with pytest.raises(OutputError, match="pass overwrite=True"):
        mr.io.write_positions(_positions(), tmp_path / "p.csv", overwrite=False)


def test_format_detection(tmp_path):
    assert mr.io.detect_format(DATA_DIR / "positions_good.csv") == "tidy_positions"
    assert mr.io.detect_format(DATA_DIR / "incidents_good.csv") == "tidy_incidents"
    assert mr.io.detect_format(DATA_DIR / "dma_aisdk-2026-04-26_first300.csv") == "dma"
    assert mr.io.detect_format(DATA_DIR / "marinecadastre_constructed.csv") == "marinecadastre"
    assert mr.io.detect_format(DATA_DIR / "iom_mmp_central_med_2016-2017.csv") == "iom_mmp"
    assert mr.io.detect_format(DATA_DIR / "unhcr_italy_daily_sea_arrivals_2022-2023.csv") == "unhcr_arrivals"
    odd = tmp_path / "odd.txt"
    odd.write_text("alpha,beta\n1,2\n")
    with pytest.raises(DataFormatError, match=r"unknown format \(suffix '\.txt', first line 'alpha,beta'\)"):
        mr.io.detect_format(odd)
    pq = tmp_path / "odd.parquet"
    pd.DataFrame({"a": [1]}).to_parquet(pq)
    with pytest.raises(DataFormatError, match="neither GeoParquet nor a medroutes"):
        mr.io.read_positions(pq)


def test_read_positions_rejects_incident_files_and_vice_versa():
    with pytest.raises(DataFormatError, match=r"is incidents data .* use medroutes\.io\.read_incidents"):
        mr.io.read_positions(DATA_DIR / "incidents_good.csv")
    with pytest.raises(DataFormatError, match=r"is positions data .* use medroutes\.io\.read_positions"):
        mr.io.read_incidents(DATA_DIR / "positions_good.csv")
    with pytest.raises(DataFormatError, match="unknown format 'xml'"):
        mr.io.read_positions(DATA_DIR / "positions_good.csv", format="xml")


def test_format_aliases_and_compressed_input(tmp_path):
    import gzip
    import zipfile

    raw = (DATA_DIR / "dma_aisdk-2026-04-26_first300.csv").read_bytes()
    gz = tmp_path / "aisdk.csv.gz"
    gz.write_bytes(gzip.compress(raw))
    zp = tmp_path / "aisdk.zip"
    with zipfile.ZipFile(zp, "w") as zf:
        zf.writestr("aisdk-2026-04-26.csv", raw)
    with pytest.warns(mr.DataQualityWarning):
        a = mr.io.read_positions(gz, on_invalid="drop")
    with pytest.warns(mr.DataQualityWarning):
        b = mr.io.read_positions(zp, on_invalid="drop")
    pdt.assert_frame_equal(a, b)
    assert mr.io.detect_format(zp) == "dma"
    df = mr.io.read_positions(DATA_DIR / "positions_good.csv", format="csv")
    assert len(df) == 5
