"""Save and load route graphs: GeoJSON, GraphML and GeoParquet."""

from __future__ import annotations

import dataclasses
import json
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import shapely

from medroutes._atomic import atomic_path
from medroutes.errors import DataFormatError, OutputError

__all__ = ["FORMATS", "load_graph", "save_graph"]

#: File suffix -> format name.
FORMATS: dict[str, str] = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".graphml": "graphml",
    ".parquet": "parquet",
}
_GRAPH_KEY = "medroutes_graph"


def _format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DataFormatError(
            f"cannot tell the graph format of {str(path)!r} from its suffix {path.suffix!r}; "
            f"use one of {', '.join(sorted(FORMATS))}"
        )
    return fmt


# --------------------------------------------------------------------------- #
# graph attributes <-> JSON
# --------------------------------------------------------------------------- #


def _jsonable(v: Any) -> Any:
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return {"__config__": type(v).__name__, **dataclasses.asdict(v)}
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return str(v)


def _graph_attrs_to_json(attrs: dict[str, Any]) -> str:
    return json.dumps({k: _jsonable(v) for k, v in attrs.items()}, allow_nan=False)


def _graph_attrs_from_json(text: str | bytes) -> dict[str, Any]:
    from medroutes.graph._config import GraphConfig
    from medroutes.tracks import TrackConfig

    classes = {"GraphConfig": GraphConfig, "TrackConfig": TrackConfig}
    out: dict[str, Any] = {}
    for k, v in json.loads(text).items():
        if isinstance(v, dict) and v.get("__config__") in classes:
            cls = classes[v.pop("__config__")]
            try:
                v = cls(**v)
            except (TypeError, ValueError):
                pass
        out[k] = v
    return out


def _scalar(v: Any) -> Any:
    """Return a value GraphML/JSON can hold: numpy scalars unwrapped, containers as JSON text."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return json.dumps(_jsonable(v))


# --------------------------------------------------------------------------- #
# public
# --------------------------------------------------------------------------- #


def save_graph(
    G: nx.MultiDiGraph, path: str | os.PathLike[str], *, inputs: Iterable[str | os.PathLike[str] | None] = ()
) -> Path:
    """Write a route graph to GeoJSON, GraphML or GeoParquet (by suffix), atomically.

    Parameters
    ----------
    G
        Route graph.
    path
        ``.geojson`` (RFC 7946 FeatureCollection: one Point feature per node
        and one LineString per edge, ``properties.element`` is ``"node"`` or
        ``"edge"``, graph attributes in the top-level ``"medroutes_graph"``
        member), ``.graphml`` (geometries as WKT, graph attributes as JSON in
        the graph attribute ``medroutes_graph``) or ``.parquet`` (one
        GeoParquet table of node and edge rows with an ``element`` column,
        graph attributes and column types in the file metadata).
    inputs
        Files the run read; writing onto one of them raises
        :class:`~medroutes.errors.OutputError`.

    Returns
    -------
    pathlib.Path
        The path written.

    Notes
    -----
    Missing numbers (NaN) are written as null / "nan" and read back as NaN.
    Attribute values that are not str, int, float or bool are written as
    JSON text.
    """
    p = Path(path)
    fmt = _format(p)
    writer = {"geojson": _write_geojson, "graphml": _write_graphml, "parquet": _write_parquet}[fmt]
    with atomic_path(p, inputs=inputs) as tmp:
        try:
            writer(G, tmp)
        except OSError as exc:
            raise OutputError(f"could not write {str(p)!r}: {exc.strerror or exc}") from exc
    return p


def load_graph(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read a route graph written by :func:`save_graph`.

    Parameters
    ----------
    path
        ``.geojson``, ``.graphml`` or ``.parquet`` file.

    Returns
    -------
    networkx.MultiDiGraph
        Same nodes, edges, attributes (configs restored as
        :class:`GraphConfig` / :class:`~medroutes.tracks.TrackConfig`) and
        shapely geometries as the graph saved.
    """
    p = Path(path)
    fmt = _format(p)
    if not p.exists():
        raise FileNotFoundError(2, "No such file", str(p))
    reader = {"geojson": _read_geojson, "graphml": _read_graphml, "parquet": _read_parquet}[fmt]
    try:
        return reader(p)
    except (ValueError, KeyError, json.JSONDecodeError) as exc:
        if isinstance(exc, DataFormatError):
            raise
        raise DataFormatError(f"{str(p)!r} is not a medroutes route graph ({fmt}): {exc}") from exc


