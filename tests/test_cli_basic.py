"""The medroutes command line, called in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

import medroutes as mr
from medroutes.cli import main

DATA_DIR = Path(__file__).resolve().parent / "data"


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"medroutes {mr.__version__}"


def test_help_lists_the_check_command(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: medroutes")
    assert "check" in out


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: medroutes" in capsys.readouterr().err


def test_a_library_error_is_one_stderr_line_and_exit_2(capsys):
    code = main(["check", str(DATA_DIR / "broken" / "empty.csv")])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("medroutes check: error: DataFormatError: ")
    assert lines[0].endswith("empty.csv is empty (0 bytes)")


def test_a_missing_file_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.csv")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"medroutes check: error: file not found: {tmp_path / 'nope.csv'}"]


def test_bad_arguments_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["check", "x.csv", "--kind", "voyages"])
    assert exc.value.code == 2
    assert "invalid choice: 'voyages'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (
            OSError(28, "No space left on device", "/data/out/x.parquet"),
            "medroutes check: error: OSError: No space left on device: /data/out/x.parquet",
        ),
        (
            PermissionError(13, "Permission denied"),
            "medroutes check: error: PermissionError: Permission denied",
        ),
        (OSError("pyarrow:\nIO error"), "medroutes check: error: OSError: pyarrow: IO error"),
    ],
)
def test_an_os_error_is_one_stderr_line_and_exit_2(monkeypatch, capsys, exc, expected):
    """Disk full, permission denied ...: one line naming the reason (and file), no traceback."""
    import medroutes.io._cli as io_cli

    def fail(args):
        raise exc

    monkeypatch.setattr(io_cli, "run", fail)
    assert main(["check", "x.csv"]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [expected]
