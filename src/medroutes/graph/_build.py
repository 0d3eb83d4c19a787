"""Build the H3 route graph from voyages: cells, grid-path filling, edge counts, zone nodes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

import networkx as nx
import numpy as np
import pandas as pd
import shapely
from h3.api import basic_int as h3i
from numpy.typing import NDArray

from medroutes.errors import SchemaError
from medroutes.graph._config import GraphConfig
from medroutes.graph._h3index import CHUNK, cells_for_keys, h3_keys
from medroutes.graph._sea import sea_grid
from medroutes.options import progress_bar
from medroutes.tracks import Voyages, geodesic_km, split_voyages
from medroutes.tracks._voyages import is_dask_collection, timestamps_ns

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["EDGE_COLUMNS", "NODE_COLUMNS", "ZoneCodes", "graph_from_voyages"]

_NS_PER_H = 3.6e12

#: Sum-decomposable edge counts produced per partition.
EDGE_COLUMNS = ("n_passages", "n_inferred", "n_voyages", "n_vessels", "persons_sum", "persons_known")
#: Sum-decomposable node counts produced per partition.
NODE_COLUMNS = ("n_voyages", "n_passages", "n_starts", "n_ends", "n_vessels", "persons_sum", "persons_known")


# --------------------------------------------------------------------------- #
# zone nodes
# --------------------------------------------------------------------------- #


@dataclass(frozen=True)
class ZoneCodes:
    """Integer codes of zone nodes (negative, so they never collide with H3 cells)."""

    departure: dict[str, int]
    arrival: dict[str, int]
    table: pd.DataFrame  # code -> node_id, zone_id, kind, lon, lat

    @classmethod
    def build(cls, zones: gpd.GeoDataFrame | None) -> ZoneCodes:
        """Codes and node points of the departure and arrival zones of ``zones`` (default built-in)."""
        if zones is None:
            return _builtin_zone_codes()
        return cls._build(zones)

    @classmethod
    def _build(cls, zones: gpd.GeoDataFrame | None) -> ZoneCodes:
        from medroutes.geo import zone_centroids
        from medroutes.geo import zones as builtin_zones

        z = builtin_zones() if zones is None else zones
        z = z.loc[z["kind"].isin(["departure", "arrival"])].reset_index(drop=True)
        pts = zone_centroids(z) if len(z) else pd.DataFrame({"lon": [], "lat": []})
        codes = -(1 + np.arange(len(z), dtype=np.int64))
        kind = z["kind"].astype(str).to_numpy()
        zid = z["zone_id"].astype(str).to_numpy()
        table = pd.DataFrame(
            {
                "code": codes,
                "node_id": [f"{k}:{i}" for k, i in zip(kind, zid, strict=True)],
                "zone_id": zid,
                "kind": kind,
                "lon": pts["lon"].to_numpy(dtype=np.float64),
                "lat": pts["lat"].to_numpy(dtype=np.float64),
            }
        )
        dep = {i: int(c) for i, c, k in zip(zid, codes, kind, strict=True) if k == "departure"}
        arr = {i: int(c) for i, c, k in zip(zid, codes, kind, strict=True) if k == "arrival"}
        return cls(dep, arr, table)


@lru_cache(maxsize=1)
def _builtin_zone_codes() -> ZoneCodes:
    return ZoneCodes._build(None)


# --------------------------------------------------------------------------- #
# attributes (persons) per voyage
# --------------------------------------------------------------------------- #


def _persons(table: pd.DataFrame, attributes: pd.DataFrame | None) -> NDArray[np.float64]:
    """Persons on board per voyage row (NaN when unknown), joined from ``attributes``.

    ``attributes`` joins on ``vessel_id`` when that column is present and
    unique in it (one voyage per track, as in synthetic scenarios), else on
    ``voyage_id``.
    """
    n = len(table)
    if attributes is None:
        if "persons" in table.columns:
            return pd.to_numeric(table["persons"], errors="coerce").to_numpy(
                dtype=np.float64, na_value=np.nan
            )
        return np.full(n, np.nan)
    if "persons" not in attributes.columns:
        raise SchemaError(
            "attributes: missing column 'persons'; columns present: "
            + ", ".join(map(str, attributes.columns[:12]))
        )
    if "vessel_id" in attributes.columns and attributes["vessel_id"].is_unique:
        key = "vessel_id"
    elif "voyage_id" in attributes.columns:
        key = "voyage_id"
        dup = attributes["voyage_id"].duplicated()
        if dup.any():
            raise SchemaError(
                f"attributes: column 'voyage_id': {int(dup.sum()):,} of {len(attributes):,} rows repeat an "
                "earlier voyage_id; give one row per voyage (or a unique vessel_id)"
            )
    else:
        raise SchemaError(
            "attributes: need a unique 'vessel_id' column or a 'voyage_id' column to join persons on"
        )
    s = pd.to_numeric(attributes["persons"], errors="coerce").astype("float64")
    s.index = pd.Index(attributes[key].to_numpy())
    left = pd.Index(table[key].to_numpy())
    if left.dtype != s.index.dtype and left.dtype.kind in "iu" and s.index.dtype.kind in "OU":
        s.index = s.index.astype(str)
        left = left.astype(str)
    return np.asarray(s.reindex(left).to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)


# --------------------------------------------------------------------------- #
# per-partition summary
# --------------------------------------------------------------------------- #


def _runs(flags: NDArray[np.bool_]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    start = np.flatnonzero(flags)
    end = np.empty_like(start)
    if len(start):
        end[:-1] = start[1:] - 1
        end[-1] = len(flags) - 1
    return start, end


def _cell_sequences(
    points: pd.DataFrame, res: int
) -> tuple[NDArray[np.uint64], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Distinct consecutive cells per voyage: (cell, voyage_id, entry time, exit time) [ns]."""
    vid = points["voyage_id"].to_numpy(dtype=np.int64)
    lat = points["lat"].to_numpy(dtype=np.float64)
    lon = points["lon"].to_numpy(dtype=np.float64)
    t = timestamps_ns(points["timestamp"])
    n = len(vid)
    keys = np.empty(n, dtype=np.int64)
    chunks = range(0, n, CHUNK * 16)
    for s in progress_bar(chunks, desc="H3 cells", unit="chunk", total=len(chunks)):
        keys[s : s + CHUNK * 16] = h3_keys(lat[s : s + CHUNK * 16], lon[s : s + CHUNK * 16], res)
    new_v = np.ones(n, dtype=bool)
    new_v[1:] = vid[1:] != vid[:-1]
    rs = new_v.copy()
    rs[1:] |= keys[1:] != keys[:-1]
    rs |= keys < 0
    r0, r1 = _runs(rs)
    del rs
    r_cell = cells_for_keys(keys[r0], lat[r0], lon[r0], res)
    r_new = new_v[r0]
    m = r_new.copy()
    m[1:] |= r_cell[1:] != r_cell[:-1]
    g0, g1 = _runs(m)
    return r_cell[g0], vid[r0[g0]], t[r0[g0]], t[r1[g1]]


