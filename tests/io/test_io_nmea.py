"""NMEA reader: sentences are built with pyais's encoder from known values, then decoded back."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

import medroutes as mr
from medroutes.errors import DataFormatError, OptionalDependencyError, SchemaError

pyais = pytest.importorskip("pyais")

KW = {"talker_id": "AI", "sentence_type": "VDM"}
T0 = pd.Timestamp("2026-04-26T00:00:00Z")

# Known values (lat/lon at 1/10000 min resolution, speed 0.1 kn, course 0.1 deg)
TYPE1 = {
    "type": 1,
    "mmsi": 247123456,
    "lat": 35.5,
    "lon": 12.6,
    "speed": 7.3,
    "course": 181.2,
    "heading": 180,
    "status": 0,
}
TYPE18 = {
    "type": 18,
    "mmsi": 247000001,
    "lat": 33.0,
    "lon": 12.1,
    "speed": 102.3,
    "course": 360,
    "heading": 511,
}
TYPE27 = {"type": 27, "mmsi": 247000002, "lat": 34.1, "lon": 13.3, "speed": 5, "course": 90}
TYPE5 = {"type": 5, "mmsi": 247123456, "shipname": "SEA WATCH", "ship_type": 51, "to_bow": 40, "to_stern": 10}


def enc(data: dict, **kw) -> list[str]:
    return pyais.encode_dict(data, **KW, **kw)


def test_round_trip_of_position_reports():
    lines = [
        f"{T0:%Y-%m-%dT%H:%M:%SZ} " + enc(TYPE1)[0],
        "\\s:station1,c:1777161660*00\\" + enc(TYPE18)[0],  # 2026-04-26T00:01:00Z
        "1777161720 " + enc(TYPE27)[0],  # leading Unix seconds
    ]
    df, rep = mr.io.read_nmea(lines, return_report=True, extra_columns=True)
    assert rep.n_in == 3 and rep.n_out == 3 and rep.n_dropped == 0
    a = df.set_index("vessel_id")
    assert a.loc[247123456, ["lat", "lon", "sog_kn", "cog_deg"]].tolist() == pytest.approx(
        [35.5, 12.6, 7.3, 181.2]
    )
    assert a.loc[247123456, "heading_deg"] == 180 and a.loc[247123456, "nav_status"] == 0
    assert a.loc[247123456, "timestamp"] == T0
    assert a.loc[247000001, "timestamp"] == pd.Timestamp("2026-04-26T00:01:00Z")
    assert a.loc[247000002, "timestamp"] == pd.Timestamp("2026-04-26T00:02:00Z")
    # type 18 "not available" speed/course/heading and type 27 at 1/10 min resolution
    assert np.isnan(a.loc[247000001, ["sog_kn", "cog_deg", "heading_deg"]].astype(float)).all()
    assert a.loc[247000002, ["lat", "lon", "sog_kn", "cog_deg"]].tolist() == pytest.approx(
        [34.1, 13.3, 5, 90], abs=1e-3
    )
    assert a["msg_type"].to_dict() == {247000001: 18, 247000002: 27, 247123456: 1}
    assert (df["source"] == "NMEA").all()


def test_multi_sentence_static_message_is_assembled_and_joined():
    static = enc(TYPE5, seq_id=3)
    assert len(static) == 2  # a two-sentence message
    lines = [*static, enc(TYPE1)[0]]
    df, rep = mr.io.read_nmea(lines, timestamp=T0, return_report=True)
    row = df.iloc[0]
    assert (row["name"], row["vessel_type"], row["length_m"]) == ("SEA WATCH", "SAR", 50.0)
    assert rep.n_in == 2  # the static message counts once
    assert [(p.check, p.n_rows) for p in rep.problems] == [("not_position", 1)]


def test_undecodable_lines_are_counted_by_reason():
    good = enc(TYPE1)[0]
    bad_checksum = good[:-2] + ("00" if good[-2:] != "00" else "11")
    static = enc(TYPE5, seq_id=4)
    lines = [
        good,
        "garbage that is not NMEA",
        bad_checksum,
        static[0],  # first fragment of a two-part message, never completed
        "",
        "$GPGGA,000000,3530.000,N,01236.000,E,1,08,0.9,10.0,M,,,,*47",
        "2026-04-26 00:00:00 " + good,  # leading timestamp without a time zone
    ]
    # undecodable lines are never an error (and not a warning): the report counts them
    df, rep = mr.io.read_nmea(lines, timestamp=T0, return_report=True)
    by = {p.check: p.n_rows for p in rep.problems}
    # the unreadable leading time is not replaced by timestamp=: that line is counted, not guessed
    assert by == {"not_nmea": 2, "bad_checksum": 1, "incomplete": 1, "bad_time": 1}
    assert rep.n_in == 7 - 1 and rep.n_out == len(df) == 1  # blank line skipped
    assert rep.n_in == rep.n_out + sum(by.values())
    assert "line 2" in rep.problems[0].examples


def test_times_outside_the_nanosecond_range_are_counted_as_bad_time():
    """datetime64[ns] holds 1677-09-21T00:12:43.145 to 2262-04-11T23:47:16.854 UTC; beyond is unreadable."""
    good = enc(TYPE1)[0]
    lines = [
        "4048-08-01T00:10:20Z " + good,  # ISO text beyond 2262
        "1677-09-21T00:12:43Z " + good,  # 0.145 s before the first representable time
        "99999999999999 " + good,  # Unix milliseconds: year 5138
        "\\c:99999999999999*00\\" + good,  # tag-block time, year 5138
        "2262-04-11T23:47:16Z " + good,  # the last whole second: kept
        "1677-09-21T00:12:44Z " + good,  # the first whole second: kept
    ]
    # timestamp= never replaces an unreadable time: those lines are counted, not guessed
    df, rep = mr.io.read_nmea(lines, timestamp=T0, return_report=True)
    assert [(p.check, p.n_rows) for p in rep.problems] == [("bad_time", 4)]
    assert rep.problems[0].examples == ("line 1", "line 2", "line 3")
    assert sorted(df["timestamp"]) == [
        pd.Timestamp("1677-09-21T00:12:44Z"),
        pd.Timestamp("2262-04-11T23:47:16Z"),
    ]
    assert str(df["timestamp"].dtype) == "datetime64[ns, UTC]"


def test_no_time_anywhere_requires_timestamp():
    with pytest.raises(DataFormatError, match="pass timestamp="):
        mr.io.read_nmea([enc(TYPE1)[0]])
    with pytest.raises(SchemaError, match="has no time zone"):
        mr.io.read_nmea([enc(TYPE1)[0]], timestamp="2026-04-26 00:00:00")


def test_partial_time_sources_are_counted_not_guessed():
    lines = [f"{T0:%Y-%m-%dT%H:%M:%SZ} " + enc(TYPE1)[0], enc(TYPE18)[0]]
    df, rep = mr.io.read_nmea(lines, return_report=True)
    assert len(df) == 1
    assert [(p.check, p.n_rows) for p in rep.problems] == [("no_time", 1)]


def test_read_from_file_and_detection(tmp_path):
    p = tmp_path / "feed.nmea"
    p.write_text(
        "\n".join(["\\c:1777161600*00\\" + enc(TYPE1)[0], "\\c:1777161600000*00\\" + enc(TYPE18)[0]]) + "\n"
    )
    assert mr.io.detect_format(p) == "nmea"
    df = mr.io.read_positions(p)
    assert df["timestamp"].eq(T0).all()  # seconds and milliseconds tag times
    assert df.attrs["source_format"] == "nmea"


def test_map_variables_false_uses_pyais_names():
    df = mr.io.read_nmea([enc(TYPE1)[0]], timestamp=T0, map_variables=False)
    assert {"mmsi", "time", "speed", "course"} <= set(df.columns)


def test_missing_pyais_gives_the_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyais", None)
    monkeypatch.setitem(sys.modules, "pyais.messages", None)
    with pytest.raises(OptionalDependencyError, match=r'pip install "medroutes\[nmea\]"'):
        mr.io.read_nmea([enc(TYPE1)[0]], timestamp=T0)


def test_a_line_with_bad_bytes_is_counted_not_fatal(tmp_path):
    p = tmp_path / "log.txt"
    good = ("\\c:1777161600*00\\" + enc(TYPE1)[0]).encode()
    p.write_bytes(good + b"\n# r\xe9cepteur Lampedusa\n" + good.replace(b"!AIVDM", b"!AIVDM\xff") + b"\n")
    df, rep = mr.io.read_nmea(p, return_report=True)
    assert len(df) == 1
    assert {q.check: q.n_rows for q in rep.problems} == {"not_nmea": 1, "malformed": 1}
