"""Questions an analyst asks of a route graph: paths, shares, bottlenecks, OD, periods, change."""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pandas as pd
import shapely
from numpy.typing import ArrayLike

from medroutes.errors import ConfigError, InsufficientDataError, SchemaError
from medroutes.tracks import Voyages

if TYPE_CHECKING:
    import geopandas as gpd

    from medroutes.graph._config import GraphConfig

__all__ = [
    "SEASONS",
    "bottlenecks",
    "cell_share",
    "compare_graphs",
    "edge_shares",
    "graph_by_period",
    "most_used_path",
    "od_matrix",
    "path_to_linestring",
]

#: Meteorological seasons by month.
SEASONS: dict[int, str] = {
    12: "winter",
    1: "winter",
    2: "winter",
    3: "spring",
    4: "spring",
    5: "spring",
    6: "summer",
    7: "summer",
    8: "summer",
    9: "autumn",
    10: "autumn",
    11: "autumn",
}


def _resolve(G: nx.MultiDiGraph, name: Hashable, kind: str) -> Hashable:
    if name in G:
        return name
    zn = f"{kind}:{name}"
    if zn in G:
        return zn
    if isinstance(name, (int, np.integer)):
        from h3.api import basic_str as h3s

        s = h3s.int_to_str(int(name))
        if s in G:
            return s
    zones = sorted(str(d["zone_id"]) for _, d in G.nodes(data=True) if d.get("kind") == kind)
    raise ConfigError(f"{name!r} is neither a node nor a {kind} zone of the graph; {kind} zones: {zones}")


def _transition_costs(G: nx.MultiDiGraph) -> nx.DiGraph:
    """DiGraph with ``cost = -log(share of the passages leaving u that go to v)``."""
    out: dict[Hashable, float] = {}
    for u, _, d in G.edges(data=True):
        out[u] = out.get(u, 0.0) + float(d.get("n_passages", d.get("n_voyages", 0)))
    H = nx.DiGraph()
    H.add_nodes_from(G.nodes)
    for u, v, d in G.edges(data=True):
        w = float(d.get("n_passages", d.get("n_voyages", 0)))
        if w <= 0 or out[u] <= 0:
            continue
        cost = -math.log(w / out[u])
        if H.has_edge(u, v):
            cost = min(cost, H[u][v]["cost"])
        H.add_edge(u, v, cost=cost)
    return H


def most_used_path(G: nx.MultiDiGraph, origin: Hashable, destination: Hashable) -> list[Hashable]:
    """Find the most used route between two zones (or nodes) of a route graph.

    Voyages are treated as a Markov chain on the graph: from node ``u`` they
    continue to ``v`` with probability ``p(v | u)`` = the share of the
    passages leaving ``u`` that go to ``v``. The returned path maximises the
    product of these shares (Dijkstra on ``-log p``), i.e. it follows where
    most boats actually went at every step, not the geometrically shortest
    line.

    Parameters
    ----------
    G
        Route graph.
    origin
        Departure zone id (``"ly_west"``) or any node id.
    destination
        Arrival zone id (``"it_lampedusa"``) or any node id.

    Returns
    -------
    list
        Node ids from origin to destination.

    Raises
    ------
    InsufficientDataError
        No voyage in the graph connects them.

    See Also
    --------
    path_to_linestring : the path as one line.
    """
    s = _resolve(G, origin, "departure")
    t = _resolve(G, destination, "arrival")
    H = _transition_costs(G)
    try:
        return list(nx.dijkstra_path(H, s, t, weight="cost"))
    except nx.NetworkXNoPath:
        raise InsufficientDataError(f"no voyage in the graph connects {s!r} to {t!r}") from None


def path_to_linestring(G: nx.MultiDiGraph, path: list[Hashable]) -> shapely.LineString:
    """Join the edge geometries along ``path`` into one LineString (lon/lat)."""
    parts: list[np.ndarray] = []
    for u, v in itertools.pairwise(path):
        data = G.get_edge_data(u, v)
        if not data:
            raise ConfigError(f"no edge {u!r} -> {v!r} in the graph")
        g = data[min(data)]["geometry"]
        c = shapely.get_coordinates(g)
        parts.append(c if not parts else c[1:])
    if not parts:
        raise ConfigError("a path needs at least two nodes")
    return shapely.linestrings(np.vstack(parts))


