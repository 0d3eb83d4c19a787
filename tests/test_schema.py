"""Tests of the data model and its validators (medroutes.schema)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from medroutes.errors import DataQualityWarning, SchemaError
from medroutes.schema import (
    INCIDENT_TYPES,
    QualityReport,
    parse_timestamps,
    swapped_coordinates_note,
    validate_incidents,
    validate_positions,
    validate_zones,
)


def _positions(**overrides):
    base = {
        "vessel_id": [2, 1, 1, 1],
        "timestamp": [
            "2026-04-26T00:10:00Z",
            "2026-04-26T00:00:00Z",
            "2026-04-26T00:20:00Z",
            "2026-04-26T00:10:00Z",
        ],
        "lat": [35.0, 34.0, 34.2, 34.1],
        "lon": [12.0, 12.0, 12.0, 12.0],
        "sog_kn": [5.0, 6.0, 6.0, 6.0],
        "cog_deg": [0.0, 0.0, 0.0, 0.0],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def _incidents(**overrides):
    base = {
        "incident_id": ["a", "b", "c"],
        "timestamp": ["2026-04-20T00:00:00Z", "2026-04-21T00:00:00Z", "2026-04-22T00:00:00Z"],
        "lat": [33.6, np.nan, 35.4],
        "lon": [12.4, np.nan, 12.7],
        "incident_type": ["shipwreck", "death", "rescue"],
        "dead": [3, None, 0],
        "missing": [20, None, 0],
        "survivors": [41, None, 57],
        "route": ["Central Mediterranean"] * 3,
        "source": ["test"] * 3,
    }
    base.update(overrides)
    return pd.DataFrame(base)


# --------------------------------------------------------------------------- #
# positions
# --------------------------------------------------------------------------- #


def test_positions_are_typed_sorted_and_complete():
    out, rep = validate_positions(_positions())
    assert str(out["timestamp"].dtype) == "datetime64[ns, UTC]"
    assert out["vessel_id"].tolist() == [1, 1, 1, 2]
    assert out["timestamp"].is_monotonic_increasing is False  # sorted by vessel first
    assert out.loc[out.vessel_id == 1, "lat"].tolist() == [34.0, 34.1, 34.2]
    assert (rep.n_in, rep.n_out, rep.n_dropped) == (4, 4, 0)
    assert out.index.tolist() == [0, 1, 2, 3]


def test_sort_false_keeps_the_callers_order_and_labels():
    df = _positions().set_axis([10, 11, 12, 13])
    out, _ = validate_positions(df, sort=False)
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out["lat"].tolist() == df["lat"].tolist()


def test_raise_lists_every_problem_with_column_and_count():
    df = _positions(lat=[35.0, 91.0, 95.0, 34.1], sog_kn=[5.0, -1.0, 6.0, 6.0])
    with pytest.raises(SchemaError, match=r"column 'lat': 2 of 4 rows are outside -90\.\.90") as exc:
        validate_positions(df)
    msg = str(exc.value)
    assert "column 'sog_kn': 1 of 4 rows" in msg
    assert 'on_invalid="drop"' in msg


def test_drop_counts_each_row_once_and_warns_once():
    # row 1: bad lat and bad sog (counted under lat only); row 3 exact duplicate of row 2
    df = _positions(
        vessel_id=[1, 1, 2, 2, 2],
        timestamp=[
            "2026-04-26T00:00:00Z",
            "2026-04-26T00:10:00Z",
            "2026-04-26T00:00:00Z",
            "2026-04-26T00:00:00Z",
            "2026-04-26T00:00:00Z",
        ],
        lat=[34.0, 91.0, 35.0, 35.0, 35.5],
        lon=[12.0] * 5,
        sog_kn=[5.0, -3.0, 5.0, 5.0, 5.0],
        cog_deg=[0.0] * 5,
    )
    with pytest.warns(DataQualityWarning, match="dropped 3 of 5 rows") as rec:
        out, rep = validate_positions(df, on_invalid="drop")
    assert len(rec) == 1
    counts = {p.check: p.n_rows for p in rep.problems}
    assert counts == {"lat_range": 1, "duplicate": 1, "conflicting_duplicate": 1}
    assert rep.n_in == rep.n_out + sum(counts.values()) == 5
    assert len(out) == 2
    # the first of the duplicates is kept
    assert out.loc[out.vessel_id == 2, "lat"].tolist() == [35.0]


def test_conflicting_duplicate_is_not_reported_for_exact_copies():
    df = _positions(
        vessel_id=[1, 1, 1, 1],
        timestamp=["2026-04-26T00:00:00Z"] * 2 + ["2026-04-26T01:00:00Z"] * 2,
        lat=[34.0, 34.0, 34.5, 34.6],
        sog_kn=[5.0] * 4,
    )
    with pytest.raises(SchemaError) as exc:
        validate_positions(df)
    msg = str(exc.value)
    assert "1 of 4 rows are exact duplicates" in msg
    assert "1 of 4 rows repeat a (vessel_id, timestamp)" in msg


def test_duplicates_match_plain_pandas_on_random_data():
    rng = np.random.default_rng(7)
    n = 5_000
    df = pd.DataFrame(
        {
            "vessel_id": rng.integers(0, 20, n),
            "timestamp": pd.to_datetime(rng.integers(0, 300, n), unit="s", utc=True),
            "lat": rng.choice([34.0, 34.5], n),
            "lon": 12.0,
            "sog_kn": 3.0,
            "cog_deg": 0.0,
        }
    )
    with pytest.warns(DataQualityWarning):
        out, rep = validate_positions(df, on_invalid="drop")
    exact = int(df.duplicated().sum())
    key = int(df.duplicated(["vessel_id", "timestamp"]).sum())
    counts = {p.check: p.n_rows for p in rep.problems}
    assert counts["duplicate"] == exact
    assert counts["conflicting_duplicate"] == key - exact
    assert len(out) == n - key
    assert not out.duplicated(["vessel_id", "timestamp"]).any()


def test_impossible_speed_flags_an_isolated_jump():
    t = pd.date_range("2026-04-26", periods=5, freq="10min", tz="UTC")
    df = _positions(
        vessel_id=[1] * 5,
        timestamp=t,
        lat=[34.0, 34.01, 36.0, 34.03, 34.04],
        lon=[12.0] * 5,
        sog_kn=[3.0] * 5,
        cog_deg=[0.0] * 5,
    )
    with pytest.warns(DataQualityWarning):
        out, rep = validate_positions(df, on_invalid="drop", max_speed_kn=40)
    assert [p.check for p in rep.problems] == ["impossible_speed"]
    assert 36.0 not in out["lat"].tolist() and len(out) == 4


def test_check_land_drops_a_point_on_lampedusa():
    df = _positions(lat=[35.51, 35.0, 34.0, 33.9], lon=[12.60, 13.5, 12.0, 12.5])
    with pytest.warns(DataQualityWarning):
        out, rep = validate_positions(df, on_invalid="drop", check_land=True)
    assert rep.problems[0].check == "on_land" and rep.problems[0].n_rows == 1
    assert 35.51 not in out["lat"].tolist()


def test_missing_columns_are_named():
    with pytest.raises(SchemaError, match="missing required column 'lat'"):
        validate_positions(_positions().drop(columns="lat"))


def test_text_in_a_numeric_column_names_column_and_values():
    df = _positions(sog_kn=["5", "fast", "6", ""])
    with pytest.raises(
        SchemaError, match=r"column 'sog_kn': 1 of 4 rows are not numbers \(first values \['fast'\]"
    ):
        validate_positions(df)


def test_mixed_id_types_are_a_clear_error():
    df = _positions(vessel_id=[1, "a", 2, "b"])
    with pytest.raises(SchemaError, match="column 'vessel_id' mixes value types"):
        validate_positions(df)


def test_swapped_coordinates_give_a_note_and_change_nothing():
    df = _positions(lat=[12.0, 12.5, 13.0, 12.8], lon=[35.0, 34.0, 33.5, 35.5])
    out, rep = validate_positions(df)
    assert any("lat/lon look swapped" in n for n in rep.notes)
    assert sorted(out["lat"]) == sorted(df["lat"])


def test_swapped_note_stays_quiet_elsewhere():
    # Danish waters and a mix of Mediterranean / swapped points: no note
    assert swapped_coordinates_note(np.array([55.0, 56.0]), np.array([10.0, 12.0])) is None
    assert swapped_coordinates_note(np.array([35.0, 12.0]), np.array([12.0, 35.0])) is None
    assert swapped_coordinates_note(np.array([np.nan]), np.array([np.nan])) is None


def test_on_invalid_must_be_known():
    with pytest.raises(SchemaError, match="on_invalid must be 'raise' or 'drop'"):
        validate_positions(_positions(), on_invalid="ignore")


# --------------------------------------------------------------------------- #
# timestamps
# --------------------------------------------------------------------------- #


def test_timestamps_with_offsets_and_utc_words_are_converted():
    s = pd.Series(
        [
            "2026-04-26T02:00:00+02:00",
            "2026-04-26T00:00:00Z",
            "2026-04-26 00:00:00 UTC",
            "2026-04-25T19:00:00-0500",
        ]
    )
    out = parse_timestamps(s)
    assert str(out.dtype) == "datetime64[ns, UTC]"
    assert (out == pd.Timestamp("2026-04-26T00:00:00Z")).all()


def test_naive_timestamps_need_assume_tz():
    s = pd.Series(["2026-04-26T00:00:00", "2026-04-26T01:00:00"])
    with pytest.raises(SchemaError, match="2 of 2 rows are naive timestamps"):
        parse_timestamps(s, column="timestamp", table="positions")
    rome = parse_timestamps(s, assume_tz="Europe/Rome")
    assert rome.iloc[0] == pd.Timestamp("2026-04-25T22:00:00Z")  # CEST = UTC+2


def test_mixed_naive_and_aware_is_an_error_unless_assume_tz():
    s = pd.Series(["2026-04-26T00:00:00Z", "2026-04-26T01:00:00"])
    with pytest.raises(SchemaError, match="mixes timestamps with and without a time zone"):
        parse_timestamps(s)
    out = parse_timestamps(s, assume_tz="Europe/Rome")
    assert out.tolist() == [pd.Timestamp("2026-04-26T00:00:00Z"), pd.Timestamp("2026-04-25T23:00:00Z")]


def test_nonexistent_local_time_is_an_error_not_a_guess():
    with pytest.raises(SchemaError, match="cannot attach time zone 'Europe/Rome'"):
        parse_timestamps(pd.Series(["2026-03-29T02:30:00"]), assume_tz="Europe/Rome")


def test_epoch_numbers_are_not_guessed():
    with pytest.raises(SchemaError, match="is numeric; convert epoch numbers explicitly"):
        parse_timestamps(pd.Series([1_777_161_600]))


def test_out_of_range_years_become_nat_and_are_counted():
    df = _positions(
        timestamp=[
            "9999-12-31T23:59:59Z",
            "2026-04-26T00:00:00Z",
            "2026-04-26T00:20:00Z",
            "2026-04-26T00:10:00Z",
        ]
    )
    with pytest.warns(DataQualityWarning):
        out, rep = validate_positions(df, on_invalid="drop")
    assert rep.problems[0].check == "bad_timestamp" and rep.problems[0].n_rows == 1
    assert out["timestamp"].dt.year.eq(2026).all()


# --------------------------------------------------------------------------- #
# incidents
# --------------------------------------------------------------------------- #


def test_incident_counts_keep_unknown_as_missing_not_zero():
    out, rep = validate_incidents(_incidents())
    assert str(out["dead"].dtype) == "Int64"
    assert out["dead"].isna().tolist() == [False, True, False]
    assert out["dead"].sum() == 3  # NA skipped, never 0-filled
    assert list(out["incident_type"].cat.categories) == list(INCIDENT_TYPES)
    assert rep.notes == ("1 rows have no coordinates (kept; location unknown)",)


def test_negative_and_fractional_counts_are_rejected():
    with pytest.raises(SchemaError, match=r"column 'dead': 1 of 3 rows are negative or not whole numbers"):
        validate_incidents(_incidents(dead=[3, -1, 0]))
    with pytest.raises(SchemaError, match=r"column 'missing': 1 of 3 rows are negative or not whole numbers"):
        validate_incidents(_incidents(missing=[2.5, None, 0]))


def test_absurd_counts_are_an_error_not_a_crash():
    with pytest.raises(SchemaError, match=r"column 'dead': 1 of 3 rows are too large to be counts"):
        validate_incidents(_incidents(dead=[3, 1e308, 0]))


def test_unknown_incident_type_lists_the_allowed_values():
    with pytest.raises(
        SchemaError, match="column 'incident_type': 1 of 3 rows have an incident_type not in shipwreck"
    ):
        validate_incidents(_incidents(incident_type=["shipwreck", "pushback", "rescue"]))


def test_duplicate_id_does_not_drop_a_valid_row_whose_twin_was_invalid():
    df = _incidents(
        incident_id=["a", "a", "c"], timestamp=["not a date", "2026-04-21T00:00:00Z", "2026-04-22T00:00:00Z"]
    )
    with pytest.warns(DataQualityWarning, match="dropped 1 of 3"):
        out, rep = validate_incidents(df, on_invalid="drop")
    assert out["incident_id"].tolist() == ["a", "c"]
    assert [p.check for p in rep.problems] == ["bad_timestamp"]


def test_duplicate_ids_are_reported():
    with pytest.raises(SchemaError, match="repeat the incident_id of an earlier row"):
        validate_incidents(_incidents(incident_id=["a", "b", "a"]))


def test_date_precision_values_are_checked():
    with pytest.raises(SchemaError, match="column 'date_precision'"):
        validate_incidents(_incidents(date_precision=["day", "week", None]))


# --------------------------------------------------------------------------- #
# zones and the report
# --------------------------------------------------------------------------- #


def test_builtin_zones_are_valid():
    import medroutes.geo as geo

    z, rep = validate_zones(geo.zones())
    assert rep.n_dropped == 0 and len(z) == len(geo.zones())


def test_zone_without_crs_is_an_error():
    import geopandas as gpd
    from shapely.geometry import box

    z = gpd.GeoDataFrame(
        {"zone_id": ["a"], "name": ["A"], "kind": ["sar"], "country": ["X"]}, geometry=[box(0, 0, 1, 1)]
    )
    with pytest.raises(SchemaError, match="has no CRS"):
        validate_zones(z)


def test_quality_report_merge_and_frame():
    a = QualityReport("positions", 10, 8)
    b = QualityReport("positions", 8, 5)
    m = a.merge(b)
    assert (m.n_in, m.n_out, m.n_dropped) == (10, 5, 5)
    with pytest.raises(ValueError, match="cannot chain quality reports"):
        a.merge(QualityReport("positions", 7, 7))
    assert list(m.to_frame().columns) == ["check", "column", "reason", "n_rows"]
    assert "10 rows in, 5 kept, 5 dropped" in str(m)
    assert "<b>positions</b>" in m._repr_html_()


def test_repeated_column_names_are_a_schema_error():
    from medroutes.schema import validate_incidents, validate_positions

    pos = pd.DataFrame(
        [["v1", "2024-08-01T00:00:00Z", 34.0, 12.0, 5.0, 90.0, 6.0]],
        columns=["vessel_id", "timestamp", "lat", "lon", "sog_kn", "cog_deg", "sog_kn"],
    )
    with pytest.raises(SchemaError, match=r"positions: 1 column name is repeated: 'sog_kn' \(2 columns\)"):
        validate_positions(pos)
    inc = pd.DataFrame([[1, 2, 3, 4]], columns=["dead", "missing", "dead", "missing"])
    with pytest.raises(SchemaError, match=r"2 column names are repeated: 'dead' \(2 columns\), 'missing'"):
        validate_incidents(inc)
