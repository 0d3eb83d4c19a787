"""The training notebooks: committed clean, on the public API, and they run.

Every ``notebooks/NN-*.ipynb`` and every ``notebooks/solutions/*.ipynb`` is executed
with nbclient in a ``python3`` kernel that runs this interpreter (``sys.executable``),
with the working directory ``notebooks/`` and ``MPLBACKEND=Agg``, as a participant
would run it. A notebook that raises, runs longer than the time limit or writes into
the repository fails the build.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
NB_DIR = REPO / "notebooks"
SOL_DIR = NB_DIR / "solutions"
COURSE = sorted(NB_DIR.glob("[0-9][0-9]-*.ipynb"))
SOLUTIONS = sorted(SOL_DIR.glob("*.ipynb"))
ALL = COURSE + SOLUTIONS
TIMEOUT_S = 300  # per cell; the whole notebook must also stay under this

# a private name of medroutes: medroutes._x, medroutes.geo._crs, from medroutes.x import _y
PRIVATE = re.compile(r"medroutes(?:\.\w+)*\._\w+|from\s+medroutes[\w.]*\s+import\s+\(?\s*_\w+")


def _ids(paths):
    return [str(p.relative_to(NB_DIR)) for p in paths]


def _code(nb) -> str:
    return "\n".join(c.source for c in nb.cells if c.cell_type == "code")


def test_the_course_has_seven_numbered_notebooks():
    assert [p.name[:3] for p in COURSE] == [f"{i:02d}-" for i in range(1, 8)]


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"cell {i} has outputs"
            assert cell["execution_count"] is None, f"cell {i} has an execution count"
    nbformat.validate(nbformat.reads(path.read_text(encoding="utf-8"), as_version=4))


def _exercises(nb) -> list[str]:
    """Numbers of the exercise headings ("### Exercise 3.2: ...") in a notebook's markdown."""
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return re.findall(r"^#+ Exercise (\d+\.\d+)", text, flags=re.MULTILINE)


@pytest.mark.parametrize("path", COURSE, ids=_ids(COURSE))
def test_objectives_exercises_and_solutions(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and "Learning objectives" in first.source
    number = int(path.name[:2])
    exercises = _exercises(nb)
    assert exercises, "no exercise"
    assert all(e.startswith(f"{number}.") for e in exercises)
    solution = SOL_DIR / f"{path.stem}-solutions.ipynb"
    assert solution.exists(), f"no solutions notebook {solution.name}"
    assert _exercises(nbformat.read(solution, as_version=4)) == exercises, (
        "every exercise has a solution, in order"
    )


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_public_api_only(path):
    code = _code(nbformat.read(path, as_version=4))
    assert "import medroutes" in code
    assert not PRIVATE.search(code), PRIVATE.search(code)
    assert "../shared" not in code and "/work/" not in code


def _snapshot() -> dict[str, float | None]:
    """Where a notebook could write by mistake: files under notebooks/ and names in the repository root."""
    files: dict[str, float | None] = {str(p): p.stat().st_mtime for p in NB_DIR.rglob("*") if p.is_file()}
    files.update({str(p): None for p in REPO.iterdir()})
    return files


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory):
    """A ``python3`` kernelspec that runs this interpreter, first on the Jupyter path."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "Python 3 (medroutes tests)",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    return {
        "JUPYTER_PATH": os.pathsep.join([str(root), os.environ.get("JUPYTER_PATH", "")]).rstrip(os.pathsep),
        "MPLBACKEND": "Agg",
        "MEDROUTES_PROGRESS": "0",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


@pytest.mark.slow
@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_notebook_runs(path, kernel_env, monkeypatch):
    import time

    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient

    for key, value in kernel_env.items():
        monkeypatch.setenv(key, value)
    spec = KernelSpecManager().get_kernel_spec("python3")
    assert spec.argv[0] == sys.executable

    nb = nbformat.read(path, as_version=4)
    # one extra cell proves which interpreter ran the notebook
    nb.cells.append(nbformat.v4.new_code_cell("import sys; print(sys.executable)"))
    before = _snapshot()
    t0 = time.perf_counter()
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=TIMEOUT_S,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()
    elapsed = time.perf_counter() - t0
    assert elapsed < TIMEOUT_S, f"{path.name} took {elapsed:.0f} s"
    assert nb.cells[-1].outputs[0]["text"].strip() == sys.executable
    assert _snapshot() == before, "the notebook wrote into the repository"
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
