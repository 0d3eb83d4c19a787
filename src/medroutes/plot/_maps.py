"""Maps: route graph, corridors, incidents and risk categories."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from medroutes.errors import ConfigError, SchemaError
from medroutes.plot._base import _HALO, _data_extent, _map_frame, _polygon_paths, _safe
from medroutes.plot._style import INCIDENT_COLORS, OKABE_ITO, RISK_CATEGORIES, RISK_COLORS, RISK_HATCHES

if TYPE_CHECKING:
    import geopandas as gpd
    import networkx as nx

__all__ = [
    "edge_width",
    "incident_marker_area",
    "plot_corridors",
    "plot_incidents",
    "plot_risk_map",
    "plot_route_graph",
]

_EDGE_COLOR = "#08306b"
_WEIGHT_WORDS = {
    "n_voyages": "voyages",
    "n_vessels": "vessels",
    "persons": "persons",
    "dead_missing": "dead + missing",
}
_OUTSIDE: dict[str, Any] = {
    "loc": "upper left",
    "bbox_to_anchor": (1.02, 1.0),
    "borderaxespad": 0.0,
    "framealpha": 0.95,
}
_MIN_LW = 0.4


# --------------------------------------------------------------------------- #
# helpers
# --------------------------------------------------------------------------- #


def _nice_levels(vmax: float, n: int = 3) -> list[float]:
    """Up to ``n`` round values (1, 2, 5 x 10^k) not above ``vmax``, largest first."""
    if not vmax > 0:
        return []
    out: list[float] = []
    p = 10 ** math.floor(math.log10(vmax))
    cands = sorted({m * 10**k for k in range(-1, int(math.log10(p)) + 1) for m in (1, 2, 5)}, reverse=True)
    for c in cands:
        if c <= vmax and c >= 1 and (not out or c <= out[-1] / 4):
            out.append(float(c))
        if len(out) == n:
            break
    return out or [float(vmax)]


def _lines_xy(geoms: np.ndarray) -> list[np.ndarray]:
    """(n, 2) coordinate arrays of LineStrings / MultiLineStrings, one per part."""
    parts, owner = shapely.get_parts(geoms, return_index=True)
    del owner
    if len(parts) == 0:
        return []
    coords, idx = shapely.get_coordinates(parts, return_index=True)
    cuts = np.flatnonzero(np.diff(idx)) + 1
    return list(np.split(coords, cuts))


def edge_width(weight: np.ndarray | Sequence[float], *, wmax: float, max_width: float = 6.0) -> np.ndarray:
    """Line width of a flow-weighted edge, proportional to its weight [points].

    Parameters
    ----------
    weight
        Edge weights (e.g. voyages).
    wmax
        Weight drawn with ``max_width``.
    max_width
        Width of the heaviest edge [points].

    Returns
    -------
    numpy.ndarray
        ``max(0.4, max_width * weight / wmax)`` [points].
    """
    w = np.asarray(weight, dtype=np.float64)
    return np.maximum(_MIN_LW, max_width * w / wmax)


def _graph_tables(G: Any, weight: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes (node, x, y, kind) and edges (u, v, weight, geometry) from a graph or its GeoDataFrames."""
    import networkx as nx

    if isinstance(G, nx.Graph):
        nodes = pd.DataFrame(
            [
                (n, d.get("x", np.nan), d.get("y", np.nan), d.get("kind", "cell"), d.get("zone_id", n))
                for n, d in G.nodes(data=True)
            ],
            columns=["node", "x", "y", "kind", "label"],
        )
        rows = [(u, v, d.get(weight, np.nan), d.get("geometry")) for u, v, d in G.edges(data=True)]
        edges = pd.DataFrame(rows, columns=["u", "v", "weight", "geometry"])
    elif isinstance(G, tuple) and len(G) == 2:
        gn, ge = G
        gn = gn.reset_index()
        ge = ge.reset_index()
        node_col = "osmid" if "osmid" in gn.columns else ("node" if "node" in gn.columns else gn.columns[0])
        if "x" not in gn.columns or "y" not in gn.columns:
            gn = gn.assign(x=gn.geometry.x, y=gn.geometry.y)
        nodes = pd.DataFrame(
            {
                "node": gn[node_col].to_numpy(),
                "x": gn["x"].to_numpy(dtype=float),
                "y": gn["y"].to_numpy(dtype=float),
                "kind": gn["kind"].to_numpy() if "kind" in gn.columns else "cell",
                "label": gn["zone_id"].fillna(gn[node_col]).to_numpy()
                if "zone_id" in gn.columns
                else gn[node_col].to_numpy(),
            }
        )
        for col in ("u", "v", weight):
            if col not in ge.columns:
                raise SchemaError(f"route graph edges: column {col!r} is missing ({len(ge):,} rows)")
        edges = pd.DataFrame(
            {
                "u": ge["u"].to_numpy(),
                "v": ge["v"].to_numpy(),
                "weight": ge[weight].to_numpy(dtype=float),
                "geometry": ge.geometry.to_numpy() if "geometry" in ge.columns else None,
            }
        )
    else:
        raise ConfigError(
            "expected a networkx graph or a (nodes, edges) pair from medroutes.graph.graph_to_gdfs, "
            f"got {type(G).__name__}"
        )
    if edges["weight"].isna().all() and len(edges):
        raise SchemaError(f"route graph: no edge has the attribute {weight!r} ({len(edges):,} edges)")
    # edges without geometry: straight line between their nodes
    missing = edges["geometry"].isna().to_numpy()
    if missing.any():
        xy = nodes.set_index("node")[["x", "y"]]
        a = xy.reindex(edges.loc[missing, "u"]).to_numpy()
        b = xy.reindex(edges.loc[missing, "v"]).to_numpy()
        lines = shapely.linestrings(np.stack([a, b], axis=1))
        geom = edges["geometry"].to_numpy(dtype=object).copy()
        geom[missing] = lines
        edges["geometry"] = geom
    return nodes, edges


