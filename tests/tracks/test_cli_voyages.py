"""``medroutes voyages``: split the bundled sample (or a file) into a voyages table."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from medroutes.cli import main


def test_voyages_command(tmp_path, capsys):
    out = tmp_path / "voyages.parquet"
    assert main(["voyages", "--out", str(out), "--quiet", "--max-gap-h", "12"]) == 0
    v = gpd.read_parquet(out)
    assert {"voyage_id", "departure_zone", "arrival_zone", "dist_km"} <= set(v.columns)
    assert v.geometry.geom_type.dropna().eq("LineString").all()
    assert f"wrote {len(v):,} voyages" in capsys.readouterr().out
    csv = tmp_path / "voyages.csv"
    assert main(["voyages", "--out", str(csv), "--quiet"]) == 0
    assert len(pd.read_csv(csv)) > 0


def test_voyages_refuses_bad_suffix(tmp_path, capsys):
    assert main(["voyages", "--out", str(tmp_path / "v.xlsx"), "--quiet"]) == 2
    assert "DataFormatError" in capsys.readouterr().err
