"""Fault injection on the atomic-write helpers every writer uses (``medroutes._atomic``).

An interrupted or failed write must leave the target exactly as it was (absent,
or the previous complete file) and no temporary file behind; an input is never
overwritten, however it is named (relative path, symlink, hard link).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from medroutes._atomic import atomic_path, atomic_write_bytes, atomic_write_text
from medroutes.errors import MedroutesError, OutputError


def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@pytest.fixture
def previous(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("previous complete report", encoding="utf-8")
    return target


def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), OSError(errno.ENOSPC, "No space left on device")])
def test_failure_mid_write_keeps_the_previous_file_and_no_temporary(previous, exc):
    with pytest.raises(type(exc)), atomic_path(previous) as tmp:
        tmp.write_text("half a rep", encoding="utf-8")
        raise exc
    assert previous.read_text(encoding="utf-8") == "previous complete report"
    assert _leftovers(previous.parent, {previous.name}) == []


def test_failure_mid_write_of_a_new_file_leaves_nothing(tmp_path):
    target = tmp_path / "new.csv"
    with pytest.raises(KeyboardInterrupt), atomic_path(target) as tmp:
        tmp.write_bytes(b"vessel_id,lat\n1,")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_disk_full_is_an_output_error_naming_the_file(previous, monkeypatch):
    monkeypatch.setattr(Path, "write_bytes", _enospc)
    with pytest.raises(OutputError, match=r"report\.html.*No space left") as info:
        atomic_write_text(previous, "new report")
    assert isinstance(info.value, MedroutesError) and isinstance(info.value, OSError)
    monkeypatch.undo()
    assert previous.read_text(encoding="utf-8") == "previous complete report"
    assert _leftovers(previous.parent, {previous.name}) == []


def test_disk_full_when_creating_the_temporary_is_an_output_error(previous, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "mkstemp", _enospc)
    with pytest.raises(OutputError, match="No space left"):
        atomic_write_bytes(previous, b"x")
    monkeypatch.undo()
    assert previous.read_text(encoding="utf-8") == "previous complete report"


def test_interrupt_during_rename_keeps_the_previous_file(previous, monkeypatch):
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(previous, "new report")
    monkeypatch.undo()
    assert previous.read_text(encoding="utf-8") == "previous complete report"
    assert _leftovers(previous.parent, {previous.name}) == []


def test_success_replaces_the_file_in_one_step(previous):
    atomic_write_text(previous, "new report")
    assert previous.read_text(encoding="utf-8") == "new report"
    assert _leftovers(previous.parent, {previous.name}) == []


def test_an_input_is_never_overwritten_whatever_its_name(tmp_path, monkeypatch):
    src = tmp_path / "positions.csv"
    src.write_text("vessel_id\n1\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(src)
    hard = tmp_path / "hard.csv"
    os.link(src, hard)
    monkeypatch.chdir(tmp_path)
    for target in (src, "positions.csv", "./sub/../positions.csv", link, hard):
        if str(target).startswith("./sub"):
            (tmp_path / "sub").mkdir(exist_ok=True)
        with pytest.raises(OutputError, match="refusing to overwrite the input"):
            atomic_write_text(target, "oops", inputs=[src])
    assert src.read_text(encoding="utf-8") == "vessel_id\n1\n"


@pytest.mark.parametrize("bad", ["missing_folder/out.html", "."])
def test_bad_output_paths_are_output_errors(tmp_path, monkeypatch, bad):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(OutputError):
        atomic_write_text(bad, "x")
    assert list(tmp_path.iterdir()) == []
