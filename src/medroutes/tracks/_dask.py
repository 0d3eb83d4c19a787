"""Dask scale-out of :func:`medroutes.tracks.split_voyages`: shuffle on vessel, split each partition."""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any

import pandas as pd

from medroutes.schema import QualityReport
from medroutes.tracks._config import TrackConfig
from medroutes.tracks._voyages import Voyages, _split_pandas

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["PARTITION_BITS", "split_voyages_dask"]

#: ``voyage_id = partition << PARTITION_BITS | local id`` for dask-split voyages.
PARTITION_BITS = 32


_QUALITY_META = {"check": "str", "column": "str", "reason": "str", "n_rows": "int64"}


def _split_part(
    pdf: pd.DataFrame, i: int, cfg: TrackConfig, zones: gpd.GeoDataFrame | None, on_short: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    v = _split_pandas(pdf, cfg, zones, on_short, id_offset=i << PARTITION_BITS)
    q = v.quality
    rows = [("_n_in", "", "", q.n_in), ("_n_out", "", "", q.n_out)]
    rows += [(p.check, p.column, p.reason, p.n_rows) for p in q.problems]
    qf = pd.DataFrame(rows, columns=list(_QUALITY_META)).astype(_QUALITY_META)
    return v.points, v.table, qf


def merge_reports(frame: pd.DataFrame, n_partitions: int) -> QualityReport:
    """Add up per-partition quality rows (``_n_in``, ``_n_out`` and counts by check)."""
    from medroutes.schema import Problem

    n_in = int(frame.loc[frame["check"] == "_n_in", "n_rows"].sum())
    n_out = int(frame.loc[frame["check"] == "_n_out", "n_rows"].sum())
    probs = frame.loc[~frame["check"].isin(["_n_in", "_n_out"])]
    agg = probs.groupby(["check", "column", "reason"], sort=False)["n_rows"].sum()
    problems = tuple(
        Problem(str(key[0]), str(key[1]), str(key[2]), int(n))
        for key, n in zip(agg.index.tolist(), agg.tolist(), strict=True)
    )
    notes = (f"merged from {n_partitions} dask partitions",)
    return QualityReport("voyage points", n_in, n_out, problems, notes)


def split_voyages_dask(
    ddf: Any, *, config: TrackConfig, zones: gpd.GeoDataFrame | None, on_short: str
) -> Voyages:
    """Lazy :class:`Voyages` of a dask DataFrame (see :func:`split_voyages`, section Dask)."""
    import dask.dataframe as dd
    from dask.delayed import delayed

    shuffled = ddf.shuffle(on="vessel_id")
    meta_points, meta_table, _ = _split_part(ddf._meta, 0, config, zones, on_short)
    parts = shuffled.to_delayed()
    split = delayed(_split_part, pure=True, nout=3)
    results = [split(p, i, config, zones, on_short) for i, p in enumerate(parts)]
    getitem = delayed(operator.getitem, pure=True)
    points = dd.from_delayed([getitem(r, 0) for r in results], meta=meta_points, verify_meta=False)
    table = dd.from_delayed([getitem(r, 1) for r in results], meta=meta_table, verify_meta=False)
    meta_q = pd.DataFrame({c: pd.Series(dtype=d) for c, d in _QUALITY_META.items()})
    reports = dd.from_delayed([getitem(r, 2) for r in results], meta=meta_q, verify_meta=False)
    quality = QualityReport("voyage points (lazy: call .compute() for counts)", 0, 0)
    return Voyages(
        points=points,
        table=table,
        quality=quality,
        config=config,
        meta={"dask_partitions": len(parts), "quality_frame": reports, "partition_bits": PARTITION_BITS},
    )
