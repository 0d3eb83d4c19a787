"""Voyages from position reports: cleaning, splitting at gaps and stops, the voyages table.

The tracks stage of the pipeline (``io -> synthetic -> tracks -> graph``)::

    import medroutes as mr
    pos, qc = mr.tracks.clean_positions(raw, on_invalid="drop")
    voy = mr.tracks.split_voyages(pos)
    voy.table        # one row per voyage (VOYAGES schema)
    voy.to_gdf()     # with LineString tracks
"""

from medroutes.tracks._clean import clean_positions
from medroutes.tracks._config import TrackConfig
from medroutes.tracks._geodesic import geodesic_km
from medroutes.tracks._voyages import Voyages, split_voyages

__all__ = ["TrackConfig", "Voyages", "clean_positions", "geodesic_km", "split_voyages"]
