"""The self-contained HTML report: the whole pipeline on one page.

``medroutes report`` (or :func:`build_report`) loads positions and incidents
(by default the bundled sample scenario), cleans them, splits voyages, builds
the route graph and corridors, scores risk and writes one HTML file with
every style and image inline, so that it opens offline and can be mailed or
archived as one file::

    import medroutes as mr
    mr.report.build_report(out="report.html")                 # bundled sample
    mr.report.build_report(positions="ais.parquet", incidents="iom.csv",
                           period="2023-01-01:2023-06-30", out="h1.html")

Counts of people, voyages and incidents below ``min_count`` (default 5) are
suppressed in tables, and every string from the data is HTML-escaped.
"""

from medroutes.report._build import build_report, render_html
from medroutes.report._pipeline import parse_period
from medroutes.report._tables import fmt_count

__all__ = ["build_report", "fmt_count", "parse_period", "render_html"]
