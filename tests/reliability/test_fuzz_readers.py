"""Fuzzing of every reader: hostile files give a clear MedroutesError or a valid result.

Every public ``read_*`` function of :mod:`medroutes.io` is fed random bytes,
and valid files of every format (its own and the others') after random
mutations: truncation, inserted bytes, hostile cell values (CSV injection,
1e308, NaN, inf, -0, dates in 1900, 2100 and 9999), other encodings, other
delimiters and line ends, compression. The outcome must be one of

- a :class:`medroutes.MedroutesError` with a short, non-empty message;
- a table that passes the data-model validator unchanged, whose quality report
  adds up (``n_in == n_out + n_dropped``), and in which a hostile text value
  either comes back verbatim or its row is counted as dropped;

never another exception, a hang (per-example time limit), or a warning other
than :class:`~medroutes.errors.DataQualityWarning`.
"""

from __future__ import annotations

import bz2
import gzip
import importlib
import inspect
import pkgutil
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from _formats import HOSTILE_VALUES, INJECTION_TEXT, Template, parse_csv, set_field, templates, write_csv
from _relutil import recorded_warnings, time_limit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medroutes.errors import DataQualityWarning, MedroutesError
from medroutes.schema import validate_incidents, validate_positions

CORPUS = Path(__file__).resolve().parents[1] / "data" / "fuzz_corpus"
TIME_LIMIT_S = 30.0


def _discover_readers() -> dict[str, object]:
    """Every public ``read_*`` callable of medroutes.io and its sub-modules."""
    try:
        pkg = importlib.import_module("medroutes.io")
    except ImportError:
        return {}
    found: dict[str, object] = {}
    mods = [pkg]
    for info in pkgutil.iter_modules(pkg.__path__):
        if not info.name.startswith("_"):
            mods.append(importlib.import_module(f"medroutes.io.{info.name}"))
    for mod in mods:
        for name in getattr(mod, "__all__", ()):
            fn = getattr(mod, name, None)
            if name.startswith("read_") and callable(fn) and fn not in found.values():
                found.setdefault(name, fn)
    return found


READERS = _discover_readers()
pytestmark = pytest.mark.skipif(not READERS, reason="medroutes.io has no readers yet")


def _accepts(fn, name: str) -> bool:
    return name in inspect.signature(fn).parameters


def _write(folder: Path, data: bytes, suffix: str, compression: str | None = None) -> Path:
    if compression == ".gz":
        p = folder / f"input{suffix}.gz"
        p.write_bytes(gzip.compress(data))
    elif compression == ".bz2":
        p = folder / f"input{suffix}.bz2"
        p.write_bytes(bz2.compress(data))
    elif compression == ".zip":
        p = folder / f"input{suffix}.zip"
        with zipfile.ZipFile(p, "w") as zf:
            zf.writestr(f"input{suffix}", data)
    else:
        p = folder / f"input{suffix}"
        p.write_bytes(data)
    return p


def _table_of(df: pd.DataFrame) -> str | None:
    if {"incident_id", "incident_type"} <= set(df.columns):
        return "incidents"
    if {"vessel_id", "timestamp", "lat", "lon"} <= set(df.columns):
        return "positions"
    return None


