"""``medroutes check``: report and one-line summary for each kind of file."""

from __future__ import annotations

from _testpaths import DATA_DIR
from medroutes.cli import main


def test_check_positions(capsys):
    assert main(["check", str(DATA_DIR / "positions_good.csv")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "positions: 5 rows in, 5 kept, 0 dropped"
    assert out[-1] == (
        "OK tidy_positions: 5 positions of 3 vessels, 2026-04-26 00:00:00 to 2026-04-26 00:10:00 UTC, "
        "lat 33.10..35.50, lon 11.30..12.60"
    )


def test_check_drop_prints_the_reasons(capsys):
    assert main(["check", str(DATA_DIR / "dma_aisdk-2026-04-26_first300.csv"), "--drop"]) == 0
    out = capsys.readouterr().out
    assert "positions: 300 rows in" in out
    assert "column 'mobile_type'" in out and "Base Station" in out
    assert out.strip().splitlines()[-1].startswith("OK dma: ")


def test_check_invalid_rows_fail_without_drop(capsys):
    assert main(["check", str(DATA_DIR / "dma_aisdk-2026-04-26_first300.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("medroutes check: error: SchemaError: positions:")
    assert 'on_invalid="drop"' in err


def test_check_incidents_and_kind_mismatch(capsys):
    assert main(["check", str(DATA_DIR / "incidents_good.csv")]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("OK tidy_incidents: 4 incidents") and "dead 4, missing 20" in last
    assert main(["check", str(DATA_DIR / "incidents_good.csv"), "--kind", "positions"]) == 2
    assert "not positions; use medroutes.io.read_incidents" in capsys.readouterr().err


def test_check_assume_tz_and_arrivals(capsys):
    assert main(["check", str(DATA_DIR / "broken" / "naive_timestamps.csv"), "--assume-tz", "UTC"]) == 0
    capsys.readouterr()
    assert main(["check", str(DATA_DIR / "unhcr_italy_daily_sea_arrivals_2022-2023.csv")]) == 0
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("OK unhcr_arrivals: 728 days")