# --------------------------------------------------------------------------- #
# route graph
# --------------------------------------------------------------------------- #


def plot_route_graph(
    G: nx.MultiDiGraph | tuple[gpd.GeoDataFrame, gpd.GeoDataFrame],
    ax: Axes | None = None,
    *,
    weight: str = "n_voyages",
    min_weight: float = 1.0,
    max_width: float = 6.0,
    extent: Sequence[float] | None = None,
    basemap: bool = True,
    title: str | None = None,
) -> tuple[Figure, Axes]:
    """Map the route graph with edge widths proportional to the flow.

    Parameters
    ----------
    G
        Route graph from :func:`medroutes.graph.graph_from_voyages` (nodes with
        ``x, y, kind``; edges with ``weight`` and ``geometry``), or its
        ``(nodes, edges)`` GeoDataFrames from ``graph_to_gdfs``.
    ax
        Axes to draw on; a new figure when ``None``.
    weight
        Edge attribute that sets the width (``"n_voyages"``, ``"persons"``, ...).
    min_weight
        Edges with a lower weight are not drawn (their number is given in the legend).
    max_width
        Line width of the heaviest edge [points]; widths are proportional to weight.
    extent
        (lon_min, lon_max, lat_min, lat_max) [deg]; default: the graph's bounds.
    basemap
        Draw land, sea, scale bar and north arrow underneath.
    title
        Axes title.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    """
    nodes, edges = _graph_tables(G, weight)
    keep = edges["weight"].to_numpy() >= min_weight
    n_hidden = int((~keep).sum())
    edges = edges[keep].sort_values("weight", kind="stable")
    if extent is None:
        xy = shapely.get_coordinates(edges["geometry"].to_numpy()) if len(edges) else np.empty((0, 2))
        lon = np.concatenate([xy[:, 0], nodes["x"].to_numpy(dtype=float)])
        lat = np.concatenate([xy[:, 1], nodes["y"].to_numpy(dtype=float)])
        extent = _data_extent(lon, lat)
    fig, ax, _ = _map_frame(ax, extent, basemap=basemap)
    handles: list[Any] = []
    word = _WEIGHT_WORDS.get(weight, weight.replace("_", " "))
    if len(edges):
        w = edges["weight"].to_numpy(dtype=float)
        wmax = float(w.max())
        geoms = edges["geometry"].to_numpy()
        n_parts = shapely.get_num_geometries(geoms)
        segs = _lines_xy(geoms)
        widths = np.repeat(edge_width(w, wmax=wmax, max_width=max_width), n_parts)
        lc = LineCollection(
            segs, linewidths=widths, colors=_EDGE_COLOR, alpha=0.75, capstyle="round", zorder=5
        )
        lc.set_gid("medroutes-edges")
        ax.add_collection(lc, autolim=False)
        for lev in [lev for lev in _nice_levels(wmax) if lev >= min_weight] or [wmax]:
            handles.append(
                Line2D(
                    [],
                    [],
                    color=_EDGE_COLOR,
                    alpha=0.75,
                    lw=float(edge_width([lev], wmax=wmax, max_width=max_width)[0]),
                    label=f"{lev:,.0f} {word}",
                )
            )
    if n_hidden:
        handles.append(
            Line2D([], [], color="none", label=f"{n_hidden:,} edges below {min_weight:g} not drawn")
        )
    for kind, marker, color, label in (
        ("departure", "^", OKABE_ITO[0], "Departure zone"),
        ("arrival", "s", OKABE_ITO[3], "Arrival zone"),
    ):
        sel = nodes[nodes["kind"] == kind]
        if len(sel) == 0:
            continue
        ax.scatter(
            sel["x"],
            sel["y"],
            s=70,
            marker=marker,
            c=color,
            edgecolors="black",
            linewidths=0.7,
            zorder=8,
            label=label,
        )
        handles.append(Line2D([], [], ls="none", marker=marker, mfc=color, mec="black", ms=8, label=label))
        for name, x, y in zip(sel["label"], sel["x"], sel["y"], strict=True):
            ax.text(
                x, y, f"  {name}", fontsize=7, va="center", zorder=9, path_effects=_HALO, parse_math=False
            )
    if handles:
        ax.legend(handles=handles, title="Flow", **_OUTSIDE)
    ax.set_title(title if title is not None else f"Route graph ({len(edges):,} edges, width ∝ {word})")
    return fig, ax


