"""Every file of the broken-file corpus gives its exact error class and message."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import medroutes as mr
from _testpaths import DATA_DIR
from medroutes.errors import DataFormatError, SchemaError

BROKEN = DATA_DIR / "broken"


@pytest.mark.parametrize(
    ("name", "reader", "error", "fragment"),
    [
        (
            "truncated.csv",
            "read_positions",
            DataFormatError,
            r"looks truncated: its last line \(at byte offset 288\) has 3 of 7 fields",
        ),
        ("semicolon.csv", "read_positions", DataFormatError, r"the header uses ';' as the delimiter"),
        ("semicolon.csv", "read_tidy_positions", DataFormatError, r"the header uses ';' as the delimiter"),
        ("missing_column_lat.csv", "read_positions", SchemaError, r"missing required column 'lat'"),
        (
            "text_in_numeric.csv",
            "read_positions",
            SchemaError,
            r"column 'sog_kn': 2 of 5 rows are not numbers \(first values \['fast', 'n/a kn'\]",
        ),
        (
            "mixed_timezones.csv",
            "read_positions",
            SchemaError,
            r"column 'timestamp' mixes timestamps with and without a time zone \(1 of 5 rows",
        ),
        (
            "naive_timestamps.csv",
            "read_positions",
            SchemaError,
            r"column 'timestamp': 5 of 5 rows are naive timestamps",
        ),
        ("empty.csv", "read_positions", DataFormatError, r"empty\.csv is empty \(0 bytes\)"),
        ("empty.csv", "read_incidents", DataFormatError, r"is empty \(0 bytes\)"),
        ("empty.csv", "read_dma", DataFormatError, r"is empty \(0 bytes\)"),
        ("header_only.csv", "read_positions", DataFormatError, r"has a header but no data rows"),
        (
            "latin1_names.csv",
            "read_positions",
            DataFormatError,
            r"latin1_names\.csv: not valid utf-8 text at byte offset 346 \(line 6, byte C0\)",
        ),
        (
            "incidents_negative_counts.csv",
            "read_incidents",
            SchemaError,
            r"column 'dead': 1 of 4 rows are negative or not whole numbers \(first rows 1\)",
        ),
        (
            "incidents_unknown_type.csv",
            "read_incidents",
            SchemaError,
            r"column 'incident_type': 1 of 4 rows have an incident_type not in",
        ),
        (
            "incidents_duplicate_ids.csv",
            "read_incidents",
            SchemaError,
            r"column 'incident_id': 1 of 4 rows repeat the incident_id of an earlier row \(first rows 2\)",
        ),
        (
            "dma_missing_latitude.csv",
            "read_dma",
            DataFormatError,
            r"not a complete DMA AIS CSV file: missing column 'Latitude'",
        ),
    ],
)
def test_broken_file(name, reader, error, fragment):
    with pytest.raises(error, match=fragment) as exc:
        getattr(mr.io, reader)(BROKEN / name)
    assert type(exc.value) is error  # the exact class, not a subclass or a pandas error
    assert exc.value.__class__.__module__ == "medroutes.errors"


def test_the_decode_offset_is_the_real_offset():
    data = (BROKEN / "latin1_names.csv").read_bytes()
    msg = ""
    try:
        mr.io.read_positions(BROKEN / "latin1_names.csv")
    except DataFormatError as exc:
        msg = str(exc)
    offset = int(re.search(r"byte offset ([\d,]+)", msg).group(1).replace(",", ""))
    assert data[offset] == 0xC0  # 'À' in Latin-1
    with pytest.raises(UnicodeDecodeError) as ref:
        data.decode("utf-8")
    assert ref.value.start == offset


def test_latin1_file_reads_with_its_encoding():
    df = mr.io.read_tidy_positions(BROKEN / "latin1_names.csv", encoding="latin-1")
    assert "CITTÀ DI MAZARA" in set(df["name"])


def test_timezone_problems_are_solved_by_assume_tz():
    df = mr.io.read_positions(BROKEN / "mixed_timezones.csv", assume_tz="UTC")
    # the +02:00 row keeps its offset: 02:05+02:00 is 00:05 UTC
    assert pd.Timestamp("2026-04-26T00:05:00Z") in set(df["timestamp"])
    assert len(mr.io.read_positions(BROKEN / "naive_timestamps.csv", assume_tz="UTC")) == 5


def test_swapped_file_is_read_with_a_note_and_not_changed():
    df, rep = mr.io.read_positions(BROKEN / "latlon_swapped.csv", return_report=True)
    assert any(n.startswith("lat/lon look swapped: none of the 5 rows") for n in rep.notes)
    assert df["lat"].between(11, 13).all()  # nothing was exchanged silently


def test_drop_mode_on_broken_incidents_counts_the_rows():
    with pytest.warns(mr.DataQualityWarning):
        df, rep = mr.io.read_incidents(
            BROKEN / "incidents_duplicate_ids.csv", on_invalid="drop", return_report=True
        )
    assert (rep.n_in, rep.n_out) == (4, 3) and rep.problems[0].check == "duplicate_id"
    assert df["incident_id"].tolist() == ["t-1", "t-2", "t-4"]  # the first t-1 is kept


def test_every_corpus_file_is_covered():
    covered = {
        "truncated.csv", "semicolon.csv", "missing_column_lat.csv", "text_in_numeric.csv", "mixed_timezones.csv",
        "naive_timestamps.csv", "empty.csv", "header_only.csv", "latin1_names.csv", "incidents_negative_counts.csv",
        "incidents_unknown_type.csv", "incidents_duplicate_ids.csv", "dma_missing_latitude.csv", "latlon_swapped.csv",
    }  # fmt: skip
    assert {p.name for p in BROKEN.glob("*.csv")} == covered


def test_damaged_archives_are_format_errors(tmp_path):
    gz = tmp_path / "aisdk.csv.gz"
    gz.write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    with pytest.raises(DataFormatError, match=r"aisdk\.csv\.gz: not a readable gz file"):
        mr.io.read_dma(gz)
    zp = tmp_path / "aisdk.zip"
    zp.write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(DataFormatError, match=r"not a readable zip file"):
        mr.io.read_positions(zp)


def test_a_huge_header_does_not_flood_the_message(tmp_path):
    p = tmp_path / "wide.csv"
    p.write_text("x" * 200_000 + ",y\n1,2\n")
    with pytest.raises(DataFormatError) as exc:
        mr.io.read_dma(p)
    assert len(str(exc.value)) < 1_000


def test_impossible_mmsi_counts_as_missing_id(tmp_path):
    lines = (DATA_DIR / "dma_aisdk-2026-04-26_first300.csv").read_text().splitlines(keepends=True)
    row = lines[1].split(",")
    row[2] = "1e308"
    p = tmp_path / "mmsi.csv"
    p.write_text(lines[0] + ",".join(row) + lines[2])
    with pytest.warns(mr.DataQualityWarning):
        df, rep = mr.io.read_dma(p, on_invalid="drop", return_report=True)
    assert [(q.check, q.n_rows) for q in rep.problems] == [("missing_id", 1)]
    assert df["vessel_id"].dtype.kind == "i" and len(df) == 1
