"""The report on the bundled sample: sections, self-containment, suppression, escaping, provenance."""

from __future__ import annotations

import base64
import hashlib
import html as htmlmod
import re
import struct
import sys

import geopandas as gpd
import pandas as pd
import pytest

import medroutes as mr
from medroutes.errors import ConfigError, OptionalDependencyError, OutputError
from medroutes.report import build_report, parse_period

sys.path.insert(0, __import__("os").path.dirname(__file__))
from _reporthtml import parse

SECTIONS = [
    "summary",
    "quality",
    "departures",
    "routes",
    "risk",
    "incidents",
    "changes",
    "methodology",
    "responsible-use",
    "sources",
    "provenance",
]
EVIL = "<script>alert(1)</script>"


def _table(t, section, first_header):
    for tab in t.tables:
        if tab["section"] == section and tab["rows"] and tab["rows"][0][0][2] == first_header:
            return [[c[2] for c in row] for row in tab["rows"]]
    raise AssertionError(f"no table starting with {first_header!r} in section {section!r}")


def test_every_section_is_there(sample_html):
    for s in SECTIONS:
        assert f'<section id="{s}">' in sample_html
    t = parse(sample_html)
    assert len(t.images) >= 5


def test_self_contained_no_network_no_script(sample_html):
    low = sample_html.lower()
    assert not re.search(
        r"""\b(?:src|href|action|poster|srcset|data)\s*=\s*["']?\s*(?:https?:)?//""", sample_html, re.I
    )
    assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", sample_html, re.I)
    assert "@import" not in low and "<link" not in low and "<script" not in low and "<iframe" not in low
    assert "default-src 'none'; img-src data:" in sample_html  # CSP: nothing may load from elsewhere
    t = parse(sample_html)
    ids = set(re.findall(r'\bid="([^"]+)"', sample_html))
    for href in t.links:
        assert href.startswith("#") and href[1:] in ids, href


def test_images_are_inline_pngs_of_the_declared_size(sample_html):
    t = parse(sample_html)
    for img in t.images:
        src = img["src"]
        assert src.startswith("data:image/png;base64,")
        png = base64.b64decode(src.split(",", 1)[1])
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        w, h = struct.unpack(">II", png[16:24])
        assert (int(img["width"]), int(img["height"])) == (w, h)
        assert img["alt"]


def _sample_voyage_counts():
    """Departures per zone computed here with the stages and plain pandas (not the report's tables)."""
    sc = mr.datasets.load_sample()
    pos = sc.positions[~sc.positions["vessel_type"].isin(["sar_vessel", "patrol_vessel"])]
    pos, _ = mr.tracks.clean_positions(pos, on_invalid="drop")
    return mr.tracks.split_voyages(pos).table["departure_zone"].value_counts()


def test_small_counts_are_suppressed_in_tables(sample_html):
    counts = _sample_voyage_counts()
    rows = {r[0]: r for r in _table(parse(sample_html), "departures", "Departure zone")[1:]}
    small = {z: n for z, n in counts.items() if 0 < n < 5}
    assert small, "the sample should have a zone with 1-4 departures"
    for zone, n in counts.items():
        assert rows[zone][2] == ("<5" if 0 < n < 5 else f"{n:,}"), zone
    assert "&lt;5" in sample_html
    # no numeric cell of a people/voyage/incident table shows 1, 2, 3 or 4
    t = parse(sample_html)
    for tab in t.tables:
        if tab["section"] in ("quality", "provenance"):  # data rows and file rows, not people
            continue
        for row in tab["rows"]:
            for _tag, cls, text in row:
                if "n" in cls.split():
                    assert text.strip() not in {"1", "2", "3", "4"}, (tab["section"], row)


def test_responsible_use_and_credits(sample_html):
    assert htmlmod.escape(mr.RESPONSIBLE_USE) in sample_html
    for phrase in ("Aggregates only", "Duty to rescue", "Human rights", "non-refoulement"):
        assert phrase in sample_html
    assert "Natural Earth" in sample_html and "synthetic" in sample_html
    assert "CC BY 4.0" not in sample_html  # IOM data are not used by the sample: no IOM licence row