# --------------------------------------------------------------------------- #
# corridors
# --------------------------------------------------------------------------- #


def _corridor_bands(corridors: gpd.GeoDataFrame) -> np.ndarray:
    """Band polygon of each corridor: a ``band`` geometry column, or the centreline buffered by a width."""
    from medroutes.geo import from_med_xy, to_med_xy

    for col in ("band", "band_geometry"):
        if col in corridors.columns:
            return np.array(
                [g if isinstance(g, shapely.Geometry) else None for g in corridors[col]], dtype=object
            )
    for col, factor in (("half_width_km", 1.0), ("spread_km", 1.0), ("width_km", 0.5)):
        if col in corridors.columns:
            half = corridors[col].to_numpy(dtype=float) * factor * 1000.0
            proj = shapely.transform(
                corridors.geometry.to_numpy(), lambda c: np.column_stack(to_med_xy(c[:, 0], c[:, 1]))
            )
            buf = shapely.buffer(proj, np.nan_to_num(half, nan=0.0), cap_style="round")
            return np.asarray(
                shapely.transform(buf, lambda c: np.column_stack(from_med_xy(c[:, 0], c[:, 1]))), dtype=object
            )
    return np.full(len(corridors), None, dtype=object)


def plot_corridors(
    corridors: gpd.GeoDataFrame,
    ax: Axes | None = None,
    *,
    extent: Sequence[float] | None = None,
    basemap: bool = True,
    title: str | None = None,
) -> tuple[Figure, Axes]:
    """Map corridor centrelines and their bands.

    Parameters
    ----------
    corridors
        GeoDataFrame in EPSG:4326, one row per corridor (e.g.
        ``CorridorClustering().fit(voyages).corridors_``): ``corridor_id``, the
        centreline as the active geometry, and the band either as a polygon
        column ``band`` or as a width column (``half_width_km``,
        ``spread_km`` or ``width_km`` [km]).
        ``n_voyages`` is shown in the legend when present.
    ax
        Axes to draw on; a new figure when ``None``.
    extent
        (lon_min, lon_max, lat_min, lat_max) [deg]; default: the corridors' bounds.
    basemap
        Draw land, sea, scale bar and north arrow underneath.
    title
        Axes title.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    """
    import geopandas as gpd

    if not isinstance(corridors, gpd.GeoDataFrame):
        if "geometry" not in getattr(corridors, "columns", ()):
            raise SchemaError(f"corridors: no centreline geometry column ({len(corridors):,} rows)")
        corridors = gpd.GeoDataFrame(corridors, geometry="geometry", crs=4326)
    cid = corridors["corridor_id"] if "corridor_id" in corridors.columns else pd.Series(corridors.index)
    bands = _corridor_bands(corridors)
    if extent is None:
        xy = shapely.get_coordinates(np.concatenate([corridors.geometry.to_numpy(), bands[bands != None]]))  # noqa: E711
        extent = _data_extent(xy[:, 0], xy[:, 1]) if len(xy) else None
    fig, ax, _ = _map_frame(ax, extent, basemap=basemap)
    handles: list[Any] = []
    for i, (label, line, band) in enumerate(
        zip(cid.to_numpy(), corridors.geometry.to_numpy(), bands, strict=True)
    ):
        color = OKABE_ITO[i % len(OKABE_ITO)]
        if band is not None and not shapely.is_empty(band):
            pc = PathCollection(
                _polygon_paths(np.asarray([band], dtype=object)),
                facecolor=color,
                edgecolor=color,
                alpha=0.25,
                linewidth=0.8,
                zorder=4,
            )
            ax.add_collection(pc, autolim=False)
        if line is not None and not shapely.is_empty(line):
            lc = LineCollection(
                _lines_xy(np.asarray([line], dtype=object)), colors=color, linewidths=2.2, zorder=6
            )
            ax.add_collection(lc, autolim=False)
        extra = ""
        if {"origin_zone", "destination_zone"} <= set(corridors.columns):
            extra += f": {corridors['origin_zone'].iloc[i]} → {corridors['destination_zone'].iloc[i]}"
        if "n_voyages" in corridors.columns:
            extra += f" ({int(corridors['n_voyages'].iloc[i]):,} voyages)"
        handles.append(Line2D([], [], color=color, lw=2.2, label=_safe(f"{label}{extra}")))
    if len(corridors):
        handles.append(Patch(facecolor="#999999", alpha=0.35, edgecolor="#999999", label="Corridor band"))
        ax.legend(handles=handles, title="Corridor (centreline)", **_OUTSIDE)
    ax.set_title(title if title is not None else f"Corridors ({len(corridors):,})")
    return fig, ax