def _expand_paths(
    cell: NDArray[np.uint64],
    voy: NDArray[np.int64],
    entry: NDArray[np.int64],
    exit_: NDArray[np.int64],
    *,
    res: int,
    fill: bool,
) -> tuple[NDArray[np.uint64], NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_], int]:
    """Insert sea-only grid paths between non-neighbouring consecutive cells of a voyage.

    Returns (cell, voyage, entry time, inferred flag, number of fills over land).
    """
    n = len(cell)
    inferred = np.zeros(n, dtype=bool)
    if n < 2 or not fill:
        return cell, voy, entry, inferred, 0
    k = np.flatnonzero(voy[1:] == voy[:-1])  # transition k -> k + 1
    if len(k) == 0:
        return cell, voy, entry, inferred, 0
    pu, pv, pinv = _pair_ids(cell[k].view(np.int64), cell[k + 1].view(np.int64))
    upairs = np.stack([pu, pv], axis=1)
    grid = sea_grid(res)
    lengths = np.zeros(len(upairs), dtype=np.int64)
    fills: list[NDArray[np.uint64]] = []
    over_land = np.zeros(len(upairs), dtype=bool)
    for i, (a, b) in enumerate(upairs.tolist()):
        if h3i.are_neighbor_cells(a, b):
            fills.append(np.zeros(0, dtype=np.uint64))
            continue
        inner, at_sea = grid.fill(a, b)
        fills.append(inner)
        lengths[i] = len(inner)
        over_land[i] = not at_sea
    if not lengths.any():
        return cell, voy, entry, inferred, 0
    flat = np.concatenate(fills) if fills else np.zeros(0, dtype=np.uint64)
    off = np.zeros(len(upairs) + 1, dtype=np.int64)
    off[1:] = np.cumsum(lengths)
    lt = lengths[pinv]
    ins = np.zeros(n, dtype=np.int64)
    ins[k] = lt
    shift = np.zeros(n, dtype=np.int64)
    shift[1:] = np.cumsum(ins)[:-1]
    pos = np.arange(n, dtype=np.int64) + shift
    total = n + int(ins.sum())
    out_cell = np.empty(total, dtype=np.uint64)
    out_voy = np.empty(total, dtype=np.int64)
    out_entry = np.empty(total, dtype=np.int64)
    out_inf = np.zeros(total, dtype=bool)
    out_cell[pos] = cell
    out_voy[pos] = voy
    out_entry[pos] = entry
    sel = lt > 0
    ks, ls, ps = k[sel], lt[sel], pinv[sel]
    rep = np.repeat(np.arange(len(ks)), ls)
    start = np.zeros(len(ks), dtype=np.int64)
    start[1:] = np.cumsum(ls)[:-1]
    within = np.arange(int(ls.sum()), dtype=np.int64) - start[rep]
    kk = ks[rep]
    ipos = pos[kk] + 1 + within
    out_cell[ipos] = flat[off[ps[rep]] + within]
    out_voy[ipos] = voy[kk]
    t0 = exit_[kk].astype(np.float64)
    t1 = entry[kk + 1].astype(np.float64)
    out_entry[ipos] = np.rint(t0 + (t1 - t0) * (within + 1) / (ls[rep] + 1)).astype(np.int64)
    out_inf[ipos] = True
    n_over_land = int(over_land[ps].sum())
    return out_cell, out_voy, out_entry, out_inf, n_over_land


