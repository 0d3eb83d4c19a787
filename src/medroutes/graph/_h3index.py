"""Vectorised H3 indexing: the face and hexagon of every point in numpy, h3-py once per cell.

h3-py 4.x has no array API, and calling ``h3.latlng_to_cell`` per point costs
about 0.5 us. Most consecutive AIS fixes fall in the same cell, so medroutes
computes, in numpy, the part of the H3 algorithm that decides *which* cell a
point is in, and calls h3-py only once per distinct cell to get its index:

1. the point's unit vector is assigned to the nearest icosahedron face (H3's
   ``_geoToClosestFace``);
2. it is projected gnomonically onto that face, in the face's hex2d frame at
   the requested resolution (H3's ``_geoToHex2d``: distance ``tan(angle) /
   RES0_U_GNOMONIC * sqrt(7)**res``, class III resolutions rotated by
   ``atan(sqrt(3) / 5)``);
3. the planar point is rounded to the nearest hexagon centre (cube rounding,
   the exact Voronoi cell of the hexagonal lattice).

``(face, i, j)`` then identifies the H3 cell: two points with the same key
lie in the same cell. Points within 1e-9 hexagon units of a cell border or of
a face border get no key and go to h3-py directly, so floating-point ties can
never give a different answer from h3-py. The icosahedron is derived from
h3-py itself (its 12 resolution-0 pentagons are the vertices), not typed in.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from h3.api import basic_int as h3i
from numpy.typing import ArrayLike, NDArray

__all__ = ["CHUNK", "h3_keys", "latlng_to_cells"]

#: Points processed per chunk: small enough that temporaries are reused from the heap
#: (first touch of fresh memory is slow) and stay in cache.
CHUNK = 65_536
_EPS_HEX = 1e-9
_EPS_FACE = 1e-12
_SIN60 = np.sqrt(3.0) / 2.0


def _unit_vectors(lat_deg: NDArray[np.float64], lon_deg: NDArray[np.float64]) -> NDArray[np.float64]:
    la = np.radians(lat_deg)
    lo = np.radians(lon_deg)
    cl = np.cos(la)
    return np.stack([cl * np.cos(lo), cl * np.sin(lo), np.sin(la)], axis=-1)


@lru_cache(maxsize=1)
def _icosahedron() -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], float]:
    """Face centres (20, 3), face i-axis and j-perpendicular unit vectors, and RES0_U_GNOMONIC."""
    pent = [h3i.cell_to_latlng(c) for c in h3i.get_pentagons(0)]
    verts = _unit_vectors(np.array([p[0] for p in pent]), np.array([p[1] for p in pent]))
    dots = verts @ verts.T
    adjacent = (dots > 0.4) & (dots < 0.99)  # neighbouring vertices are 63.4 deg apart
    faces = [
        (a, b, c)
        for a in range(12)
        for b in range(a + 1, 12)
        for c in range(b + 1, 12)
        if adjacent[a, b] and adjacent[a, c] and adjacent[b, c]
    ]
    if len(faces) != 20:  # pragma: no cover - would mean h3-py changed its pentagons
        raise RuntimeError(f"could not rebuild the H3 icosahedron ({len(faces)} faces)")
    centres = np.array([verts[list(f)].sum(axis=0) for f in faces])
    centres /= np.linalg.norm(centres, axis=1)[:, None]
    # class II i-axis points from the face centre to a vertex (which vertex does not matter:
    # the hexagonal lattice is invariant under the 120-degree rotations between them)
    e1 = np.empty_like(centres)
    for k, f in enumerate(faces):
        v = verts[f[0]] - (verts[f[0]] @ centres[k]) * centres[k]
        e1[k] = v / np.linalg.norm(v)
    e2 = np.cross(centres, e1)
    cos_cv = float(np.mean([centres[k] @ verts[f[0]] for k, f in enumerate(faces)]))
    u_gnomonic = float(np.tan(np.arccos(cos_cv)) / 2.0)  # vertices are 2 res-0 units from the centre
    return centres, e1, e2, u_gnomonic


@lru_cache(maxsize=16)
def _frame(res: int) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    centres, e1, e2, u = _icosahedron()
    scale = np.sqrt(7.0) ** res / u
    a = np.arctan(np.sqrt(3.0) / 5.0) if h3i.is_res_class_III(h3i.latlng_to_cell(0.0, 0.0, res)) else 0.0
    ax = (np.cos(a) * e1 + np.sin(a) * e2) * scale
    ay = (np.cos(a) * e2 - np.sin(a) * e1) * scale
    return centres, ax, ay


def _candidate_faces(lat: NDArray[np.float64], lon: NDArray[np.float64]) -> NDArray[np.intp]:
    """Faces that can be nearest for some point in the data's bounding box."""
    centres = _icosahedron()[0]
    lo0, lo1 = float(np.min(lon)), float(np.max(lon))
    la0, la1 = float(np.min(lat)), float(np.max(lat))
    if lo1 - lo0 > 90 or la1 - la0 > 90:
        return np.arange(20)
    glat = np.linspace(la0, la1, max(2, int(np.ceil(la1 - la0)) + 1))
    glon = np.linspace(lo0, lo1, max(2, int(np.ceil(lo1 - lo0)) + 1))
    g = _unit_vectors(*[a.ravel() for a in np.meshgrid(glat, glon, indexing="ij")])
    d = g @ centres.T
    # within 1 deg grid spacing a dot product moves by < 0.0125; keep a margin of 0.03
    near = d >= d.max(axis=1, keepdims=True) - 0.03
    return np.flatnonzero(near.any(axis=0))


