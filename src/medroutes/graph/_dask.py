"""Dask scale-out of :func:`medroutes.graph.graph_from_voyages`: per-partition counts, merged exactly."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np
import pandas as pd

from medroutes.graph._build import ZoneCodes, partition_summary
from medroutes.tracks import Voyages

__all__ = ["summarise_dask"]


def _summary(points: pd.DataFrame, table: pd.DataFrame, kw: dict[str, Any]) -> tuple:
    e, n, t = partition_summary(points, table, **kw)
    return e, n, t, int(e.attrs.get("n_fill_over_land", 0))


def summarise_dask(
    voyages: Voyages,
    *,
    res: int,
    zone_codes: ZoneCodes | None,
    attributes: pd.DataFrame | None,
    fill: bool,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int, dict[str, Any]]:
    """Edge and node counts and median transit times of lazy voyages, computed with dask.

    Each partition holds every voyage of its vessels, so the per-partition
    counts (passages, distinct voyages, distinct vessels, persons) add up
    exactly; medians come from a dask groupby-median over all passages.
    """
    import dask.dataframe as dd
    from dask.base import compute
    from dask.delayed import delayed

    kw = {"res": res, "zone_codes": zone_codes, "attributes": attributes, "fill": fill}
    lazy_p: Any = voyages.points
    lazy_t: Any = voyages.table
    pts = lazy_p.to_delayed()
    tabs = lazy_t.to_delayed()
    if len(pts) != len(tabs):
        raise ValueError(f"voyages.points has {len(pts)} partitions but voyages.table has {len(tabs)}")
    summ = delayed(_summary, pure=True, nout=4)
    parts = [summ(p, t, kw) for p, t in zip(pts, tabs, strict=True)]
    getitem = delayed(operator.getitem, pure=True)
    meta_e, meta_n, meta_t = (
        pd.DataFrame({c: pd.Series(dtype=d) for c, d in cols.items()})
        for cols in (
            {
                "u": "int64",
                "v": "int64",
                "n_passages": "int64",
                "n_inferred": "int64",
                "n_voyages": "int64",
                "n_vessels": "int64",
                "persons_sum": "float64",
                "persons_known": "int64",
            },
            {
                "node": "int64",
                "n_voyages": "int64",
                "n_passages": "int64",
                "n_starts": "int64",
                "n_ends": "int64",
                "n_vessels": "int64",
                "persons_sum": "float64",
                "persons_known": "int64",
            },
            {"u": "int64", "v": "int64", "transit_h": "float64"},
        )
    )
    e = dd.from_delayed([getitem(p, 0) for p in parts], meta=meta_e, verify_meta=False)
    n = dd.from_delayed([getitem(p, 1) for p in parts], meta=meta_n, verify_meta=False)
    t = dd.from_delayed([getitem(p, 2) for p in parts], meta=meta_t, verify_meta=False)
    meta_o = pd.DataFrame({"n_fill_over_land": pd.Series(dtype="int64")})
    as_frame = delayed(lambda k: pd.DataFrame({"n_fill_over_land": [k]}, dtype="int64"), pure=True)
    over = dd.from_delayed([as_frame(getitem(p, 3)) for p in parts], meta=meta_o, verify_meta=False)[
        "n_fill_over_land"
    ].sum()
    e_sum = e.groupby(["u", "v"]).sum()
    n_sum = n.groupby("node").sum()
    med = t.groupby(["u", "v"])["transit_h"].median(shuffle_method="tasks")
    n_voy = lazy_t.shape[0]
    edges, nodes, medians, n_voyages, n_over = compute(e_sum, n_sum, med, n_voy, over)
    edges = edges.reset_index()
    nodes = nodes.reset_index()
    medians = medians.rename("median_transit_h").reset_index()
    for df in (edges, nodes):
        for c in df.columns:
            if c != "persons_sum":
                df[c] = df[c].astype(np.int64)
    return (
        edges,
        nodes,
        medians,
        int(n_voyages),
        {"n_fill_over_land": int(n_over), "dask_partitions": len(pts)},
    )
