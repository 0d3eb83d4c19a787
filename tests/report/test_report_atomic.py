import os

import pytest

from medroutes._atomic import atomic_path, atomic_write_bytes, atomic_write_text, check_output_path
from medroutes.errors import MedroutesError, OutputError


def test_writes_and_replaces(tmp_path):
    target = tmp_path / "out.txt"
    atomic_write_text(target, "first")
    atomic_write_text(target, "second")
    assert target.read_text() == "second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]  # no temp file left


def test_refuses_to_overwrite_an_input(tmp_path):
    src = tmp_path / "positions.csv"
    src.write_text("keep me")
    with pytest.raises(OutputError, match="refusing to overwrite the input"):
        atomic_write_bytes(src, b"x", inputs=[None, src])
    assert src.read_text() == "keep me"
    # same file through another spelling of the path
    other = tmp_path / "." / "positions.csv"
    with pytest.raises(OutputError):
        atomic_write_text(other, "x", inputs=[str(src)])
    assert issubclass(OutputError, MedroutesError) and issubclass(OutputError, OSError)


def test_error_in_body_leaves_old_file_and_no_temp(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        assert tmp.parent == target.parent and tmp != target
        raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_missing_folder_and_directory_target(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        check_output_path(tmp_path / "nope" / "x.html")
    with pytest.raises(OutputError, match="is a directory"):
        check_output_path(tmp_path)


def test_permissions_follow_umask(tmp_path):
    old = os.umask(0o022)
    try:
        p = atomic_write_bytes(tmp_path / "f.bin", b"1")
    finally:
        os.umask(old)
    assert (p.stat().st_mode & 0o777) == 0o644