def check_outcome(reader, path: Path, *, on_invalid: str = "drop", hostile_text: str | None = None):
    """Call ``reader(path)`` and check that the outcome is a clean error or a valid table."""
    kwargs = {"on_invalid": on_invalid} if _accepts(reader, "on_invalid") else {}
    name = getattr(reader, "__name__", "reader")
    with time_limit(TIME_LIMIT_S, f"{name}({path.name})"), recorded_warnings() as rec:
        try:
            out = reader(path, **kwargs)
        except MedroutesError as exc:
            msg = str(exc)
            assert msg.strip(), f"{name}: {type(exc).__name__} with an empty message"
            assert len(msg) < 5_000, f"{name}: message of {len(msg):,} characters (a whole file dumped?)"
            return exc
    stray = [w for w in rec if not issubclass(w.category, DataQualityWarning)]
    assert not stray, f"{name} leaked warnings: {[f'{w.category.__name__}: {w.message}' for w in stray]}"
    if isinstance(out, tuple):
        out = out[0]
    assert isinstance(out, pd.DataFrame), f"{name} returned {type(out).__name__}"
    report = out.attrs.get("quality_report")
    assert report is not None, f"{name}: no quality report in df.attrs"
    assert report.n_out == len(out), (report.n_out, len(out))
    assert report.n_in == report.n_out + sum(p.n_rows for p in report.problems)
    table = _table_of(out)
    if table == "positions" and len(out):
        again, rep = validate_positions(out, on_invalid="raise")
        assert rep.n_dropped == 0 and len(again) == len(out)
        assert str(out["timestamp"].dtype) == "datetime64[ns, UTC]"
    elif table == "incidents" and len(out):
        again, rep = validate_incidents(out, on_invalid="raise")
        assert rep.n_dropped == 0 and len(again) == len(out)
    if hostile_text is not None and report.n_dropped == 0:
        text_cols = [c for c in out.columns if out[c].dtype == object or pd.api.types.is_string_dtype(out[c])]
        values = {v for c in text_cols for v in out[c].dropna().tolist()}
        assert hostile_text in values or any(hostile_text in str(v) for v in values), (
            f"{name}: the text {hostile_text!r} neither came back verbatim nor was its row counted"
        )
    return out


# --------------------------------------------------------------------------- #
# strategies
# --------------------------------------------------------------------------- #

_TEXT_MUTATIONS = (
    "field",
    "truncate",
    "insert",
    "encoding",
    "delimiter",
    "newline",
    "header",
    "columns",
    "empty",
)


def _mutate_bytes(draw: st.DrawFn, kind: str, data: bytes) -> bytes:
    if kind == "truncate":
        return data[: draw(st.integers(0, max(len(data) - 1, 0)))]
    if kind == "insert":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]
    if kind == "flip" and data:
        at = draw(st.integers(0, len(data) - 1))
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1 :]
    return data


def _mutate_nmea(draw: st.DrawFn, kind: str, data: bytes) -> bytes:
    text = data.decode("utf-8", errors="replace")
    lines = text.splitlines()
    if kind == "field" and lines:
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] = draw(st.sampled_from(HOSTILE_VALUES)) + " " + lines[i].split(" ", 1)[-1]
        text = "\n".join(lines) + "\n"
    elif kind == "newline":
        text = text.replace("\n", draw(st.sampled_from(["\r\n", "\r"])))
    return text.encode("utf-8", errors="replace")


def _mutate_header(draw: st.DrawFn, rows: list[list[str]]) -> list[list[str]]:
    choice = draw(st.sampled_from(["drop", "duplicate", "upper"]))
    if choice == "drop":
        return rows[1:]
    if choice == "duplicate":
        return [rows[0], *rows[1:2], rows[0], *rows[2:]]
    return [[h.upper() for h in rows[0]], *rows[1:]]


def _mutate_csv(
    draw: st.DrawFn, kind: str, data: bytes, rows: list[list[str]], tpl: Template
) -> tuple[bytes, str | None]:
    """Return the mutated bytes and the injected text when it must come back verbatim."""
    if kind == "field":
        value = draw(st.sampled_from(HOSTILE_VALUES))
        col = draw(st.integers(0, len(rows[0]) - 1))
        verbatim = value in INJECTION_TEXT and tpl.text_column is not None and rows[0][col] == tpl.text_column
        return set_field(data, draw(st.integers(0, 50)), col, value), value if verbatim else None
    if kind == "encoding":
        enc = draw(st.sampled_from(["latin-1", "utf-16", "utf-8-sig", "cp1252"]))
        col = tpl.text_column if tpl.text_column in rows[0] else 0
        text = set_field(data, 0, col, "Café Ñandú ÀLFA").decode("utf-8")
        return text.encode(enc, errors="replace"), None
    if kind == "delimiter":
        return write_csv(rows, sep=draw(st.sampled_from([";", "\t", "|"]))), None
    if kind == "newline":
        return write_csv(rows, newline=draw(st.sampled_from(["\r\n", "\r"]))), None
    if kind == "header":
        return write_csv(_mutate_header(draw, rows)), None
    if kind == "columns":
        i = draw(st.integers(1, len(rows) - 1))
        rows[i] = (
            rows[i][: draw(st.integers(0, len(rows[i])))] if draw(st.booleans()) else [*rows[i], "x", "y"]
        )
        return write_csv(rows), None
    if kind == "empty":
        return write_csv(rows[:1]), None
    return data, None


