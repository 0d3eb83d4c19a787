import math

import _plotdata as pdata
import geopandas as gpd
import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PathCollection

import medroutes.plot as mp
from medroutes.errors import ConfigError, SchemaError
from medroutes.geo import MED_CRS


def _edge_collection(ax):
    (lc,) = [c for c in ax.collections if c.get_gid() == "medroutes-edges"]
    return lc


def _legend_texts(ax):
    out = []
    for leg in [ax.get_legend(), *[a for a in ax.artists if a.__class__.__name__ == "Legend"]]:
        if leg is not None:
            out += [t.get_text() for t in leg.get_texts()]
    return out


# --------------------------------------------------------------------------- route graph


def test_route_graph_edge_widths_are_proportional_to_flow():
    _fig, ax = mp.plot_route_graph(pdata.small_graph(), max_width=6.0)
    lc = _edge_collection(ax)
    widths = np.sort(lc.get_linewidths())
    w = np.array(sorted(e[2] for e in pdata.EDGES), dtype=float)
    expected = np.maximum(0.4, 6.0 * w / w.max())  # by hand: width = max_width * w / wmax
    np.testing.assert_allclose(widths, expected)
    assert widths[-1] == 6.0
    assert len(lc.get_segments()) == len(pdata.EDGES)


def test_route_graph_from_gdfs_matches_the_graph():
    _, ax1 = mp.plot_route_graph(pdata.small_graph())
    _, ax2 = mp.plot_route_graph(pdata.small_gdfs())
    np.testing.assert_allclose(
        np.sort(_edge_collection(ax1).get_linewidths()), np.sort(_edge_collection(ax2).get_linewidths())
    )


def test_route_graph_min_weight_hides_and_counts_edges():
    _, ax = mp.plot_route_graph(pdata.small_graph(), min_weight=15)
    n_small = sum(1 for e in pdata.EDGES if e[2] < 15)
    assert len(_edge_collection(ax).get_segments()) == len(pdata.EDGES) - n_small
    assert f"{n_small} edges below 15 not drawn" in _legend_texts(ax)


def test_route_graph_marks_zone_nodes_and_legend():
    _, ax = mp.plot_route_graph(pdata.small_graph())
    texts = _legend_texts(ax)
    assert "Departure zone" in texts and "Arrival zone" in texts
    assert "100 voyages" in texts  # width legend in round numbers
    labels = {t.get_text().strip() for t in ax.texts}
    assert {"ly_west", "tn_sfax", "it_lampedusa", "mt_malta"} <= labels
    assert "c1" not in labels


def test_route_graph_straight_lines_when_edges_have_no_geometry():
    G = pdata.small_graph()
    for _, _, d in G.edges(data=True):
        del d["geometry"]
    _, ax = mp.plot_route_graph(G)
    segs = _edge_collection(ax).get_segments()
    starts = {tuple(np.round(s[0], 6)) for s in segs}
    assert tuple(np.round(pdata.CELLS["ly_west"], 6)) in starts


def test_route_graph_errors():
    with pytest.raises(ConfigError, match="networkx graph"):
        mp.plot_route_graph(pd.DataFrame())
    with pytest.raises(SchemaError, match="'persons_x'"):
        mp.plot_route_graph(pdata.small_graph(), weight="persons_x")


# --------------------------------------------------------------------------- incidents


def test_incident_marker_area_is_proportional_to_dead_and_missing():
    inc = pdata.small_incidents()
    _fig, ax = mp.plot_incidents(inc, max_area=700.0)
    sizes = np.concatenate(
        [c.get_sizes() for c in ax.collections if c.get_label() in {"shipwreck", "death", "rescue"}]
    )
    # dead + missing by hand, mapped incidents with a known count: 100, 3, 0, 1
    dm = np.array([100.0, 3.0, 0.0, 1.0])
    expected = 8 + (700 - 8) * dm / 100
    np.testing.assert_allclose(np.sort(sizes), np.sort(expected))
    # area (not radius) proportional: (s - 8) / count is constant
    k = (np.sort(sizes)[1:] - 8) / np.sort(dm)[1:]
    np.testing.assert_allclose(k, k[0])


