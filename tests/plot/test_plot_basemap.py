import math

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection

import medroutes.plot as mp
from medroutes.errors import ConfigError, MedroutesError
from medroutes.geo import haversine_km


def _by_gid(ax, gid):
    return [a for a in ax.get_children() if a.get_gid() == gid]


def test_basemap_returns_fig_ax_with_units_and_degree_labels():
    fig, ax = mp.plot_basemap(extent=(10, 20, 32, 38))
    assert ax.get_figure() is fig
    assert ax.get_xlim() == (10, 20) and ax.get_ylim() == (32, 38)
    assert "[°]" in ax.get_xlabel() and "[°]" in ax.get_ylabel()
    fig.canvas.draw()
    xt = [t.get_text() for t in ax.get_xticklabels()]
    yt = [t.get_text() for t in ax.get_yticklabels()]
    assert "12°E" in xt and "34°N" in yt


def test_aspect_is_one_over_cos_mean_latitude():
    _, ax = mp.plot_basemap(extent=(10, 20, 30, 40))
    assert ax.get_aspect() == pytest.approx(1 / math.cos(math.radians(35.0)))


def test_reuses_given_axes():
    fig, ax0 = plt.subplots()
    fig2, ax = mp.plot_basemap(ax0)
    assert ax is ax0 and fig2 is fig


def test_land_paths_contain_sicily_not_the_sea():
    _, ax = mp.plot_basemap()
    (land,) = _by_gid(ax, "medroutes-land")
    assert isinstance(land, PathCollection)
    paths = land.get_paths()
    inside = lambda lon, lat: any(p.contains_point((lon, lat)) for p in paths)  # noqa: E731
    assert inside(14.0, 37.5)  # central Sicily
    assert inside(12.0, 31.5)  # Libya, inland
    assert not inside(16.0, 35.0)  # open sea between Libya and Sicily
    assert not inside(12.2, 35.0)


@pytest.mark.parametrize("extent", [(9, 25, 30.5, 41), (12, 13, 35, 36), (-5, 36, 30, 46)])
def test_scale_bar_length_matches_its_label(extent):
    _, ax = mp.plot_basemap(extent=extent)
    (bar,) = _by_gid(ax, "medroutes-scalebar")
    (label,) = _by_gid(ax, "medroutes-scalebar-label")
    x = bar.get_xdata()
    y = bar.get_ydata()
    km = float(label.get_text().removesuffix(" km"))
    assert km == mp.scale_bar_length_km(extent)
    # independent: haversine between the drawn end points
    assert float(haversine_km(y[0], x[0], y[1], x[1])) == pytest.approx(km, rel=1e-6)
    # a round number taking 10-25 % of the map width at that latitude
    width = float(haversine_km(y[0], extent[0], y[0], extent[1]))
    assert 0.08 * width <= km <= 0.221 * width
    mant = km / 10 ** math.floor(math.log10(km))
    assert round(mant, 6) in (1.0, 2.0, 5.0)


def test_scale_bar_against_projected_distance():
    """The bar length also holds in the package's equal-area CRS (within its < 1 % distortion)."""
    from medroutes.geo import to_med_xy

    _, ax = mp.plot_basemap(extent=(10, 20, 32, 38))
    (bar,) = _by_gid(ax, "medroutes-scalebar")
    km = mp.scale_bar_length_km((10, 20, 32, 38))
    x, y = to_med_xy(bar.get_xdata(), bar.get_ydata())
    assert math.hypot(x[1] - x[0], y[1] - y[0]) / 1000 == pytest.approx(km, rel=0.01)


def test_north_arrow_points_up():
    _, ax = mp.plot_basemap()
    (arrow,) = _by_gid(ax, "medroutes-north-arrow")
    assert arrow.xy[1] > arrow.xyann[1] and arrow.xy[0] == arrow.xyann[0]
    (label,) = _by_gid(ax, "medroutes-north-arrow-label")
    assert label.get_text() == "N"


def test_options_switch_scale_bar_and_arrow_off():
    _, ax = mp.plot_basemap(scale_bar=False, north_arrow=False)
    assert not _by_gid(ax, "medroutes-scalebar") and not _by_gid(ax, "medroutes-north-arrow")


@pytest.mark.parametrize("extent", [(20, 10, 30, 40), (10, 20, 40, 30), (1, 2, 3), "x", (10, 20, 30, 95)])
def test_bad_extent_is_a_config_error(extent):
    with pytest.raises(ConfigError, match="extent"):
        mp.plot_basemap(extent=extent)


def test_bad_ax_is_a_config_error():
    with pytest.raises(MedroutesError, match="matplotlib Axes"):
        mp.plot_basemap("not an axes")


def test_default_extent_covers_the_central_med():
    lon0, lon1, lat0, lat1 = mp.CENTRAL_MED_EXTENT
    for lon, lat in [(11.2, 35.1), (13.0, 32.9), (12.6, 35.5), (16.8, 38.7), (23.9, 32.1)]:
        assert lon0 < lon < lon1 and lat0 < lat < lat1
    assert np.isfinite(mp.scale_bar_length_km(mp.CENTRAL_MED_EXTENT))
