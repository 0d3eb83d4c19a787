"""Hostile text in the data never becomes markup in the report nor a formula in a CSV export.

Every free-text column that can reach the HTML report (vessel and asset names,
zone names and countries, incident sources, routes and causes) is filled with a
unique script-injection string; the report must contain none of them raw. Text
with matplotlib's math markers (``$``) must not break the figures. CSV files
written back by medroutes are checked for cells an office suite would run as a
formula (``=``, ``+``, ``-``, ``@`` followed by text).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re

import pandas as pd
import pytest

synthetic = pytest.importorskip("medroutes.synthetic")
report = pytest.importorskip("medroutes.report")


def _payload(tag: str) -> str:
    return f'<script>alert("{tag}")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def scenario(small_scenario):
    return small_scenario


def _hostile(sc, make):
    """The scenario with every free-text column replaced by ``make(column_tag)``."""
    pos = sc.positions.copy()
    pos["name"] = make("pos.name")
    boats = ~pos["vessel_type"].isin(["sar_vessel", "patrol_vessel"]).to_numpy()
    pos["source"] = pos["source"].astype(str).where(~boats, make("pos.source"))
    inc = sc.incidents.copy()
    for col in ("source", "route", "cause"):
        if col in inc.columns:
            inc[col] = make(f"inc.{col}")
    assets = sc.assets.copy()
    for col in ("name", "operator_country", "base"):
        if col in assets.columns:
            assets[col] = make(f"assets.{col}")
    zones = sc.zones.copy()
    zones["name"] = [make(f"zone.name.{z}") for z in zones["zone_id"]]
    zones["country"] = make("zone.country")
    return dataclasses.replace(sc, positions=pos, incidents=inc, assets=assets, zones=zones)


@pytest.mark.slow
def test_report_escapes_every_string_from_the_data(scenario, tmp_path):
    sc = _hostile(scenario, _payload)
    # the user-data path: every table (and the zones) given by the caller
    out = report.build_report(
        positions=sc.positions,
        incidents=sc.incidents,
        zones=sc.zones,
        out=tmp_path / "r.html",
        progress=False,
    )
    html = out.read_text(encoding="utf-8")
    assert "<script>alert(" not in html
    assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    reached = sorted(set(re.findall(r"alert\(&#34;([\w.]+)&#34;\)", html)))
    # what reached the page did so escaped; the zone names are shown on it
    assert {f"zone.name.{z}" for z in ("ly_west", "tn_sfax")} <= set(reached), reached


@pytest.mark.slow
def test_math_text_in_names_does_not_break_the_figures(scenario, tmp_path):
    sc = _hostile(scenario, lambda tag: f"$\\frac{{{tag}}}{{$ 100% _{{x}}^{{y}} \\alpha$ $")
    out = report.build_report(
        positions=sc.positions,
        incidents=sc.incidents,
        zones=sc.zones,
        out=tmp_path / "r.html",
        progress=False,
    )
    assert out.stat().st_size > 10_000


# --------------------------------------------------------------------------- #
# CSV exports
# --------------------------------------------------------------------------- #

FORMULAS = ("=cmd|' /C calc'!A0", "@SUM(1+1)", '+HYPERLINK("http://x")', "-2+3+cmd|' /C calc'!A0")


def _number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


def _formula_cells(text: str) -> list[str]:
    return [
        cell
        for row in csv.reader(io.StringIO(text))
        for cell in row
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not _number(cell)
    ]


def _positions_with_formulas() -> pd.DataFrame:
    from _formats import positions_frame

    df = positions_frame()
    df["name"] = [FORMULAS[i % len(FORMULAS)] for i in range(len(df))]
    return df


def test_formula_detector_finds_formulas_and_spares_numbers():
    assert _formula_cells("a,-1,+2.5,-0,=1+1,@x\n") == ["=1+1", "@x"]


def test_write_positions_round_trip_keeps_hostile_text_verbatim(tmp_path):
    """Whatever the CSV escaping, reading the file back gives the exact strings (Parquet and CSV)."""
    from medroutes.io import read_positions, write_positions

    df = _positions_with_formulas()
    for name in ("p.parquet", "p.csv"):
        f = write_positions(df, tmp_path / name)
        back = read_positions(f)
        assert sorted(back["name"]) == sorted(df["name"]), name
