"""``medroutes score`` in-process."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from medroutes.cli import main
from medroutes.risk import UNIT_COLUMNS


def test_score_the_bundled_sample(tmp_path, capsys):
    out = tmp_path / "scores.csv"
    assert main(["score", "--out", str(out), "--seed", "3"]) == 0
    t = pd.read_csv(out)
    assert list(t.columns[: len(UNIT_COLUMNS)]) == list(UNIT_COLUMNS)
    assert set(t["unit_type"]) >= {"zone", "window"}
    meta = json.loads((tmp_path / "scores.csv.provenance.json").read_text())
    assert meta["provenance"]["seed"] == 3 and meta["input"] == "the bundled sample scenario"
    assert [m["category"] for m in meta["matrix"]][:4] == ["Low", "Medium", "High", "Very high"]
    assert "written" in capsys.readouterr().out
    # same seed, same bytes
    out2 = tmp_path / "again.csv"
    assert main(["score", "--out", str(out2), "--seed", "3", "--quiet"]) == 0
    assert out.read_bytes() == out2.read_bytes()


def test_score_files_with_a_config(tmp_path, sim):
    v = sim.voyages.iloc[:600]
    i = sim.incidents.loc[sim.incidents["voyage_id"].isin(v["voyage_id"])]
    v.to_parquet(tmp_path / "v.parquet")
    i.to_csv(tmp_path / "i.csv", index=False)
    (tmp_path / "risk.toml").write_text("[risk]\nmin_voyages = 5\nimpact = 'rate'\nwindow = 'W'\n")
    out = tmp_path / "s.csv"
    code = main(
        [
            "score",
            "--voyages",
            str(tmp_path / "v.parquet"),
            "--incidents",
            str(tmp_path / "i.csv"),
            "--config",
            str(tmp_path / "risk.toml"),
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    t = pd.read_csv(out)
    assert t.loc[t["unit_type"] == "window", "unit_id"].str.contains(r"\|\d{4}-W\d{2}$").all()
    meta = json.loads(out.with_name("s.csv.provenance.json").read_text())
    assert meta["provenance"]["config"]["impact"] == "rate"


def test_errors_are_one_line_and_exit_2(tmp_path, capsys):
    assert main(["score", "--voyages", "x.csv", "--out", str(tmp_path / "s.csv")]) == 2
    assert "--voyages and --incidents go together" in capsys.readouterr().err
    (tmp_path / "bad.toml").write_text("[risk]\nthresholds = [0.9, 0.5, 0.6]\n")
    assert main(["score", "--config", str(tmp_path / "bad.toml"), "--out", str(tmp_path / "s.csv")]) == 2
    assert "ConfigError" in capsys.readouterr().err
    inp = tmp_path / "v.csv"
    inp.write_text("x\n")
    with pytest.raises(SystemExit):
        main(["score"])  # --out is required
    assert main(["score", "--voyages", str(inp), "--incidents", str(inp), "--out", str(inp)]) == 2
    assert "refusing to overwrite the input file" in capsys.readouterr().err
    assert inp.read_text() == "x\n"