# --------------------------------------------------------------------------- #
# incidents
# --------------------------------------------------------------------------- #


def incident_marker_area(
    dead_missing: np.ndarray | Sequence[float], *, vmax: float, max_area: float = 700.0
) -> np.ndarray:
    """Marker area of an incident, proportional to dead + missing [points²].

    Parameters
    ----------
    dead_missing
        Persons dead or missing per incident.
    vmax
        Count drawn with ``max_area``.
    max_area
        Area of the largest marker [points²].

    Returns
    -------
    numpy.ndarray
        ``8 + (max_area - 8) * dead_missing / vmax``; NaN stays NaN.
    """
    v = np.asarray(dead_missing, dtype=np.float64)
    return 8.0 + (max_area - 8.0) * v / vmax


def _dead_missing(incidents: pd.DataFrame) -> np.ndarray:
    d = pd.to_numeric(incidents["dead"], errors="coerce").astype("float64").to_numpy()
    m = pd.to_numeric(incidents["missing"], errors="coerce").astype("float64").to_numpy()
    both_nan = np.isnan(d) & np.isnan(m)
    return np.where(both_nan, np.nan, np.nan_to_num(d) + np.nan_to_num(m))


def plot_incidents(
    incidents: pd.DataFrame,
    ax: Axes | None = None,
    *,
    extent: Sequence[float] | None = None,
    basemap: bool = True,
    max_area: float = 700.0,
    title: str | None = None,
) -> tuple[Figure, Axes]:
    """Map incidents as circles whose area is proportional to dead + missing.

    Colours show the incident type (Okabe-Ito palette). Incidents with no
    known count are drawn as small hollow circles; incidents without
    coordinates cannot be drawn and their number is stated in the legend.

    Parameters
    ----------
    incidents
        Incidents table (:data:`medroutes.schema.INCIDENTS`): ``lat, lon,
        incident_type, dead, missing``.
    ax
        Axes to draw on; a new figure when ``None``.
    extent
        (lon_min, lon_max, lat_min, lat_max) [deg]; default: the incidents' bounds.
    basemap
        Draw land, sea, scale bar and north arrow underneath.
    max_area
        Marker area of the largest incident [points²].
    title
        Axes title.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    """
    for col in ("lat", "lon", "incident_type", "dead", "missing"):
        if col not in incidents.columns:
            raise SchemaError(f"incidents: column {col!r} is missing ({len(incidents):,} rows)")
    lat = pd.to_numeric(incidents["lat"], errors="coerce").astype("float64").to_numpy()
    lon = pd.to_numeric(incidents["lon"], errors="coerce").astype("float64").to_numpy()
    has_xy = np.isfinite(lat) & np.isfinite(lon)
    dm = _dead_missing(incidents)
    itype = incidents["incident_type"].astype("string").fillna("other").to_numpy(dtype=object)
    if extent is None:
        extent = _data_extent(lon[has_xy], lat[has_xy])
    fig, ax, _ = _map_frame(ax, extent, basemap=basemap)
    vmax = float(np.nanmax(dm[has_xy])) if np.isfinite(dm[has_xy]).any() else 1.0
    vmax = max(vmax, 1.0)
    area = incident_marker_area(dm, vmax=vmax, max_area=max_area)
    handles: list[Any] = []
    known = has_xy & np.isfinite(dm)
    order = np.argsort(-np.where(known, dm, -1), kind="stable")  # big circles first, small on top
    types_present = [t for t in INCIDENT_COLORS if (itype[known] == t).any()]
    others = sorted(set(itype[known]) - set(INCIDENT_COLORS))
    for t in types_present + others:
        sel = order[(itype[order] == t) & known[order]]
        color = INCIDENT_COLORS.get(t, "#7f7f7f")
        ax.scatter(
            lon[sel],
            lat[sel],
            s=area[sel],
            c=color,
            alpha=0.7,
            edgecolors="#333333",
            linewidths=0.5,
            zorder=6,
            label=_safe(t),
        )
        handles.append(
            Line2D(
                [],
                [],
                ls="none",
                marker="o",
                mfc=color,
                mec="#333333",
                alpha=0.7,
                ms=7,
                label=_safe(t.replace("_", " ")),
            )
        )
    unknown = has_xy & ~np.isfinite(dm)
    if unknown.any():
        ax.scatter(
            lon[unknown],
            lat[unknown],
            s=12,
            facecolors="none",
            edgecolors="#333333",
            linewidths=0.7,
            zorder=6,
        )
        handles.append(
            Line2D(
                [],
                [],
                ls="none",
                marker="o",
                mfc="none",
                mec="#333333",
                ms=4,
                label=f"count unknown ({int(unknown.sum()):,})",
            )
        )
    size_handles = [
        Line2D(
            [],
            [],
            ls="none",
            marker="o",
            mfc="#bbbbbb",
            mec="#333333",
            ms=math.sqrt(float(incident_marker_area([lev], vmax=vmax, max_area=max_area)[0])),
            label=f"{lev:,.0f} dead + missing",
            gid="medroutes-size-legend",
        )
        for lev in _nice_levels(vmax)
    ]
    n_noxy = int((~has_xy).sum())
    if n_noxy:
        handles.append(Line2D([], [], color="none", label=f"{n_noxy:,} without coordinates not shown"))
    if size_handles:
        leg = ax.legend(
            handles=size_handles,
            loc="lower left",
            bbox_to_anchor=(1.02, 0.0),
            borderaxespad=0.0,
            title="Dead + missing [persons]",
            framealpha=0.95,
            labelspacing=1.8,
            borderpad=1.2,
            handletextpad=1.5,
        )
        leg.set_clip_on(False)  # keep it in tight bounding boxes once it is an extra artist
        ax.add_artist(leg)
    ax.legend(handles=handles, title="Incident type", **_OUTSIDE)
    ax.set_title(
        title if title is not None else f"Incidents ({int(has_xy.sum()):,} mapped), area ∝ dead + missing"
    )
    return fig, ax