def edge_shares(G: nx.MultiDiGraph, *, min_voyages: int | None = None) -> pd.DataFrame:
    """Share of all voyages that pass each edge.

    Parameters
    ----------
    G
        Route graph.
    min_voyages
        Drop edges with fewer voyages (default: keep all).

    Returns
    -------
    pandas.DataFrame
        ``u, v, key, n_voyages, share`` (``n_voyages / G.graph["n_voyages"]``),
        largest share first.
    """
    n = max(int(G.graph.get("n_voyages", 0)), 1)
    rows = [(u, v, k, int(d["n_voyages"])) for u, v, k, d in G.edges(keys=True, data=True)]
    df = pd.DataFrame(rows, columns=["u", "v", "key", "n_voyages"]).astype(
        {"n_voyages": "int64", "key": "int64"}
    )
    df["share"] = df["n_voyages"] / n
    if min_voyages is not None:
        df = df.loc[df["n_voyages"] >= min_voyages]
    return df.sort_values(["share", "u", "v"], ascending=[False, True, True], kind="stable").reset_index(
        drop=True
    )


def cell_share(G: nx.MultiDiGraph, cell: Hashable) -> float:
    """Share of all voyages that pass through a cell (or any node).

    Parameters
    ----------
    G
        Route graph.
    cell
        H3 cell (string or int), zone node id, or a ``(lat, lon)`` tuple [deg]
        whose cell at the graph's resolution is used.

    Returns
    -------
    float
        ``n_voyages(cell) / G.graph["n_voyages"]``; 0.0 for a cell no voyage
        entered.
    """
    from h3.api import basic_str as h3s

    if isinstance(cell, tuple) and len(cell) == 2:
        cell = h3s.latlng_to_cell(float(cell[0]), float(cell[1]), int(G.graph["h3_resolution"]))
    elif isinstance(cell, (int, np.integer)):
        cell = h3s.int_to_str(int(cell))
    n = max(int(G.graph.get("n_voyages", 0)), 1)
    if cell not in G:
        return 0.0
    return int(G.nodes[cell]["n_voyages"]) / n


def bottlenecks(G: nx.MultiDiGraph, k: int = 10) -> pd.DataFrame:
    """Cells that the most used routes between zones funnel through.

    Weighted betweenness restricted to departure-to-arrival routes
    (:func:`networkx.betweenness_centrality_subset`, sources = departure
    nodes, targets = arrival nodes, edge weight ``-log p(v | u)`` as in
    :func:`most_used_path`), normalised by the number of connected zone pairs,
    so 1.0 means every connected origin-destination pair's most used route
    passes the cell.

    Parameters
    ----------
    G
        Route graph with zone nodes.
    k
        Number of cells returned.

    Returns
    -------
    pandas.DataFrame
        ``node, betweenness, n_voyages, share, x, y``, highest betweenness first.
    """
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ConfigError(f"k must be a positive integer, got {k!r}")
    H = _transition_costs(G)
    src = [n for n, d in G.nodes(data=True) if d.get("kind") == "departure"]
    dst = [n for n, d in G.nodes(data=True) if d.get("kind") == "arrival"]
    if not src or not dst:
        raise InsufficientDataError(
            "bottlenecks need departure and arrival zone nodes (GraphConfig(zone_nodes=True))"
        )
    bc = nx.betweenness_centrality_subset(H, src, dst, normalized=False, weight="cost")
    pairs = sum(1 for s in src for t in dst if nx.has_path(H, s, t))
    n = max(int(G.graph.get("n_voyages", 0)), 1)
    rows = [
        (c, bc.get(c, 0.0) / max(pairs, 1), int(d["n_voyages"]), int(d["n_voyages"]) / n, d["x"], d["y"])
        for c, d in G.nodes(data=True)
        if d.get("kind") == "cell"
    ]
    df = pd.DataFrame(rows, columns=["node", "betweenness", "n_voyages", "share", "x", "y"])
    df = df.sort_values(["betweenness", "n_voyages", "node"], ascending=[False, False, True], kind="stable")
    return df.head(int(k)).reset_index(drop=True)