def test_incident_size_legend_uses_the_same_scale():
    inc = pdata.small_incidents()
    _, ax = mp.plot_incidents(inc)
    legends = [a for a in ax.artists if a.__class__.__name__ == "Legend"]
    (size_leg,) = legends
    for handle, text in zip(size_leg.legend_handles, size_leg.get_texts(), strict=True):
        level = float(text.get_text().split()[0].replace(",", ""))
        assert handle.get_markersize() ** 2 == pytest.approx(8 + 692 * level / 100)


def test_incidents_without_location_or_count_are_reported_not_hidden():
    inc = pdata.small_incidents()
    _, ax = mp.plot_incidents(inc)
    texts = _legend_texts(ax)
    assert "1 without coordinates not shown" in texts
    assert "count unknown (1)" in texts  # i6: dead and missing both unknown
    assert "Incidents (5 mapped)" in ax.get_title()


def test_incident_colours_follow_the_type_palette():
    _, ax = mp.plot_incidents(pdata.small_incidents())
    by_label = {c.get_label(): c for c in ax.collections}
    np.testing.assert_allclose(
        by_label["shipwreck"].get_facecolor()[0][:3], mcolors.to_rgb(mp.INCIDENT_COLORS["shipwreck"])
    )
    np.testing.assert_allclose(
        by_label["rescue"].get_facecolor()[0][:3], mcolors.to_rgb(mp.INCIDENT_COLORS["rescue"])
    )


def test_incidents_missing_column():
    with pytest.raises(SchemaError, match="'dead'"):
        mp.plot_incidents(pdata.small_incidents().drop(columns="dead"))


# --------------------------------------------------------------------------- risk map


def test_risk_map_colours_and_hatches_by_category():
    table = pdata.small_risk_table()
    _, ax = mp.plot_risk_map(table)
    for cat in mp.RISK_CATEGORIES:
        coll = [c for c in ax.collections if c.get_gid() == f"medroutes-risk-{cat}"]
        (c,) = coll
        assert isinstance(c, PathCollection)
        assert len(c.get_paths()) >= int((table["category"] == cat).sum())
        np.testing.assert_allclose(c.get_facecolor()[0][:3], mcolors.to_rgb(mp.RISK_COLORS[cat]))
        assert (c.get_hatch() or "") == mp.RISK_HATCHES[cat]
    assert mp.RISK_HATCHES["Insufficient data"] and not mp.RISK_HATCHES["High"]
    texts = _legend_texts(ax)
    counts = table["category"].value_counts()
    for cat in mp.RISK_CATEGORIES:
        assert f"{cat} ({counts.get(cat, 0)})" in texts
    assert "zone" in ax.get_title()


def test_risk_map_from_result_like_object_and_lines():
    table = pdata.small_risk_table()
    edges = pd.DataFrame(
        {
            "unit_id": ["a", "b"],
            "unit_type": "edge",
            "category": ["High", "Insufficient data"],
            "geometry": gpd.GeoSeries.from_wkt(
                ["LINESTRING (12 33, 12.5 34)", "LINESTRING (12 34, 13 35)"]
            ).to_numpy(),
        }
    )

    class Result:
        zones = table

    Result.edges = edges
    _, ax = mp.plot_risk_map(Result(), level="edges")
    lcs = [
        c
        for c in ax.collections
        if isinstance(c, LineCollection) and (c.get_gid() or "").startswith("medroutes-risk")
    ]
    assert {c.get_gid() for c in lcs} == {"medroutes-risk-High", "medroutes-risk-Insufficient data"}
    with pytest.raises(ConfigError, match="level"):
        mp.plot_risk_map(Result(), level="nope")


def test_risk_map_units_without_location_are_counted():
    table = pd.concat([pdata.small_risk_table(), pd.DataFrame({"unit_id": ["nowhere"], "category": ["Low"]})])
    _, ax = mp.plot_risk_map(table)
    assert "1 units without a location" in _legend_texts(ax)


def test_risk_map_rejects_unknown_categories():
    table = pdata.small_risk_table().assign(category=["Low", "Extreme", "High", "Low", "Low", "Low"])
    with pytest.raises(SchemaError, match="1 of 6 rows"):
        mp.plot_risk_map(table)


