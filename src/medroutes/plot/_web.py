"""Interactive Leaflet maps for notebooks (optional extra ``web``: folium)."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd
import shapely

from medroutes.errors import OptionalDependencyError
from medroutes.plot._style import INCIDENT_COLORS, RISK_CATEGORIES, RISK_COLORS

__all__ = ["folium_map"]


def _import_folium() -> Any:
    try:
        import folium
    except ImportError as exc:
        raise OptionalDependencyError(
            "folium_map needs the optional dependency 'folium'; install it with: pip install 'medroutes[web]'"
        ) from exc
    return folium


def _text(value: object) -> str:
    """Escape a value from input data for Leaflet popups and tooltips (which are HTML)."""
    return html.escape(str(value), quote=True)


def folium_map(
    risk: Any = None,
    *,
    graph: Any = None,
    incidents: pd.DataFrame | None = None,
    zones: Any = None,
    tiles: str | None = "OpenStreetMap",
    zoom_start: int = 6,
) -> Any:
    """Build an interactive map (Leaflet via folium) of risk zones, routes and incidents.

    For notebooks: the map loads its tiles and the Leaflet library from the
    internet when shown. Use the static ``plot_*`` functions or ``medroutes
    report`` for offline output. Every string from the data is HTML-escaped.

    Parameters
    ----------
    risk
        A :class:`medroutes.risk.RiskResult` (its ``zones`` table) or a table
        with ``unit_id, category`` and optionally ``score, score_low,
        score_high, explanation, geometry``.
    graph
        Route graph; edges are drawn with widths proportional to ``n_voyages``.
    incidents
        Incidents table; circles with radius ∝ sqrt(dead + missing).
    zones
        Geometries of the risk units without a ``geometry`` column
        (GeoDataFrame with ``zone_id``); default the built-in zones.
    tiles
        Folium tile layer name, or ``None`` for no background tiles.
    zoom_start
        Initial zoom level.

    Returns
    -------
    folium.Map

    Raises
    ------
    OptionalDependencyError
        If folium is not installed (``pip install 'medroutes[web]'``).
    """
    folium = _import_folium()
    from medroutes.plot._maps import _dead_missing, _graph_tables, _risk_geometries, _risk_table

    m = folium.Map(location=[35.0, 16.0], zoom_start=zoom_start, tiles=tiles, control_scale=True)
    if risk is not None:
        table = _risk_table(risk, "zones")
        geoms = _risk_geometries(table, zones)
        layer = folium.FeatureGroup(name="Risk categories")
        for i, geom in enumerate(geoms):
            if geom is None or shapely.is_empty(geom):
                continue
            row = table.iloc[i]
            cat = str(row["category"])
            color = RISK_COLORS.get(cat, "#999999")
            tip = f"{_text(row.get('unit_id', i))}: {_text(cat)}"
            if "score" in table.columns:
                tip += f" (score {row['score']:.2f}"
                if {"score_low", "score_high"} <= set(table.columns):
                    tip += f", {row['score_low']:.2f}–{row['score_high']:.2f}"
                tip += ")"
            gj = folium.GeoJson(
                shapely.to_geojson(geom),
                style_function=lambda _f, c=color, h=(cat == "Insufficient data"): {
                    "fillColor": c,
                    "color": "#444444",
                    "weight": 1,
                    "fillOpacity": 0.35 if h else 0.7,
                    "dashArray": "4 3" if h else None,
                },
            )
            folium.Tooltip(tip).add_to(gj)
            if "explanation" in table.columns:
                folium.Popup(_text(row["explanation"]), max_width=360).add_to(gj)
            gj.add_to(layer)
        layer.add_to(m)
    if graph is not None:
        _nodes, edges = _graph_tables(graph, "n_voyages")
        layer = folium.FeatureGroup(name="Route graph")
        w = edges["weight"].to_numpy(dtype=float)
        wmax = float(np.nanmax(w)) if len(w) else 1.0
        for geom, wi in zip(edges["geometry"].to_numpy(), w, strict=True):
            xy = shapely.get_coordinates(geom)
            folium.PolyLine(
                [(float(b), float(a)) for a, b in xy],
                weight=max(1.0, 8.0 * wi / wmax),
                color="#08306b",
                opacity=0.7,
                tooltip=f"{wi:,.0f} voyages",
            ).add_to(layer)
        layer.add_to(m)
    if incidents is not None and len(incidents):
        layer = folium.FeatureGroup(name="Incidents")
        dm = _dead_missing(incidents)
        lat = pd.to_numeric(incidents["lat"], errors="coerce").to_numpy(dtype=float)
        lon = pd.to_numeric(incidents["lon"], errors="coerce").to_numpy(dtype=float)
        types = incidents["incident_type"].astype(str).to_numpy()
        for la, lo, d, t in zip(lat, lon, dm, types, strict=True):
            if not (np.isfinite(la) and np.isfinite(lo)):
                continue
            radius = 3.0 + 2.0 * float(np.sqrt(d)) if np.isfinite(d) else 3.0
            label = f"{_text(t)}: {'unknown' if not np.isfinite(d) else f'{d:,.0f}'} dead + missing"
            folium.CircleMarker(
                (float(la), float(lo)),
                radius=radius,
                color="#333333",
                weight=0.6,
                fill=True,
                fill_color=INCIDENT_COLORS.get(t, "#7f7f7f"),
                fill_opacity=0.7,
                tooltip=label,
            ).add_to(layer)
        layer.add_to(m)
    legend = "".join(
        f"<div><span style='display:inline-block;width:12px;height:12px;background:{RISK_COLORS[c]};"
        f"border:1px solid #444;margin-right:4px'></span>{c}</div>"
        for c in RISK_CATEGORIES
    )
    m.get_root().html.add_child(
        folium.Element(
            "<div style='position:fixed;bottom:24px;left:12px;z-index:9999;background:white;padding:6px;"
            f"font:12px sans-serif;border:1px solid #999'><b>Risk category</b>{legend}</div>"
        )
    )
    folium.LayerControl().add_to(m)
    return m
