"""Coverage-guided fuzzing of the medroutes readers with atheris (libFuzzer), run by hand.

Not part of the test suite and not a dependency: install atheris in your
environment first (``pip install atheris``). Then, from the repository root::

    python fuzz/fuzz_readers.py --reader read_dma -- -max_total_time=180
    python fuzz/fuzz_readers.py --list

Everything after ``--`` goes to libFuzzer (``-max_total_time``, ``-timeout``,
``-jobs``, a corpus folder ...). The seed corpus is the small valid files of
``tests/reliability/_formats.py``, written to ``fuzz/corpus/<reader>/`` on the
first run into a scratch folder (``--corpus`` to keep it elsewhere). A crash
(any exception other than a ``MedroutesError``, or a result that fails the
data-model validator) is saved by libFuzzer as ``crash-<sha1>`` in the
``--artifacts`` folder (default: a temporary folder, printed at start). Its
first byte chose the file suffix (:data:`SUFFIXES`); ``--replay FILE`` writes
it as the file the reader saw. Copy that into ``tests/data/fuzz_corpus/`` (see
its README) so that ``test_fuzz_corpus_regressions`` keeps it fixed.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import tempfile
import warnings
from pathlib import Path

import atheris

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "reliability"))

with atheris.instrument_imports(include=["medroutes"]):
    import medroutes.io
    from medroutes.errors import MedroutesError
    from medroutes.schema import validate_incidents, validate_positions

import _formats  # noqa: E402  (test helper: the seed files)
import pandas as pd  # noqa: E402

#: The first input byte chooses the file suffix, so every format detector is exercised.
SUFFIXES = (".csv", ".nmea", ".txt", ".parquet", ".gpkg", ".csv.gz", ".zip", ".geoparquet")


def readers() -> dict[str, object]:
    """Public ``read_*`` functions of medroutes.io and its sub-modules."""
    import importlib
    import pkgutil

    found: dict[str, object] = {}
    mods = [medroutes.io] + [
        importlib.import_module(f"medroutes.io.{m.name}")
        for m in pkgutil.iter_modules(medroutes.io.__path__)
        if not m.name.startswith("_")
    ]
    for mod in mods:
        for name in getattr(mod, "__all__", ()):
            if name.startswith("read_") and callable(getattr(mod, name)):
                found.setdefault(name, getattr(mod, name))
    return found


def _check(out: object) -> None:
    if isinstance(out, tuple):
        out = out[0]
    if not isinstance(out, pd.DataFrame):
        raise AssertionError(f"reader returned {type(out).__name__}")
    rep = out.attrs.get("quality_report")
    if rep is None or rep.n_out != len(out) or rep.n_in != rep.n_out + sum(p.n_rows for p in rep.problems):
        raise AssertionError(f"quality report does not add up: {rep!r}, {len(out)} rows")
    if len(out) and {"incident_id", "incident_type"} <= set(out.columns):
        validate_incidents(out, on_invalid="raise")
    elif len(out) and {"vessel_id", "timestamp", "lat", "lon"} <= set(out.columns):
        validate_positions(out, on_invalid="raise")


def make_target(reader, folder: Path, suffixes: tuple[str, ...] = SUFFIXES):
    """Return the libFuzzer entry point for one reader."""
    takes_on_invalid = "on_invalid" in inspect.signature(reader).parameters

    def target(data: bytes) -> None:
        if not data:
            return
        suffix = suffixes[data[0] % len(suffixes)]
        path = folder / f"input{suffix}"
        path.write_bytes(data[1:])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                out = reader(path, on_invalid="drop") if takes_on_invalid else reader(path)
            except MedroutesError:
                return
            except FileNotFoundError:
                return
        _check(out)

    return target


def write_seeds(corpus: Path) -> None:
    """Write every template (prefixed with its suffix byte) as a seed."""
    corpus.mkdir(parents=True, exist_ok=True)
    for tpl in _formats.templates().values():
        suffix = tpl.suffix if tpl.suffix in SUFFIXES else ".csv"
        (corpus / f"seed-{tpl.name}").write_bytes(bytes([SUFFIXES.index(suffix)]) + tpl.data)


def main(argv: list[str] | None = None) -> None:
    """Parse the options before ``--`` and hand the rest to libFuzzer."""
    argv = list(sys.argv if argv is None else argv)
    cut = argv.index("--") if "--" in argv else len(argv)
    own, rest = argv[1:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reader", help="name of the reader, e.g. read_dma")
    parser.add_argument("--list", action="store_true", help="list the readers and exit")
    parser.add_argument("--corpus", type=Path, help="corpus folder (default: a temporary folder)")
    parser.add_argument("--artifacts", type=Path, help="folder for crash files (default: a temporary folder)")
    parser.add_argument(
        "--suffixes",
        help="comma-separated file suffixes to try (default: all of SUFFIXES), e.g. .csv,.nmea "
        "to leave out compressed files while a decompression bug is being fixed",
    )
    parser.add_argument(
        "--replay", type=Path, help="write a crash input as the file the reader saw, and exit"
    )
    args = parser.parse_args(own)
    if args.replay:
        data = args.replay.read_bytes()
        suffixes = tuple(args.suffixes.split(",")) if args.suffixes else SUFFIXES
        out = args.replay.with_name(args.replay.name + suffixes[data[0] % len(suffixes)])
        out.write_bytes(data[1:])
        print(out)
        return
    found = readers()
    if args.list or not args.reader:
        print("\n".join(sorted(found)))
        return
    if args.reader not in found:
        parser.error(f"unknown reader {args.reader!r}; one of {', '.join(sorted(found))}")
    import medroutes

    medroutes.set_options(progress=False)
    corpus = args.corpus or Path(tempfile.mkdtemp(prefix=f"medroutes-corpus-{args.reader}-"))
    artifacts = args.artifacts or Path(tempfile.mkdtemp(prefix="medroutes-crashes-"))
    artifacts.mkdir(parents=True, exist_ok=True)
    print(f"corpus: {corpus}\ncrashes: {artifacts}", file=sys.stderr)
    write_seeds(corpus)
    folder = Path(tempfile.mkdtemp(prefix="medroutes-fuzz-"))
    atheris.Setup(
        [argv[0], f"-artifact_prefix={artifacts}/", *rest, str(corpus)],
        make_target(
            found[args.reader], folder, tuple(args.suffixes.split(",")) if args.suffixes else SUFFIXES
        ),
    )
    atheris.Fuzz()


if __name__ == "__main__":
    main()