# --------------------------------------------------------------------------- #
# GeoJSON
# --------------------------------------------------------------------------- #


def _json_props(d: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in d.items():
        if k == "geometry":
            continue
        v = _scalar(v)
        if isinstance(v, float) and not math.isfinite(v):
            v = None
        out[k] = v
    return out


def _write_geojson(G: nx.MultiDiGraph, tmp: Path) -> None:
    feats: list[dict[str, Any]] = []
    for n, d in G.nodes(data=True):
        props = {"element": "node", "id": n, **_json_props(d)}
        feats.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [d["x"], d["y"]]},
                "properties": props,
            }
        )
    for u, v, k, d in G.edges(keys=True, data=True):
        g = d.get("geometry")
        geom = json.loads(shapely.to_geojson(g)) if g is not None else None
        props = {"element": "edge", "u": u, "v": v, "key": k, **_json_props(d)}
        feats.append({"type": "Feature", "geometry": geom, "properties": props})
    doc = {
        "type": "FeatureCollection",
        _GRAPH_KEY: json.loads(_graph_attrs_to_json(dict(G.graph))),
        "features": feats,
    }
    tmp.write_text(json.dumps(doc, allow_nan=False))


def _nan(v: Any) -> Any:
    return float("nan") if v is None else v


def _read_geojson(p: Path) -> nx.MultiDiGraph:
    doc = json.loads(p.read_text())
    if doc.get("type") != "FeatureCollection" or _GRAPH_KEY not in doc:
        raise DataFormatError(
            f"{str(p)!r} is a GeoJSON file but not a medroutes route graph (no {_GRAPH_KEY!r})"
        )
    G = nx.MultiDiGraph(**_graph_attrs_from_json(json.dumps(doc[_GRAPH_KEY])))
    edges = []
    for f in doc["features"]:
        props = dict(f["properties"])
        el = props.pop("element")
        if el == "node":
            nid = props.pop("id")
            G.add_node(nid, **{k: _nan(v) for k, v in props.items()})
        else:
            edges.append((props, f.get("geometry")))
    for props, geom in edges:
        u, v, k = props.pop("u"), props.pop("v"), int(props.pop("key"))
        attrs = {a: _nan(b) for a, b in props.items()}
        attrs["geometry"] = shapely.from_geojson(json.dumps(geom)) if geom else None
        G.add_edge(u, v, key=k, **attrs)
    return G


# --------------------------------------------------------------------------- #
# GraphML
# --------------------------------------------------------------------------- #


def _write_graphml(G: nx.MultiDiGraph, tmp: Path) -> None:
    H = nx.MultiDiGraph()
    H.graph[_GRAPH_KEY] = _graph_attrs_to_json(dict(G.graph))
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: _scalar(v) for k, v in d.items() if v is not None})
    for u, v, k, d in G.edges(keys=True, data=True):
        attrs = {a: _scalar(b) for a, b in d.items() if a != "geometry" and b is not None}
        g = d.get("geometry")
        if g is not None:
            attrs["geometry"] = shapely.to_wkt(g, rounding_precision=-1)
        H.add_edge(u, v, key=k, **attrs)
    nx.write_graphml(H, tmp, named_key_ids=True)


def _read_graphml(p: Path) -> nx.MultiDiGraph:
    H = nx.read_graphml(p, force_multigraph=True, edge_key_type=int)
    if _GRAPH_KEY not in H.graph:
        raise DataFormatError(f"{str(p)!r} is a GraphML file but not a medroutes route graph")
    G = nx.MultiDiGraph(**_graph_attrs_from_json(H.graph[_GRAPH_KEY]))
    for n, d in H.nodes(data=True):
        G.add_node(n, **d)
    for u, v, k, d in H.edges(keys=True, data=True):
        attrs = dict(d)
        attrs.pop("id", None)
        if "geometry" in attrs:
            attrs["geometry"] = shapely.from_wkt(attrs["geometry"])
        G.add_edge(u, v, key=int(k), **attrs)
    return G


