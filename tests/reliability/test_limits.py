"""Memory pre-flight: an input larger than memory fails early with a pointer to Dask.

The 10 M-position benchmark that checks the documented memory figure lives
with the graph benchmarks (``benchmarks/``); here we check the guard itself,
with a fake small machine.
"""

from __future__ import annotations

import numpy as np
import pytest

import medroutes
from medroutes import _limits
from medroutes._limits import (
    POSITIONS_BYTES_PER_ROW,
    MemoryLimitError,
    available_memory_bytes,
    check_memory,
    format_bytes,
)

GiB = 1024**3


def test_error_is_a_medroutes_error_and_a_memory_error():
    assert issubclass(MemoryLimitError, medroutes.MedroutesError)
    assert issubclass(MemoryLimitError, MemoryError)


def test_fits_returns_the_estimate():
    assert check_memory(1_000, 300, what="x", available=10 * GiB) == 450_000  # 1000 * 300 * 1.5
    assert check_memory(1_000, 300, what="x", overhead=1.0, available=10 * GiB) == 300_000
    assert check_memory(0, 300, what="x", available=0) == 0
    assert check_memory(np.int64(10), 8, what="x", overhead=1, available=100) == 80


def test_too_big_fails_early_with_figures_and_the_dask_path(monkeypatch):
    """A fake 2 GiB machine and 10 M positions (~4.2 GiB estimated)."""
    monkeypatch.setattr(_limits, "available_memory_bytes", lambda: 2 * GiB)
    n = 10_000_000
    need = n * POSITIONS_BYTES_PER_ROW * 1.5
    with pytest.raises(MemoryLimitError) as info:
        check_memory(n, POSITIONS_BYTES_PER_ROW, what="positions.parquet")
    msg = str(info.value)
    assert msg.startswith("positions.parquet: 10,000,000 rows")
    assert f"~{need / GiB:.1f} GiB" in msg
    assert "2.0 GiB available" in msg
    assert "Dask" in msg and "Run on Dask" in msg


def test_unknown_available_memory_skips_the_check(monkeypatch):
    monkeypatch.setattr(_limits, "available_memory_bytes", lambda: None)
    assert check_memory(10**12, 1_000, what="x") == 1.5e15


def test_boundary_is_inclusive_of_exact_fit():
    assert check_memory(100, 10, what="x", overhead=1, available=1_000) == 1_000
    with pytest.raises(MemoryLimitError):
        check_memory(101, 10, what="x", overhead=1, available=1_000)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_rows": -1, "bytes_per_row": 10}, "n_rows"),
        ({"n_rows": float("nan"), "bytes_per_row": 10}, "n_rows"),
        ({"n_rows": True, "bytes_per_row": 10}, "n_rows"),
        ({"n_rows": "10", "bytes_per_row": 10}, "n_rows"),
        ({"n_rows": 10, "bytes_per_row": 0}, "bytes_per_row"),
        ({"n_rows": 10, "bytes_per_row": float("inf")}, "bytes_per_row"),
        ({"n_rows": 10, "bytes_per_row": 10, "overhead": 0.5}, "overhead"),
    ],
)
def test_bad_arguments_are_config_errors(kwargs, match):
    n_rows = kwargs.pop("n_rows")
    bpr = kwargs.pop("bytes_per_row")
    with pytest.raises(medroutes.ConfigError, match=match):
        check_memory(n_rows, bpr, what="x", available=GiB, **kwargs)


def test_meminfo_is_parsed(tmp_path):
    f = tmp_path / "meminfo"
    f.write_text("MemTotal:       24684092 kB\nMemFree:  1 kB\nMemAvailable:   2048 kB\n")
    assert _limits._meminfo_available(f) == 2048 * 1024
    f.write_text("MemTotal: 1 kB\n")  # old kernels have no MemAvailable
    assert _limits._meminfo_available(f) is None
    assert _limits._meminfo_available(tmp_path / "absent") is None


def test_a_container_limit_wins_over_host_memory(tmp_path, monkeypatch):
    limit, usage = tmp_path / "memory.max", tmp_path / "memory.current"
    limit.write_text(f"{GiB}\n")
    usage.write_text(f"{GiB // 4}\n")
    monkeypatch.setattr(_limits, "_CGROUP_FILES", ((limit, usage),))
    monkeypatch.setattr(_limits, "_meminfo_available", lambda: 64 * GiB)
    assert available_memory_bytes() == GiB - GiB // 4
    limit.write_text("max\n")  # cgroup v2 without a limit
    assert available_memory_bytes() == 64 * GiB


