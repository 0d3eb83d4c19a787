"""Tiny HTML table reader for the tests (standard library only)."""

from __future__ import annotations

from html.parser import HTMLParser


class Tables(HTMLParser):
    """Collect every table as a list of rows of (tag, class, text) cells, with the id of its section."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._section = None
        self._cell = None
        self._row = None
        self.images: list[dict] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self._section = a.get("id")
        elif tag == "table":
            self.tables.append({"section": self._section, "rows": []})
        elif tag == "tr" and self.tables:
            self._row = []
            self.tables[-1]["rows"].append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = [tag, a.get("class") or "", ""]
            self._row.append(self._cell)
        elif tag == "img":
            self.images.append(a)
        for k in ("href", "src", "action", "data", "poster"):
            if k in a and tag != "img":
                self.links.append(a[k])

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[2] += data


def parse(html: str) -> Tables:
    t = Tables()
    t.feed(html)
    return t