# --------------------------------------------------------------------------- #
# GeoParquet
# --------------------------------------------------------------------------- #


def _write_parquet(G: nx.MultiDiGraph, tmp: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from pyproj import CRS

    nodes = [
        {"element": "node", "id": n, **{k: _scalar(v) for k, v in d.items()}} for n, d in G.nodes(data=True)
    ]
    node_geom = [shapely.points(d["x"], d["y"]) for _, d in G.nodes(data=True)]
    edges = [
        {
            "element": "edge",
            "u": u,
            "v": v,
            "key": k,
            **{a: _scalar(b) for a, b in d.items() if a != "geometry"},
        }
        for u, v, k, d in G.edges(keys=True, data=True)
    ]
    edge_geom = [d.get("geometry") for *_, d in G.edges(keys=True, data=True)]
    nf = pd.DataFrame(nodes)
    ef = pd.DataFrame(edges)
    dtypes = {
        "node": {c: str(t) for c, t in nf.dtypes.items()},
        "edge": {c: str(t) for c, t in ef.dtypes.items()},
    }
    df = pd.concat([nf, ef], ignore_index=True, sort=False)
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].map(lambda x: json.dumps(_jsonable(x)) if isinstance(x, (dict, list, tuple)) else x)
    geoms = np.asarray(node_geom + edge_geom, dtype=object)
    df["geometry"] = shapely.to_wkb(geoms)
    table = pa.Table.from_pandas(df, preserve_index=False)
    types = sorted({shapely.get_type_id(g) for g in geoms if g is not None})
    names = {0: "Point", 1: "LineString"}
    geo = {
        "version": "1.0.0",
        "primary_column": "geometry",
        "columns": {
            "geometry": {
                "encoding": "WKB",
                "geometry_types": [names[t] for t in types if t in names],
                "crs": CRS.from_user_input(G.graph.get("crs", "EPSG:4326")).to_json_dict(),
            }
        },
    }
    meta = dict(table.schema.metadata or {})
    meta[b"geo"] = json.dumps(geo).encode()
    meta[_GRAPH_KEY.encode()] = _graph_attrs_to_json(dict(G.graph)).encode()
    meta[b"medroutes_dtypes"] = json.dumps(dtypes).encode()
    pq.write_table(table.replace_schema_metadata(meta), tmp)


def _read_parquet(p: Path) -> nx.MultiDiGraph:
    import geopandas as gpd
    import pyarrow.parquet as pq

    meta = pq.read_schema(p).metadata or {}
    if _GRAPH_KEY.encode() not in meta:
        raise DataFormatError(f"{str(p)!r} is a Parquet file but not a medroutes route graph")
    G = nx.MultiDiGraph(**_graph_attrs_from_json(meta[_GRAPH_KEY.encode()]))
    dtypes = json.loads(meta.get(b"medroutes_dtypes", b"{}"))
    gdf = gpd.read_parquet(p)
    geom = gdf.geometry.to_numpy()
    df = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    is_node = (df["element"] == "node").to_numpy()
    for el, mask in (("node", is_node), ("edge", ~is_node)):
        sub = df.loc[mask, [c for c in dtypes.get(el, df.columns) if c in df.columns]]
        for c, t in dtypes.get(el, {}).items():
            if c in sub.columns and t in ("int64", "bool", "float64"):
                sub[c] = sub[c].astype(t)
        recs = sub.drop(columns=["element"]).to_dict("records")
        if el == "node":
            for r in recs:
                nid = r.pop("id")
                G.add_node(nid, **{str(k): _py(v) for k, v in r.items()})
        else:
            for r, g in zip(recs, geom[~is_node], strict=True):
                u, v, k = r.pop("u"), r.pop("v"), int(r.pop("key"))
                G.add_edge(u, v, key=k, geometry=g, **{str(a): _py(b) for a, b in r.items()})
    return G


def _py(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return float("nan")
    return v