@st.composite
def mutated_files(draw: st.DrawFn) -> tuple[Template, bytes, str, str | None, str | None]:
    """(template, mutated bytes, suffix, compression, hostile text kept verbatim or None)."""
    tpl = draw(st.sampled_from(list(templates().values())))
    data = tpl.data
    hostile: str | None = None
    n_mut = draw(st.integers(1, 3))
    for _ in range(n_mut):
        kind = draw(st.sampled_from(_TEXT_MUTATIONS if tpl.text else ("truncate", "insert", "flip")))
        if kind in ("truncate", "insert", "flip"):
            data = _mutate_bytes(draw, kind, data)
        elif tpl.name == "nmea":
            data = _mutate_nmea(draw, kind, data)
        else:
            try:
                rows = parse_csv(data)
            except Exception:  # an earlier mutation made it unparseable: leave it
                continue
            if len(rows) >= 2:
                data, verbatim = _mutate_csv(draw, kind, data, rows, tpl)
                hostile = verbatim if n_mut == 1 else None
    compression = draw(st.sampled_from([None, None, None, ".gz", ".zip", ".bz2"]))
    return tpl, data, tpl.suffix, compression, hostile


SUFFIXES = [".csv", ".txt", ".nmea", ".parquet", ".gpkg", ".geoparquet", ".csv.gz", ".zip", ".json", ""]
_fuzz = settings(
    max_examples=max(25, settings.default.max_examples // 2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("reader_name", sorted(READERS))
@_fuzz
@given(data=st.binary(min_size=1, max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes(reader_name, data, suffix):
    with tempfile.TemporaryDirectory() as d:
        check_outcome(READERS[reader_name], _write(Path(d), data, suffix))


@pytest.mark.parametrize("reader_name", sorted(READERS))
@_fuzz
@given(case=mutated_files(), on_invalid=st.sampled_from(["drop", "drop", "raise"]))
def test_mutated_valid_files(reader_name, case, on_invalid):
    _tpl, data, suffix, compression, hostile = case
    if not data:
        data = b"\n"
    with tempfile.TemporaryDirectory() as d:
        check_outcome(
            READERS[reader_name],
            _write(Path(d), data, suffix, compression),
            on_invalid=on_invalid,
            hostile_text=hostile if on_invalid == "drop" else None,
        )


@pytest.mark.parametrize("reader_name", sorted(READERS))
@pytest.mark.parametrize("template", sorted(templates()))
def test_every_reader_on_every_template(reader_name, template, tmp_path):
    """Each reader reads its own formats and gives a clean error (or a valid table) on the others."""
    tpl = templates()[template]
    out = check_outcome(READERS[reader_name], _write(tmp_path, tpl.data, tpl.suffix))
    if reader_name in tpl.readers:
        assert isinstance(out, pd.DataFrame), f"{reader_name} cannot read a valid {template} file: {out}"
        assert len(out) > 0


_CSV_TEMPLATES = sorted(name for name, t in templates().items() if t.text and name != "nmea")


@pytest.mark.parametrize("template", _CSV_TEMPLATES)
@settings(max_examples=max(25, settings.default.max_examples // 2))
@given(data=st.data())
def test_hostile_value_in_any_cell(template, data):
    """One hostile value in one cell of a valid file, read by the readers of that format."""
    tpl = templates()[template]
    header = parse_csv(tpl.data)[0]
    col = data.draw(st.sampled_from(header), label="column")
    value = data.draw(st.sampled_from(HOSTILE_VALUES), label="value")
    row = data.draw(st.integers(0, 5), label="row")
    hostile = value if (value in INJECTION_TEXT and col == tpl.text_column) else None
    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / f"input{tpl.suffix}"
        f.write_bytes(set_field(tpl.data, row, col, value))
        for name in tpl.readers:
            if name in READERS:
                check_outcome(READERS[name], f, hostile_text=hostile)


@pytest.mark.parametrize("reader_name", sorted(READERS))
def test_missing_and_empty_inputs(reader_name, tmp_path):
    reader = READERS[reader_name]
    with pytest.raises((FileNotFoundError, MedroutesError)):
        reader(tmp_path / "absent.csv")
    (tmp_path / "empty.csv").write_bytes(b"")
    assert isinstance(check_outcome(reader, tmp_path / "empty.csv"), MedroutesError)
    for name, data in (("blank.csv", b"\n\n"), ("bom.csv", b"\xef\xbb\xbf"), ("spaces.csv", b"   \n")):
        (tmp_path / name).write_bytes(data)
        out = check_outcome(reader, tmp_path / name)  # an error, or an empty table with its report
        assert isinstance(out, MedroutesError) or len(out) == 0
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(MedroutesError):
        reader(tmp_path / "folder.csv")


@pytest.fixture(scope="module")
def big_files(tmp_path_factory):
    """A tidy positions CSV, a tidy incidents CSV and an NMEA file, each with one 50 MB line."""
    d = tmp_path_factory.mktemp("big")
    t = templates()
    (d / "positions.csv").write_bytes(set_field(t["tidy_positions"].data, 0, "name", "A" * 50_000_000))
    (d / "incidents.csv").write_bytes(set_field(t["tidy_incidents"].data, 0, "source", "A" * 50_000_000))
    (d / "bigline.nmea").write_bytes(b"2024-08-01T00:00:00Z !AIVDO," + b"1" * 50_000_000 + b"\n")
    return d


@pytest.mark.slow
@pytest.mark.parametrize(
    ("reader_name", "name"),
    [
        ("read_positions", "positions.csv"),
        ("read_positions", "bigline.nmea"),
        ("read_incidents", "incidents.csv"),
    ],
)
def test_a_50_mb_line(reader_name, name, big_files):
    """An oversized cell (50 MB on one line) is read or refused within the time limit."""
    if reader_name not in READERS:
        pytest.skip(f"{reader_name} not available")
    check_outcome(READERS[reader_name], big_files / name)


def _corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*") if p.is_file() and p.name != "README.md")


#: (reader, corpus file) -> the open bug it reproduces (strict xfail: fixing it makes the test pass).
#: Empty: every input of the corpus is handled (fixed: duplicate IOM/tidy aliases, names colliding
#: once stripped, NMEA times outside 1677-2262). Add an entry when a new crash is kept in the corpus.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def _corpus_cases() -> list:
    cases = []
    for reader in sorted(READERS):
        for f in _corpus_files():
            reason = KNOWN_BUGS.get((reader, f.name))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(reader, f, marks=marks, id=f"{reader}-{f.name}"))
    return cases


@pytest.mark.parametrize(("reader_name", "path"), _corpus_cases())
def test_fuzz_corpus_regressions(reader_name, path):
    """Inputs that once crashed a reader (kept in tests/data/fuzz_corpus) are handled cleanly by all."""
    check_outcome(READERS[reader_name], path)


def test_reader_discovery_finds_the_stage_readers():
    for name in ("read_dma", "read_marinecadastre", "read_nmea"):
        assert name in READERS, sorted(READERS)
