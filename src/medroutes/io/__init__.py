"""Readers and writers: real AIS and incident formats in, tidy medroutes tables out.

Every reader returns a table in the medroutes data model (:mod:`medroutes.schema`),
validated, with the :class:`~medroutes.schema.QualityReport` of what was kept
and dropped in ``df.attrs["quality_report"]`` (or as a second value with
``return_report=True``). Source columns are renamed through each reader's
documented ``VARIABLE_MAP`` (``map_variables=True``, as in pvlib's iotools).

=============================  ====================================================
reader                         source
=============================  ====================================================
:func:`read_positions`         any positions format below (detected)
:func:`read_dma`               Danish Maritime Authority raw AIS CSV
:func:`read_marinecadastre`    NOAA MarineCadastre AIS CSV
:func:`read_nmea`              raw ``!AIVDM`` / ``!AIVDO`` sentences (pyais)
:func:`read_geo_positions`     GeoPackage / GeoParquet / GeoJSON points (MovingPandas)
:func:`read_tidy_positions`    medroutes positions table (CSV, Parquet)
:func:`read_incidents`         any incidents format below (detected)
:func:`read_iom_mmp`           IOM Missing Migrants Project CSV (Kaggle or official)
:func:`read_tidy_incidents`    medroutes incidents table (CSV, Parquet)
:func:`read_unhcr_arrivals`    UNHCR daily sea arrivals CSV
=============================  ====================================================

:func:`write_positions` and :func:`write_incidents` write Parquet or CSV atomically.
"""

from medroutes.io._aiscodes import AIS_SHIP_TYPES, NOT_AVAILABLE
from medroutes.io._detect import FORMATS, INCIDENT_FORMATS, POSITION_FORMATS, detect_format
from medroutes.io._write import write_incidents, write_positions
from medroutes.io.ais import read_positions
from medroutes.io.dma import read_dma
from medroutes.io.geofile import read_geo_positions
from medroutes.io.incidents import read_incidents
from medroutes.io.iom import read_iom_mmp
from medroutes.io.marinecadastre import read_marinecadastre
from medroutes.io.nmea import read_nmea
from medroutes.io.tidy import read_tidy_incidents, read_tidy_positions
from medroutes.io.unhcr import read_unhcr_arrivals

__all__ = [
    "AIS_SHIP_TYPES",
    "FORMATS",
    "INCIDENT_FORMATS",
    "NOT_AVAILABLE",
    "POSITION_FORMATS",
    "detect_format",
    "read_dma",
    "read_geo_positions",
    "read_incidents",
    "read_iom_mmp",
    "read_marinecadastre",
    "read_nmea",
    "read_positions",
    "read_tidy_incidents",
    "read_tidy_positions",
    "read_unhcr_arrivals",
    "write_incidents",
    "write_positions",
]
