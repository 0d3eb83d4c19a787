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
    "MED_CRS",
    "MED_CRS_PROJ4",
    "to_med_xy",
    "from_med_xy",
    "EARTH_RADIUS_KM",
    "LAND_BBOX",
    "haversine_km",
    "is_at_sea",
    "distance_to_coast_km",
    "crosses_land",
    "land",
    "AT_SEA",
    "UNKNOWN",
    "ZoneDef",
    "ZONE_DEFINITIONS",
    "SAR_DEFINITIONS",
    "zones",
    "departure_zones",
    "arrival_zones",
    "sar_regions",
    "assign_zone",
    "zone_centroids",
]
