"""Static security checks of ``src/``: no code execution from data, no shell, no unsafe loaders.

The checks parse every module (``ast``), so that docstrings and comments that
*mention* ``eval(`` do not count while any real call does, however it is
spelled (``pickle.load``, ``from pickle import loads``, ``df.eval(...)``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "medroutes"
FILES = sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)

#: name of a called function or method -> why it is banned
BANNED_CALLS = {
    "eval": "runs text as code (pandas DataFrame.eval/query included)",
    "exec": "runs text as code",
    "__import__": "imports a module named by data",
    "system": "os.system runs a shell",
    "popen": "os.popen runs a shell",
    "mktemp": "tempfile.mktemp is racy; use NamedTemporaryFile/mkstemp",
    "read_pickle": "unpickling runs code",
    "unsafe_load": "yaml.unsafe_load runs code",
}
#: modules whose load functions run code from the data
UNSAFE_LOADER_MODULES = {"pickle", "cPickle", "dill", "marshal", "shelve", "joblib", "cloudpickle"}


def _qualname(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_qualname(node.value)}.{node.attr}"
    return "?"


def _import_findings(node: ast.AST, rel: Path, imported_from: dict[str, str]) -> list[str]:
    out = []
    if isinstance(node, ast.ImportFrom) and node.module:
        for alias in node.names:
            imported_from[alias.asname or alias.name] = node.module
            if node.module.split(".")[0] in UNSAFE_LOADER_MODULES:
                out.append(f"{rel}:{node.lineno}: imports {alias.name} from {node.module}")
    elif isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.split(".")[0] in UNSAFE_LOADER_MODULES:
                out.append(f"{rel}:{node.lineno}: imports {alias.name} (unpickling runs code)")
    return out


def _call_findings(node: ast.Call, rel: Path, imported_from: dict[str, str]) -> list[str]:
    out = []
    name = _qualname(node.func)
    last = name.rsplit(".", 1)[-1]
    where = f"{rel}:{node.lineno}: {name}()"
    kws = {kw.arg: kw.value for kw in node.keywords}
    if last in BANNED_CALLS:
        out.append(f"{where}: {BANNED_CALLS[last]}")
    shell = kws.get("shell")
    if shell is not None and not (isinstance(shell, ast.Constant) and shell.value is False):
        out.append(f"{where}: shell=True runs a shell")
    if last == "load" and (name.startswith("yaml.") or imported_from.get("load") == "yaml"):
        loader = _qualname(kws["Loader"]) if "Loader" in kws else ""
        if "Safe" not in loader:
            out.append(f"{where}: yaml.load without SafeLoader")
    if last == "Environment" and ("jinja2" in name or imported_from.get("Environment") == "jinja2"):
        ae = kws.get("autoescape")
        if ae is None or (isinstance(ae, ast.Constant) and not ae.value):
            out.append(f"{where}: Jinja2 Environment without autoescape (HTML injection)")
    return out


def _findings(path: Path, root: Path = SRC) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    rel = path.relative_to(root.parent)
    imported_from: dict[str, str] = {}
    out: list[str] = []
    for node in ast.walk(tree):
        out += _import_findings(node, rel, imported_from)
        if isinstance(node, ast.Call):
            out += _call_findings(node, rel, imported_from)
    return out


def test_sources_are_found():
    assert len(FILES) >= 8, FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_code_execution_shell_or_unsafe_loader(path):
    assert _findings(path) == []


def test_the_checker_catches_what_it_should(tmp_path):
    """Guard against a checker that can never fail."""
    bad = tmp_path / "medroutes" / "bad.py"
    bad.parent.mkdir()
    bad.write_text(
        "import pickle\nimport subprocess, yaml\nfrom jinja2 import Environment\n"
        "x = eval('1')\ndf.eval('a+b')\nsubprocess.run('ls', shell=True)\n"
        "yaml.load(open('f'))\nyaml.load(open('f'), Loader=yaml.SafeLoader)\nEnvironment()\n"
        "'''eval( in a docstring is fine'''\n"
    )
    found = _findings(bad, root=bad.parent)
    assert len(found) == 6, found
    assert any("SafeLoader" in f for f in found) and any("autoescape" in f for f in found)


def test_the_package_never_reads_the_shared_data_folder():
    """``../shared`` is for tests only (through ``requires_shared``)."""
    hits = []
    for path in FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if "../shared" in node.value or "/work/shared" in node.value or "shared/data" in node.value:
                    hits.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert hits == []
