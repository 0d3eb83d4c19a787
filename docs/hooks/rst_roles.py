"""MkDocs hook: render the Sphinx roles left in numpydoc docstrings.

Docstrings use Sphinx cross-reference roles (``:func:`clean_positions```,
``:class:`~medroutes.schema.QualityReport```, ``:doi:`10.1371/...```) that
mkdocstrings passes through as text. This hook turns them into what a reader
expects: the name in code font (``~`` keeps the last component, as in Sphinx),
and DOIs into links.
"""

from __future__ import annotations

import re

_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|attr|data|mod|obj|exc|const):<code>(~?)([^<]+)</code>")
_DOI = re.compile(r":doi:<code>([^<]+)</code>")


def _name(m: re.Match[str]) -> str:
    tilde, target = m.group(1), m.group(2)
    return f"<code>{target.rsplit('.', 1)[-1] if tilde else target}</code>"


def on_page_content(html: str, page, config, files) -> str:
    """Replace role markup in the rendered HTML of every page."""
    html = _ROLE.sub(_name, html)
    return _DOI.sub(lambda m: f'<a href="https://doi.org/{m.group(1)}">doi:{m.group(1)}</a>', html)
