"""Writing and reading scenario folders; determinism of the files; the bundled sample; the CLI."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

import medroutes
import medroutes.synthetic as syn
from _testpaths import SAMPLE_DIR
from medroutes.cli import main
from medroutes.errors import DataFormatError, OutputError


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_write_and_read_back_identical_tables(sample, tmp_path):
    out = sample.write(tmp_path / "sc")
    names = {p.name for p in out.iterdir()}
    for t in syn.TABLE_NAMES:
        assert {f"{t}.parquet", f"{t}.csv"} <= names
    assert {"scenario.toml", "manifest.json"} <= names
    back = syn.read_scenario(out)
    for t in syn.TABLE_NAMES:
        pd.testing.assert_frame_equal(getattr(back, t), getattr(sample, t))
    assert back.config == sample.config
    assert back.seed == 7
    # the CSV copies hold the same rows, with UTC timestamps
    csv = pd.read_csv(out / "voyages.csv")
    assert len(csv) == len(sample.voyages)
    assert csv["departure_time"].str.endswith("Z").all()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7 and manifest["rows"]["positions"] == len(sample.positions)
    assert manifest["files"] == {k: v for k, v in _hashes(out).items() if k != "manifest.json"}
    assert manifest["medroutes_version"] == medroutes.__version__


def test_same_seed_gives_byte_identical_files(sample, tmp_path):
    a = sample.write(tmp_path / "a")
    b = syn.generate_scenario("sample", seed=7, progress=False).write(tmp_path / "b")
    assert _hashes(a) == _hashes(b)
    c = syn.generate_scenario("sample", seed=8, progress=False).write(tmp_path / "c")
    ha, hc = _hashes(a), _hashes(c)
    assert ha["positions.parquet"] != hc["positions.parquet"]
    assert ha["scenario.toml"] == hc["scenario.toml"]


def test_write_refuses_a_non_empty_folder_unless_overwrite(sample, tmp_path):
    target = tmp_path / "sc"
    target.mkdir()
    (target / "keep.txt").write_text("mine")
    with pytest.raises(OutputError, match="not empty"):
        sample.write(target)
    assert (target / "keep.txt").read_text() == "mine"
    sample.write(target, overwrite=True)
    assert not (target / "keep.txt").exists()
    assert (target / "manifest.json").exists()
    # an empty folder is fine; no temporary folder is left behind
    empty = tmp_path / "empty"
    empty.mkdir()
    sample.write(empty, csv=False)
    assert not list(empty.glob("*.csv"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "sc"]
    with pytest.raises(OutputError, match="is a file"):
        sample.write(target / "manifest.json")


def test_read_detects_modified_or_missing_files(sample, tmp_path):
    out = sample.write(tmp_path / "sc", csv=False)
    df = pd.read_parquet(out / "incidents.parquet")
    df.loc[0, "dead"] = 999
    df.to_parquet(out / "incidents.parquet", index=False)
    with pytest.raises(DataFormatError, match=r"incidents\.parquet"):
        syn.read_scenario(out)
    syn.read_scenario(out, verify=False)  # at the user's request
    (out / "truth.parquet").unlink()
    with pytest.raises(DataFormatError, match=r"truth\.parquet"):
        syn.read_scenario(out)
    with pytest.raises(DataFormatError, match="manifest"):
        syn.read_scenario(tmp_path)


def test_bundled_sample_matches_sample_data_and_its_documented_command(tmp_path):
    folder = SAMPLE_DIR / "scenario"
    readme = (SAMPLE_DIR / "README.md").read_text()
    cmd = "medroutes generate --scenario sample --seed 7 --out sample_data/scenario --overwrite"
    assert cmd in readme
    # regenerating with that command reproduces every file byte for byte
    args = cmd.split()[1:]
    args[args.index("--out") + 1] = str(tmp_path / "scenario")
    assert main([*args, "--quiet"]) == 0
    assert _hashes(tmp_path / "scenario") == _hashes(folder)
    # the package copy has the same Parquet files, and load_sample reads it
    pkg = medroutes.datasets.sample_dir()
    for p in pkg.iterdir():
        assert hashlib.sha256(p.read_bytes()).hexdigest() == _hashes(folder)[p.name]
    sc = medroutes.datasets.load_sample()
    assert sc.config.name == "sample" and sc.seed == 7
    assert len(sc.positions) == json.loads((folder / "manifest.json").read_text())["rows"]["positions"]
    assert sum(p.stat().st_size for p in folder.iterdir()) < 8e6  # a few MB


def test_cli_generate_writes_a_scenario_and_reports_errors(tmp_path, capsys):
    out = tmp_path / "week"
    assert (
        main(
            [
                "generate",
                "--scenario",
                "calm-summer-week",
                "--seed",
                "3",
                "--out",
                str(out),
                "--quiet",
                "--no-csv",
            ]
        )
        == 0
    )
    assert (out / "positions.parquet").exists() and not (out / "positions.csv").exists()
    assert (
        main(["generate", "--scenario", "calm-summer-week", "--seed", "3", "--out", str(out), "--quiet"]) == 2
    )
    assert "not empty" in capsys.readouterr().err
    assert (
        main(["generate", "--scenario", "no-such-scenario", "--seed", "3", "--out", str(tmp_path / "x")]) == 2
    )
    err = capsys.readouterr().err
    assert "unknown scenario 'no-such-scenario'" in err and "central-med-2023" in err
    # a TOML path works too, and the summary goes to stdout
    toml = tmp_path / "my.toml"
    toml.write_text(syn.config_to_toml(syn.load_config("calm-summer-week")))
    assert (
        main(
            ["generate", "--scenario", str(toml), "--seed", "3", "--out", str(tmp_path / "mine"), "--no-csv"]
        )
        == 0
    )
    assert "calm-summer-week" in capsys.readouterr().out
    assert _hashes(tmp_path / "mine")["positions.parquet"] == _hashes(out)["positions.parquet"]


def test_write_never_replaces_a_folder_that_holds_an_input(sample, tmp_path):
    out = tmp_path / "out"
    (out / "cfg").mkdir(parents=True)
    toml = out / "cfg" / "my.toml"
    toml.write_text(syn.config_to_toml(sample.config), encoding="utf-8")
    before = _hashes(out / "cfg")
    with pytest.raises(OutputError, match=r"holds the input file .*my\.toml"):
        sample.write(out, overwrite=True, inputs=[None, toml])
    assert _hashes(out / "cfg") == before and sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    # an input outside the folder does not stop an overwrite
    outside = tmp_path / "my.toml"
    toml.rename(outside)
    sample.write(out, overwrite=True, csv=False, inputs=[outside])
    assert (out / "manifest.json").is_file() and outside.is_file()


def test_write_on_a_full_disk_is_an_output_error_and_keeps_the_old_folder(sample, tmp_path, monkeypatch):
    import errno

    out = sample.write(tmp_path / "sc", csv=False)
    before = _hashes(out)

    def full(self, path, *args, **kwargs):
        Path(path).write_bytes(b"PAR1")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    with pytest.raises(OutputError, match=r"folder '.*sc': No space left on device \(errno 28\)") as info:
        sample.write(out, overwrite=True)
    assert isinstance(info.value, OSError) and info.value.__cause__.errno == errno.ENOSPC
    assert _hashes(out) == before and sorted(p.name for p in tmp_path.iterdir()) == ["sc"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (b"<!DOCTYPE html>", r"not JSON \(Expecting value at line 1, column 1\)"),
        (b'{"files": {', r"not JSON"),
        (b"\xff\xfe{}", r"undecodable byte at offset 0"),
        (b"[1, 2]", r"expected a JSON object, found list"),
        (b'{"rows": {"positions": "many"}}', r"'rows' must map table names to row counts"),
        (b'{"seed": "seven"}', r"'seed' must be an integer"),
    ],
)
def test_read_scenario_names_a_corrupt_manifest(sample, tmp_path, text, reason):
    out = sample.write(tmp_path / "sc", csv=False)
    (out / "manifest.json").write_bytes(text)
    with pytest.raises(DataFormatError, match=r"manifest\.json' is not a valid scenario manifest: " + reason):
        syn.read_scenario(out)


def test_cli_generate_refuses_before_simulating_when_the_output_holds_its_toml(
    sample, tmp_path, monkeypatch, capsys
):
    out = tmp_path / "out"
    out.mkdir()
    toml = out / "my.toml"
    toml.write_text(syn.config_to_toml(sample.config), encoding="utf-8")

    def simulate(*a, **k):  # pragma: no cover - the failure this test guards against
        raise AssertionError("the simulation ran before the output folder was checked")

    monkeypatch.setattr(syn, "generate_scenario", simulate)
    args = ["generate", "--scenario", str(toml), "--seed", "1", "--out", str(out), "--overwrite", "--quiet"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("medroutes generate: error: OutputError: refusing to replace")
    assert toml.is_file() and sorted(p.name for p in out.iterdir()) == ["my.toml"]
