"""MkDocs hook, second half of ``notebooks.py``: give the notebook pages their real paths.

mkdocs-jupyter wraps each notebook ``File`` in its own class, which recomputes
``abs_src_path`` from ``src_dir``; the files added by ``notebooks.py`` are generated
(no ``src_dir``), so this hook sets the path on each wrapper after mkdocs-jupyter's
``on_files`` has run.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"


@event_priority(-100)  # after mkdocs-jupyter's on_files
def on_files(files: Files, config) -> Files:
    """Set ``abs_src_path`` of every ``tutorials/NN-*.ipynb`` page to its file in ``notebooks/``."""
    paths = {f"tutorials/{p.name}": p for p in NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb")}
    for f in files:
        if f.src_uri in paths:
            f.abs_src_path = str(paths[f.src_uri])
    return files
