"""``medroutes report`` on the command line: defaults, progress, exit codes and one-line errors."""

from __future__ import annotations

import sys

import pytest

import medroutes as mr
from medroutes.cli import main


def test_no_arguments_writes_the_sample_report_in_the_current_folder(
    tmp_path, monkeypatch, capsys, sample_report
):
    monkeypatch.chdir(tmp_path)
    with mr.set_options(progress=True):
        assert main(["report"]) == 0
    out = tmp_path / "medroutes-report.html"
    assert out.read_bytes() == sample_report.read_bytes()
    err = capsys.readouterr().err
    assert "medroutes report:" in err and "step" in err  # the progress bar
    assert "wrote medroutes-report.html" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["medroutes-report.html"]  # no temp file left


def _run(argv, capsys):
    code = main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    return code, err


def test_missing_input_file(tmp_path, capsys):
    code, err = _run(
        ["report", "--positions", str(tmp_path / "p.csv"), "--incidents", str(tmp_path / "i.csv"), "--quiet"],
        capsys,
    )
    assert code == 2
    assert len(err) == 1 and "file not found" in err[0] and "p.csv" in err[0]


def test_only_positions_is_a_config_error(tmp_path, capsys):
    p = tmp_path / "p.csv"
    p.write_text("x\n")
    code, err = _run(["report", "--positions", str(p), "--quiet", "--out", str(tmp_path / "r.html")], capsys)
    assert code == 2 and err[0].startswith("medroutes report: error: ConfigError: incidents are needed")


def test_output_onto_an_input_is_refused(tmp_path, capsys):
    p = tmp_path / "p.csv"
    p.write_text("keep")
    code, err = _run(
        ["report", "--positions", str(p), "--incidents", str(p), "--out", str(p), "--quiet"], capsys
    )
    assert code == 2 and "OutputError" in err[0]
    assert p.read_text() == "keep"


def test_pdf_without_the_extra(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    monkeypatch.chdir(tmp_path)
    code, err = _run(["report", "--format", "pdf", "--quiet"], capsys)
    assert code == 2 and "pip install 'medroutes[pdf]'" in err[0]
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--format", "pdf", "--out", "x.html"], "does not match"),
        (["--period", "2023-02-01:2023-01-01"], "period"),
        (["--min-count", "0"], "min_count"),
    ],
)
def test_bad_options(tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    code, err = _run(["report", "--quiet", *argv], capsys)
    assert code == 2 and message in err[0]
    assert not list(tmp_path.iterdir())


def test_report_command_is_registered(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    out = capsys.readouterr().out
    for opt in (
        "--positions",
        "--incidents",
        "--zones",
        "--period",
        "--out",
        "--format",
        "--min-count",
        "--quiet",
    ):
        assert opt in out