def test_available_memory_agrees_with_psutil():
    psutil = pytest.importorskip("psutil")
    ours = available_memory_bytes()
    if ours is None:
        pytest.skip("available memory cannot be read on this platform")
    theirs = psutil.virtual_memory().available
    assert ours <= theirs * 1.1  # a container limit may make ours smaller, never much larger


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0 B"), (1023, "1023 B"), (1536, "1.5 KiB"), (3 * GiB, "3.0 GiB"), (2**50, "1024.0 TiB")],
)
def test_format_bytes(n, text):
    assert format_bytes(n) == text


# --------------------------------------------------------------------------- #
# files
# --------------------------------------------------------------------------- #


def _positions(n: int):
    import pandas as pd

    return pd.DataFrame(
        {
            "vessel_id": [f"v{i % 7}" for i in range(n)],
            "timestamp": pd.date_range("2024-08-01", periods=n, freq="min", tz="UTC"),
            "lat": 33.0,
            "lon": 12.0,
            "sog_kn": 5.0,
            "cog_deg": 0.0,
        }
    )


def test_parquet_row_count_comes_from_the_footer(tmp_path):
    from medroutes._limits import check_file_memory

    f = tmp_path / "p.parquet"
    _positions(1234).to_parquet(f)
    assert check_file_memory(f, bytes_per_row=100, available=GiB) == 1234 * 100 * 1.5
    with pytest.raises(MemoryLimitError, match=r"p\.parquet: 1,234 rows would need .*Dask"):
        check_file_memory(f, bytes_per_row=100, available=1000)


def test_text_size_is_the_uncompressed_size(tmp_path):
    import gzip
    import zipfile

    from medroutes._limits import CSV_EXPANSION, check_file_memory

    text = _positions(500).to_csv(index=False).encode()
    plain, gz, zp = tmp_path / "p.csv", tmp_path / "p.csv.gz", tmp_path / "p.csv.zip"
    plain.write_bytes(text)
    gz.write_bytes(gzip.compress(text))
    with zipfile.ZipFile(zp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("p.csv", text)
    want = len(text) * CSV_EXPANSION * 1.5
    for f in (plain, gz, zp):
        assert check_file_memory(f, available=GiB) == pytest.approx(want, abs=2), f.name
    with pytest.raises(MemoryLimitError, match=r"bytes of text would need"):
        check_file_memory(gz, available=1000)


def test_an_unreadable_parquet_is_left_to_the_reader(tmp_path):
    from medroutes._limits import check_file_memory

    f = tmp_path / "bad.parquet"
    f.write_bytes(b"not parquet")
    assert check_file_memory(f, available=1) == 0


def test_read_positions_fails_early_when_the_file_does_not_fit(tmp_path, monkeypatch):
    from medroutes.io import read_positions

    f = tmp_path / "p.parquet"
    _positions(1000).to_parquet(f)
    monkeypatch.setattr(_limits, "available_memory_bytes", lambda: 1024)  # a 1 KiB machine
    with pytest.raises(MemoryLimitError, match="Dask"):
        read_positions(f)


def test_memory_limit_error_is_exported_from_the_package():
    from medroutes import errors

    assert medroutes.MemoryLimitError is errors.MemoryLimitError is MemoryLimitError


def _geoparquet(df, path):
    import geopandas as gpd

    gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=4326).to_parquet(path)


@pytest.mark.parametrize(
    ("reader_name", "name"),
    [
        ("read_positions", "p.csv"),
        ("read_tidy_positions", "p.parquet"),
        ("read_tidy_positions", "p.csv.gz"),
        ("read_geo_positions", "p.geoparquet"),
    ],
)
def test_position_readers_check_memory_before_loading(tmp_path, monkeypatch, reader_name, name):
    """Each positions reader refuses a file too large for the machine, before the loader runs."""
    import pandas as pd

    from medroutes import io as mio

    df = _positions(300)
    f = tmp_path / name
    if name.endswith(".geoparquet"):
        _geoparquet(df, f)
    elif name.endswith(".parquet"):
        df.to_parquet(f)
    else:
        df.to_csv(f, index=False)
    reader = getattr(mio, reader_name)
    assert len(reader(f)) == 300  # fits on this machine

    def loader_called(*a, **k):  # pragma: no cover - the failure this test guards against
        raise AssertionError("the file was loaded before the memory check")

    monkeypatch.setattr(pd, "read_parquet", loader_called)
    monkeypatch.setattr(pd, "read_csv", loader_called)
    monkeypatch.setattr(_limits, "available_memory_bytes", lambda: 1024)
    with pytest.raises(MemoryLimitError, match=r"would need .*Dask"):
        reader(f)