def _table(voyages: Voyages | pd.DataFrame) -> pd.DataFrame:
    if isinstance(voyages, Voyages):
        lazy: Any = voyages.table
        return lazy.compute() if voyages.is_lazy else voyages.table
    if isinstance(voyages, pd.DataFrame):
        return voyages
    raise TypeError(f"expected Voyages or a voyages table, got {type(voyages).__name__}")


def od_matrix(voyages: Voyages | pd.DataFrame) -> pd.DataFrame:
    """Count the voyages from each departure zone to each arrival zone.

    Parameters
    ----------
    voyages
        :class:`~medroutes.tracks.Voyages` or a voyages table with
        ``departure_zone`` and ``arrival_zone``.

    Returns
    -------
    pandas.DataFrame
        Rows ``departure_zone``, columns ``arrival_zone`` (including "at sea"),
        int64 counts; zero where no voyage.
    """
    t = _table(voyages)
    for c in ("departure_zone", "arrival_zone"):
        if c not in t.columns:
            raise SchemaError(f"voyages: missing column {c!r}")
    m = pd.crosstab(t["departure_zone"].astype(str), t["arrival_zone"].astype(str))
    m.index.name = "departure_zone"
    m.columns.name = "arrival_zone"
    return m.astype("int64")


_PERIOD_ALIAS = {
    "MS": "M",
    "ME": "M",
    "M": "M",
    "QS": "Q",
    "QE": "Q",
    "Q": "Q",
    "YS": "Y",
    "YE": "Y",
    "Y": "Y",
}


def _labels(table: pd.DataFrame, freq: str | ArrayLike | pd.Series) -> tuple[pd.Series, bool]:
    """Group label per voyage row; second value tells whether labels are time periods."""
    if isinstance(freq, str):
        start = table["start_time"].dt.tz_convert("UTC").dt.tz_localize(None)
        if freq == "season":
            return start.dt.month.map(SEASONS).astype(str), True
        alias = _PERIOD_ALIAS.get(freq, freq)
        try:
            return start.dt.to_period(alias).astype(str), True
        except ValueError as exc:
            raise ConfigError(f"freq {freq!r} is not a pandas period alias or 'season': {exc}") from exc
    if isinstance(freq, pd.Series) and not pd.api.types.is_bool_dtype(freq) and len(freq) != len(table):
        lab = freq.reindex(table["voyage_id"].to_numpy())
        return pd.Series(lab.to_numpy(), index=table.index), False
    arr = np.asarray(freq)
    if isinstance(freq, pd.Series) and freq.index.equals(pd.Index(table["voyage_id"].to_numpy())):
        arr = freq.to_numpy()
    if len(arr) != len(table):
        raise ConfigError(f"freq mask/labels have {len(arr)} values for {len(table)} voyages")
    if arr.dtype == bool:
        return pd.Series(np.where(arr, "in window", "outside window"), index=table.index), False
    return pd.Series(arr, index=table.index), False


