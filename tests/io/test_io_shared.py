"""Readers on the full real files in ../shared/data (skipped when the folder is absent).

Expected numbers come from plain pandas on the raw files (and the data README).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import medroutes as mr
from _testpaths import SHARED_DIR, requires_shared

pytestmark = [requires_shared, pytest.mark.shared]

DMA = SHARED_DIR / "ais_dma_aisdk-2026-04-26_first20k.csv"
IOM = SHARED_DIR / "iom_mmp_global_2014-2023_kaggle.csv"
UNHCR = SHARED_DIR / "unhcr_italy_daily_sea_arrivals_2015-10_2026-03.csv"


@pytest.fixture(scope="module")
def dma_raw():
    return pd.read_csv(DMA, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def dma_all_columns():
    with pytest.warns(mr.DataQualityWarning):
        return mr.io.read_dma(DMA, on_invalid="drop", extra_columns=True, return_report=True)


def test_dma_raw_facts_match_the_readme(dma_raw):
    assert len(dma_raw) == 19_999
    assert dma_raw["Type of mobile"].value_counts().to_dict() == {
        "Class A": 17_361,
        "Base Station": 1_270,
        "Class B": 1_068,
        "AtoN": 300,
    }
    assert dma_raw["MMSI"].nunique() == 2_005
    assert int((dma_raw["Latitude"].astype(float) == 91).sum()) == 750
    assert int(dma_raw.duplicated().sum()) == 8_023


def test_dma_report_adds_up_against_plain_pandas(dma_raw, dma_all_columns):
    df, rep = dma_all_columns
    by = {p.check: p.n_rows for p in rep.problems}
    vessel = dma_raw["Type of mobile"].isin(["Class A", "Class B"])
    no_pos = dma_raw["Latitude"].astype(float) == 91
    ok = dma_raw[vessel & ~no_pos]
    assert rep.n_in == 19_999
    assert by["mobile_type"] == 1_270 + 300
    assert by["lat_range"] == int((vessel & no_pos).sum())
    # with every column kept, the reader's exact duplicates are the raw file's
    assert by["duplicate"] == int(ok.duplicated().sum())
    assert by["duplicate"] + by["conflicting_duplicate"] == int(ok.duplicated(["MMSI", "# Timestamp"]).sum())
    # the README's 8,023 duplicates = the ones counted here + those among rows excluded for other reasons
    elsewhere = int(dma_raw[~vessel].duplicated().sum()) + int(dma_raw[vessel & no_pos].duplicated().sum())
    assert by["duplicate"] + elsewhere == 8_023
    assert rep.n_in == rep.n_out + sum(by.values()) and rep.n_out == len(df)
    assert df["vessel_id"].nunique() == ok["MMSI"].nunique()


def test_dma_time_range_and_types(dma_all_columns):
    df, _ = dma_all_columns
    assert df["timestamp"].min() == pd.Timestamp("2026-04-26T00:00:00Z")
    assert df["timestamp"].max() == pd.Timestamp("2026-04-26T00:01:37Z")
    assert set(df["mobile_type"]) == {"Class A", "Class B"}
    assert df["lat"].between(53.9, 59.5).all() and df["lon"].between(5.0, 16.6).all()


def test_dma_default_columns_give_the_same_rows_per_key(dma_all_columns):
    with pytest.warns(mr.DataQualityWarning):
        lean, rep = mr.io.read_dma(DMA, on_invalid="drop", return_report=True)
    full, rep_full = dma_all_columns
    by, by_full = ({p.check: p.n_rows for p in r.problems} for r in (rep, rep_full))
    # fewer columns can only turn conflicting duplicates into exact ones; the kept rows are the same
    assert by["duplicate"] >= by_full["duplicate"]
    assert (
        by["duplicate"] + by["conflicting_duplicate"]
        == by_full["duplicate"] + by_full["conflicting_duplicate"]
    )
    assert lean[["vessel_id", "timestamp"]].equals(full[["vessel_id", "timestamp"]])


def test_check_command_on_the_dma_file(capsys):
    assert mr.cli.main(["check", str(DMA), "--drop"]) == 0
    out = capsys.readouterr().out
    assert "positions: 19,999 rows in" in out
    assert "2026-04-26 00:00:00 to 2026-04-26 00:01:37 UTC" in out


# --------------------------------------------------------------------------- #
# IOM
# --------------------------------------------------------------------------- #


@pytest.fixture(scope="module")
def iom():
    raw = pd.read_csv(IOM, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    with pytest.warns(mr.DataQualityWarning, match="dropped 9 of 13,020"):
        df, rep = mr.io.read_iom_mmp(IOM, on_invalid="drop", return_report=True)
    return raw, df, rep


def test_iom_rows_routes_and_notes(iom):
    raw, df, rep = iom
    assert rep.n_in == len(raw) == 13_020
    assert int((raw["Migration route"] == "Central Mediterranean").sum()) == 1_106
    assert int((raw["Coordinates"] == "").sum()) == 36
    assert "36 rows have no coordinates (kept; location unknown)" in rep.notes
    assert int(df["lat"].isna().sum()) == 36
    counts = {
        c: pd.to_numeric(raw[c].replace("", np.nan))
        for c in ("Number of Dead", "Minimum Estimated Number of Missing", "Number of Survivors")
    }
    negative = sum((s < 0).fillna(False) for s in counts.values()).astype(bool)
    assert {p.column: p.n_rows for p in rep.problems} == {"missing": 4, "survivors": 5}
    assert rep.n_dropped == int(negative.sum()) == 9
    cm = raw["Migration route"] == "Central Mediterranean"
    assert int((df["route"] == "Central Mediterranean").sum()) == int((cm & ~negative).sum()) == 1_105


def test_iom_dead_and_missing_per_route_and_year_match_plain_pandas(iom):
    raw, df, _ = iom
    counts = {
        c: pd.to_numeric(raw[c].replace("", np.nan))
        for c in ("Number of Dead", "Minimum Estimated Number of Missing", "Number of Survivors")
    }
    keep = ~sum((s < 0).fillna(False) for s in counts.values()).astype(bool)
    r = raw[keep].assign(
        dm=counts["Number of Dead"][keep].fillna(0) + counts["Minimum Estimated Number of Missing"][keep],
        route=raw.loc[keep, "Migration route"].replace({"": "(none)", "0": "(none)"}),
        year=raw.loc[keep, "Incident year"].astype(int),
    )
    expected = r.groupby(["route", "year"])["dm"].sum()
    ours = df.assign(
        dm=df["dead"].fillna(0) + df["missing"],
        route=df["route"].fillna("(none)"),
        year=df["timestamp"].dt.year.astype("int64"),
    )
    got = ours.groupby(["route", "year"])["dm"].sum()
    pd.testing.assert_series_equal(got.astype("int64"), expected.astype("int64"), check_names=False)
    # and the published Central Mediterranean figure for 2016 (calibration.md s.3, 4,574)
    assert got.loc[("Central Mediterranean", 2016)] == pytest.approx(4574, rel=0.05)


# --------------------------------------------------------------------------- #
# UNHCR
# --------------------------------------------------------------------------- #


def test_unhcr_full_file():
    df = mr.io.read_unhcr_arrivals(UNHCR)
    assert len(df) == 3_601 and int(df["arrivals"].sum()) == 856_054
    assert df["date"].iloc[0] == pd.Timestamp("2015-10-01T00:00:00Z")
    assert df["date"].iloc[-1] == pd.Timestamp("2026-03-01T00:00:00Z")
