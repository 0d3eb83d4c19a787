r"""Reader for raw AIS NMEA 0183 sentences (``!AIVDM`` / ``!AIVDO``), decoded with pyais.

Needs the optional dependency ``pyais`` (``pip install "medroutes[nmea]"``).

Lines may carry a time in one of two ways, used in this order:

1. an NMEA 4.0 tag block with a receiver time ``c:`` in Unix seconds (or
   milliseconds), e.g. ``\\s:2573535,c:1671533231*08\\!AIVDM,...``;
2. a leading ISO 8601 timestamp with a time zone, or Unix seconds, before the
   sentence, e.g. ``2026-04-26T00:00:00Z !AIVDM,...``.

Lines without either take the ``timestamp=`` given by the caller; when no line
has a time and no ``timestamp=`` is given, the reader refuses to guess.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
import pandas as pd

from medroutes.errors import DataFormatError, OptionalDependencyError, SchemaError
from medroutes.io._aiscodes import AIS_SHIP_TYPES, blank_sentinels
from medroutes.io._common import PathLike, finish, pre_report, text_lines
from medroutes.io.dma import _mmsi
from medroutes.options import progress_bar
from medroutes.schema import OnInvalid, Problem, QualityReport, validate_positions

__all__ = ["POSITION_TYPES", "STATIC_TYPES", "VARIABLE_MAP", "read_nmea"]

#: pyais field -> medroutes column.
VARIABLE_MAP: dict[str, str] = {
    "mmsi": "vessel_id",
    "time": "timestamp",
    "lat": "lat",
    "lon": "lon",
    "speed": "sog_kn",
    "course": "cog_deg",
    "ship_type_name": "vessel_type",
    "shipname": "name",
    "length": "length_m",
    "heading": "heading_deg",
    "status": "nav_status",
    "msg_type": "msg_type",
    "ship_type": "vessel_type_code",
}

#: AIS message types that are position reports (Class A 1-3, Class B 18-19, long range 27).
POSITION_TYPES: tuple[int, ...] = (1, 2, 3, 18, 19, 27)

#: Message types whose static data (name, ship type, length) are joined to positions by MMSI.
STATIC_TYPES: tuple[int, ...] = (5, 19, 24)

_INSTALL_HINT = (
    'read_nmea needs the optional dependency pyais; install it with: pip install "medroutes[nmea]"'
)
_TAG_TIME = re.compile(r"(?:^|,)c:(\d+(?:\.\d+)?)")

_REASONS = {
    "not_nmea": "are not AIS NMEA sentences (!xxVDM / !xxVDO)",
    "malformed": "are malformed NMEA sentences (pyais could not parse them)",
    "bad_checksum": "have a wrong NMEA checksum",
    "bad_time": "carry a time (leading timestamp or tag block c:) that cannot be read, has no time zone "
    "or lies outside 1677-2262",
    "incomplete": "are multi-sentence messages with missing fragments",
    "undecodable": "have a payload pyais cannot decode",
    "not_position": "are not position reports (types 1-3, 18, 19, 27); static data (5, 19, 24) are joined by MMSI",
    "no_time": "are position reports without a time (no tag block c:, no leading timestamp, no timestamp=)",
}


def _import_pyais() -> Any:
    try:
        from pyais.messages import NMEASentenceFactory
    except ImportError as exc:
        raise OptionalDependencyError(_INSTALL_HINT) from exc
    return NMEASentenceFactory


@dataclass
class _Fragments:
    sentences: list[Any]
    time: float
    prefix: str | None
    line: int


@dataclass
class _State:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_REASONS, 0))
    examples: dict[str, list[int]] = field(default_factory=lambda: {k: [] for k in _REASONS})
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    static: dict[int, dict[str, Any]] = field(default_factory=dict)
    n_messages: int = 0

    def bad(self, reason: str, line: int) -> None:
        self.n_messages += 1
        self.counts[reason] += 1
        if len(self.examples[reason]) < 3:
            self.examples[reason].append(line)


def _split_line(line: str) -> tuple[float, str | None, str]:
    """Return (tag-block epoch seconds or NaN, leading-timestamp text or None, sentence)."""
    i = min((k for k in (line.find("!"), line.find("\\")) if k >= 0), default=-1)
    if i < 0:
        return math.nan, None, ""
    prefix = line[:i].strip().rstrip(",;").strip() or None
    rest = line[i:]
    epoch = math.nan
    if rest.startswith("\\"):
        j = rest.find("\\", 1)
        if j < 0:
            return epoch, prefix, ""
        tag = rest[1:j].split("*", 1)[0]
        m = _TAG_TIME.search(tag)
        if m:
            v = float(m.group(1))
            epoch = v / 1000.0 if v > 1e11 else v  # some receivers write milliseconds
        rest = rest[j + 1 :]
    return epoch, prefix, rest.strip()


def _num(v: Any) -> float:
    return math.nan if v is None else float(v)


def _handle_message(state: _State, msg: Any, frag: _Fragments) -> None:
    try:
        decoded = msg.decode()
    except Exception:  # pyais raises many types for bad payloads
        state.bad("undecodable", frag.line)
        return
    mtype = int(getattr(decoded, "msg_type", -1))
    mmsi = getattr(decoded, "mmsi", None)
    if mtype in STATIC_TYPES and mmsi is not None:
        st = state.static.setdefault(int(mmsi), {})
        name = getattr(decoded, "shipname", None)
        if name:
            st["name"] = str(name).strip().strip("@").strip() or st.get("name")
        stype = getattr(decoded, "ship_type", None)
        if stype:
            st["ship_type"] = int(stype)
        bow, stern = getattr(decoded, "to_bow", None), getattr(decoded, "to_stern", None)
        if bow and stern:
            st["length"] = float(bow) + float(stern)
    if mtype not in POSITION_TYPES:
        state.bad("not_position", frag.line)
        return
    speed = _num(getattr(decoded, "speed", None))
    course = _num(getattr(decoded, "course", None))
    if mtype == 27:  # long-range reports: speed 63 kn and course 511 deg mean "not available"
        speed = math.nan if speed == 63 else speed
        course = math.nan if course == 511 else course
    status = getattr(decoded, "status", None)
    state.n_messages += 1
    state.rows.append(
        (
            int(mmsi) if mmsi is not None else None,
            frag.time,
            frag.prefix,
            _num(getattr(decoded, "lat", None)),
            _num(getattr(decoded, "lon", None)),
            speed,
            course,
            _num(getattr(decoded, "heading", None)),
            None if status is None else int(status),
            mtype,
            frag.line,
        )
    )


def _add_fragment(
    state: _State, pending: dict[tuple[Any, str], _Fragments], sentence: Any, frag: _Fragments
) -> None:
    """Decode a single-sentence message, or collect a fragment and decode the message once complete."""
    if sentence.frag_cnt == 1:
        _handle_message(state, sentence, frag)
        return
    key = (sentence.seq_id, sentence.channel)
    group = pending.get(key)
    if sentence.frag_num == 1:
        if group is not None:  # a new message started before the previous one was complete
            state.bad("incomplete", group.line)
        group = pending[key] = frag
    elif group is None or group.sentences[-1].frag_num != sentence.frag_num - 1:
        if group is not None:
            state.bad("incomplete", group.line)
            del pending[key]
        state.bad("incomplete", frag.line)
        return
    else:
        group.sentences.append(sentence)
    if sentence.frag_num == sentence.frag_cnt:
        del pending[key]
        _handle_message(state, type(sentence).assemble_from_iterable(group.sentences), group)


def _parse(lines: Sequence[str], factory: Any) -> _State:
    state = _State()
    pending: dict[tuple[Any, str], _Fragments] = {}
    for lineno, raw in enumerate(progress_bar(lines, desc="NMEA lines", unit="line"), start=1):
        line = raw.strip()
        if not line:
            continue
        epoch, prefix, sentence_text = _split_line(line)
        if not sentence_text.startswith("!"):
            state.bad("not_nmea", lineno)
            continue
        try:
            sentence = factory.produce(sentence_text.encode("ascii"))
        except UnicodeEncodeError:
            state.bad("malformed", lineno)
            continue
        except Exception as exc:  # InvalidNMEAMessageException, UnknownMessageException, ...
            state.bad("not_nmea" if type(exc).__name__ == "UnknownMessageException" else "malformed", lineno)
            continue
        if getattr(sentence, "TYPE", "") != "AIS":
            state.bad("not_nmea", lineno)
            continue
        if not sentence.is_valid:
            state.bad("bad_checksum", lineno)
            continue
        _add_fragment(state, pending, sentence, _Fragments([sentence], epoch, prefix, lineno))
    for group in pending.values():
        state.bad("incomplete", group.line)
    return state


#: Range of times a ``datetime64[ns]`` column holds: UTC and seconds since 1970 (whole seconds inside).
_T_MIN = pd.Timestamp.min.ceil("s").tz_localize("UTC")
_T_MAX = pd.Timestamp.max.floor("s").tz_localize("UTC")
_EPOCH_MIN_S = _T_MIN.value / 1e9
_EPOCH_MAX_S = _T_MAX.value / 1e9


def _times(frame: pd.DataFrame, timestamp: Any, where: str) -> tuple[pd.Series, np.ndarray]:
    """Each row's UTC time (tag block, then leading timestamp, then ``timestamp=``) and the unreadable times.

    A time outside what ``datetime64[ns]`` holds (years 1677-2262) is unreadable, like any bad text.
    """
    epoch = frame["epoch"]
    bad_epoch = (epoch.notna() & ~epoch.between(_EPOCH_MIN_S, _EPOCH_MAX_S)).to_numpy()
    t = pd.to_datetime(epoch.where(~bad_epoch), unit="s", utc=True).astype("datetime64[ns, UTC]")
    pre = frame["prefix"]
    need = (t.isna() & pre.notna()).to_numpy() & ~bad_epoch
    bad_time = bad_epoch.copy()
    if need.any():
        text = pre[need].astype("str").str.strip()
        is_num = text.str.fullmatch(r"\d+(?:\.\d+)?")
        num = pd.to_numeric(text.where(is_num), errors="coerce")
        num = num.where(num < 1e11, num / 1000.0)
        num = num.where(num.between(_EPOCH_MIN_S, _EPOCH_MAX_S))
        t_num = pd.to_datetime(num, unit="s", utc=True).astype("datetime64[ns, UTC]")
        zoned = text.str.replace(r"\s*(?:UTC|GMT)$", "+00:00", regex=True)
        has_zone = zoned.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", regex=True)
        t_iso = pd.to_datetime(zoned.where(has_zone & ~is_num), utc=True, errors="coerce", format="ISO8601")
        t_iso = t_iso.where((t_iso >= _T_MIN) & (t_iso <= _T_MAX))  # parsed in [us]; beyond [ns] range
        got = t_num.where(is_num, t_iso.astype("datetime64[ns, UTC]"))
        t.loc[need] = got.to_numpy()
        bad_time[need] = got.isna().to_numpy()
    if timestamp is not None:
        ts = pd.Timestamp(timestamp)
        if ts.tzinfo is None:
            raise SchemaError(
                f"{where}: timestamp={timestamp!r} has no time zone; give a UTC time, e.g. '2026-04-26T00:00:00Z'"
            )
        t = t.where(bad_time | t.notna(), ts.tz_convert("UTC"))
    return t, bad_time


@overload
def read_nmea(
    path_or_lines: PathLike | Sequence[str] | io.TextIOBase,
    *,
    timestamp: str | pd.Timestamp | None = ...,
    on_invalid: OnInvalid = ...,
    map_variables: bool = ...,
    extra_columns: bool = ...,
    encoding: str = ...,
    return_report: Literal[False] = ...,
) -> pd.DataFrame: ...


@overload
def read_nmea(
    path_or_lines: PathLike | Sequence[str] | io.TextIOBase,
    *,
    timestamp: str | pd.Timestamp | None = ...,
    on_invalid: OnInvalid = ...,
    map_variables: bool = ...,
    extra_columns: bool = ...,
    encoding: str = ...,
    return_report: Literal[True],
) -> tuple[pd.DataFrame, QualityReport]: ...


def read_nmea(
    path_or_lines: PathLike | Sequence[str] | io.TextIOBase,
    *,
    timestamp: str | pd.Timestamp | None = None,
    on_invalid: OnInvalid = "raise",
    map_variables: bool = True,
    extra_columns: bool = False,
    encoding: str = "ascii",
    return_report: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, QualityReport]:
    """Decode raw AIS NMEA sentences into the positions table.

    Parameters
    ----------
    path_or_lines
        A text file (plain or compressed) or a sequence of lines.
    timestamp
        Time [UTC, tz-aware] for lines that carry none (no tag block ``c:``,
        no leading timestamp). Required when no line has a time.
    on_invalid : {"raise", "drop"}
        What to do with decoded positions that fail validation
        (:func:`medroutes.schema.validate_positions`). Lines that cannot be
        decoded are never an error: they are counted by reason in the report.
    map_variables
        Rename pyais fields with :data:`VARIABLE_MAP` (``mmsi`` -> ``vessel_id``,
        ``speed`` -> ``sog_kn`` ...); ``False`` keeps the pyais names.
    extra_columns
        Also keep ``heading_deg``, ``nav_status``, ``msg_type`` and
        ``vessel_type_code``.
    encoding
        Text encoding of the file (NMEA is ASCII). Lines with bytes that do not
        decode are counted as ``malformed``, not an error for the whole file.
    return_report
        Return ``(positions, report)`` instead of ``positions``.

    Returns
    -------
    positions : pandas.DataFrame
        ``vessel_id`` (MMSI), ``timestamp`` (UTC), ``lat``, ``lon`` [deg],
        ``sog_kn`` [kn], ``cog_deg`` [deg], ``vessel_type``, ``name``,
        ``length_m`` [m] (from static messages 5, 19, 24 of the same MMSI
        anywhere in the input; the last non-empty value wins), ``source``
        (``"NMEA"``). The report counts *messages*: a multi-sentence message
        counts once, every line that cannot be assembled or decoded counts
        once under its reason (``not_nmea``, ``malformed``, ``bad_checksum``,
        ``incomplete``, ``undecodable``, ``not_position``, ``no_time``,
        ``bad_time``). Blank lines are skipped.
    report : QualityReport
        Only with ``return_report=True``.

    Raises
    ------
    OptionalDependencyError
        pyais is not installed.
    DataFormatError
        Position reports were decoded but no line has a time and no
        ``timestamp=`` was given; undecodable bytes in the file.
    SchemaError
        ``timestamp=`` without a time zone, or invalid positions with
        ``on_invalid="raise"``.

    Notes
    -----
    Decoding runs in Python, message by message (pyais): about 60,000 lines
    per second on a 2-core machine, so convert large archives once and keep the Parquet.
    The AIS "UTC second" field is not used: times come from the receiver.
    Multi-sentence messages are assembled from consecutive fragments with the
    same sequence id and channel.
    """
    factory = _import_pyais()
    lines, path = text_lines(path_or_lines, encoding, strict=False)  # bad bytes: counted per line
    where = str(path) if path is not None else "NMEA lines"
    state = _parse(lines, factory)
    cols = [
        "mmsi",
        "epoch",
        "prefix",
        "lat",
        "lon",
        "speed",
        "course",
        "heading",
        "status",
        "msg_type",
        "line",
    ]
    frame = pd.DataFrame.from_records(state.rows, columns=cols)
    frame["epoch"] = frame["epoch"].astype("float64")
    frame["prefix"] = frame["prefix"].astype("object")
    n_pos = len(frame)
    has_own = frame["epoch"].notna() | frame["prefix"].notna()
    if n_pos and timestamp is None and not has_own.any():
        raise DataFormatError(
            f"{where}: {n_pos:,} position reports and no time on any line (no tag block 'c:' field, "
            "no leading timestamp); pass timestamp= (UTC) to read_nmea"
        )
    times, bad_time = _times(frame, timestamp, where)
    no_time = times.isna().to_numpy() & ~bad_time
    for reason, mask in (("bad_time", bad_time), ("no_time", no_time)):
        state.counts[reason] += int(mask.sum())
        state.examples[reason].extend(frame.loc[mask, "line"].head(3).tolist())
    keep = ~(bad_time | no_time)
    frame = frame.loc[keep].reset_index(drop=True)
    times = times.loc[keep].reset_index(drop=True)

    problems = [
        Problem(
            reason, "message", _REASONS[reason], n, tuple(f"line {k}" for k in state.examples[reason][:3])
        )
        for reason, n in state.counts.items()
        if n
    ]
    n_in = state.n_messages
    notes = [f"{len(lines):,} lines read; n_in counts messages (a multi-sentence message counts once)"]
    pre = pre_report(n_in, problems, notes)

    df = pd.DataFrame(
        {
            "vessel_id": _mmsi(frame["mmsi"]),
            "timestamp": times,
            "lat": frame["lat"].astype("float64"),
            "lon": frame["lon"].astype("float64"),
            "sog_kn": frame["speed"].astype("float64"),
            "cog_deg": frame["course"].astype("float64"),
            "heading_deg": frame["heading"].astype("float64"),
        }
    )
    static = pd.DataFrame.from_dict(state.static, orient="index")
    for col in ("name", "ship_type", "length"):
        if col not in static.columns:
            static[col] = pd.Series(dtype="object")
    code = df["vessel_id"].map(static["ship_type"]) if len(static) else pd.Series(np.nan, index=df.index)
    df["vessel_type"] = pd.to_numeric(code, errors="coerce").map(AIS_SHIP_TYPES).astype("str")
    df["name"] = (
        df["vessel_id"].map(static["name"]) if len(static) else pd.Series(np.nan, index=df.index)
    ).astype("str")
    df["length_m"] = pd.to_numeric(
        df["vessel_id"].map(static["length"]) if len(static) else np.nan, errors="coerce"
    )
    df["source"] = "NMEA"
    blank_sentinels(df)
    if extra_columns:
        df["nav_status"] = frame["status"].astype("Int64")
        df["msg_type"] = frame["msg_type"].astype("int64")
        df["vessel_type_code"] = pd.to_numeric(code, errors="coerce").astype("Int64")
    else:
        df = df.drop(columns="heading_deg")
    out, rep = validate_positions(df, on_invalid=on_invalid)
    report = pre.merge(rep)
    if not map_variables:
        out = out.rename(columns={v: k for k, v in VARIABLE_MAP.items() if k != "ship_type_name"})
    return finish(
        out, report, path=Path(path) if path is not None else None, fmt="nmea", return_report=return_report
    )
