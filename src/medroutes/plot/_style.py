"""Palettes, the fixed plotting style and deterministic rendering to bytes."""

from __future__ import annotations

import base64
import contextlib
import io
from collections.abc import Iterator
from typing import Literal

import matplotlib as mpl
from matplotlib.figure import Figure

__all__ = [
    "INCIDENT_COLORS",
    "OKABE_ITO",
    "RISK_CATEGORIES",
    "RISK_COLORS",
    "RISK_HATCHES",
    "STYLE",
    "figure_to_data_uri",
    "plot_style",
    "render_figure",
]

#: Risk categories in display order (lowest to highest, then no estimate).
RISK_CATEGORIES: tuple[str, ...] = ("Low", "Medium", "High", "Very high", "Insufficient data")

#: ColorBrewer YlOrRd, 4 classes (Brewer & Harrower, colorbrewer2.org: marked
#: colour-blind safe), plus a neutral grey for "Insufficient data", which is
#: also hatched so it never reads as a risk level.
RISK_COLORS: dict[str, str] = {
    "Low": "#ffffb2",
    "Medium": "#fecc5c",
    "High": "#fd8d3c",
    "Very high": "#e31a1c",
    "Insufficient data": "#d9d9d9",
}

#: Hatch pattern per risk category ("" = solid).
RISK_HATCHES: dict[str, str] = {c: ("///" if c == "Insufficient data" else "") for c in RISK_CATEGORIES}

#: Okabe & Ito (2008) qualitative palette, distinguishable with every common colour-vision deficiency.
OKABE_ITO: tuple[str, ...] = (
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow
    "#000000",  # black
)

#: Colour of each incident type (Okabe-Ito).
INCIDENT_COLORS: dict[str, str] = {
    "shipwreck": "#D55E00",
    "death": "#CC79A7",
    "death_on_board": "#E69F00",
    "distress": "#F0E442",
    "rescue": "#009E73",
    "interception": "#56B4E9",
    "arrival": "#0072B2",
    "other": "#000000",
}

SEA_COLOR = "#dceaf5"
LAND_COLOR = "#f1ede4"
COAST_COLOR = "#8a8a8a"
GRID_COLOR = "#9db4c8"

#: Fixed rcParams used by :func:`plot_style` (fonts, sizes, deterministic SVG ids).
STYLE: dict[str, object] = {
    "font.family": "DejaVu Sans",
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 9.0,
    "legend.fontsize": 7.5,
    "legend.title_fontsize": 8.0,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
    "figure.dpi": 100.0,
    "savefig.dpi": 100.0,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.facecolor": "white",
    "axes.edgecolor": "#333333",
    "axes.linewidth": 0.8,
    "hatch.color": "#6e6e6e",
    "hatch.linewidth": 0.6,
    "lines.antialiased": True,
    "patch.antialiased": True,
    "text.usetex": False,
    "svg.hashsalt": "medroutes",
    "svg.fonttype": "path",
    "path.simplify": True,
}


@contextlib.contextmanager
def plot_style() -> Iterator[None]:
    """Use medroutes' fixed plotting style inside a ``with`` block.

    Fixes fonts, sizes, DPI and the SVG hash salt so that the same figure
    renders to the same bytes on the same matplotlib build. The plot
    functions do not force it, so they follow the caller's own style when
    used outside this block.
    """
    with mpl.rc_context(STYLE):  # type: ignore[arg-type]
        yield


def render_figure(fig: Figure, *, format: Literal["png", "svg"] = "png", dpi: float = 100.0) -> bytes:
    """Render ``fig`` to PNG or SVG bytes, without timestamps or software metadata.

    Parameters
    ----------
    fig
        The figure.
    format : {"png", "svg"}
        Output format.
    dpi
        Resolution of PNG output [dots per inch].

    Returns
    -------
    bytes
        The encoded image; identical for identical figures.
    """
    buf = io.BytesIO()
    with mpl.rc_context({"svg.hashsalt": "medroutes"}):
        if format == "png":
            fig.savefig(
                buf, format="png", dpi=dpi, metadata={"Software": None}, bbox_inches="tight", pad_inches=0.05
            )
        elif format == "svg":
            fig.savefig(
                buf,
                format="svg",
                metadata={"Date": None, "Creator": None},
                bbox_inches="tight",
                pad_inches=0.05,
            )
        else:
            from medroutes.errors import ConfigError

            raise ConfigError(f"format must be 'png' or 'svg', got {format!r}")
    return buf.getvalue()


def figure_to_data_uri(fig: Figure, *, format: Literal["png", "svg"] = "png", dpi: float = 100.0) -> str:
    """Return ``fig`` as a ``data:`` URI for inline use in HTML (no file, no network).

    Parameters
    ----------
    fig
        The figure.
    format : {"png", "svg"}
        Image format.
    dpi
        Resolution of PNG output [dots per inch].

    Returns
    -------
    str
        ``data:image/png;base64,...`` or ``data:image/svg+xml;base64,...``.
    """
    data = render_figure(fig, format=format, dpi=dpi)
    mime = "image/png" if format == "png" else "image/svg+xml"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
