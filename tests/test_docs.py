"""The documentation site: it builds with warnings as errors, and its pages say what the code does.

- the site builds with ``mkdocs build --strict`` and the key pages exist (slow);
- the data-model page is the current output of ``tools/gen_glossary.py``;
- the getting-started commands are the README's, verbatim;
- every error class, module and notebook has its page or nav entry;
- the code examples in the pages run, and print what the page says they print.

Code blocks fenced as ``python`` are executed (one namespace per page, working
directory = repository root); blocks fenced as ``py`` need the reader's own files
and are only compiled.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import yaml

import medroutes.errors

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
NOTEBOOKS = REPO / "notebooks"
MODULES = (
    "io",
    "schema",
    "geo",
    "synthetic",
    "tracks",
    "graph",
    "risk",
    "plot",
    "report",
    "errors",
    "options",
    "cli",
)

FENCE = re.compile(r"^```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def _load_tool(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _fences(text: str) -> list[tuple[str, str]]:
    return [(m["lang"], m["body"]) for m in FENCE.finditer(text)]


def _nav_paths() -> list[str]:
    cfg = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))

    def walk(item):
        if isinstance(item, str):
            yield item
        elif isinstance(item, list):
            for x in item:
                yield from walk(x)
        elif isinstance(item, dict):
            for v in item.values():
                yield from walk(v)

    return list(walk(cfg["nav"]))


# --------------------------------------------------------------------------- #
# Fast checks that the pages match the code
# --------------------------------------------------------------------------- #


def test_data_model_page_is_generated_from_schema():
    gen = _load_tool("gen_glossary")
    committed = (DOCS / "explanation" / "data-model.md").read_text(encoding="utf-8")
    assert committed == gen.render(), (
        "docs/explanation/data-model.md is stale: run python tools/gen_glossary.py"
    )


def test_data_model_page_lists_every_column_with_its_unit():
    from medroutes.schema import TABLES

    page = (DOCS / "explanation" / "data-model.md").read_text(encoding="utf-8")
    for table, columns in TABLES.items():
        section = page.split(f"### {table}\n", 1)[1].split("\n### ", 1)[0]
        for c in columns:
            row = next((ln for ln in section.splitlines() if ln.startswith(f"| `{c.name}` |")), None)
            assert row is not None, f"{table}.{c.name} missing from the data-model page"
            assert (c.unit or "–") in row


def test_getting_started_has_the_readme_commands_verbatim():
    readme = [
        b.strip() for lang, b in _fences((REPO / "README.md").read_text(encoding="utf-8")) if lang == "bash"
    ]
    page = [
        b.strip()
        for lang, b in _fences((DOCS / "getting-started.md").read_text(encoding="utf-8"))
        if lang == "bash"
    ]
    assert len(readme) == 2
    assert page[:2] == readme


def test_every_error_and_warning_class_is_explained():
    page = (DOCS / "explanation" / "reliability.md").read_text(encoding="utf-8")
    for name in medroutes.errors.__all__:
        assert re.search(rf"^\| `{name}` \|", page, re.MULTILINE), (
            f"{name} has no row on the reliability page"
        )


def test_one_reference_page_per_module_and_all_in_nav():
    nav = _nav_paths()
    for mod in MODULES:
        page = DOCS / "reference" / f"{mod}.md"
        assert f"::: medroutes.{mod}" in page.read_text(encoding="utf-8")
        assert f"reference/{mod}.md" in nav


def test_nav_lists_every_notebook_and_nothing_else():
    nav = {p for p in _nav_paths() if p.endswith(".ipynb")}
    on_disk = {f"tutorials/{p.name}" for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")}
    assert nav == on_disk


def test_nav_pages_exist():
    generated = {f"tutorials/{p.name}" for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")}
    missing = [p for p in _nav_paths() if not (DOCS / p).exists() and p not in generated]
    assert missing == []


def test_data_credits_carry_the_required_attributions():
    page = (DOCS / "credits.md").read_text(encoding="utf-8")
    assert (
        "Contains data from the Danish Maritime Authority that is used in accordance with the "
        "conditions for the use of Danish public data." in page
    )
    assert "IOM's Missing Migrants Project" in page and "CC BY 4.0" in page
    assert "UNHCR Operational Data Portal" in page
    assert "Natural Earth" in page and "public domain" in page


def test_responsible_use_page_states_the_legal_frame():
    page = (DOCS / "explanation" / "responsible-use.md").read_text(encoding="utf-8")
    for phrase in (
        "non-refoulement",
        "UNCLOS art. 98",
        "SOLAS",
        "SAR Convention",
        "never people",
        "Insufficient data",
    ):
        assert phrase in page


def test_route_graph_page_documents_the_graph_contract():
    import medroutes.graph as mg

    page = (DOCS / "explanation" / "route-graph.md").read_text(encoding="utf-8")
    rows = {
        where: set(re.findall(rf"^\| {where} \| ((?:`\w+`(?:, )?)+) \|", page, flags=re.MULTILINE))
        for where in ("graph", "node", "edge")
    }
    documented = {where: set(re.findall(r"`(\w+)`", " ".join(v))) for where, v in rows.items()}
    assert set(mg.GRAPH_ATTRS) <= documented["graph"]
    assert set(mg.NODE_ATTRS) <= documented["node"]
    assert set(mg.EDGE_ATTRS) <= documented["edge"]
    for kind in mg.NODE_KINDS:
        assert f"`{kind}`" in page


def test_risk_result_columns_are_explained():
    from medroutes.risk import UNIT_COLUMNS

    page = (DOCS / "explanation" / "risk-methodology.md").read_text(encoding="utf-8")
    assert [c for c in UNIT_COLUMNS if c not in page] == []


# names such as mr.io.read_dma or medroutes.graph.CorridorClustering, in prose and in code
API_NAME = re.compile(
    r"\b(?:mr|medroutes)\.(io|schema|geo|synthetic|tracks|graph|risk|plot|report|datasets|cli|errors|options)\.(\w+)"
)


@pytest.mark.parametrize(
    "page",
    sorted(p for p in DOCS.rglob("*.md") if "reference" not in p.parts),
    ids=lambda p: str(p.relative_to(DOCS)),
)
def test_pages_name_only_existing_api(page):
    import importlib

    missing = []
    for mod, name in sorted(set(API_NAME.findall(page.read_text(encoding="utf-8")))):
        module = importlib.import_module(f"medroutes.{mod}")
        if not hasattr(module, name) and not (name.startswith("_") or name in {"py"}):
            try:
                importlib.import_module(f"medroutes.{mod}.{name}")
            except ModuleNotFoundError:
                missing.append(f"medroutes.{mod}.{name}")
    assert missing == []


# --------------------------------------------------------------------------- #
# Code examples
# --------------------------------------------------------------------------- #


def _example_pages() -> list[Path]:
    pages = sorted(p for p in DOCS.rglob("*.md") if "reference" not in p.parts)
    return [
        p
        for p in pages
        if any(lang in ("python", "py") for lang, _ in _fences(p.read_text(encoding="utf-8")))
    ]


@pytest.mark.parametrize("page", _example_pages(), ids=lambda p: str(p.relative_to(DOCS)))
def test_code_examples_run_and_print_what_the_page_says(page, monkeypatch, tmp_path):
    blocks = _fences(page.read_text(encoding="utf-8"))
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("MEDROUTES_EXAMPLE_OUT", str(tmp_path))
    before = set(os.listdir(REPO))
    ns: dict[str, object] = {"__name__": "__docs__"}
    for i, (lang, body) in enumerate(blocks):
        if lang == "py":
            compile(body, f"{page.name}[{i}]", "exec")
            continue
        if lang != "python":
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out), warnings.catch_warnings():
            # examples may show a DataQualityWarning on purpose; the page explains it
            warnings.simplefilter("ignore", medroutes.errors.DataQualityWarning)
            exec(compile(body, f"{page.name}[{i}]", "exec"), ns)
        printed = out.getvalue().strip()
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if printed and nxt is not None and nxt[0] == "text":
            assert printed == nxt[1].strip(), (
                f"{page.name}: block {i} prints something else than the page shows"
            )
    assert set(os.listdir(REPO)) == before, "a documentation example wrote into the repository"


# --------------------------------------------------------------------------- #
# The site
# --------------------------------------------------------------------------- #


@pytest.mark.slow
def test_site_builds_strict_with_key_pages(tmp_path):
    site = tmp_path / "site"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", MPLBACKEND="Agg")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(REPO / "mkdocs.yml"),
            "-d",
            str(site),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert "WARNING" not in proc.stderr, proc.stderr[-4000:]
    for page in (
        "index.html",
        "getting-started/index.html",
        "tutorials/index.html",
        "how-to/load-ais/index.html",
        "how-to/dask/index.html",
        "explanation/data-model/index.html",
        "explanation/responsible-use/index.html",
        "explanation/risk-methodology/index.html",
        "training/trainers-guide/index.html",
        "credits/index.html",
    ):
        assert (site / page).is_file(), page
    for nb in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"):
        html = (site / "tutorials" / nb.stem / "index.html").read_text(encoding="utf-8")
        assert "Learning objectives" in html
    # API pages are rendered from the docstrings: the public functions appear with their signatures
    api = (site / "reference" / "schema" / "index.html").read_text(encoding="utf-8")
    assert "validate_positions" in api and "QualityReport" in api
    for mod in MODULES:
        assert (site / "reference" / mod / "index.html").is_file()
    assert "sog_kn" in (site / "explanation" / "data-model" / "index.html").read_text(encoding="utf-8")
