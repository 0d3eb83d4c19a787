"""The whole pipeline is byte-identical for the same inputs, seed and versions, and says so in its outputs.

``generate -> voyages -> graph -> score -> report`` runs twice, through the
command line, in two different folders; every file written must have the same
sha256 in both. The outputs must record the medroutes version, the seed and
fingerprints (sha256) of their inputs, so a figure can be traced back.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

import medroutes
from medroutes import cli

pytestmark = pytest.mark.slow

SCENARIO = "calm-summer-week"
SEED = 5
RISK_SEED = 1

STEPS: list[list[str]] = [
    ["generate", "--scenario", SCENARIO, "--seed", str(SEED), "--out", "sc", "--quiet"],
    ["voyages", "sc/positions.parquet", "--out", "voyages.parquet", "--quiet"],
    ["graph", "sc/positions.parquet", "--out", "graph.geojson", "--quiet"],
    [
        "score", "--voyages", "sc/voyages.parquet", "--incidents", "sc/incidents.parquet",
        "--weather", "sc/weather.parquet", "--assets", "sc/positions.parquet",
        "--seed", str(RISK_SEED), "--out", "risk.csv", "--quiet",
    ],
    ["report", "--scenario", "sc", "--out", "report.html", "--quiet"],
]  # fmt: skip


def _sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _run_all(folder: Path, monkeypatch) -> dict[str, str]:
    folder.mkdir()
    monkeypatch.chdir(folder)
    for argv in STEPS:
        if argv[0] not in cli.COMMAND_MODULES:
            continue
        assert cli.main(argv) == 0, f"medroutes {' '.join(argv)} failed"
    return {str(p.relative_to(folder)): _sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    try:
        base = tmp_path_factory.mktemp("determinism")
        a = _run_all(base / "run-a", mp)
        b = _run_all(base / "run-b", mp)
    finally:
        mp.undo()
    return base, a, b


def test_every_output_is_byte_identical(two_runs):
    _, a, b = two_runs
    assert set(a) == set(b)
    assert {"sc/manifest.json", "voyages.parquet", "graph.geojson", "risk.csv", "report.html"} <= set(a)
    different = sorted(k for k in a if a[k] != b[k])
    assert different == [], f"outputs differ between two identical runs: {different}"


def test_generate_records_version_seed_and_checksums(two_runs):
    base, _, _ = two_runs
    sc = base / "run-a" / "sc"
    man = json.loads((sc / "manifest.json").read_text(encoding="utf-8"))
    assert man["medroutes_version"] == medroutes.__version__
    assert man["seed"] == SEED
    for name, digest in man["files"].items():
        assert _sha(sc / name) == digest, name


def test_risk_scores_record_version_seed_and_input_fingerprints(two_runs):
    base, _, _ = two_runs
    run = base / "run-a"
    prov_files = sorted(run.glob("risk.csv*.json"))
    assert prov_files, "the risk scores are written without provenance"
    prov = json.loads(prov_files[0].read_text(encoding="utf-8"))
    text = json.dumps(prov)
    assert medroutes.__version__ in text
    assert f'"seed": {RISK_SEED}' in text
    for name in ("voyages", "incidents"):
        # the fingerprint is of the table read from the file (rows and content), present for each input
        assert re.search(rf'"{name}": {{"rows": \d+, "sha256": "[0-9a-f]{{64}}"', text), name


def test_report_records_version_seed_and_input_sha256(two_runs):
    base, _, _ = two_runs
    run = base / "run-a"
    html = (run / "report.html").read_text(encoding="utf-8")
    prov = html[html.find('id="provenance"') :]
    assert medroutes.__version__ in prov
    assert re.search(rf"<th>seed</th><td[^>]*>{SEED}</td>", prov)
    for name in ("positions.parquet", "incidents.parquet"):
        assert _sha(run / "sc" / name) in prov, f"sha256 of sc/{name} not in the report"
    assert str(run) not in html, "the report embeds an absolute path of this machine"


def test_voyages_and_graph_outputs_record_version_and_input_fingerprint(two_runs):
    base, _, _ = two_runs
    run = base / "run-a"
    pos_sha = _sha(run / "sc" / "positions.parquet")
    import pyarrow.parquet as pq

    meta = b" ".join(pq.read_metadata(run / "voyages.parquet").metadata.values()).decode("utf-8", "replace")
    graph = (run / "graph.geojson").read_text(encoding="utf-8")
    for what, text in (("voyages.parquet", meta), ("graph.geojson", graph)):
        assert medroutes.__version__ in text and pos_sha in text, what


def test_the_hypothesis_profile_is_suite_wide():
    """Property tests are derandomised everywhere, whichever folder pytest collects first."""
    import os

    from hypothesis import settings

    tests = Path(__file__).resolve().parents[1]
    assert settings.default.deadline is None
    if os.environ.get("HYPOTHESIS_PROFILE", "medroutes-ci") == "medroutes-ci":
        assert settings.default.derandomize is True and settings.default.database is None
    loaders = sorted(
        str(p.relative_to(tests))
        for p in tests.rglob("conftest.py")
        if "load_profile(" in p.read_text(encoding="utf-8")
    )
    assert loaders == ["conftest.py"], "the profile must be loaded once, in the root tests/conftest.py"
