"""MkDocs hook: publish the course notebooks as ``tutorials/<name>.ipynb``.

The notebooks live in ``notebooks/`` at the repository root (where trainers open
them), outside ``docs/``. This hook adds each ``notebooks/NN-*.ipynb`` to the
site's files before mkdocs-jupyter wraps notebooks into pages, so the docs never
hold a second copy that could drift. Notebooks are rendered as committed
(without outputs): they are not executed at build time; ``tests/test_notebooks.py``
executes them. ``notebook_paths.py`` completes the job after mkdocs-jupyter has run.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"


def _notebooks() -> dict[str, Path]:
    return {f"tutorials/{p.name}": p for p in sorted(NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb"))}


@event_priority(100)  # before mkdocs-jupyter's on_files, which turns .ipynb files into pages
def on_files(files: Files, config) -> Files:
    """Add ``notebooks/NN-*.ipynb`` as ``tutorials/NN-*.ipynb``."""
    for uri, path in _notebooks().items():
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files
