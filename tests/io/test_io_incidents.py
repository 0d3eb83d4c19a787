"""IOM Missing Migrants and UNHCR arrivals readers, on the shipped real excerpts."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import medroutes as mr
from _testpaths import DATA_DIR, SAMPLE_DIR
from medroutes.errors import DataFormatError, SchemaError
from medroutes.io import iom

IOM1617 = DATA_DIR / "iom_mmp_central_med_2016-2017.csv"
UNHCR = DATA_DIR / "unhcr_italy_daily_sea_arrivals_2022-2023.csv"


def _raw(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.fixture(scope="module")
def cm1617():
    return mr.io.read_iom_mmp(IOM1617, return_report=True)


def test_iom_excerpt_rows_totals_and_dates(cm1617):
    df, rep = cm1617
    raw = _raw(IOM1617)
    assert rep.n_in == rep.n_out == len(raw) == len(df) == 297
    num = {
        c: pd.to_numeric(raw[c].replace("", np.nan))
        for c in ("Number of Dead", "Minimum Estimated Number of Missing")
    }
    for year in (2016, 2017):
        sel = raw["Incident year"] == str(year)
        ours = df[df["timestamp"].dt.year == year]
        assert len(ours) == int(sel.sum())
        assert ours["dead"].sum() == num["Number of Dead"][sel].sum()
        assert ours["missing"].sum() == num["Minimum Estimated Number of Missing"][sel].sum()
    # calibration.md s.3 (IOM, published): 4,574 dead and missing in 2016, 2,853 in 2017 (same source, later edits)
    total = {
        y: int(
            (
                df.loc[df.timestamp.dt.year == y, "dead"].fillna(0)
                + df.loc[df.timestamp.dt.year == y, "missing"]
            ).sum()
        )
        for y in (2016, 2017)
    }
    assert total[2016] == pytest.approx(4574, rel=0.05) and total[2017] == pytest.approx(2853, rel=0.05)
    assert (df["timestamp"].dt.day == 1).all() and (df["date_precision"] == "month").all()
    assert (df["route"] == "Central Mediterranean").all()
    assert df["incident_id"].iloc[0] == "iom-1" and df["incident_id"].is_unique


def test_iom_blank_counts_stay_missing_and_zero_stays_zero(cm1617):
    df, rep = cm1617
    raw = _raw(IOM1617)
    assert df["dead"].isna().sum() == (raw["Number of Dead"] == "").sum()
    assert (df["missing"] == 0).sum() == (raw["Minimum Estimated Number of Missing"] == "0").sum()
    assert any("0 may mean unknown" in n for n in rep.notes)


def test_iom_coordinates_and_precision(cm1617):
    df, _ = cm1617
    raw = _raw(IOM1617)
    lat_lon = raw["Coordinates"].str.split(",", expand=True).astype(float)
    assert df["lat"].to_numpy() == pytest.approx(lat_lon[0].to_numpy())
    assert df["lon"].to_numpy() == pytest.approx(lat_lon[1].to_numpy())

    # precision from the digits written, recomputed with plain string handling
    def radius(text: str) -> float:
        a, b = (x.strip() for x in text.split(","))
        dec = [len(x.split(".")[1]) if "." in x else 0 for x in (a, b)]
        half = [0.5 * 10.0**-d * 111.32 for d in dec]
        return round(math.hypot(half[0], half[1] * math.cos(math.radians(float(a)))), 3)

    expect = [radius(t) for t in raw["Coordinates"]]
    assert df["location_precision_km"].tolist() == pytest.approx(expect, abs=1e-9)
    assert max(expect) < 1.0  # this excerpt has no whole-degree coordinates


def test_whole_degree_coordinates_get_a_large_radius(tmp_path):
    lines = IOM1617.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    p = tmp_path / "rounded.csv"
    import csv as _csv
    import io as _io

    rows = list(_csv.reader(_io.StringIO("".join(lines[:2]))))
    rows[1][rows[0].index("Coordinates")] = "35, 12"
    buf = _io.StringIO()
    _csv.writer(buf, lineterminator="\n").writerows(rows)
    p.write_text(buf.getvalue())
    df = mr.io.read_iom_mmp(p)
    assert df["location_precision_km"].iloc[0] == pytest.approx(
        math.hypot(55.66, 55.66 * math.cos(math.radians(35))), abs=0.01
    )


def test_iom_incident_type_rule(cm1617):
    df, _ = cm1617
    raw = _raw(IOM1617)
    said = raw["Location of death"].str.contains("shipwreck|capsiz|sank|sunk|sinking", case=False)
    assert (df["incident_type"] == "shipwreck").to_numpy().tolist() == said.tolist()
    assert set(df["incident_type"].astype(str)) <= {"shipwreck", "death"}
    assert set(df["record_type"]) <= {
        "incident",
        "split incident",
        "cumulative incident",
        "incident,split incident",
    }


def test_iom_sample_data_central_med():
    path = SAMPLE_DIR / "real" / "iom_mmp_central_mediterranean_2014-2023.csv"
    with pytest.raises(SchemaError, match=r"column 'missing': 1 of 1,106 rows are negative"):
        mr.io.read_incidents(path)
    with pytest.warns(mr.DataQualityWarning, match="dropped 1 of 1,106"):
        df, rep = mr.io.read_incidents(path, on_invalid="drop", return_report=True)
    raw = _raw(path)
    bad = pd.to_numeric(raw["Minimum Estimated Number of Missing"]) < 0
    assert (rep.n_in, rep.n_out, int(bad.sum())) == (1106, 1105, 1)
    assert df["timestamp"].min() == pd.Timestamp("2014-02-01T00:00:00Z")  # first Central Med record: Feb 2014
    assert not {"country_of_origin", "Country of Origin", "Region of Origin"} & set(df.columns)


def test_iom_official_layout(tmp_path):
    p = tmp_path / "Missing_Migrants_Global_Figures_allData.csv"
    p.write_text(
        "Main ID,Incident ID,Incident Type,Region of Incident,Incident Date,Incident Year,Month,"
        "Number of Dead,Minimum Estimated Number of Missing,Total Number of Dead and Missing,"
        "Number of Survivors,Country of Origin,Cause of Death,Migration Route,Location of Incident,"
        "Coordinates,URL\n"
        "2023.MMP0100,2023.MMP0100,Incident,Mediterranean,2023-06-14,2023,June,82,500,582,104,Unknown,"
        'Drowning,Central Mediterranean,"47 nm SW of Pylos, boat capsized","36.18, 21.04",https://example.org/a\n'
        '2023.MMP0101,,Incident,Mediterranean,"February 26, 2023",2023,February,86,12,98,80,Unknown,'
        'Drowning,Central Mediterranean,Steccato di Cutro,"POINT (16.921 38.930)",\n'
        "2023.MMP0102,2023.MMP0102,Split Incident,Mediterranean,,2023,March,1,,1,,Unknown,"
        "Mixed or unknown,0,Off Sfax,,\n"
    )
    df, rep = mr.io.read_iom_mmp(p, return_report=True)
    assert df.attrs["iom_layout"] == "official"
    assert df["incident_id"].tolist() == ["2023.MMP0100", "iom-2", "2023.MMP0102"]
    assert df["timestamp"].dt.strftime("%Y-%m-%d %H:%M %Z").tolist() == [
        "2023-06-14 00:00 UTC",
        "2023-02-26 00:00 UTC",
        "2023-03-01 00:00 UTC",
    ]
    assert df["date_precision"].tolist() == ["day", "day", "month"]
    assert df["lat"].tolist()[:2] == [36.18, 38.930] and df["lon"].tolist()[:2] == [21.04, 16.921]
    assert df["incident_type"].astype(str).tolist() == ["shipwreck", "death", "death"]
    assert df["missing"].isna().tolist() == [False, False, True]
    assert pd.isna(df["route"].iloc[2])  # "0" -> missing
    assert "url" in df.columns and "main_id" in df.columns and "Country of Origin" not in df.columns
    assert any("blank IOM id" in n for n in rep.notes)


def test_iom_not_an_iom_file(tmp_path):
    p = tmp_path / "x.csv"
    p.write_text("Incident Type,Number of Dead\nIncident,1\n")
    with pytest.raises(DataFormatError, match="not an IOM Missing Migrants file"):
        mr.io.read_iom_mmp(p)


def test_iom_header_with_iom_and_medroutes_names_is_refused(tmp_path):
    """'Minimum Estimated Number of Missing' and 'missing' would both become 'missing'."""
    rows = IOM1617.read_text(encoding="utf-8-sig").splitlines()[:3]
    p = tmp_path / "mixed.csv"
    p.write_text("\n".join([rows[0] + ",missing", *(r + ",7" for r in rows[1:])]) + "\n", encoding="utf-8")
    for reader in (mr.io.read_iom_mmp, mr.io.read_incidents):
        with pytest.raises(
            DataFormatError,
            match=r"mixed\.csv: the header mixes IOM and medroutes names, so 1 column would be read twice "
            r"\('Minimum Estimated Number of Missing' and 'missing' both give 'missing'\)",
        ):
            reader(p)


def test_tidy_header_names_colliding_once_stripped_are_refused(tmp_path):
    p = tmp_path / "inc.csv"
    p.write_text(
        "incident_id,timestamp,lat,lon,incident_type,dead\x1c\x1c,dead,missing\n"
        "i1,2024-08-01T03:00:00Z,34.0,12.0,shipwreck,1,2,0\n",
        encoding="utf-8",
    )
    for reader in (mr.io.read_tidy_incidents, mr.io.read_incidents):
        with pytest.raises(
            SchemaError, match=r"inc\.csv: 1 column name is repeated .*'dead' from 'dead\\x1c"
        ):
            reader(p)


def test_iom_map_variables_false():
    df = mr.io.read_iom_mmp(IOM1617, map_variables=False)
    assert {
        "Number of Dead",
        "Minimum Estimated Number of Missing",
        "Migration route",
        "Cause of Death",
    } <= set(df.columns)
    assert iom.SOURCE in set(df["source"])


# --------------------------------------------------------------------------- #
# UNHCR arrivals
# --------------------------------------------------------------------------- #


def test_unhcr_excerpt_totals():
    df = mr.io.read_unhcr_arrivals(UNHCR)
    raw = pd.read_csv(UNHCR)
    assert len(df) == len(raw) and df["arrivals"].sum() == raw["individuals"].sum()
    assert str(df["date"].dtype) == "datetime64[ns, UTC]" and df["date"].is_monotonic_increasing
    by_year = df.groupby(df["date"].dt.year)["arrivals"].sum()
    # calibration.md s.1: 105,131 (2022) and 157,651 (2023) persons, published totals
    assert by_year[2022] == pytest.approx(105_131, rel=0.02)
    assert by_year[2023] == pytest.approx(157_651, rel=0.02)


def test_unhcr_errors(tmp_path):
    p = tmp_path / "u.csv"
    p.write_text(
        "data_date,unix_timestamp,individuals\n2023-01-01,1672531200,10\n2023-01-01,1672531200,5\n2023-01-02,0,-1\n"
    )
    with pytest.raises(SchemaError) as exc:
        mr.io.read_unhcr_arrivals(p)
    msg = str(exc.value)
    assert "repeat an earlier date" in msg and "disagree with data_date" in msg and "negative" in msg