# --------------------------------------------------------------------------- #
# risk map
# --------------------------------------------------------------------------- #


def _risk_table(result_or_table: Any, level: str) -> pd.DataFrame:
    if isinstance(result_or_table, pd.DataFrame):
        return result_or_table
    if level not in {"zones", "edges", "corridors", "windows"}:
        raise ConfigError(f"level must be 'zones', 'edges' or 'corridors', got {level!r}")
    table = getattr(result_or_table, level, None)
    if not isinstance(table, pd.DataFrame):
        raise ConfigError(
            f"expected a RiskResult (with a {level!r} table) or a DataFrame, got {type(result_or_table).__name__}"
        )
    return table


def _risk_geometries(table: pd.DataFrame, geometry: Any) -> np.ndarray:
    """Geometry per row: the table's own ``geometry`` or a lookup of ``unit_id`` in ``geometry``."""
    if "geometry" in table.columns:
        return np.array(
            [g if isinstance(g, shapely.Geometry) else None for g in table["geometry"]], dtype=object
        )
    if geometry is None:
        from medroutes.geo import zones

        geometry = zones()
    if hasattr(geometry, "geometry") and not isinstance(geometry, pd.Series):
        g = geometry
        key = next((c for c in ("unit_id", "zone_id", "corridor_id", "edge_id") if c in g.columns), None)
        lookup = pd.Series(g.geometry.to_numpy(), index=g[key].to_numpy() if key else g.index)
    else:
        lookup = pd.Series(geometry)
    lookup = lookup[~lookup.index.duplicated(keep="first")]
    if "unit_id" not in table.columns:
        raise SchemaError(f"risk table: column 'unit_id' is missing ({len(table):,} rows)")
    found = lookup.reindex(table["unit_id"].to_numpy()).to_numpy()
    return np.array([g if isinstance(g, shapely.Geometry) else None for g in found], dtype=object)


