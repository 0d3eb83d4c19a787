"""Geography of the Central Mediterranean: land, coast, zones and the projected CRS.

The land polygons are derived from Natural Earth 1:10m land v4.0.0 (public
domain, naturalearthdata.com) and shipped inside the package; no file outside
the package is read.
"""

from medroutes.geo._crs import MED_CRS, MED_CRS_PROJ4, from_med_xy, to_med_xy
from medroutes.geo._land import (
    EARTH_RADIUS_KM,
    LAND_BBOX,
    crosses_land,
    distance_to_coast_km,
    haversine_km,
    is_at_sea,
    land,
)
from medroutes.geo._zones import (
    AT_SEA,
    SAR_DEFINITIONS,
    UNKNOWN,
    ZONE_DEFINITIONS,
    ZoneDef,
    arrival_zones,
    assign_zone,
    departure_zones,
    sar_regions,
    zone_centroids,
    zones,
)

__all__ = [
    "AT_SEA",
    "EARTH_RADIUS_KM",
    "LAND_BBOX",
    "MED_CRS",
    "MED_CRS_PROJ4",
    "SAR_DEFINITIONS",
    "UNKNOWN",
    "ZONE_DEFINITIONS",
    "ZoneDef",
    "arrival_zones",
    "assign_zone",
    "crosses_land",
    "departure_zones",
    "distance_to_coast_km",
    "from_med_xy",
    "haversine_km",
    "is_at_sea",
    "land",
    "sar_regions",
    "to_med_xy",
    "zone_centroids",
    "zones",
]
