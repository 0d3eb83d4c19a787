"""Optional dependencies: a missing one gives an install hint, never a traceback.

Each optional package (``pyais``, ``folium``, ``weasyprint``, ``dask``) is
hidden with ``sys.modules[name] = None`` (what Python does for a package that
is not installed). The functions that need it raise
:class:`~medroutes.errors.OptionalDependencyError` naming the ``pip install``
extra; everything else keeps working, and the command line prints one line and
exits 2.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pandas as pd
import pytest
from _formats import templates

from medroutes import cli
from medroutes.errors import OptionalDependencyError

OPTIONAL = ("pyais", "folium", "weasyprint", "dask", "distributed")


def _hide(monkeypatch, *names: str) -> None:
    for name in names:
        for mod in [m for m in list(sys.modules) if m == name or m.startswith(name + ".")]:
            monkeypatch.setitem(sys.modules, mod, None)
        monkeypatch.setitem(sys.modules, name, None)


def test_every_module_imports_without_any_optional_dependency():
    code = textwrap.dedent(
        f"""
        import sys
        for name in {OPTIONAL!r}:
            sys.modules[name] = None
        import medroutes, medroutes.io, medroutes.schema, medroutes.geo, medroutes.tracks
        import medroutes.graph, medroutes.risk, medroutes.plot, medroutes.report, medroutes.synthetic
        import medroutes.cli
        medroutes.cli.build_parser()
        print("ok")
        """
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert res.returncode == 0 and res.stdout.strip() == "ok", res.stderr[-2000:]


def test_read_nmea_without_pyais(monkeypatch, tmp_path):
    from medroutes.io import read_nmea

    f = tmp_path / "ais.nmea"
    f.write_bytes(templates()["nmea"].data)
    _hide(monkeypatch, "pyais")
    with pytest.raises(OptionalDependencyError, match=r"pip install .*medroutes\[nmea\]"):
        read_nmea(f)


def test_check_command_without_pyais_prints_the_hint(monkeypatch, tmp_path, capsys):
    f = tmp_path / "ais.nmea"
    f.write_bytes(templates()["nmea"].data)
    _hide(monkeypatch, "pyais")
    assert cli.main(["check", str(f)]) == 2
    err = capsys.readouterr().err
    assert "OptionalDependencyError" in err and "pip install" in err and "Traceback" not in err


def test_folium_map_without_folium(monkeypatch):
    from medroutes.plot import folium_map

    _hide(monkeypatch, "folium")
    with pytest.raises(OptionalDependencyError, match=r"pip install .*medroutes\[web\]"):
        folium_map()


def test_pdf_report_without_weasyprint_fails_before_the_pipeline(monkeypatch, tmp_path, capsys):
    from medroutes.report import _build

    _hide(monkeypatch, "weasyprint")
    monkeypatch.setattr(
        _build, "run_pipeline", lambda *a, **k: pytest.fail("the pipeline ran before the check")
    )
    with pytest.raises(OptionalDependencyError, match=r"pip install .*medroutes\[pdf\]"):
        _build.build_report(out=tmp_path / "r.pdf")
    assert cli.main(["report", "--out", str(tmp_path / "r.pdf"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "pip install" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_pandas_path_needs_no_dask(monkeypatch):
    tracks = pytest.importorskip("medroutes.tracks")
    graph = pytest.importorskip("medroutes.graph")
    _hide(monkeypatch, "dask", "distributed")
    pos = pd.DataFrame(
        {
            "vessel_id": ["a"] * 4,
            "timestamp": pd.date_range("2024-08-01", periods=4, freq="30min", tz="UTC").astype(
                "datetime64[ns, UTC]"
            ),
            "lat": [33.0, 33.1, 33.2, 33.3],
            "lon": [12.0, 12.1, 12.2, 12.3],
            "sog_kn": 5.0,
            "cog_deg": 45.0,
        }
    )
    voy = tracks.split_voyages(pos)
    G = graph.graph_from_voyages(voy)
    assert G.graph["n_voyages"] == 1