def _project(
    px: NDArray[np.float64], py: NDArray[np.float64], pz: NDArray[np.float64], f: int, res: int
) -> NDArray[np.int64]:
    """Keys of unit vectors that all belong to face ``f`` (-1 near a cell border)."""
    centres, ax, ay = _frame(res)
    c, a, b = centres[f], ax[f], ay[f]
    inv = px * c[0]
    inv += py * c[1]
    inv += pz * c[2]
    np.reciprocal(inv, out=inv)
    x = px * a[0]
    x += py * a[1]
    x += pz * a[2]
    x *= inv
    y = px * b[0]
    y += py * b[1]
    y += pz * b[2]
    y *= inv
    del inv
    # hex2d -> lattice coordinates (i along x, j at 120 deg) -> cube (i, -j, j - i), rounded
    j = y
    j *= 1.0 / _SIN60
    i = x
    i += 0.5 * j
    cz = j - i
    rx, ry, rz = np.rint(i), np.rint(-j), np.rint(cz)
    dx = np.abs(rx - i)
    dy = np.abs(ry + j)
    dz = np.abs(rz - cz)
    fix_x = (dx > dy) & (dx > dz)
    fix_y = ~fix_x & (dy > dz)
    # the rounded cube coordinates must sum to 0: move the one rounded furthest
    off = rx + ry
    off += rz
    rx -= off * fix_x
    ry -= off * fix_y
    del dx, dy, dz, fix_x, fix_y, rz, cz, off
    qx = i - rx
    qy = -j - ry
    qz = -(qx + qy)
    border = np.abs(qx - qy)
    np.maximum(border, np.abs(qy - qz), out=border)
    np.maximum(border, np.abs(qz - qx), out=border)
    bad = (border > 1.0 - _EPS_HEX) | ~np.isfinite(i)
    del qx, qy, qz, border
    key = (rx.astype(np.int64) + ((f << 28) + (1 << 27))) << 28
    key += (1 << 27) - ry.astype(np.int64)
    np.putmask(key, bad, -1)
    return key


