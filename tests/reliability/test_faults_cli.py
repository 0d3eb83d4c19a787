"""Fault injection on the commands that write: ``medroutes generate`` and ``medroutes report``.

Each run is interrupted (``KeyboardInterrupt``) or hits a full disk
(``OSError(ENOSPC)``) in the middle of writing, through monkeypatched writers.
Afterwards there must be no half-written output (no partial folder or file, no
temporary left behind, a previous output untouched), the exit code must be
non-zero, and stderr must say what failed in one line, without a traceback.
An input is never overwritten or deleted.
"""

from __future__ import annotations

import errno
import hashlib
from pathlib import Path

import pandas as pd
import pytest

from medroutes import cli

synthetic = pytest.importorskip("medroutes.synthetic")

SCENARIO = "calm-summer-week"
SEED = 11


@pytest.fixture(scope="module")
def scenario(small_scenario):
    """One small scenario (seed 11), generated once (the CLI gets it through a monkeypatch)."""
    assert small_scenario.seed == SEED
    return small_scenario


@pytest.fixture
def fast_generate(monkeypatch, scenario):
    """Make ``generate`` skip the simulation (already done once) and only write."""
    monkeypatch.setattr(synthetic, "generate_scenario", lambda *a, **k: scenario)
    return scenario


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _failing_after(n_ok: int, exc: BaseException):
    """A replacement for DataFrame.to_parquet that writes ``n_ok`` files, then half a file and raises."""
    original = pd.DataFrame.to_parquet
    calls = {"n": 0}

    def writer(self, path, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] > n_ok:
            Path(path).write_bytes(b"PAR1 half written")
            raise exc
        return original(self, path, *args, **kwargs)

    return writer


def _one_line_error(err: str) -> None:
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert lines and lines[0].startswith("medroutes "), err


# --------------------------------------------------------------------------- #
# generate
# --------------------------------------------------------------------------- #


def _generate(out: Path, *extra: str) -> int:
    return cli.main(
        ["generate", "--scenario", SCENARIO, "--seed", str(SEED), "--out", str(out), "--quiet", *extra]
    )


def test_generate_writes_a_complete_folder(tmp_path, fast_generate):
    assert _generate(tmp_path / "sc") == 0
    names = {p.name for p in (tmp_path / "sc").iterdir()}
    assert {"manifest.json", "scenario.toml", "positions.parquet", "incidents.parquet"} <= names
    assert [p.name for p in tmp_path.iterdir()] == ["sc"]  # no temporary folder left


def test_generate_interrupted_mid_write_leaves_nothing(tmp_path, fast_generate, monkeypatch, capsys):
    monkeypatch.setattr(pd.DataFrame, "to_parquet", _failing_after(2, KeyboardInterrupt()))
    assert _generate(tmp_path / "sc") == 130
    assert list(tmp_path.iterdir()) == []
    _one_line_error(capsys.readouterr().err)


