"""Property tests of the data-model validators: nothing is lost, nothing is invented.

For any frame, ``validate_*(on_invalid="drop")`` must keep exactly the rows a
plain-Python reading of the data model keeps, count every other row once in
the quality report (``n_in == n_out + n_dropped``), warn once when it drops,
and return a frame that validates again unchanged. ``on_invalid="raise"``
must raise iff ``"drop"`` would drop. The expected rows are computed here
from the generated values, not with the validator's own code.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from _relutil import recorded_warnings
from hypothesis import given
from hypothesis import strategies as st

from medroutes.errors import DataQualityWarning, SchemaError
from medroutes.schema import INCIDENT_TYPES, validate_incidents, validate_positions

UTC = dt.UTC

HOSTILE_TEXT = ["=cmd|' /C calc'!A0", "@SUM(1+1)", "+1", "-1", "<script>alert(1)</script>", "é\u202eX", ""]

# --------------------------------------------------------------------------- #
# strategies
# --------------------------------------------------------------------------- #

# A small pool of instants makes (vessel, timestamp) collisions (duplicates) frequent.
_POOL = [
    dt.datetime(2023, 6, 1, 12, 0, tzinfo=UTC),
    dt.datetime(2023, 6, 1, 12, 5, tzinfo=UTC),
    dt.datetime(1900, 1, 1, 0, 0, tzinfo=UTC),
    dt.datetime(2100, 12, 31, 23, 59, 59, tzinfo=UTC),
]
_valid_instant = st.one_of(
    st.sampled_from(_POOL),
    st.datetimes(
        min_value=dt.datetime(1900, 1, 1),
        max_value=dt.datetime(2100, 12, 31),
        timezones=st.just(UTC),
    ).map(lambda t: t.replace(microsecond=0)),
)
_offsets = st.sampled_from([0, 60, -90, 120])  # minutes east of UTC


@st.composite
def timestamps(draw: st.DrawFn) -> tuple[str | None, dt.datetime | None]:
    """Return (text as written in a file, the UTC instant it means or None when invalid)."""
    if draw(st.integers(0, 9)) == 0:
        text = draw(st.sampled_from([None, "", "2024-02-30T10:00:00Z", "2024-13-01T00:00:00Z", "garbageZ"]))
        return text, None
    t = draw(_valid_instant)
    off = draw(_offsets)
    if off == 0 and draw(st.booleans()):
        return t.strftime("%Y-%m-%dT%H:%M:%SZ"), t
    tz = dt.timezone(dt.timedelta(minutes=off))
    return t.astimezone(tz).isoformat(), t


_special = [math.nan, math.inf, -math.inf, 1e308, -1e308, -0.0, 0.0]
lat_values = st.one_of(st.floats(-95, 95), st.sampled_from([*_special, 91.0, 90.0, -90.0]))
lon_values = st.one_of(st.floats(-185, 185), st.sampled_from([*_special, 181.0, 180.0, -180.0]))
sog_values = st.one_of(st.floats(-5, 110), st.sampled_from([*_special, 102.3, 102.2, 102.25]))
cog_values = st.one_of(st.floats(-5, 365), st.sampled_from([*_special, 360.0, 359.99]))
vessel_ids = st.sampled_from(["A", "B", "c1", None, *HOSTILE_TEXT])


@st.composite
def position_rows(draw: st.DrawFn) -> list[dict]:
    n = draw(st.integers(0, 25))
    rows = []
    for _ in range(n):
        text, instant = draw(timestamps())
        rows.append(
            {
                "vessel_id": draw(vessel_ids),
                "timestamp": text,
                "_instant": instant,
                "lat": draw(lat_values),
                "lon": draw(lon_values),
                "sog_kn": draw(sog_values),
                "cog_deg": draw(cog_values),
            }
        )
    return rows


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=object) for c in columns})
    for c in columns:
        if all(isinstance(r[c], float) for r in rows) and rows:
            df[c] = df[c].astype("float64")
    return df


POS_COLS = ["vessel_id", "timestamp", "lat", "lon", "sog_kn", "cog_deg"]


def _position_ok(r: dict) -> bool:
    def inside(v: float, lo: float, hi: float, *, nan_ok: bool, hi_open: bool = False) -> bool:
        if math.isnan(v):
            return nan_ok
        return lo <= v < hi if hi_open else lo <= v <= hi

    return (
        r["vessel_id"] is not None
        and r["_instant"] is not None
        and inside(r["lat"], -90, 90, nan_ok=False)
        and inside(r["lon"], -180, 180, nan_ok=False)
        and inside(r["sog_kn"], 0, 102.25, nan_ok=True, hi_open=True)
        and inside(r["cog_deg"], 0, 360, nan_ok=True, hi_open=True)
    )


def _expected_positions(rows: list[dict]) -> list[tuple]:
    """Valid rows sorted (stable) by vessel and time, first of each (vessel, time) kept."""
    ok = [r for r in rows if _position_ok(r)]
    ok = sorted(ok, key=lambda r: (r["vessel_id"], r["_instant"]))
    seen: set[tuple] = set()
    out = []
    for r in ok:
        key = (r["vessel_id"], r["_instant"])
        if key not in seen:
            seen.add(key)
            out.append((r["vessel_id"], r["_instant"], r["lat"], r["lon"], r["sog_kn"], r["cog_deg"]))
    return out


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def _check_report(report, n_in: int, n_out: int) -> None:
    assert report.n_in == n_in
    assert report.n_out == n_out
    assert report.n_in == report.n_out + report.n_dropped
    assert sum(p.n_rows for p in report.problems) == report.n_dropped
    assert all(p.n_rows > 0 for p in report.problems)


# --------------------------------------------------------------------------- #
# positions
# --------------------------------------------------------------------------- #


@given(position_rows())
def test_validate_positions_drop_keeps_exactly_the_valid_rows(rows):
    df = _frame(rows, POS_COLS)
    expected = _expected_positions(rows)
    with recorded_warnings() as rec:
        out, report = validate_positions(df, on_invalid="drop")
    _check_report(report, len(rows), len(out))
    assert len(out) == len(expected)
    got = list(
        zip(
            out["vessel_id"],
            [t.to_pydatetime() for t in out["timestamp"]],
            out["lat"],
            out["lon"],
            out["sog_kn"],
            out["cog_deg"],
            strict=True,
        )
    )
    for g, e in zip(got, expected, strict=True):
        assert g[:2] == e[:2]
        assert all(_same(float(a), float(b)) for a, b in zip(g[2:], e[2:], strict=True))
    assert str(out["timestamp"].dtype) == "datetime64[ns, UTC]"
    dq = [w for w in rec if issubclass(w.category, DataQualityWarning)]
    assert len(dq) == (1 if report.n_dropped else 0)  # one warning iff it drops


@given(position_rows())
def test_validate_positions_raise_iff_drop_would_drop(rows):
    df = _frame(rows, POS_COLS)
    n_expected = len(_expected_positions(rows))
    if n_expected == len(rows):
        out, report = validate_positions(df, on_invalid="raise")
        assert len(out) == len(rows) and report.n_dropped == 0
    else:
        with pytest.raises(SchemaError, match=r"rows") as info:
            validate_positions(df, on_invalid="raise")
        assert "column '" in str(info.value)


@given(position_rows())
def test_validate_positions_is_idempotent(rows):
    df = _frame(rows, POS_COLS)
    with recorded_warnings():
        once, _ = validate_positions(df, on_invalid="drop")
    twice, report = validate_positions(once, on_invalid="raise")
    assert report.n_dropped == 0
    pd.testing.assert_frame_equal(once, twice)


@given(position_rows(), st.randoms(use_true_random=False))
def test_validate_positions_ignores_row_order(rows, rnd):
    """Shuffling input rows changes nothing but which of two conflicting duplicates is kept."""
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    with recorded_warnings():
        a, ra = validate_positions(_frame(rows, POS_COLS), on_invalid="drop")
        b, rb = validate_positions(_frame(shuffled, POS_COLS), on_invalid="drop")
    assert ra.n_out == rb.n_out
    pd.testing.assert_frame_equal(a[["vessel_id", "timestamp"]], b[["vessel_id", "timestamp"]])


def test_validate_positions_warns_once_when_it_drops_for_several_reasons():
    df = pd.DataFrame(
        {
            "vessel_id": ["a", "a", "a"],
            "timestamp": [None, "2023-06-01T13:00:00+01:00", "2023-06-01T12:00:00Z"],
            "lat": [35.0, 35.0, 35.0],
            "lon": [12.0, 12.0, 12.0],
            "sog_kn": [1.0, 1.0, 1.0],
            "cog_deg": [1.0, 1.0, 1.0],
        }
    )
    with recorded_warnings() as rec:
        out, report = validate_positions(df, on_invalid="drop")
    assert len(out) == 1 and report.n_dropped == 2
    assert len([w for w in rec if issubclass(w.category, DataQualityWarning)]) == 1


def test_naive_timestamps_are_an_error_not_a_guess():
    df = pd.DataFrame(
        {
            "vessel_id": ["a", "a"],
            "timestamp": ["2024-01-01T00:00:00", "2024-01-01T00:10:00Z"],
            "lat": [35.0, 35.1],
            "lon": [12.0, 12.1],
            "sog_kn": [5.0, 5.0],
            "cog_deg": [10.0, 10.0],
        }
    )
    for mode in ("raise", "drop"):
        with pytest.raises(SchemaError, match="time zone"):
            validate_positions(df, on_invalid=mode)


@pytest.mark.parametrize("year", [1000, 1676, 2263, 9999])
def test_timestamps_outside_the_nanosecond_range_are_counted_not_crashing(year):
    """A year pandas cannot hold in datetime64[ns] must be a counted bad timestamp (or a SchemaError)."""
    df = pd.DataFrame(
        {
            "vessel_id": ["a", "a"],
            "timestamp": [f"{year:04d}-01-01T00:00:00Z", "2024-01-01T00:00:00Z"],
            "lat": [35.0, 35.1],
            "lon": [12.0, 12.1],
            "sog_kn": [5.0, 5.0],
            "cog_deg": [10.0, 10.0],
        }
    )
    try:
        with pytest.warns(DataQualityWarning):
            out, report = validate_positions(df, on_invalid="drop")
    except SchemaError:
        return
    assert len(out) == 1 and report.n_dropped == 1
    assert report.problems[0].column == "timestamp"


# --------------------------------------------------------------------------- #
# incidents
# --------------------------------------------------------------------------- #

count_values = st.one_of(
    st.integers(0, 500).map(float),
    st.sampled_from([math.nan, -1.0, 1.5, math.inf, 1e6]),
)
INC_COLS = [
    "incident_id",
    "timestamp",
    "lat",
    "lon",
    "incident_type",
    "dead",
    "missing",
    "survivors",
    "route",
    "source",
]


@st.composite
def incident_rows(draw: st.DrawFn) -> list[dict]:
    n = draw(st.integers(0, 20))
    rows = []
    for _ in range(n):
        text, instant = draw(timestamps())
        rows.append(
            {
                "incident_id": draw(
                    st.sampled_from(["i1", "i2", "i3", "i4", "i5", "i6", None, *HOSTILE_TEXT])
                ),
                "timestamp": text,
                "_instant": instant,
                "lat": draw(st.one_of(st.floats(-95, 95), st.sampled_from(_special))),
                "lon": draw(st.one_of(st.floats(-185, 185), st.sampled_from(_special))),
                "incident_type": draw(st.sampled_from([*INCIDENT_TYPES, "Shipwreck", "bogus", None])),
                "dead": draw(count_values),
                "missing": draw(count_values),
                "survivors": draw(count_values),
                "route": draw(st.sampled_from(["Central Mediterranean", *HOSTILE_TEXT])),
                "source": draw(st.sampled_from(["IOM", *HOSTILE_TEXT])),
            }
        )
    return rows


def _incident_ok(r: dict) -> bool:
    def coord(v: float, lim: float) -> bool:
        return math.isnan(v) or -lim <= v <= lim

    def count(v: float) -> bool:
        return math.isnan(v) or (math.isfinite(v) and v >= 0 and v == math.floor(v))

    return (
        r["incident_id"] is not None
        and r["_instant"] is not None
        and coord(r["lat"], 90)
        and coord(r["lon"], 180)
        and r["incident_type"] in INCIDENT_TYPES
        and count(r["dead"])
        and count(r["missing"])
        and count(r["survivors"])
    )


def _expected_incidents(rows: list[dict]) -> list[dict]:
    """Valid rows in input order; of valid rows sharing an id, the first (an invalid row never shadows a valid one)."""
    seen: set = set()
    out = []
    for r in rows:
        if _incident_ok(r) and r["incident_id"] not in seen:
            seen.add(r["incident_id"])
            out.append(r)
    return out


@given(incident_rows())
def test_validate_incidents_drop_keeps_exactly_the_valid_rows(rows):
    df = _frame(rows, INC_COLS)
    expected = _expected_incidents(rows)
    with recorded_warnings() as rec:
        out, report = validate_incidents(df, on_invalid="drop")
    _check_report(report, len(rows), len(out))
    assert out["incident_id"].tolist() == [r["incident_id"] for r in expected]  # order kept
    for c in ("dead", "missing", "survivors"):
        assert str(out[c].dtype) == "Int64"
        got = [None if pd.isna(v) else int(v) for v in out[c]]
        want = [None if math.isnan(r[c]) else int(r[c]) for r in expected]
        assert got == want, f"{c}: unknown must stay unknown, never 0"
    assert [t.to_pydatetime() for t in out["timestamp"]] == [r["_instant"] for r in expected]
    assert out["route"].tolist() == [r["route"] for r in expected]  # text kept verbatim
    dq = [w for w in rec if issubclass(w.category, DataQualityWarning)]
    assert len(dq) == (1 if report.n_dropped else 0)
    n_no_xy = sum(math.isnan(r["lat"]) or math.isnan(r["lon"]) for r in expected)
    if n_no_xy:
        assert any("no coordinates" in note for note in report.notes)


@given(incident_rows())
def test_validate_incidents_is_idempotent(rows):
    with recorded_warnings():
        once, _ = validate_incidents(_frame(rows, INC_COLS), on_invalid="drop")
    twice, report = validate_incidents(once, on_invalid="raise")
    assert report.n_dropped == 0
    pd.testing.assert_frame_equal(once, twice)


@pytest.mark.parametrize("value", [1e308, 2.0**63, 1e19])
def test_absurd_death_counts_are_counted_not_crashing(value):
    """dead = 1e308 is a whole, finite number; it must be a counted invalid row or a SchemaError."""
    df = pd.DataFrame(
        {
            "incident_id": ["a", "b"],
            "timestamp": ["2024-01-01T00:00:00Z"] * 2,
            "lat": [35.0, np.nan],
            "lon": [12.0, 12.0],
            "incident_type": ["shipwreck", "death"],
            "dead": [value, 2.0],
            "missing": [np.nan, 0.0],
            "survivors": [1.0, 1.0],
            "route": "Central Mediterranean",
            "source": "test",
        }
    )
    try:
        with recorded_warnings():
            out, report = validate_incidents(df, on_invalid="drop")
    except SchemaError:
        return
    assert out["incident_id"].tolist() == ["b"]
    assert report.n_dropped == 1 and report.problems[0].column == "dead"
