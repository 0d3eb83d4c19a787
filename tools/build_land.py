"""Derive the package's Mediterranean land polygons from Natural Earth.

Input: ``../shared/data/ne_10m_land_med.geojson`` (Natural Earth 1:10m land v4.0.0,
public domain, clipped to lon -7..37, lat 29..47). Output:
``src/medroutes/geo/data/land_med.geojson``.

Run from the repository root::

    python tools/build_land.py [path/to/ne_10m_land_med.geojson]

The output is deterministic: polygons are simplified with a tolerance of
0.004 deg (about 400 m), polygons under 0.3 km^2 are dropped (none of the
named islands: Lampedusa 20 km^2, Linosa 5.4 km^2, Pantelleria 83 km^2,
Malta, Gozo, Djerba, Kerkennah), coordinates are rounded to 4 decimals and
polygons are sorted by area.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geopandas as gpd
import shapely

SRC = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data/ne_10m_land_med.geojson")
OUT = Path("src/medroutes/geo/data/land_med.geojson")
TOL_DEG = 0.004
MIN_AREA_KM2 = 0.3


def main() -> None:
    land = gpd.read_file(SRC).to_crs(4326)
    geoms = shapely.make_valid(shapely.simplify(land.geometry.to_numpy(), TOL_DEG, preserve_topology=True))
    parts = shapely.get_parts(geoms)
    parts = parts[shapely.get_type_id(parts) == 3]
    parts = shapely.set_precision(parts, 1e-4)
    parts = parts[~shapely.is_empty(parts)]
    parts = shapely.get_parts(shapely.make_valid(parts))
    parts = parts[shapely.get_type_id(parts) == 3]
    gdf = gpd.GeoDataFrame(geometry=parts, crs=4326)
    area = gdf.to_crs("+proj=laea +lat_0=35 +lon_0=18 +datum=WGS84 +units=m").area / 1e6
    gdf = gdf.loc[area >= MIN_AREA_KM2].copy()
    gdf["area_km2"] = area[area >= MIN_AREA_KM2].round(2)
    gdf = gdf.sort_values("area_km2", ascending=False, kind="stable").reset_index(drop=True)
    feats = [
        {
            "type": "Feature",
            "properties": {"area_km2": float(a)},
            "geometry": json.loads(shapely.to_geojson(g, indent=None)),
        }
        for a, g in zip(gdf["area_km2"], gdf.geometry, strict=True)
    ]
    fc = {
        "type": "FeatureCollection",
        "name": "land_med",
        "source": "Natural Earth 1:10m land v4.0.0 (public domain), simplified by medroutes tools/build_land.py",
        "features": feats,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fc, separators=(",", ":")) + "\n")
    nv = int(shapely.get_num_coordinates(gdf.geometry.to_numpy()).sum())
    print(f"wrote {OUT}: {len(gdf)} polygons, {nv} vertices, {OUT.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