def test_generate_disk_full_leaves_nothing_and_says_so(tmp_path, fast_generate, monkeypatch, capsys):
    monkeypatch.setattr(
        pd.DataFrame, "to_parquet", _failing_after(2, OSError(errno.ENOSPC, "No space left on device"))
    )
    try:
        code = _generate(tmp_path / "sc")
    except OSError as exc:  # pragma: no cover - the bug this test guards against
        pytest.fail(f"generate let an OSError escape main() (a traceback, not a message): {exc!r}")
    assert code not in (0, None)
    assert list(tmp_path.iterdir()) == []
    err = capsys.readouterr().err
    _one_line_error(err)
    assert "No space left" in err
    assert "OutputError" in err and str(tmp_path / "sc") in err  # names the folder


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), OSError(errno.ENOSPC, "No space left on device")])
def test_generate_failing_overwrite_keeps_the_previous_output(tmp_path, fast_generate, monkeypatch, exc):
    out = tmp_path / "sc"
    assert _generate(out) == 0
    before = _tree(out)
    monkeypatch.setattr(pd.DataFrame, "to_parquet", _failing_after(3, exc))
    try:
        code = _generate(out, "--overwrite")
    except OSError:
        code = None  # reported by the disk-full test above; here only the files matter
    assert code != 0
    assert _tree(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["sc"]


def test_generate_refuses_a_non_empty_folder_without_overwrite(tmp_path, fast_generate, capsys):
    out = tmp_path / "sc"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    assert _generate(out) == 2
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert "not empty" in capsys.readouterr().err


def test_generate_never_deletes_its_input_scenario_file(tmp_path):
    """``--scenario out/my.toml --out out --overwrite`` must refuse, not delete the input."""
    out = tmp_path / "out"
    out.mkdir()
    toml = out / "my.toml"
    toml.write_text(synthetic.config_to_toml(synthetic.load_config(SCENARIO)), encoding="utf-8")
    before = toml.read_bytes()
    code = cli.main(
        ["generate", "--scenario", str(toml), "--seed", "1", "--out", str(out), "--overwrite", "--quiet"]
    )
    assert toml.is_file() and toml.read_bytes() == before, "the input scenario file was deleted or replaced"
    assert code == 2


@pytest.mark.parametrize(
    "name", ["../escaped", "/tmp/medroutes-escaped-abs", "a/../../escaped", "..", "nul\x00"]
)
def test_names_in_a_scenario_file_cannot_write_outside_the_output_folder(
    tmp_path, name, scenario, monkeypatch
):
    """A scenario TOML is data: its names never become paths outside ``--out``."""
    import dataclasses

    # the simulation does not depend on the name: reuse it, with the hostile configuration
    monkeypatch.setattr(
        synthetic,
        "generate_scenario",
        lambda cfg, **k: dataclasses.replace(scenario, config=synthetic.load_config(cfg)),
    )
    cfg = synthetic.load_config(SCENARIO)
    text = synthetic.config_to_toml(cfg).replace(
        f'name = "{cfg.name}"', f"name = {name!r}".replace("'", '"'), 1
    )
    work = tmp_path / "work"
    work.mkdir()
    (work / "evil.toml").write_text(text, encoding="utf-8")
    before = sorted(p for p in tmp_path.parent.rglob("*escaped*"))
    code = cli.main(
        [
            "generate",
            "--scenario",
            str(work / "evil.toml"),
            "--seed",
            "1",
            "--out",
            str(work / "out"),
            "--quiet",
        ]
    )
    after = sorted(p for p in tmp_path.parent.rglob("*escaped*"))
    assert after == before, f"files appeared outside the output folder: {set(after) - set(before)}"
    assert not Path("/tmp/medroutes-escaped-abs").exists()
    if code == 0:
        assert {p.parent for p in (work / "out").rglob("*")} <= {work / "out"}
        assert sorted(p.name for p in work.iterdir()) == ["evil.toml", "out"]


# --------------------------------------------------------------------------- #
# report
# --------------------------------------------------------------------------- #

report_build = pytest.importorskip("medroutes.report._build")
report_pipeline = pytest.importorskip("medroutes.report._pipeline")


@pytest.fixture(scope="module")
def scenario_folder(scenario, tmp_path_factory):
    folder = tmp_path_factory.mktemp("report-inputs") / "sc"
    scenario.write(folder)
    return folder


@pytest.fixture(scope="module")
def pipeline_run(scenario_folder):
    """The report's pipeline, run once (the tests inject faults into the writing that follows)."""
    import medroutes as mr

    args = {
        "scenario": str(scenario_folder),
        "positions": None,
        "incidents": None,
        "zones": None,
        "period": None,
    }
    with mr.set_options(progress=False):
        return report_pipeline.run_pipeline(args, progress=False)


@pytest.fixture
def fast_report(monkeypatch, pipeline_run):
    monkeypatch.setattr(report_build, "run_pipeline", lambda *a, **k: pipeline_run)
    return pipeline_run


def _report(scenario_folder: Path, out: Path) -> int:
    return cli.main(["report", "--scenario", str(scenario_folder), "--out", str(out), "--quiet"])


def _half_then(exc: BaseException):
    def write_bytes(self, data):
        with open(self, "wb") as fh:
            fh.write(data[: len(data) // 2])
        raise exc

    return write_bytes


def test_report_writes_one_file_and_no_temporary(tmp_path, scenario_folder, fast_report):
    out = tmp_path / "report.html"
    assert _report(scenario_folder, out) == 0
    assert out.read_bytes().rstrip().endswith(b"</html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


@pytest.mark.parametrize(
    ("exc", "code"),
    [(KeyboardInterrupt(), 130), (OSError(errno.ENOSPC, "No space left on device"), 2)],
)
def test_report_failing_mid_write_keeps_the_previous_report(
    tmp_path, scenario_folder, fast_report, monkeypatch, capsys, exc, code
):
    out = tmp_path / "report.html"
    out.write_text("<html>previous report</html>", encoding="utf-8")
    monkeypatch.setattr(Path, "write_bytes", _half_then(exc))
    assert _report(scenario_folder, out) == code
    monkeypatch.undo()
    assert out.read_text(encoding="utf-8") == "<html>previous report</html>"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    err = capsys.readouterr().err
    _one_line_error(err)
    if code == 2:
        assert "No space left" in err and "report.html" in err


@pytest.mark.parametrize("target", ["positions.parquet", "incidents.parquet", "voyages.parquet"])
def test_report_never_overwrites_an_input_table(tmp_path, scenario_folder, fast_report, capsys, target):
    before = _sha(scenario_folder / target)
    assert _report(scenario_folder, scenario_folder / target) == 2
    assert _sha(scenario_folder / target) == before
    assert "input" in capsys.readouterr().err


@pytest.mark.parametrize("target", ["manifest.json", "scenario.toml"])
def test_report_never_overwrites_the_scenario_manifest_or_config(
    tmp_path, scenario_folder, pipeline_run, monkeypatch, target
):
    import dataclasses
    import shutil

    copy = tmp_path / "sc"
    shutil.copytree(scenario_folder, copy)
    # the cached run, as if it had been computed from the copy
    run = dataclasses.replace(pipeline_run, input_paths=[copy / p.name for p in pipeline_run.input_paths])
    monkeypatch.setattr(report_build, "run_pipeline", lambda *a, **k: run)
    before = _sha(copy / target)
    code = _report(copy, copy / target)
    assert _sha(copy / target) == before and code == 2


def test_a_corrupt_scenario_manifest_is_a_clear_error(tmp_path, scenario_folder, capsys):
    import shutil

    copy = tmp_path / "sc"
    shutil.copytree(scenario_folder, copy)
    (copy / "manifest.json").write_text("<!DOCTYPE html>", encoding="utf-8")
    try:
        code = _report(copy, tmp_path / "r.html")
    except ValueError as exc:  # json.JSONDecodeError
        pytest.fail(f"read_scenario let {type(exc).__name__} escape: {exc}")
    assert code == 2
    assert "manifest.json" in capsys.readouterr().err


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()