def partition_summary(
    points: pd.DataFrame,
    table: pd.DataFrame,
    *,
    res: int,
    zone_codes: ZoneCodes | None,
    attributes: pd.DataFrame | None = None,
    fill: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Edge and node counts of one set of voyages (one Dask partition, or everything).

    Every count returned is exactly additive across partitions that split
    voyages by vessel, so partial results merge by summation; per-passage
    transit times are returned for the (non-additive) median.

    Returns
    -------
    edges : DataFrame
        ``u, v`` (int64 node codes: H3 cell, or a negative zone code) and
        :data:`EDGE_COLUMNS`.
    nodes : DataFrame
        ``node`` and :data:`NODE_COLUMNS`.
    transits : DataFrame
        ``u, v, transit_h`` per passage.
    """
    tab = table.reset_index(drop=True)
    tv = tab["voyage_id"].to_numpy(dtype=np.int64)
    if len(tv) > 1 and not np.all(np.diff(tv) > 0):
        order = np.argsort(tv, kind="stable")
        tab = tab.take(order).reset_index(drop=True)
        tv = tv[order]
    persons = _persons(tab, attributes)
    vessel_code, _ = pd.factorize(tab["vessel_id"])
    end_ns = timestamps_ns(tab["end_time"])

    cell, voy, entry, exit_ = _cell_sequences(points, res)
    pcell, pvoy, pentry, pinf, n_over_land = _expand_paths(cell, voy, entry, exit_, res=res, fill=fill)
    vrow = np.searchsorted(tv, pvoy)
    if len(vrow) and (vrow.max(initial=0) >= len(tv) or not np.array_equal(tv[vrow], pvoy)):
        raise SchemaError("voyages: points reference voyage_ids that are not in the voyages table")
    node = pcell.view(np.int64)
    first = np.ones(len(pvoy), dtype=bool)
    first[1:] = pvoy[1:] != pvoy[:-1]
    last = np.ones(len(pvoy), dtype=bool)
    last[:-1] = first[1:]

    # cell -> cell passages
    same = ~first[1:]
    u = node[:-1][same]
    v = node[1:][same]
    pv = vrow[:-1][same]
    transit = (pentry[1:] - pentry[:-1])[same] / _NS_PER_H
    inf = (pinf[:-1] | pinf[1:])[same]

    # zone passages
    fi = np.flatnonzero(first)
    li = np.flatnonzero(last)
    dep_code = np.zeros(len(fi), dtype=np.int64)
    arr_code = np.zeros(len(li), dtype=np.int64)
    if zone_codes is not None:
        dz = tab["departure_zone"].astype(str).to_numpy()[vrow[fi]]
        az = tab["arrival_zone"].astype(str).to_numpy()[vrow[li]]
        dep_code = np.fromiter((zone_codes.departure.get(z, 0) for z in dz), np.int64, len(dz))
        arr_code = np.fromiter((zone_codes.arrival.get(z, 0) for z in az), np.int64, len(az))
    hd = dep_code != 0
    ha = arr_code != 0
    u = np.concatenate([u, dep_code[hd], node[li][ha]])
    v = np.concatenate([v, node[fi][hd], arr_code[ha]])
    pv = np.concatenate([pv, vrow[fi][hd], vrow[li][ha]])
    transit = np.concatenate(
        [transit, np.zeros(int(hd.sum())), (end_ns[vrow[li][ha]] - pentry[li][ha]) / _NS_PER_H]
    )
    inf = np.concatenate([inf, np.zeros(int(hd.sum() + ha.sum()), dtype=bool)])

    edges = _edge_counts(u, v, pv, vessel_code, persons, inf)
    edges.attrs["n_fill_over_land"] = n_over_land
    nodes = _node_counts(
        node=node,
        vrow=vrow,
        vessel_code=vessel_code,
        persons=persons,
        start_cells=node[fi][~hd],
        end_cells=node[li][~ha],
        dep=dep_code[hd],
        dep_rows=vrow[fi][hd],
        arr=arr_code[ha],
        arr_rows=vrow[li][ha],
    )
    transits = pd.DataFrame({"u": u, "v": v, "transit_h": transit})
    return edges, nodes, transits


def _pair_ids(u: NDArray[np.int64], v: NDArray[np.int64]) -> tuple[NDArray, NDArray, NDArray[np.int64]]:
    """Distinct (u, v) pairs (sorted) and the pair index of each row."""
    nodes_u, inv = np.unique(np.concatenate([u, v]), return_inverse=True)
    nn = np.int64(len(nodes_u))
    inv = inv.ravel().astype(np.int64)
    key = inv[: len(u)] * nn + inv[len(u) :]
    uk, pid = np.unique(key, return_inverse=True)
    return nodes_u[uk // nn], nodes_u[uk % nn], pid.ravel().astype(np.int64)


def _dedupe_count(group: NDArray[np.int64], item: NDArray[np.int64], n_items: int) -> tuple[NDArray, NDArray]:
    """Distinct (group, item) pairs: returns (group, item) of each distinct pair."""
    key = group * np.int64(max(n_items, 1)) + item
    uk, _ = np.unique(key, return_counts=True)  # return_counts keeps numpy's fast sorted path
    return uk // max(n_items, 1), uk % max(n_items, 1)


def _known_sums(idx: NDArray[np.int64], persons: NDArray[np.float64], n: int) -> tuple[NDArray, NDArray]:
    known = ~np.isnan(persons)
    s = np.bincount(idx[known], weights=persons[known], minlength=n)
    c = np.bincount(idx[known], minlength=n)
    return s, c


def _edge_counts(
    u: NDArray[np.int64],
    v: NDArray[np.int64],
    vrow: NDArray[np.intp],
    vessel_code: NDArray[np.intp],
    persons: NDArray[np.float64],
    inferred: NDArray[np.bool_],
) -> pd.DataFrame:
    cols = ["u", "v", *EDGE_COLUMNS]
    if len(u) == 0:
        return pd.DataFrame(
            {c: np.zeros(0, dtype=np.int64 if c != "persons_sum" else np.float64) for c in cols}
        )
    pu, pv, pid = _pair_ids(u, v)
    npair = len(pu)
    n_pass = np.bincount(pid, minlength=npair)
    n_inf = np.bincount(pid, weights=inferred.astype(np.float64), minlength=npair).astype(np.int64)
    n_voy_items = int(vrow.max()) + 1
    gp, gv = _dedupe_count(pid, vrow.astype(np.int64), n_voy_items)
    n_voy = np.bincount(gp, minlength=npair)
    ps, pc = _known_sums(gp, persons[gv], npair)
    vc = vessel_code[vrow].astype(np.int64)
    gp2, _ = _dedupe_count(pid, vc, int(vc.max()) + 1)
    n_ves = np.bincount(gp2, minlength=npair)
    return pd.DataFrame(
        {
            "u": pu,
            "v": pv,
            "n_passages": n_pass.astype(np.int64),
            "n_inferred": n_inf,
            "n_voyages": n_voy.astype(np.int64),
            "n_vessels": n_ves.astype(np.int64),
            "persons_sum": ps,
            "persons_known": pc.astype(np.int64),
        }
    )


def _node_counts(
    *,
    node: NDArray[np.int64],
    vrow: NDArray[np.intp],
    vessel_code: NDArray[np.intp],
    persons: NDArray[np.float64],
    start_cells: NDArray[np.int64],
    end_cells: NDArray[np.int64],
    dep: NDArray[np.int64],
    dep_rows: NDArray[np.intp],
    arr: NDArray[np.int64],
    arr_rows: NDArray[np.intp],
) -> pd.DataFrame:
    all_nodes = np.unique(np.concatenate([node, dep, arr]))
    nn = len(all_nodes)
    cols = ["node", *NODE_COLUMNS]
    if nn == 0:
        return pd.DataFrame(
            {c: np.zeros(0, dtype=np.int64 if c != "persons_sum" else np.float64) for c in cols}
        )
    idx = np.searchsorted(all_nodes, node)
    n_pass = np.bincount(idx, minlength=nn)
    n_items = int(vrow.max()) + 1 if len(vrow) else 1
    gn, gv = _dedupe_count(idx.astype(np.int64), vrow.astype(np.int64), n_items)
    # zone nodes: one visit per voyage departing / arriving
    zi = np.searchsorted(all_nodes, np.concatenate([dep, arr]))
    zr = np.concatenate([dep_rows, arr_rows]).astype(np.int64)
    gn = np.concatenate([gn, zi.astype(np.int64)])
    gv = np.concatenate([gv, zr])
    n_pass = n_pass + np.bincount(zi, minlength=nn)
    n_voy = np.bincount(gn, minlength=nn)
    ps, pc = _known_sums(gn, persons[gv], nn)
    vc = vessel_code[gv].astype(np.int64)
    gn2, _ = _dedupe_count(gn, vc, int(vc.max()) + 1 if len(vc) else 1)
    n_ves = np.bincount(gn2, minlength=nn)
    return pd.DataFrame(
        {
            "node": all_nodes,
            "n_voyages": n_voy.astype(np.int64),
            "n_passages": n_pass.astype(np.int64),
            "n_starts": np.bincount(np.searchsorted(all_nodes, start_cells), minlength=nn).astype(np.int64),
            "n_ends": np.bincount(np.searchsorted(all_nodes, end_cells), minlength=nn).astype(np.int64),
            "n_vessels": n_ves.astype(np.int64),
            "persons_sum": ps,
            "persons_known": pc.astype(np.int64),
        }
    )


def median_transits(transits: pd.DataFrame) -> pd.DataFrame:
    """Median transit time per edge [h] (pandas)."""
    if len(transits) == 0:
        return pd.DataFrame({"u": np.zeros(0, np.int64), "v": np.zeros(0, np.int64), "median_transit_h": []})
    out = (
        transits.groupby(["u", "v"], sort=True)["transit_h"].median().rename("median_transit_h").reset_index()
    )
    return out


# --------------------------------------------------------------------------- #
# graph assembly
# --------------------------------------------------------------------------- #


def _version() -> str:
    from medroutes import __version__

    return __version__


def _node_ids(codes: NDArray[np.int64], zone_codes: ZoneCodes | None) -> list[str]:
    out: list[str] = []
    zmap = (
        dict(zip(zone_codes.table["code"].tolist(), zone_codes.table["node_id"].tolist(), strict=True))
        if zone_codes
        else {}
    )
    for c in codes.tolist():
        out.append(zmap[c] if c < 0 else h3i.int_to_str(c))
    return out


def _line_lengths_km(geoms: NDArray[np.object_]) -> NDArray[np.float64]:
    coords, idx = shapely.get_coordinates(geoms, return_index=True)
    if len(coords) < 2:
        return np.zeros(len(geoms))
    same = idx[1:] == idx[:-1]
    seg = geodesic_km(coords[:-1, 1], coords[:-1, 0], coords[1:, 1], coords[1:, 0])
    return np.asarray(np.bincount(idx[1:][same], weights=seg[same], minlength=len(geoms)), dtype=np.float64)


def assemble_graph(
    edges: pd.DataFrame,
    nodes: pd.DataFrame,
    medians: pd.DataFrame,
    *,
    n_voyages: int,
    cfg: GraphConfig,
    zone_codes: ZoneCodes | None,
    incidents: pd.DataFrame | None,
    extra: dict[str, Any],
) -> nx.MultiDiGraph:
    """Turn merged edge and node counts into the route graph with coordinates and geometries."""
    res = cfg.h3_resolution
    edges = edges.merge(medians, on=["u", "v"], how="left", validate="one_to_one")
    edges = edges.sort_values(["u", "v"], kind="stable").reset_index(drop=True)
    nodes = nodes.sort_values("node", kind="stable").reset_index(drop=True)
    codes = nodes["node"].to_numpy(dtype=np.int64)
    is_cell = codes >= 0
    lon = np.full(len(codes), np.nan)
    lat = np.full(len(codes), np.nan)
    centre_land = np.zeros(len(codes), dtype=bool)
    grid = sea_grid(res)
    if is_cell.any():
        clon, clat, cland = grid.node_points(codes[is_cell].view(np.uint64))
        lon[is_cell], lat[is_cell], centre_land[is_cell] = clon, clat, cland
    kind = np.array(["cell"] * len(codes), dtype=object)
    zone_id = np.array([""] * len(codes), dtype=object)
    if zone_codes is not None and (~is_cell).any():
        zt = zone_codes.table.set_index("code")
        zc = codes[~is_cell]
        lon[~is_cell] = zt.loc[zc, "lon"].to_numpy()
        lat[~is_cell] = zt.loc[zc, "lat"].to_numpy()
        kind[~is_cell] = zt.loc[zc, "kind"].to_numpy()
        zone_id[~is_cell] = zt.loc[zc, "zone_id"].to_numpy()
    ids = _node_ids(codes, zone_codes)
    pos_of = pd.Index(codes)
    iu = pos_of.get_indexer(edges["u"].to_numpy())
    iv = pos_of.get_indexer(edges["v"].to_numpy())
    seg = np.stack([np.column_stack([lon[iu], lat[iu]]), np.column_stack([lon[iv], lat[iv]])], axis=1)
    geoms = shapely.linestrings(seg) if len(seg) else np.zeros(0, dtype=object)
    n_routed = 0
    if cfg.route_geometry and len(geoms):
        from medroutes.geo import crosses_land

        bad = np.flatnonzero(crosses_land(geoms))
        for b in progress_bar(bad.tolist(), desc="routing edges around land", unit="edge"):
            coords = grid.route(seg[b, 0, 0], seg[b, 0, 1], seg[b, 1, 0], seg[b, 1, 1])
            geoms[b] = shapely.linestrings(coords)
            n_routed += 1
    length = _line_lengths_km(geoms) if len(geoms) else np.zeros(0)
    persons_e = np.where(edges["persons_known"].to_numpy() > 0, edges["persons_sum"].to_numpy(), np.nan)
    persons_n = np.where(nodes["persons_known"].to_numpy() > 0, nodes["persons_sum"].to_numpy(), np.nan)

    G = nx.MultiDiGraph()
    G.graph.update(
        {
            "crs": "EPSG:4326",
            "h3_resolution": res,
            "medroutes_version": _version(),
            "n_voyages": int(n_voyages),
            "config": cfg,
            "n_fill_over_land": int(extra.get("n_fill_over_land", 0)),
            "n_edges_routed": n_routed,
            **{k: v for k, v in extra.items() if k != "n_fill_over_land"},
        }
    )
    nv_total = max(int(n_voyages), 1)
    ncols = {c: nodes[c].to_numpy() for c in ("n_voyages", "n_passages", "n_starts", "n_ends", "n_vessels")}
    for i, nid in enumerate(ids):
        attrs: dict[str, Any] = {
            "x": float(lon[i]),
            "y": float(lat[i]),
            "kind": str(kind[i]),
            "n_voyages": int(ncols["n_voyages"][i]),
            "n_passages": int(ncols["n_passages"][i]),
            "n_starts": int(ncols["n_starts"][i]),
            "n_ends": int(ncols["n_ends"][i]),
            "n_vessels": int(ncols["n_vessels"][i]),
            "persons": float(persons_n[i]),
            "share": int(ncols["n_voyages"][i]) / nv_total,
            "incidents": 0,
            "dead_missing": 0,
        }
        attrs["h3"] = nid if is_cell[i] else ""
        attrs["zone_id"] = str(zone_id[i])
        attrs["centre_on_land"] = bool(centre_land[i])
        G.add_node(nid, **attrs)
    ecols = {c: edges[c].to_numpy() for c in ("n_voyages", "n_vessels", "n_passages", "n_inferred")}
    med = edges["median_transit_h"].to_numpy(dtype=np.float64)
    for i in range(len(edges)):
        G.add_edge(
            ids[iu[i]],
            ids[iv[i]],
            key=0,
            n_voyages=int(ecols["n_voyages"][i]),
            n_vessels=int(ecols["n_vessels"][i]),
            n_passages=int(ecols["n_passages"][i]),
            n_inferred=int(ecols["n_inferred"][i]),
            persons=float(persons_e[i]),
            share=int(ecols["n_voyages"][i]) / nv_total,
            length_km=float(length[i]),
            median_transit_h=float(med[i]),
            incidents=0,
            dead_missing=0,
            geometry=geoms[i],
        )
    if incidents is not None:
        from medroutes.graph._incidents import add_incidents

        add_incidents(G, incidents, max_km=cfg.incident_max_km or 2.0 * grid.spacing_km)
    return G


# --------------------------------------------------------------------------- #
# public entry point
# --------------------------------------------------------------------------- #


def graph_from_voyages(
    voyages: Voyages | pd.DataFrame,
    *,
    attributes: pd.DataFrame | None = None,
    incidents: pd.DataFrame | None = None,
    zones: gpd.GeoDataFrame | None = None,
    config: GraphConfig | None = None,
) -> nx.MultiDiGraph:
    """Build the directed route graph of voyages on an H3 grid, with zone nodes.

    Each voyage becomes a walk over H3 cells: the distinct consecutive cells
    of its fixes, with cells it skipped (consecutive fixes in non-neighbouring
    cells) filled in along the H3 grid path, or, where that path would use a
    cell whose centre is on land, along the shortest path through sea cells.
    A voyage that starts in a departure zone enters from that zone's node; one
    that ends in an arrival zone leaves to that zone's node.

    Parameters
    ----------
    voyages
        Result of :func:`medroutes.tracks.split_voyages` (pandas or dask). A
        positions DataFrame (pandas or dask) is split first with the default
        :class:`~medroutes.tracks.TrackConfig`.
    attributes
        Per-voyage attributes with ``persons`` (e.g. a scenario's ``voyages``
        table), joined on ``vessel_id`` when that is unique in ``attributes``,
        else on ``voyage_id``. Without it, ``persons`` is NaN (unknown).
    incidents
        Incidents (``INCIDENTS`` schema: ``lat, lon, dead, missing``) mapped to
        the nearest edge and cell node within ``config.incident_max_km``.
    zones
        Zones whose departure and arrival kinds become nodes (default built-in
        zones); should be the zones the voyages were labelled with.
    config
        :class:`GraphConfig`.

    Returns
    -------
    networkx.MultiDiGraph
        ``G.graph``: ``crs`` ("EPSG:4326"), ``h3_resolution``, ``n_voyages``,
        ``config``, ``n_fill_over_land``, ``n_edges_routed``,
        ``n_incidents_mapped``, ``n_incidents_unmapped``. Nodes (H3 cell
        string, or ``"departure:<zone_id>"`` / ``"arrival:<zone_id>"``):
        ``x`` (lon), ``y`` (lat), ``kind`` in {"cell", "departure",
        "arrival"}, ``n_voyages``, ``n_passages``, ``n_starts``, ``n_ends``
        (voyages starting or ending in the cell without a zone node),
        ``n_vessels``, ``persons``, ``share``, ``incidents``,
        ``dead_missing``, ``h3`` (cell id, "" for zones), ``zone_id`` (""
        for cells) and ``centre_on_land`` (the cell centre is on land, so the
        node point was moved into the cell's sea part). Edges ``(u, v, 0)``: ``n_voyages`` (distinct
        voyages), ``n_passages`` (traversals; a voyage passing twice counts
        twice), ``n_vessels``, ``n_inferred`` (passages filled in, not
        observed), ``persons``, ``share``, ``length_km``,
        ``median_transit_h`` (time from entering ``u`` to entering ``v``; 0
        from a departure node; to an arrival node, until the last fix),
        ``incidents``, ``dead_missing``, ``geometry`` (LineString, lon/lat).

    Notes
    -----
    Flow is conserved: at every cell, ``sum(in n_passages) + n_starts ==
    sum(out n_passages) + n_ends``, and the departures (zone edges plus
    ``n_starts``) sum to the number of voyages.

    Cells are computed in numpy (:mod:`medroutes.graph._h3index`) with one
    h3-py call per distinct cell; the work is linear in the number of
    positions, with no Python loop per point or per voyage. Node points of
    coastal cells whose centre is on land are moved into the cell's sea part,
    and edge lines that would still cross land are routed over finer cells.

    **Dask.** When ``voyages`` (or the positions) are dask-backed, each
    partition (all voyages of a set of vessels) is summarised with the same
    code, the additive counts are summed and the median transit times are
    computed with a dask groupby-median, so the graph is identical to the
    pandas one. Example::

        import dask.dataframe as dd
        from dask.distributed import Client, LocalCluster
        client = Client(LocalCluster(n_workers=4))
        pos = dd.read_parquet("ais-2025/*.parquet")  # clean each file first
        voy = mr.tracks.split_voyages(pos)            # shuffles on vessel_id
        G = mr.graph.graph_from_voyages(voy)

    Examples
    --------
    >>> import medroutes as mr
    >>> G = mr.graph.graph_from_voyages(voy)  # doctest: +SKIP
    >>> mr.graph.most_used_path(G, "ly_west", "it_lampedusa")  # doctest: +SKIP
    """
    cfg = GraphConfig() if config is None else config
    if not isinstance(cfg, GraphConfig):
        raise TypeError(f"config must be a GraphConfig, got {type(cfg).__name__}")
    if isinstance(voyages, pd.DataFrame) or is_dask_collection(voyages):
        voyages = split_voyages(cast(pd.DataFrame, voyages), zones=zones)
    if not isinstance(voyages, Voyages):
        raise TypeError(
            f"voyages must be a Voyages (from medroutes.tracks.split_voyages) or positions, got {type(voyages).__name__}"
        )
    zone_codes = ZoneCodes.build(zones) if cfg.zone_nodes else None
    if voyages.is_lazy:
        from medroutes.graph._dask import summarise_dask

        edges, nodes, medians, n_voy, extra = summarise_dask(
            voyages, res=cfg.h3_resolution, zone_codes=zone_codes, attributes=attributes, fill=cfg.fill_gaps
        )
    else:
        edges, nodes, transits = partition_summary(
            voyages.points,
            voyages.table,
            res=cfg.h3_resolution,
            zone_codes=zone_codes,
            attributes=attributes,
            fill=cfg.fill_gaps,
        )
        medians = median_transits(transits)
        n_voy = len(voyages.table)
        extra = {"n_fill_over_land": edges.attrs.get("n_fill_over_land", 0)}
    extra["track_config"] = voyages.config
    return assemble_graph(
        edges,
        nodes,
        medians,
        n_voyages=n_voy,
        cfg=cfg,
        zone_codes=zone_codes,
        incidents=incidents,
        extra=extra,
    )
