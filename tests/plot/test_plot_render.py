import base64
import sys

import _plotdata as pdata
import pytest

import medroutes.plot as mp
from medroutes.errors import ConfigError, OptionalDependencyError


def _risk_png(fmt="png"):
    fig, _ = mp.plot_risk_map(pdata.small_risk_table())
    return mp.render_figure(fig, format=fmt)


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_rendering_is_byte_identical(fmt):
    a = _risk_png(fmt)
    b = _risk_png(fmt)
    assert a == b


def test_svg_and_png_carry_no_date_or_software_stamp():
    svg = _risk_png("svg").decode()
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    png = _risk_png("png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"Software" not in png and b"tIME" not in png


def test_data_uri():
    fig, _ = mp.plot_basemap()
    uri = mp.figure_to_data_uri(fig)
    assert uri.startswith("data:image/png;base64,")
    assert base64.b64decode(uri.split(",", 1)[1])[:4] == b"\x89PNG"
    assert mp.figure_to_data_uri(fig, format="svg").startswith("data:image/svg+xml;base64,")
    with pytest.raises(ConfigError, match="format"):
        mp.render_figure(fig, format="jpg")


# --------------------------------------------------------------------------- folium


def test_folium_map_escapes_strings_from_the_data():
    pytest.importorskip("folium")
    evil = "<script>alert(1)</script>"
    table = pdata.small_risk_table()
    table.loc[0, "explanation"] = evil
    table.loc[1, "unit_id"] = "ly_central"
    inc = pdata.small_incidents()
    inc["incident_type"] = inc["incident_type"].astype(str)
    inc.loc[0, "incident_type"] = evil
    m = mp.folium_map(table, graph=pdata.small_graph(), incidents=inc, tiles=None)
    html = m.get_root().render()
    assert evil not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Very high" in html and "Risk category" in html


def test_folium_missing_gives_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "folium", None)
    with pytest.raises(OptionalDependencyError, match=r"pip install 'medroutes\[web\]'"):
        mp.folium_map(pdata.small_risk_table())