def _keys_chunk(lat: NDArray[np.float64], lon: NDArray[np.float64], res: int) -> NDArray[np.int64]:
    centres = _icosahedron()[0]
    fin = np.isfinite(lat) & np.isfinite(lon)
    cand = _candidate_faces(lat[fin], lon[fin]) if fin.any() else np.arange(1)
    la = np.radians(lat)
    lo = np.radians(lon)
    cl = np.cos(la)
    pz = np.sin(la, out=la)
    px = np.cos(lo)
    py = np.sin(lo, out=lo)
    px *= cl
    py *= cl
    del cl
    if len(cand) == 1:
        return _project(px, py, pz, int(cand[0]), res)
    best = np.full(len(lat), -np.inf)
    second = np.full(len(lat), -np.inf)
    face = np.zeros(len(lat), dtype=np.int64)
    for f in cand:
        c = centres[f]
        d = px * c[0] + py * c[1] + pz * c[2]
        better = d > best
        second = np.where(better, best, np.maximum(second, d))
        best = np.where(better, d, best)
        face[better] = f
    face_tie = (best - second) < _EPS_FACE
    del best, second
    key = np.empty(len(lat), dtype=np.int64)
    for f in cand:
        idx = np.flatnonzero(face == f)
        if len(idx):
            key[idx] = _project(px[idx], py[idx], pz[idx], int(f), res)
    key[face_tie] = -1
    return key


def h3_keys(lat: ArrayLike, lon: ArrayLike, res: int) -> NDArray[np.int64]:
    """Return a cell key per point: equal keys mean the same H3 cell; -1 means "ask h3-py".

    Parameters
    ----------
    lat, lon
        Coordinates [deg].
    res
        H3 resolution, 0-15.

    Returns
    -------
    numpy.ndarray of int64
        Non-negative keys, or -1 for points on a cell or face border (to
        1e-9 hexagon widths) or with non-finite coordinates.
    """
    la = np.asarray(lat, dtype=np.float64).ravel()
    lo = np.asarray(lon, dtype=np.float64).ravel()
    out = np.empty(len(la), dtype=np.int64)
    with np.errstate(invalid="ignore"):  # non-finite input gets key -1
        for s in range(0, len(la), CHUNK):
            out[s : s + CHUNK] = _keys_chunk(la[s : s + CHUNK], lo[s : s + CHUNK], res)
    return out


def cells_for_keys(
    keys: NDArray[np.int64], lat: NDArray[np.float64], lon: NDArray[np.float64], res: int
) -> NDArray[np.uint64]:
    """Return the H3 cell (uint64) of each point given its key; one h3-py call per distinct key."""
    out = np.zeros(len(keys), dtype=np.uint64)
    amb = keys < 0
    ok = ~amb
    if ok.any():
        uk, first, inv = np.unique(keys[ok], return_index=True, return_inverse=True)
        idx = np.flatnonzero(ok)[first]
        la, lo = lat[idx].tolist(), lon[idx].tolist()
        ucells = np.fromiter(
            (h3i.latlng_to_cell(a, b, res) for a, b in zip(la, lo, strict=True)), np.uint64, len(uk)
        )
        out[ok] = ucells[inv]
    if amb.any():
        idx = np.flatnonzero(amb)
        la, lo = lat[idx], lon[idx]
        good = np.isfinite(la) & np.isfinite(lo)
        vals = np.zeros(len(idx), dtype=np.uint64)
        vals[good] = np.fromiter(
            (
                h3i.latlng_to_cell(a, b, res)
                for a, b in zip(la[good].tolist(), lo[good].tolist(), strict=True)
            ),
            np.uint64,
            int(good.sum()),
        )
        out[idx] = vals
    return out


def latlng_to_cells(lat: ArrayLike, lon: ArrayLike, res: int) -> NDArray[np.uint64]:
    """H3 cell of every point as uint64, identical to ``h3.latlng_to_cell`` per point.

    Parameters
    ----------
    lat, lon
        Coordinates [deg]; non-finite coordinates give 0 (not a valid cell).
    res
        H3 resolution.

    Returns
    -------
    numpy.ndarray of uint64
    """
    la = np.asarray(lat, dtype=np.float64).ravel()
    lo = np.asarray(lon, dtype=np.float64).ravel()
    return cells_for_keys(h3_keys(la, lo, res), la, lo, res)