def graph_by_period(
    voyages: Voyages,
    freq: str | ArrayLike | pd.Series = "MS",
    *,
    attributes: pd.DataFrame | None = None,
    incidents: pd.DataFrame | None = None,
    zones: gpd.GeoDataFrame | None = None,
    config: GraphConfig | None = None,
) -> dict[Any, nx.MultiDiGraph]:
    """One route graph per time slice of the voyages.

    Parameters
    ----------
    voyages
        Computed :class:`~medroutes.tracks.Voyages`.
    freq
        ``"MS"`` (month), ``"QS"``, ``"YS"``, ``"W"`` or any pandas period
        alias, applied to each voyage's ``start_time`` (UTC); ``"season"``
        (meteorological, pooled over years: winter = Dec-Feb); or a boolean
        mask over the voyages (e.g. departures inside a calm-weather window)
        giving ``"in window"`` / ``"outside window"``; or any labels, one per
        voyage (array aligned with ``voyages.table`` or Series indexed by
        ``voyage_id``).
    attributes, zones, config
        As in :func:`graph_from_voyages`.
    incidents
        Split by the same period of their ``timestamp`` for time-based
        ``freq``; ignored for masks and labels (map them with
        :func:`add_incidents` on the graph you need).

    Returns
    -------
    dict
        Label -> graph (sorted by label), each with ``G.graph["period"]``.
    """
    from medroutes.graph._build import graph_from_voyages

    if not isinstance(voyages, Voyages):
        raise TypeError(f"voyages must be Voyages, got {type(voyages).__name__}")
    voyages = voyages.compute()
    table = voyages.table
    labels, timed = _labels(table, freq)
    inc_labels = None
    if incidents is not None and timed:
        inc_labels, _ = _labels(pd.DataFrame({"start_time": incidents["timestamp"]}), freq)
    out: dict[Any, nx.MultiDiGraph] = {}
    for lab in sorted(pd.unique(labels.dropna()), key=str):
        ids = table.loc[(labels == lab).to_numpy(), "voyage_id"].to_numpy()
        inc = None
        if inc_labels is not None and incidents is not None:
            inc = incidents.loc[(inc_labels == lab).to_numpy()]
        G = graph_from_voyages(
            voyages.select(ids), attributes=attributes, incidents=inc, zones=zones, config=config
        )
        G.graph["period"] = lab
        out[lab] = G
    return out


def compare_graphs(G_a: nx.MultiDiGraph, G_b: nx.MultiDiGraph) -> pd.DataFrame:
    """Tabulate what changed between two route graphs (e.g. two periods), edge by edge.

    Parameters
    ----------
    G_a, G_b
        Route graphs of the same H3 resolution ("before" and "after").

    Returns
    -------
    pandas.DataFrame
        ``u, v, n_voyages_a, n_voyages_b, share_a, share_b, delta_voyages,
        delta_share, change`` with ``change`` in {"added", "removed",
        "changed", "unchanged"} (on ``n_voyages``); largest absolute change
        in share first. ``.attrs`` holds the voyage totals and counts per
        change type.
    """
    ra, rb = G_a.graph.get("h3_resolution"), G_b.graph.get("h3_resolution")
    if ra != rb:
        raise ConfigError(f"cannot compare graphs of H3 resolutions {ra} and {rb}")

    def table(G: nx.MultiDiGraph) -> pd.DataFrame:
        df = edge_shares(G)
        return df.groupby(["u", "v"], sort=False)[["n_voyages", "share"]].sum()

    a, b = table(G_a), table(G_b)
    df = a.add_suffix("_a").join(b.add_suffix("_b"), how="outer")
    present_a = df["n_voyages_a"].notna().to_numpy()
    present_b = df["n_voyages_b"].notna().to_numpy()
    df = df.fillna(0)
    df = df.astype({"n_voyages_a": "int64", "n_voyages_b": "int64"})
    df["delta_voyages"] = df["n_voyages_b"] - df["n_voyages_a"]
    df["delta_share"] = df["share_b"] - df["share_a"]
    change = np.where(
        ~present_a,
        "added",
        np.where(
            ~present_b, "removed", np.where(df["delta_voyages"].to_numpy() != 0, "changed", "unchanged")
        ),
    )
    df["change"] = change
    df = df.reset_index()
    df["abs"] = df["delta_share"].abs()
    df = df.sort_values(["abs", "u", "v"], ascending=[False, True, True], kind="stable").drop(columns="abs")
    df = df.reset_index(drop=True)
    df.attrs = {
        "n_voyages_a": int(G_a.graph.get("n_voyages", 0)),
        "n_voyages_b": int(G_b.graph.get("n_voyages", 0)),
        **{f"n_{c}": int((df["change"] == c).sum()) for c in ("added", "removed", "changed", "unchanged")},
    }
    return df
