"""Map axes: land, sea, graticule, scale bar and north arrow in lon/lat."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch
from matplotlib.path import Path
from matplotlib.ticker import FixedLocator, FuncFormatter
from numpy.typing import ArrayLike

from medroutes.errors import ConfigError
from medroutes.geo import EARTH_RADIUS_KM, haversine_km
from medroutes.plot._style import COAST_COLOR, GRID_COLOR, LAND_COLOR, SEA_COLOR

__all__ = ["CENTRAL_MED_EXTENT", "plot_basemap", "scale_bar_length_km"]

#: Default map extent (lon_min, lon_max, lat_min, lat_max) [deg]: Tunisia to Crete, Libya to Apulia.
CENTRAL_MED_EXTENT: tuple[float, float, float, float] = (9.0, 25.0, 30.5, 41.0)

Extent = tuple[float, float, float, float]

SCALEBAR_GID = "medroutes-scalebar"
NORTH_ARROW_GID = "medroutes-north-arrow"
_HALO = [patheffects.withStroke(linewidth=2.5, foreground="white")]


def _safe(text: object) -> str:
    """Make a label from input data safe for matplotlib (no mathtext from ``$``)."""
    return str(text).replace("$", r"\$")


def _new_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is None:
        new_fig, new_ax = plt.subplots(figsize=figsize)
        return new_fig, new_ax
    if not isinstance(ax, Axes):
        raise ConfigError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    root = ax.get_figure(root=True)
    assert isinstance(root, Figure)
    return root, ax


def _check_extent(extent: Sequence[float] | None) -> Extent:
    if extent is None:
        return CENTRAL_MED_EXTENT
    try:
        lon0, lon1, lat0, lat1 = (float(v) for v in extent)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"extent must be (lon_min, lon_max, lat_min, lat_max) in degrees, got {extent!r}"
        ) from exc
    if not (-180 <= lon0 < lon1 <= 180 and -85 <= lat0 < lat1 <= 85):
        raise ConfigError(
            f"extent must be (lon_min, lon_max, lat_min, lat_max) with min < max, "
            f"lon in -180..180 and lat in -85..85 [deg], got {extent!r}"
        )
    return lon0, lon1, lat0, lat1


def _data_extent(lon: ArrayLike, lat: ArrayLike, *, pad: float = 0.12, min_span: float = 3.0) -> Extent:
    """Return the padded bounding box of finite points (the Central Med default when there are none)."""
    x = np.asarray(lon, dtype=np.float64).ravel()
    y = np.asarray(lat, dtype=np.float64).ravel()
    ok = np.isfinite(x) & np.isfinite(y)
    if not ok.any():
        return CENTRAL_MED_EXTENT
    x0, x1, y0, y1 = x[ok].min(), x[ok].max(), y[ok].min(), y[ok].max()
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    sx = max(x1 - x0, min_span) * (1 + 2 * pad)
    sy = max(y1 - y0, min_span) * (1 + 2 * pad)
    lat0, lat1 = max(cy - sy / 2, -85.0), min(cy + sy / 2, 85.0)
    return (max(cx - sx / 2, -180.0), min(cx + sx / 2, 180.0), lat0, lat1)


def _graticule_step(span: float) -> float:
    for step in (0.25, 0.5, 1.0, 2.0, 5.0, 10.0):
        if span / step <= 9:
            return step
    return 20.0


def _fmt_deg(hemi: tuple[str, str]):  # type: ignore[no-untyped-def]
    def fmt(v: float, _pos: int | None = None) -> str:
        if abs(v) < 1e-9:
            return "0°"
        txt = f"{abs(v):g}"
        return f"{txt}°{hemi[0] if v > 0 else hemi[1]}"

    return fmt


def _polygon_paths(geoms: np.ndarray) -> list[Path]:
    """Matplotlib paths (with holes) of Polygons/MultiPolygons."""
    paths: list[Path] = []
    parts = shapely.get_parts(geoms)
    parts = parts[shapely.get_type_id(parts) == 3]
    for poly in parts:
        rings = [poly.exterior, *poly.interiors]
        verts: list[np.ndarray] = []
        codes: list[np.ndarray] = []
        for ring in rings:
            xy = shapely.get_coordinates(ring)
            if len(xy) < 3:
                continue
            c = np.full(len(xy), Path.LINETO, dtype=np.uint8)
            c[0] = Path.MOVETO
            c[-1] = Path.CLOSEPOLY
            verts.append(xy)
            codes.append(c)
        if verts:
            paths.append(Path(np.concatenate(verts), np.concatenate(codes)))
    return paths


@lru_cache(maxsize=8)
def _land_clipped(extent: Extent) -> np.ndarray:
    from medroutes.geo import land

    lon0, lon1, lat0, lat1 = extent
    mx, my = (lon1 - lon0) * 0.05, (lat1 - lat0) * 0.05
    geoms = land().geometry.to_numpy()
    clipped = shapely.clip_by_rect(geoms, lon0 - mx, lat0 - my, lon1 + mx, lat1 + my)
    return np.asarray(clipped[~shapely.is_empty(clipped)], dtype=object)


def scale_bar_length_km(extent: Sequence[float], *, fraction: float = 0.22) -> float:
    """Pick a round scale-bar length (1, 2 or 5 times a power of ten) [km].

    Parameters
    ----------
    extent
        Map extent (lon_min, lon_max, lat_min, lat_max) [deg].
    fraction
        Target share of the map width at the bar's latitude.

    Returns
    -------
    float
        Bar length [km], the largest round value not longer than the target.
    """
    lon0, lon1, lat0, lat1 = _check_extent(extent)
    lat = lat0 + 0.06 * (lat1 - lat0)
    width = float(haversine_km(lat, lon0, lat, lon1)) if lon1 - lon0 < 180 else 1e4
    target = max(width * fraction, 1e-3)
    p = 10 ** math.floor(math.log10(target))
    return float(max(m * p for m in (1, 2, 5) if m * p <= target))


def _dlon_for_km(length_km: float, lat: float) -> float:
    """Longitude span [deg] whose haversine length along the parallel ``lat`` is ``length_km``."""
    s = math.sin(length_km / (2.0 * EARTH_RADIUS_KM)) / math.cos(math.radians(lat))
    if s >= 1:
        raise ConfigError(f"a {length_km} km scale bar does not fit at latitude {lat:.1f}°")
    return math.degrees(2.0 * math.asin(s))


def _add_scale_bar(ax: Axes, extent: Extent) -> None:
    lon0, lon1, lat0, lat1 = extent
    length = scale_bar_length_km(extent)
    lat = lat0 + 0.06 * (lat1 - lat0)
    x0 = lon0 + 0.04 * (lon1 - lon0)
    x1 = x0 + _dlon_for_km(length, lat)
    (line,) = ax.plot(
        [x0, x1], [lat, lat], color="black", lw=3, solid_capstyle="butt", zorder=20, gid=SCALEBAR_GID
    )
    line.set_path_effects([patheffects.withStroke(linewidth=5, foreground="white")])
    half = (x0 + x1) / 2
    ax.plot([half, x1], [lat, lat], color="white", lw=1.6, solid_capstyle="butt", zorder=21)
    label = f"{length:g} km"
    ax.text(
        (x0 + x1) / 2,
        lat + 0.012 * (lat1 - lat0),
        label,
        ha="center",
        va="bottom",
        fontsize=7.5,
        zorder=21,
        path_effects=_HALO,
        gid=SCALEBAR_GID + "-label",
    )


def _add_north_arrow(ax: Axes) -> None:
    box = FancyBboxPatch(
        (0.93, 0.775),
        0.05,
        0.2,
        boxstyle="round,pad=0.005",
        transform=ax.transAxes,
        facecolor="white",
        edgecolor="none",
        alpha=0.75,
        zorder=20,
    )
    ax.add_patch(box)
    ax.annotate(
        "",
        xy=(0.955, 0.90),
        xytext=(0.955, 0.80),
        xycoords="axes fraction",
        textcoords="axes fraction",
        arrowprops={"arrowstyle": "-|>,head_width=0.35,head_length=0.7", "color": "black", "lw": 1.6},
        zorder=21,
        gid=NORTH_ARROW_GID,
    )
    ax.text(
        0.955,
        0.935,
        "N",
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=9,
        fontweight="bold",
        zorder=21,
        path_effects=_HALO,
        gid=NORTH_ARROW_GID + "-label",
    )


def _set_map_axes(ax: Axes, extent: Extent) -> None:
    """Limits, aspect 1/cos(mean lat), degree graticule with labels and axis units."""
    lon0, lon1, lat0, lat1 = extent
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(1.0 / math.cos(math.radians((lat0 + lat1) / 2.0)), adjustable="box")
    step = _graticule_step(max(lon1 - lon0, lat1 - lat0))
    xt = np.arange(math.ceil(lon0 / step) * step, lon1 + 1e-9, step)
    yt = np.arange(math.ceil(lat0 / step) * step, lat1 + 1e-9, step)
    ax.xaxis.set_major_locator(FixedLocator(xt.tolist()))
    ax.yaxis.set_major_locator(FixedLocator(yt.tolist()))
    ax.xaxis.set_major_formatter(FuncFormatter(_fmt_deg(("E", "W"))))
    ax.yaxis.set_major_formatter(FuncFormatter(_fmt_deg(("N", "S"))))
    ax.grid(True, color=GRID_COLOR, lw=0.5, ls=(0, (2, 2)), zorder=1)
    ax.set_axisbelow(False)
    ax.set_xlabel("Longitude [°]")
    ax.set_ylabel("Latitude [°]")


def _map_frame(
    ax: Axes | None,
    extent: Sequence[float] | None,
    *,
    basemap: bool,
    figsize: tuple[float, float] = (8.0, 6.0),
) -> tuple[Figure, Axes, Extent]:
    """Create or reuse axes and draw the basemap (or only the graticule) for a map function."""
    ext = _check_extent(extent)
    if basemap:
        fig, ax = plot_basemap(ax, extent=ext, figsize=figsize)
    else:
        fig, ax = _new_axes(ax, figsize)
        _set_map_axes(ax, ext)
    return fig, ax, ext


def plot_basemap(
    ax: Axes | None = None,
    *,
    extent: Sequence[float] | None = None,
    scale_bar: bool = True,
    north_arrow: bool = True,
    figsize: tuple[float, float] = (8.0, 6.0),
) -> tuple[Figure, Axes]:
    """Draw the Mediterranean base map: sea, land, graticule, scale bar and north arrow.

    Coordinates are lon/lat (WGS84) with the aspect ratio set to
    ``1 / cos(mean latitude)`` so that shapes look as on an equal-area map at
    these latitudes. Land comes from :func:`medroutes.geo.land` (Natural Earth,
    public domain), so no file or network is needed.

    Parameters
    ----------
    ax
        Axes to draw on; a new figure when ``None``.
    extent
        (lon_min, lon_max, lat_min, lat_max) [deg]; default the Central
        Mediterranean (:data:`CENTRAL_MED_EXTENT`).
    scale_bar
        Draw a scale bar of a round length [km], computed with the haversine
        distance along the parallel it is drawn on.
    north_arrow
        Draw a north arrow (north is up in lon/lat axes).
    figsize
        Size of a new figure [inch].

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    """
    ext = _check_extent(extent)
    fig, ax = _new_axes(ax, figsize)
    ax.set_facecolor(SEA_COLOR)
    paths = _polygon_paths(_land_clipped(ext))
    if paths:
        coll = PathCollection(
            paths, facecolor=LAND_COLOR, edgecolor=COAST_COLOR, linewidth=0.5, zorder=2, label="_land"
        )
        coll.set_gid("medroutes-land")
        ax.add_collection(coll, autolim=False)
    _set_map_axes(ax, ext)
    if scale_bar:
        _add_scale_bar(ax, ext)
    if north_arrow:
        _add_north_arrow(ax)
    ax.text(
        0.995,
        0.005,
        "Land: Natural Earth (public domain)",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=6,
        color="#555555",
        zorder=21,
    )
    return fig, ax