def test_provenance_lists_seed_versions_and_checksums(sample_html):
    sc_dir = mr.datasets.sample_dir()
    sha = hashlib.sha256((sc_dir / "positions.parquet").read_bytes()).hexdigest()
    assert sha in sample_html
    prov = _table(parse(sample_html), "provenance", "medroutes")
    d = {r[0]: r[1] for r in prov}
    assert d["seed"] == "7" and d["medroutes"] == mr.__version__
    assert d["version: pandas"] == pd.__version__
    assert "TrackConfig(" in sample_html and "RiskConfig(" in sample_html


def test_risk_table_has_categories_intervals_and_explanations(sample_html):
    rows = _table(parse(sample_html), "risk", "Unit")
    header, body = rows[0], rows[1:]
    assert any("interval" in h for h in header)
    cats = {r[1] for r in body}
    assert cats <= {"Low", "Medium", "High", "Very high", "Insufficient data"}
    result_zones = None
    for r in body:
        assert r[6]  # explanation
        if r[1] != "Insufficient data":
            assert re.fullmatch(r"0\.\d\d \(0\.\d\d–[01]\.\d\d\)", r[2]), r[2]
    del result_zones


def test_escapes_every_string_from_the_data(tmp_path):
    zones = mr.geo.zones()
    zones.loc[zones["zone_id"] == "tn_sfax", "name"] = EVIL
    sc = mr.datasets.load_sample()
    sc.positions["name"] = EVIL
    out = build_report(
        scenario=sc,
        zones=gpd.GeoDataFrame(zones, crs=4326),
        period="2023-08-01:2023-08-08",
        out=tmp_path / "r.html",
        title=f"Title {EVIL}",
        min_count=1,
    )
    text = out.read_text(encoding="utf-8")
    assert EVIL not in text and "<script" not in text.lower()
    assert htmlmod.escape(EVIL) in text
    # period selection and min_count=1 (every count shown)
    assert "2023-08-01" in text and "2023-08-08" in text
    assert "select the period" in text
    assert "&lt;1" not in text and "&lt;5" not in text


def test_same_input_gives_the_same_bytes(tmp_path, sample_report):
    again = build_report(out=tmp_path / "again.html")
    assert again.read_bytes() == sample_report.read_bytes()


def test_pdf_without_weasyprint_gives_the_install_hint(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(OptionalDependencyError, match=r"pip install 'medroutes\[pdf\]'"):
        build_report(out=tmp_path / "r.pdf")
    assert not list(tmp_path.iterdir())


def test_input_errors_are_clear(tmp_path):
    src = tmp_path / "positions.csv"
    src.write_text("vessel_id,timestamp,lat,lon,sog_kn,cog_deg\n")
    with pytest.raises(ConfigError, match="incidents are needed"):
        build_report(positions=src, out=tmp_path / "r.html")
    with pytest.raises(OutputError, match="refusing to overwrite the input"):
        build_report(positions=src, incidents=src, out=src)
    with pytest.raises(FileNotFoundError):
        build_report(positions=tmp_path / "nope.csv", incidents=src, out=tmp_path / "r.html")
    with pytest.raises(ConfigError, match="min_count"):
        build_report(out=tmp_path / "r.html", min_count=0)
    with pytest.raises(OutputError, match="does not exist"):
        build_report(out=tmp_path / "no" / "r.html")
    assert src.read_text().startswith("vessel_id")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["positions.csv"]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2023-01-01:2023-06-30", "2023-01-01T00:00Z", "2023-07-01T00:00Z"),
        ("2023-01-01/2023-01-01", "2023-01-01T00:00Z", "2023-01-02T00:00Z"),
        (("2023-01-01T06:00Z", "2023-01-02T06:00Z"), "2023-01-01T06:00Z", "2023-01-02T06:00Z"),
    ],
)
def test_parse_period(text, start, end):
    a, b = parse_period(text)
    assert a == pd.Timestamp(start) and b == pd.Timestamp(end)


@pytest.mark.parametrize("bad", ["2023-01-01", "2023-02-01:2023-01-01", "x:y", "2023-13-01:2023-12-01", 5])
def test_parse_period_errors(bad):
    with pytest.raises(ConfigError, match="period"):
        parse_period(bad)


def test_pdf_with_weasyprint(tmp_path):
    pytest.importorskip("weasyprint", reason="the optional 'pdf' extra (weasyprint) is not installed")
    out = build_report(period="2023-08-01:2023-08-04", out=tmp_path / "r.pdf")
    assert out.read_bytes()[:5] == b"%PDF-"