# Machado, Oliveira & Fernandes (2009), severity 1.0, applied in linear RGB.
_CVD = {
    "protanopia": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deuteranopia": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritanopia": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
    "normal": np.eye(3).tolist(),
}


def _lab(rgb):
    rgb = np.asarray(rgb, dtype=float)
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return lin


def _to_lab(lin):
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = lin @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack(
        [116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1
    )


@pytest.mark.parametrize("vision", list(_CVD))
def test_risk_palette_stays_ordered_and_distinct_under_colour_blindness(vision):
    cats = ["Low", "Medium", "High", "Very high"]
    lin = _lab([mcolors.to_rgb(mp.RISK_COLORS[c]) for c in cats])
    sim = np.clip(lin @ np.asarray(_CVD[vision]).T, 0, 1)
    lab = _to_lab(sim)
    lightness = lab[:, 0]
    assert np.all(np.diff(lightness) < -5), lightness  # darker with every step up
    de = np.linalg.norm(np.diff(lab, axis=0), axis=1)
    assert de.min() > 10, de
    # "Insufficient data" grey is hatched, and differs from its neighbours in colour too
    grey = _to_lab(
        np.clip(_lab(mcolors.to_rgb(mp.RISK_COLORS["Insufficient data"])) @ np.asarray(_CVD[vision]).T, 0, 1)
    )
    assert min(np.linalg.norm(lab - grey, axis=1)) > 5


# --------------------------------------------------------------------------- corridors


def test_corridor_bands_match_a_geopandas_buffer():
    cor = pdata.small_corridors()
    _, ax = mp.plot_corridors(cor)
    bands = [c for c in ax.collections if isinstance(c, PathCollection) and c.get_gid() != "medroutes-land"]
    assert len(bands) == 2
    lines = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(lines) == 2
    from medroutes.plot._maps import _corridor_bands

    ours = gpd.GeoSeries(_corridor_bands(cor), crs=4326).to_crs(MED_CRS).area.to_numpy()
    ref = cor.to_crs(MED_CRS).buffer(cor["half_width_km"] * 1000).area.to_numpy()
    np.testing.assert_allclose(ours, ref, rtol=0.01)
    texts = _legend_texts(ax)
    assert "0 (140 voyages)" in texts and "Corridor band" in texts


def test_corridors_with_a_band_column_and_no_geometry_error():
    cor = pdata.small_corridors()
    from medroutes.plot._maps import _corridor_bands

    cor2 = cor.assign(band=_corridor_bands(cor)).drop(columns="half_width_km")
    _, ax = mp.plot_corridors(cor2)
    assert len([c for c in ax.collections if isinstance(c, PathCollection)]) == 3  # land + 2 bands
    with pytest.raises(SchemaError, match="geometry"):
        mp.plot_corridors(pd.DataFrame({"corridor_id": [1]}))


# --------------------------------------------------------------------------- all maps


@pytest.mark.parametrize(
    "make",
    [
        lambda: mp.plot_route_graph(pdata.small_graph()),
        lambda: mp.plot_incidents(pdata.small_incidents()),
        lambda: mp.plot_risk_map(pdata.small_risk_table()),
        lambda: mp.plot_corridors(pdata.small_corridors()),
    ],
)
def test_maps_have_units_legend_scale_bar_arrow_and_aspect(make, monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("plot functions must not call show()"))
    fig, ax = make()
    assert "[°]" in ax.get_xlabel() and "[°]" in ax.get_ylabel()
    assert ax.get_legend() is not None
    gids = {a.get_gid() for a in ax.get_children()}
    assert {"medroutes-scalebar", "medroutes-north-arrow", "medroutes-land"} <= gids
    lat0, lat1 = ax.get_ylim()
    assert ax.get_aspect() == pytest.approx(1 / math.cos(math.radians((lat0 + lat1) / 2)))
    mp.render_figure(fig)  # draws without error


def test_names_with_dollar_signs_render_literally():
    G = pdata.small_graph()
    import networkx as nx

    G = nx.relabel_nodes(G, {"ly_west": "$\\frac{bad$"})
    fig, ax = mp.plot_route_graph(G, basemap=False)
    mp.render_figure(fig)  # no mathtext parse error
    assert any(t.get_text().strip() == "$\\frac{bad$" for t in ax.texts)
