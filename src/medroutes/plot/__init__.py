"""Maps and charts of routes, corridors, incidents, risk and departures (matplotlib).

Every ``plot_*`` function takes ``ax=None`` (a new figure when omitted),
returns ``(fig, ax)`` and never calls ``plt.show()``. Maps are drawn in
lon/lat over the package's own Natural Earth land polygons, with a degree
graticule, a scale bar in km, a north arrow and an aspect ratio of
``1 / cos(mean latitude)``. Palettes are colour-blind safe: ColorBrewer
YlOrRd for risk categories (with "Insufficient data" grey and hatched) and
Okabe-Ito for categories such as zones and incident types.

For reproducible images use :func:`plot_style` and :func:`render_figure`::

    import medroutes.plot as mp
    with mp.plot_style():
        fig, ax = mp.plot_risk_map(result)
        png = mp.render_figure(fig)     # same bytes for the same figure

:func:`folium_map` builds an interactive Leaflet map for notebooks (optional
extra ``web``).
"""

from medroutes.plot._base import CENTRAL_MED_EXTENT, plot_basemap, scale_bar_length_km
from medroutes.plot._charts import (
    departures_by_zone,
    od_matrix,
    plot_backtest,
    plot_calibration,
    plot_departures,
    plot_od_matrix,
    reliability_table,
)
from medroutes.plot._maps import (
    edge_width,
    incident_marker_area,
    plot_corridors,
    plot_incidents,
    plot_risk_map,
    plot_route_graph,
)
from medroutes.plot._style import (
    INCIDENT_COLORS,
    OKABE_ITO,
    RISK_CATEGORIES,
    RISK_COLORS,
    RISK_HATCHES,
    figure_to_data_uri,
    plot_style,
    render_figure,
)
from medroutes.plot._web import folium_map

__all__ = [
    "CENTRAL_MED_EXTENT",
    "INCIDENT_COLORS",
    "OKABE_ITO",
    "RISK_CATEGORIES",
    "RISK_COLORS",
    "RISK_HATCHES",
    "departures_by_zone",
    "edge_width",
    "figure_to_data_uri",
    "folium_map",
    "incident_marker_area",
    "od_matrix",
    "plot_backtest",
    "plot_basemap",
    "plot_calibration",
    "plot_corridors",
    "plot_departures",
    "plot_incidents",
    "plot_od_matrix",
    "plot_risk_map",
    "plot_route_graph",
    "plot_style",
    "reliability_table",
    "render_figure",
    "scale_bar_length_km",
]
