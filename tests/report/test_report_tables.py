import numpy as np
import pandas as pd
import pytest

from medroutes.report._tables import (
    change_rows,
    dead_missing,
    departures_rows,
    fmt_change,
    fmt_count,
    incidents_by_month,
    incidents_by_type,
    quality_rows,
)
from medroutes.schema import Problem, QualityReport


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (1, "<5"),
        (4, "<5"),
        (4.0, "<5"),
        (5, "5"),
        (1234, "1,234"),
        (np.nan, "–"),
        (None, "–"),
        (pd.NA, "–"),
    ],
)
def test_fmt_count_suppresses_1_to_4(value, expected):
    assert fmt_count(value, 5) == expected


def test_fmt_count_threshold_is_configurable():
    assert fmt_count(9, 10) == "<10" and fmt_count(10, 10) == "10" and fmt_count(1, 1) == "1"


def test_fmt_change_hides_changes_of_suppressed_cells():
    assert fmt_change(10, 15, 5) == "+50 %"
    assert fmt_change(20, 10, 5) == "-50 %"
    assert fmt_change(3, 15, 5) == "suppressed"
    assert fmt_change(0, 7, 5) == "new"


def test_dead_missing_keeps_unknown_unknown():
    inc = pd.DataFrame(
        {
            "dead": pd.array([1, pd.NA, pd.NA, 0], dtype="Int64"),
            "missing": pd.array([2, 3, pd.NA, 0], dtype="Int64"),
        }
    )
    out = dead_missing(inc)
    assert out.tolist()[:2] == [3.0, 3.0] and np.isnan(out.iloc[2]) and out.iloc[3] == 0


def _incidents():
    return pd.DataFrame(
        {
            "timestamp": pd.to_datetime(
                ["2023-01-03", "2023-01-20", "2023-02-11", "2023-02-12", "2023-02-13"], utc=True
            ),
            "incident_type": ["shipwreck", "shipwreck", "rescue", "shipwreck", "death"],
            "dead": pd.array([10, 2, 0, pd.NA, 1], dtype="Int64"),
            "missing": pd.array([30, 0, 0, pd.NA, pd.NA], dtype="Int64"),
            "survivors": pd.array([5, 20, 60, pd.NA, pd.NA], dtype="Int64"),
        }
    )


def test_incidents_by_type_sums_and_suppresses():
    rows = {r["type"]: r for r in incidents_by_type(_incidents(), min_count=5)}
    assert rows["shipwreck"] == {
        "type": "shipwreck",
        "n": "<5",
        "dead": "12",
        "missing": "30",
        "survivors": "25",
    }
    assert (
        rows["death"]["dead"] == "<5"
        and rows["death"]["missing"] == "–"
        and rows["death"]["survivors"] == "–"
    )
    assert rows["rescue"]["dead"] == "0"
    assert rows["all types"] == {
        "type": "all types",
        "n": "5",
        "dead": "13",
        "missing": "30",
        "survivors": "85",
    }


def test_incidents_by_month():
    rows = incidents_by_month(_incidents(), min_count=2)
    # independent: plain pandas by month
    inc = _incidents()
    ref = inc.groupby(inc["timestamp"].dt.strftime("%Y-%m")).size()
    assert [r["month"] for r in rows] == list(ref.index)
    assert rows[0] == {"month": "2023-01", "n": "2", "dm": "42"}
    assert rows[1] == {"month": "2023-02", "n": "3", "dm": "<2"}


def test_departures_rows_halves_and_suppression():
    t = pd.to_datetime(["2023-01-01"] * 7 + ["2023-01-20"] * 9 + ["2023-01-02", "2023-01-25"], utc=True)
    voy = pd.DataFrame(
        {
            "start_time": t,
            "departure_zone": ["ly_west"] * 16 + ["tn_sfax", "at sea"],
            "persons": np.arange(18) + 1,
        }
    )
    rows, has_persons = departures_rows(
        voy,
        mid=pd.Timestamp("2023-01-16", tz="UTC"),
        zone_names={"ly_west": "W Libya"},
        departure_zones=["ly_west", "tn_sfax", "ly_east"],
        min_count=5,
    )
    by = {r["zone"]: r for r in rows}
    assert has_persons
    assert by["ly_west"] == {
        "zone": "ly_west",
        "name": "W Libya",
        "voyages": "16",
        "a": "7",
        "b": "9",
        "change": "+29 %",
        "persons": f"{sum(range(1, 17)):,}",
    }
    assert by["tn_sfax"]["voyages"] == "<5" and by["tn_sfax"]["persons"] == "17"
    assert by["ly_east"]["voyages"] == "0"
    assert by["at sea"]["name"].startswith("departure outside")


def test_quality_rows_are_exact():
    qr = QualityReport(
        "positions",
        120,
        100,
        (Problem("lat_range", "lat", "are outside -90..90", 3), Problem("dup", "timestamp", "repeat", 17)),
        ("note",),
    )
    q = quality_rows([("positions: read", qr)])
    assert q["steps"] == [{"step": "positions: read", "n_in": "120", "n_out": "100", "n_dropped": "20"}]
    assert [r["n_rows"] for r in q["reasons"]] == ["3", "17"]  # data rows are not people: not suppressed
    assert q["notes"] == ["positions: read: note"]


def test_change_rows():
    rows = change_rows([("Voyages", 10, 12), ("Incidents", 2, 0)], min_count=5)
    assert rows[0] == {"measure": "Voyages", "a": "10", "b": "12", "change": "+20 %"}
    assert rows[1]["a"] == "<5" and rows[1]["change"] == "suppressed"