def plot_risk_map(
    result_or_table: Any,
    ax: Axes | None = None,
    *,
    level: str = "zones",
    geometry: Any = None,
    extent: Sequence[float] | None = None,
    basemap: bool = True,
    title: str | None = None,
) -> tuple[Figure, Axes]:
    """Map risk categories: zones as filled areas, edges and corridors as coloured lines.

    Colours are ColorBrewer YlOrRd (4 classes, colour-blind safe) from Low
    to Very high; "Insufficient data" is light grey and hatched so it never
    reads as a low risk.

    Parameters
    ----------
    result_or_table
        A :class:`medroutes.risk.RiskResult` or one of its tables
        (``unit_id, category`` and optionally ``geometry``).
    ax
        Axes to draw on; a new figure when ``None``.
    level : {"zones", "edges", "corridors"}
        Which table of a RiskResult to map.
    geometry
        Where units without a ``geometry`` column are: a GeoDataFrame with a
        ``unit_id``, ``zone_id`` or ``corridor_id`` column, or a mapping
        unit_id -> shapely geometry (lon/lat). Default: the built-in zones.
    extent
        (lon_min, lon_max, lat_min, lat_max) [deg]; default: the units' bounds.
    basemap
        Draw land, sea, scale bar and north arrow underneath.
    title
        Axes title.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    """
    table = _risk_table(result_or_table, level)
    if "category" not in table.columns:
        raise SchemaError(f"risk table: column 'category' is missing ({len(table):,} rows)")
    cats = table["category"].astype("string").to_numpy(dtype=object)
    bad = ~pd.Series(cats).isin(RISK_CATEGORIES).to_numpy()
    if bad.any():
        raise SchemaError(
            f"risk table: column 'category': {int(bad.sum()):,} of {len(table):,} rows are not one of "
            + ", ".join(RISK_CATEGORIES)
        )
    geoms = _risk_geometries(table, geometry)
    has_geom = np.array([g is not None and not shapely.is_empty(g) for g in geoms], dtype=bool)
    if extent is None:
        xy = shapely.get_coordinates(geoms[has_geom]) if has_geom.any() else np.empty((0, 2))
        extent = _data_extent(xy[:, 0], xy[:, 1])
    fig, ax, _ = _map_frame(ax, extent, basemap=basemap)
    tid = shapely.get_type_id(
        np.array([g if ok else None for g, ok in zip(geoms, has_geom, strict=True)], dtype=object)
    )
    is_poly = np.isin(tid, [3, 6])
    is_line = np.isin(tid, [1, 2, 5])
    handles: list[Any] = []
    for cat in RISK_CATEGORIES:
        sel = (cats == cat) & has_geom
        n = int((cats == cat).sum())
        color, hatch = RISK_COLORS[cat], RISK_HATCHES[cat]
        if (sel & is_poly).any():
            pc = PathCollection(
                _polygon_paths(geoms[sel & is_poly]),
                facecolor=color,
                edgecolor="#444444",
                linewidth=0.7,
                hatch=hatch or None,
                alpha=0.9,
                zorder=4,
            )
            pc.set_gid(f"medroutes-risk-{cat}")
            ax.add_collection(pc, autolim=False)
        if (sel & is_line).any():
            segs = _lines_xy(geoms[sel & is_line])
            if hatch:  # no estimate: thin dashed grey underneath, so scored units stand out
                lc = LineCollection(
                    segs, colors="#8c8c8c", linewidths=1.0, zorder=4.5, linestyles=(0, (3, 2))
                )
            else:
                halo = LineCollection(segs, colors="#333333", linewidths=4.2, zorder=5)
                ax.add_collection(halo, autolim=False)
                lc = LineCollection(segs, colors=color, linewidths=3.0, zorder=6)
            lc.set_gid(f"medroutes-risk-{cat}")
            ax.add_collection(lc, autolim=False)
        handles.append(
            Patch(facecolor=color, edgecolor="#444444", hatch=hatch or None, label=f"{cat} ({n:,})")
        )
    n_nogeom = int((~has_geom).sum())
    if n_nogeom:
        handles.append(
            Patch(facecolor="none", edgecolor="none", label=f"{n_nogeom:,} units without a location")
        )
    ax.legend(handles=handles, title="Risk category (units)", **_OUTSIDE)
    if (
        "unit_type" in table.columns
        and len(table)
        and (table["unit_type"] == table["unit_type"].iloc[0]).all()
    ):
        unit = str(table["unit_type"].iloc[0])
    else:
        unit = level.rstrip("s")
    ax.set_title(title if title is not None else f"Risk category by {_safe(unit)}")
    return fig, ax
