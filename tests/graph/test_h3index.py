"""The vectorised H3 indexer gives exactly h3-py's cells, also on cell and face borders."""

from __future__ import annotations

import numpy as np
import pytest
from h3.api import basic_int as h3i

from medroutes.graph import latlng_to_cells
from medroutes.graph._h3index import h3_keys


def _h3(lat, lon, res):
    return np.array(
        [h3i.latlng_to_cell(a, b, res) for a, b in zip(lat.tolist(), lon.tolist(), strict=True)],
        dtype=np.uint64,
    )


@pytest.mark.parametrize("res", [0, 1, 3, 5, 6, 8, 11, 15])
def test_random_points_worldwide(res):
    rng = np.random.default_rng(res)
    lat = np.degrees(np.arcsin(rng.uniform(-1, 1, 40_000)))  # uniform on the sphere, poles included
    lon = rng.uniform(-180, 180, 40_000)
    np.testing.assert_array_equal(latlng_to_cells(lat, lon, res), _h3(lat, lon, res))


@pytest.mark.parametrize("res", [4, 5, 6])
def test_points_on_cell_vertices_and_edges(res):
    """Vertices and edge midpoints of cells: the hardest cases for rounding."""
    rng = np.random.default_rng(7)
    seeds = [
        h3i.latlng_to_cell(a, b, res)
        for a, b in zip(rng.uniform(30, 40, 200), rng.uniform(5, 30, 200), strict=True)
    ]
    pts = []
    for c in seeds:
        ring = np.array(h3i.cell_to_boundary(c))
        pts.append(ring)
        pts.append((ring + np.roll(ring, 1, axis=0)) / 2.0)
    pts = np.vstack(pts)
    lat, lon = pts[:, 0], pts[:, 1]
    np.testing.assert_array_equal(latlng_to_cells(lat, lon, res), _h3(lat, lon, res))
    # border points are handed to h3-py (key -1) rather than guessed
    assert (h3_keys(lat, lon, res) < 0).mean() > 0.2


def test_icosahedron_face_edges():
    # points along a great circle crossing several faces, densely sampled
    lat = np.linspace(-80, 80, 50_000)
    lon = np.linspace(-170, 170, 50_000)
    np.testing.assert_array_equal(latlng_to_cells(lat, lon, 7), _h3(lat, lon, 7))


def test_equal_keys_mean_equal_cells_and_most_points_get_a_key():
    rng = np.random.default_rng(1)
    lat = rng.uniform(31, 40, 100_000)
    lon = rng.uniform(8, 28, 100_000)
    keys = h3_keys(lat, lon, 5)
    ref = _h3(lat, lon, 5)
    ok = keys >= 0
    assert ok.mean() > 0.999
    # a key maps to exactly one cell
    order = np.argsort(keys[ok], kind="stable")
    k, c = keys[ok][order], ref[ok][order]
    same_key = k[1:] == k[:-1]
    assert np.all(c[1:][same_key] == c[:-1][same_key])


def test_non_finite_coordinates_give_zero():
    out = latlng_to_cells(np.array([np.nan, 35.0]), np.array([14.0, np.inf]), 5)
    assert out.tolist() == [0, 0]
