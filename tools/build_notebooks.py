"""Write the training notebooks (notebooks/NN-*.ipynb) and their solutions (notebooks/solutions/).

The notebooks are kept as text here so they are easy to review and regenerate;
the written files carry no outputs and no execution counts::

    python tools/build_notebooks.py            # write every notebook
    python tools/build_notebooks.py 03 05      # only these

Editing a notebook in Jupyter is fine too: clear its outputs before committing
(``tests/test_notebooks.py`` checks it). Then port the change here, or stop using
this script for that notebook.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parents[1]
NB_DIR = REPO / "notebooks"
SOL_DIR = NB_DIR / "solutions"

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def md(text: str):
    return new_markdown_cell(textwrap.dedent(text).strip("\n"))


def code(text: str):
    return new_code_cell(textwrap.dedent(text).strip("\n"))


def notebook(cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):  # stable ids: the files do not change when regenerated
        cell["id"] = f"c{i:03d}"
    return nb


def setup_cell(nn: str, extra: str = "") -> nbformat.NotebookNode:
    # solutions live one folder deeper (notebooks/solutions/)
    root = 'Path("..") / ".."' if nn.endswith("s") else 'Path("..")'
    base = textwrap.dedent(
        f"""
        import tempfile
        import warnings
        from pathlib import Path

        import matplotlib.pyplot as plt
        import numpy as np
        import pandas as pd

        import medroutes as mr

        mr.set_options(progress=False)
        pd.set_option("display.max_columns", 30)
        pd.set_option("display.width", 140)

        SAMPLE = {root} / "sample_data" / "scenario"  # the bundled sample scenario, as files
        OUT = Path(tempfile.mkdtemp(prefix="medroutes-nb{nn}-"))  # all we write goes here, never into the repository
        """
    ).strip("\n")
    extra = textwrap.dedent(extra).strip("\n")
    return new_code_cell(base + ("\n\n" + extra if extra else ""))


# =========================================================================== #
# 01 Loading and checking data
# =========================================================================== #

NB01 = "01-load-and-validate"

NB01_HEAD = md(
    """
    # 1. Loading and checking data

    **Learning objectives.** By the end of this notebook you can

    1. read position reports (AIS-style tracks) and incident records into medroutes tables;
    2. name the columns of the data model with their units, and say why every time is UTC;
    3. read a **quality report**: how many rows came in, how many were kept, what was dropped and why;
    4. choose between `on_invalid="raise"` and `on_invalid="drop"`, and explain why nothing is dropped silently;
    5. tell an unknown count of victims from a count of zero.

    **Time:** about 40 minutes. **Data:** the bundled *synthetic* sample scenario (two weeks of August
    2023 in the Central Mediterranean). No real boat, person or incident is in it.

    > medroutes works on aggregated movements and incidents, never personal data. A `vessel_id`
    > identifies a track, not a person.
    """
)

NB01_CELLS = [
    NB01_HEAD,
    setup_cell("01"),
    md(
        """
        ## 1.1 Position reports

        `mr.io.read_positions` reads every positions format medroutes knows (Danish Maritime Authority
        CSV, NOAA MarineCadastre CSV, raw NMEA sentences, GeoPackage/GeoParquet, and medroutes' own tidy
        CSV or Parquet). It detects the format, renames the columns to the data model, checks every
        row and attaches a quality report.
        """
    ),
    code(
        """
        pos = mr.io.read_positions(SAMPLE / "positions.csv")
        print(pos.attrs["source_format"], len(pos), "rows")
        pos.head()
        """
    ),
    code(
        """
        pos.dtypes
        """
    ),
    md(
        """
        Units are part of the column names: `sog_kn` is speed over ground in knots, `cog_deg` course over
        ground in degrees from true north, `lat`/`lon` are degrees on WGS84, and `timestamp` is a
        time-zone-aware UTC time. The full data model is declared in `mr.schema`:
        """
    ),
    code(
        """
        pd.DataFrame(mr.schema.POSITIONS)[["name", "dtype", "unit", "required", "description"]]
        """
    ),
    md(
        """
        Every reader attaches the quality report of what it kept and dropped. For this clean sample
        nothing was dropped:
        """
    ),
    code(
        """
        qc = pos.attrs["quality_report"]
        print(qc.summary())
        assert qc.n_in == qc.n_out + qc.n_dropped
        """
    ),
    md(
        """
        The sample contains migrant boats and the search-and-rescue (SAR) and patrol vessels that
        operate in the same waters:
        """
    ),
    code(
        """
        pos.groupby("vessel_type", observed=True)["vessel_id"].nunique().rename("vessels")
        """
    ),
    md(
        """
        ## 1.2 A messy export

        Real exports are never this clean. We take one boat's track and damage it the way real AIS
        data is damaged: a position "not available" (AIS sends latitude 91 and longitude 181), an
        exact duplicate row, a negative speed and a course of 360° (AIS "not available").
        """
    ),
    code(
        """
        one = pos[pos["vessel_id"] == pos["vessel_id"].iloc[0]].head(20).reset_index(drop=True)
        messy = pd.concat([one, one.iloc[[5]]], ignore_index=True)  # an exact duplicate
        messy.loc[3, ["lat", "lon"]] = [91.0, 181.0]  # AIS "not available"
        messy.loc[8, "sog_kn"] = -1.0
        messy.loc[12, "cog_deg"] = 360.0
        messy["timestamp"] = messy["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        messy_csv = OUT / "messy.csv"
        messy.to_csv(messy_csv, index=False)
        len(messy)
        """
    ),
    md(
        """
        By default (`on_invalid="raise"`) medroutes refuses the file, and lists **every** problem at
        once: the column, how many rows, the first row labels and what to do.
        """
    ),
    code(
        """
        try:
            mr.io.read_positions(messy_csv)
        except mr.SchemaError as exc:
            print(type(exc).__name__)
            print(exc)
        """
    ),
    md(
        """
        With `on_invalid="drop"` the bad rows are removed, one `DataQualityWarning` says so, and the
        quality report counts every dropped row under the first check it failed. Read the warning
        below the cell.
        """
    ),
    code(
        """
        kept, report = mr.io.read_positions(messy_csv, on_invalid="drop", return_report=True)
        report
        """
    ),
    code(
        """
        print(report.n_in, "in,", report.n_out, "kept,", report.n_dropped, "dropped")
        report.to_frame()
        """
    ),
    md(
        """
        Time zones are never guessed. A file whose timestamps carry no time zone is refused until you
        say which zone they are in (`assume_tz`):
        """
    ),
    code(
        """
        naive = one.assign(timestamp=one["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S"))
        naive_csv = OUT / "naive.csv"
        naive.to_csv(naive_csv, index=False)
        try:
            mr.io.read_positions(naive_csv)
        except mr.SchemaError as exc:
            print(exc)
        fixed = mr.io.read_positions(naive_csv, assume_tz="UTC")
        fixed["timestamp"].dtype
        """
    ),
    md(
        """
        ## 1.3 Incident records

        Incidents follow the IOM Missing Migrants Project's vocabulary: `dead` are bodies recovered,
        `missing` are persons missing, presumed dead. `mr.io.read_incidents` reads the IOM export
        (`mr.io.read_iom_mmp`) or a tidy table like this one.
        """
    ),
    code(
        """
        inc = mr.io.read_incidents(SAMPLE / "incidents.csv")
        print(inc.attrs["quality_report"].summary())
        inc[["incident_id", "timestamp", "incident_type", "dead", "missing", "survivors", "lat", "lon"]].head()
        """
    ),
    code(
        """
        by_type = inc.groupby("incident_type", observed=True).agg(
            records=("incident_id", "size"),
            dead=("dead", "sum"),
            missing=("missing", "sum"),
            unknown_dead=("dead", lambda s: int(s.isna().sum())),
        )
        by_type
        """
    ),
    md(
        """
        Counts are *nullable* integers (`Int64`): an unknown number of victims is `<NA>`, never 0.
        Summing skips unknowns, so a total is a **minimum**. Say so when you present it.
        """
    ),
    code(
        """
        fig, ax = mr.plot.plot_incidents(inc, title="Sample incidents (synthetic)")
        """
    ),
    md(
        """
        ## 1.4 The quick path: `load_sample()`

        The same scenario ships inside the package, already typed, so any notebook can start from it:
        """
    ),
    code(
        """
        sc = mr.datasets.load_sample()
        sc
        """
    ),
    code(
        """
        same = sc.positions.sort_values(["vessel_id", "timestamp"]).reset_index(drop=True)
        print("same positions as the CSV:", len(same) == len(pos) and (same["timestamp"].values == pos["timestamp"].values).all())
        """
    ),
    md(
        """
        ## Exercises

        ### Exercise 1.1: who is who

        Which `vessel_id`s in `pos` are SAR or patrol vessels (`vessel_type` `"sar_vessel"` or
        `"patrol_vessel"`), and how many positions does each report? Why would mixing them with the
        migrant boats distort a route analysis?
        """
    ),
    code(
        """
        # your answer here
        """
    ),
    md(
        """
        ### Exercise 1.2: predict the quality report

        Take `messy` and add two more problems: a row that repeats the `(vessel_id, timestamp)` of
        row 0 with a different position, and a row with a speed of 150 kn. **Before running**, write
        down the quality report you expect (rows in, kept, dropped, by check). Then read it with
        `on_invalid="drop"` and compare.
        """
    ),
    code(
        """
        # your answer here
        """
    ),
    md(
        """
        ### Exercise 1.3: bodies recovered and missing

        What share of the sample's dead and missing are *missing* (bodies never recovered)? IOM reports
        about 68 % for the Central Mediterranean (2014–2023). What would happen to this share, and to
        the total, if unknown counts were read as 0?
        """
    ),
    code(
        """
        # your answer here
        """
    ),
    md(
        """
        ## Summary

        - Readers return tables in one data model, with units in the column names and times in UTC.
        - Problems are listed all at once (`raise`) or dropped and counted (`drop`): `n_in == n_out + n_dropped`.
        - Unknown counts stay unknown; totals of victims are minimum estimates.

        Next: [2. From tracks to voyages](02-tracks-to-voyages.ipynb).
        """
    ),
]

NB01_SOL = [
    md(
        """
        # Solutions: 1. Loading and checking data

        Run the set-up cell first; each solution stands alone.
        """
    ),
    setup_cell(
        "01s",
        """
        pos = mr.io.read_positions(SAMPLE / "positions.csv")
        inc = mr.io.read_incidents(SAMPLE / "incidents.csv")
        one = pos[pos["vessel_id"] == pos["vessel_id"].iloc[0]].head(20).reset_index(drop=True)
        messy = pd.concat([one, one.iloc[[5]]], ignore_index=True)
        messy.loc[3, ["lat", "lon"]] = [91.0, 181.0]
        messy.loc[8, "sog_kn"] = -1.0
        messy.loc[12, "cog_deg"] = 360.0
        """,
    ),
    md(
        """
        ### Exercise 1.1: who is who
        """
    ),
    code(
        """
        assets = pos[pos["vessel_type"].isin(["sar_vessel", "patrol_vessel"])]
        per_asset = assets.groupby(["vessel_id", "vessel_type"], observed=True).size().rename("positions")
        per_asset
        """
    ),
    md(
        """
        SAR and patrol vessels move back and forth across the whole area for days: mixed with the boats
        they would add long, dense tracks that are not migration routes, inflate the traffic on their
        patrol lines and hide the real corridors. (They matter later, as *rescue capacity*, in the risk
        analysis.) Their share of all positions:
        """
    ),
    code(
        """
        share = len(assets) / len(pos)
        print(f"{share:.0%} of the positions come from {per_asset.index.get_level_values(0).nunique()} assets")
        """
    ),
    md(
        """
        ### Exercise 1.2: predict the quality report

        Expected: 23 rows in (the 21 rows of `messy`, then the clash as row 21 and the fast fix as row 22).
        Row 3 fails `lat_range` (it fails `lon_range` too, but a row is counted once, under its first
        failed check), rows 8 and 22 (150 kn) fail `sog_range`, row 12 `cog_range`; row 20, the copy of
        row 5, is a `duplicate`, and row 21, which repeats row 0's time with another position, is a
        `conflicting_duplicate`. 23 − 6 = 17 kept.
        """
    ),
    code(
        """
        more = messy.copy()
        clash = one.iloc[[0]].assign(lat=one["lat"].iloc[0] + 0.1)  # same vessel and time, other position
        fast = one.iloc[[10]].assign(timestamp=one["timestamp"].iloc[10] + pd.Timedelta(seconds=30), sog_kn=150.0)
        more = pd.concat([more, clash, fast], ignore_index=True)
        more["timestamp"] = pd.to_datetime(more["timestamp"], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        path = OUT / "more.csv"
        more.to_csv(path, index=False)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", mr.DataQualityWarning)  # we read the report instead
            kept, report = mr.io.read_positions(path, on_invalid="drop", return_report=True)

        expected = {"lat_range": 1, "sog_range": 2, "cog_range": 1, "duplicate": 1, "conflicting_duplicate": 1}
        got = report.to_frame().groupby("check")["n_rows"].sum().to_dict()
        print(report.summary())
        assert got == expected, got
        assert (report.n_in, report.n_out) == (23, 17)
        """
    ),
    md(
        """
        ### Exercise 1.3: bodies recovered and missing
        """
    ),
    code(
        """
        dead = int(inc["dead"].sum())  # unknown (<NA>) values are skipped
        missing = int(inc["missing"].sum())
        print(f"dead {dead}, missing {missing}, share missing {missing / (dead + missing):.0%}")

        unknown = inc[["dead", "missing"]].isna().sum()
        print("records with unknown counts:", unknown.to_dict())
        """
    ),
    md(
        """
        Reading unknown as 0 does not change a *sum* here (unknowns are skipped either way) but it
        changes every *average* and every rate computed per record or per incident: records with an
        unknown toll would count as "no victims", so the average toll per incident and the share of
        fatal incidents would both fall, making a route look safer than the evidence says. And a
        published "0 dead" is a claim; `<NA>` is an honest "we do not know". Totals of victims are
        always minimum estimates.
        """
    ),
]


# =========================================================================== #
# 02 From tracks to voyages
# =========================================================================== #

NB02 = "02-tracks-to-voyages"

NB02_HEAD = md(
    """
    # 2. From tracks to voyages

    **Learning objectives.** By the end of this notebook you can

    1. clean positions with a `TrackConfig` and read what was removed;
    2. split tracks into **voyages** at reporting gaps and long stops, and read the voyages table;
    3. name the departure and arrival **zones** and explain what `at sea` means for a voyage end;
    4. show how the gap threshold `max_gap_h` changes the number of voyages, and choose it with a reason;
    5. build an origin–destination table of departures and arrivals.

    **Time:** about 45 minutes. **Data:** the bundled synthetic sample scenario.
    """
)

NB02_SETUP = """
sc = mr.datasets.load_sample()
ASSET_TYPES = ["sar_vessel", "patrol_vessel"]
boats = sc.positions[~sc.positions["vessel_type"].isin(ASSET_TYPES)]  # migrant boats only
"""

NB02_CELLS = [
    NB02_HEAD,
    setup_cell("02", NB02_SETUP),
    md(
        """
        ## 2.1 Zones

        Departures and arrivals are labelled with coastal **zones**: bands of sea and coast around the
        towns and ports named in each zone's definition. Search-and-rescue (SAR) regions are shipped
        too; they overlap, as the real ones do, and are not borders.
        """
    ),
    code(
        """
        zones = mr.geo.zones()
        zones[["zone_id", "name", "kind", "country"]]
        """
    ),
    code(
        """
        fig, ax = mr.plot.plot_basemap()
        colors = {"departure": "#D55E00", "arrival": "#0072B2"}
        for kind, color in colors.items():
            zones[zones["kind"] == kind].plot(ax=ax, color=color, alpha=0.6, label=kind)
        zones[zones["kind"] == "sar"].boundary.plot(ax=ax, color="0.3", linewidth=0.8, linestyle="--")
        ax.set_title("Departure (orange) and arrival (blue) zones; SAR regions dashed");
        """
    ),
    md(
        """
        ## 2.2 Cleaning

        `clean_positions` runs the data-model checks plus two that need a track: isolated jumps faster
        than `max_speed_kn` and fixes on land. Its thresholds live in a frozen `TrackConfig`.
        """
    ),
    code(
        """
        cfg = mr.tracks.TrackConfig()
        cfg
        """
    ),
    code(
        """
        clean, qc = mr.tracks.clean_positions(boats, config=cfg, on_invalid="drop")
        print(qc.summary())
        """
    ),
    md(
        """
        ## 2.3 Splitting tracks into voyages

        A new voyage starts where the vessel changes, where the time since the previous fix is longer
        than `max_gap_h`, and after a long stop. `split_voyages` labels each voyage's first fix with a
        departure zone and its last fix with an arrival zone.
        """
    ),
    code(
        """
        voy = mr.tracks.split_voyages(clean, config=cfg)
        voy
        """
    ),
    code(
        """
        print(voy.quality.summary())
        voy.table[["voyage_id", "vessel_id", "start_time", "departure_zone", "arrival_zone", "dist_km", "duration_h", "mean_sog_kn"]].head(10)
        """
    ),
    md(
        """
        A voyage end in no zone is **`at sea`**. That happens when a boat was intercepted or rescued
        (its track ends at sea), when it sank, and when its transmitter fell silent for longer than
        `max_gap_h`, which cuts one crossing into two voyages.
        """
    ),
    code(
        """
        pd.crosstab(voy.table["departure_zone"], voy.table["arrival_zone"], margins=True)
        """
    ),
    code(
        """
        fig, ax = mr.plot.plot_od_matrix(voy.table, min_count=None, title="Voyages by departure and arrival zone")
        """
    ),
    md(
        """
        ## 2.4 Reporting gaps

        `voy.points` holds every position with its `voyage_id`, the step from the previous fix in km
        (`step_km`) and hours (`step_h`). Long steps are reporting gaps.
        """
    ),
    code(
        """
        steps = voy.points["step_h"].dropna()
        print(f"median step {steps.median() * 60:.1f} min; steps > 1 h: {(steps > 1).sum()}")
        ax = steps[steps > 0.5].plot.hist(bins=30, title="Steps longer than 30 min [h]")
        ax.axvline(cfg.max_gap_h, color="k", linestyle="--", label="max_gap_h")
        ax.set_xlabel("step between fixes [h]");
        """
    ),
    md(
        """
        Each boat in the sample made exactly one crossing, so every boat with more than one voyage was
        cut by a gap:
        """
    ),
    code(
        """
        per_vessel = voy.table.groupby("vessel_id").size()
        print(f"{len(per_vessel)} boats, {len(voy.table)} voyages, {(per_vessel > 1).sum()} boats cut into pieces")
        """
    ),
    code(
        """
        tracks = voy.to_gdf()
        fig, ax = mr.plot.plot_basemap()
        tracks.plot(ax=ax, column="departure_zone", linewidth=0.8, legend=True, legend_kwds={"fontsize": 7})
        ax.set_title("Voyages of the sample, coloured by departure zone");
        """
    ),
    md(
        """
        ## Exercises

        ### Exercise 2.1: choosing `max_gap_h`

        Split `clean` with `max_gap_h` of 1, 3, 6, 12 and 24 h (use `dataclasses.replace(cfg, max_gap_h=...)`).
        For each, count the voyages and the boats cut into more than one voyage. Which value recovers one
        voyage per boat here? What would a very large value do to a real AIS feed, where one vessel makes
        many trips?
        """
    ),
    code(
        """
        # your answer here
        """
    ),
    md(
        """
        ### Exercise 2.2: why do voyages end at sea?

        Join the voyages that end `at sea` to the scenario's own voyage records (`sc.voyages`, on
        `vessel_id`) and count their `outcome`s. Which outcomes explain most ends at sea? (Real data do
        not come with such a table: this is what synthetic data are for.)
        """
    ),
    code(
        """
        # your answer here
        """
    ),
    md(
        """
        ### Exercise 2.3: speed and distance by departure zone

        For voyages that left a departure zone and reached an arrival zone, compute the median distance
        [km], duration [h] and mean speed [kn] per departure zone. Does a Sfax → Lampedusa crossing
        (about 190 km) take under a day, as reported?
        """
    ),
    code(
        """
        # your answer here
        """
    ),
    md(
        """
        ## Summary

        - Voyages are cut at reporting gaps and long stops; the thresholds are explicit and recorded (`voy.config`).
        - Voyage ends are labelled with zones; `at sea` is information (interceptions, rescues, wrecks, gaps), not an error.
        - Thresholds change the answer: always report them with the result.

        Next: [3. Route graphs](03-route-graphs.ipynb).
        """
    ),
]

NB02_SOL = [
    md(
        """
        # Solutions: 2. From tracks to voyages

        Run the set-up cell first; each solution stands alone.
        """
    ),
    setup_cell(
        "02s",
        NB02_SETUP
        + textwrap.dedent(
            """
        import dataclasses
        cfg = mr.tracks.TrackConfig()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", mr.DataQualityWarning)
            clean, qc = mr.tracks.clean_positions(boats, config=cfg, on_invalid="drop")
        voy = mr.tracks.split_voyages(clean, config=cfg)
        """
        ),
    ),
    md(
        """
        ### Exercise 2.1: choosing `max_gap_h`
        """
    ),
    code(
        """
        rows = []
        for gap in [1, 3, 6, 12, 24]:
            v = mr.tracks.split_voyages(clean, config=dataclasses.replace(cfg, max_gap_h=gap))
            per_boat = v.table.groupby("vessel_id").size()
            rows.append({"max_gap_h": gap, "voyages": len(v.table), "boats cut": int((per_boat > 1).sum())})
        gaps = pd.DataFrame(rows).set_index("max_gap_h")
        gaps
        """
    ),
    code(
        """
        n_boats = clean["vessel_id"].nunique()
        # the voyage count can only fall as the threshold grows, and never below one per boat
        assert gaps["voyages"].is_monotonic_decreasing and (gaps["voyages"] >= n_boats).all()
        print("one voyage per boat from max_gap_h =", gaps.index[gaps["boats cut"] == 0].min(), "h")
        """
    ),
    md(
        """
        The synthetic gaps last 1.2 to 8 h, so a threshold above 8 h recovers one voyage per boat. On a
        real feed a very large threshold merges separate trips of the same vessel (a fishing boat's
        days at sea, a ferry's crossings) into one long "voyage" with a false origin and destination.
        The default (6 h) is a compromise: it keeps a boat that drifts silently for a few hours as one
        voyage. Report the threshold with the result.
        """
    ),
    md(
        """
        ### Exercise 2.2: why do voyages end at sea?
        """
    ),
    code(
        """
        at_sea = voy.table[voy.table["arrival_zone"] == "at sea"]
        joined = at_sea.merge(sc.voyages[["vessel_id", "outcome"]], on="vessel_id", how="left")
        joined["outcome"].value_counts()
        """
    ),
    md(
        """
        Interceptions and rescues end a track at sea (the boat is taken in tow or the people are taken
        on board), and so does a shipwreck. The remaining ends at sea of boats that `arrived` are the
        first pieces of crossings cut by a reporting gap: the second piece starts `at sea` and reaches the
        coast.
        """
    ),
    md(
        """
        ### Exercise 2.3: speed and distance by departure zone
        """
    ),
    code(
        """
        t = voy.table
        zone_ids = set(mr.geo.zones()["zone_id"])
        complete = t[t["departure_zone"].isin(zone_ids) & t["arrival_zone"].isin(zone_ids)]
        summary = complete.groupby("departure_zone").agg(
            voyages=("voyage_id", "size"),
            dist_km=("dist_km", "median"),
            duration_h=("duration_h", "median"),
            mean_sog_kn=("mean_sog_kn", "median"),
        )
        summary.round(1)
        """
    ),
    code(
        """
        # the speed in the table is the distance over the duration, in knots (1 kn = 1.852 km/h)
        check = complete["dist_km"] / complete["duration_h"] / 1.852
        assert np.allclose(check, complete["mean_sog_kn"], rtol=1e-6)
        sfax = complete[(complete["departure_zone"] == "tn_sfax") & (complete["arrival_zone"] == "it_lampedusa")]
        print(f"Sfax -> Lampedusa: {len(sfax)} voyages, median {sfax['duration_h'].median():.1f} h")
        """
    ),
]


# Shared set-up of notebooks 03-07: the sample's boats cleaned and split into voyages.
PIPELINE_SETUP = """
sc = mr.datasets.load_sample()
ASSET_TYPES = ["sar_vessel", "patrol_vessel"]
boats = sc.positions[~sc.positions["vessel_type"].isin(ASSET_TYPES)]  # migrant boats only
with warnings.catch_warnings():
    warnings.simplefilter("ignore", mr.DataQualityWarning)  # notebook 2 reads the quality report
    clean, qc = mr.tracks.clean_positions(boats, on_invalid="drop")
voy = mr.tracks.split_voyages(clean)
print(voy)
"""


# =========================================================================== #
# 03 Route graphs
# =========================================================================== #

NB03 = "03-route-graphs"

NB03_SETUP = PIPELINE_SETUP

NB03_CELLS = [
    md(
        """
        # 3. Route graphs

        **Learning objectives.** By the end of this notebook you can

        1. build a **route graph** from voyages on a hexagonal (H3) grid, with departure and arrival zones as nodes;
        2. read its nodes and edges as tables, with their units, and check that flows add up;
        3. find the **most used path** between two zones and the **bottlenecks** routes funnel through;
        4. compare the graphs of two periods, and save a graph for a GIS.

        **Time:** about 45 minutes. **Data:** the bundled synthetic sample scenario.
        """
    ),
    setup_cell("03", NB03_SETUP),
    md(
        """
        ## 3.1 Building the graph

        Each voyage becomes a walk over H3 cells (about 17 km across at the default resolution 5). A
        voyage that starts in a departure zone enters the graph from that zone's node, and one that
        ends in an arrival zone leaves to that zone's node. Edges count the voyages, vessels and
        persons that moved from one node to the next; incidents are counted on the nearest edge.
        Passing the scenario's voyage table as `attributes` adds the number of persons on board.
        """
    ),
    code(
        """
        G = mr.graph.graph_from_voyages(voy, attributes=sc.voyages, incidents=sc.incidents)
        mr.graph.validate_graph(G)  # raises GraphValidationError if the graph breaks its contract
        print(G)
        {k: G.graph[k] for k in ("crs", "h3_resolution", "n_voyages", "n_incidents_mapped", "n_incidents_unmapped")}
        """
    ),
    md(
        """
        ## 3.2 Reading nodes and edges

        `graph_to_gdfs` returns two GeoDataFrames. Edge attributes carry their units in their names:
        `length_km`, `median_transit_h` (time from entering `u` to entering `v`).
        """
    ),
    code(
        """
        nodes, edges = mr.graph.graph_to_gdfs(G)
        nodes["kind"].value_counts()
        """
    ),
    code(
        """
        cols = ["n_voyages", "n_vessels", "persons", "share", "length_km", "median_transit_h", "incidents", "dead_missing"]
        edges.sort_values("n_voyages", ascending=False)[cols].head(10)
        """
    ),
    md(
        """
        Flows are conserved: every voyage leaves a departure-zone node or starts in a cell, so the
        voyages leaving the departure nodes plus the voyages starting at sea add up to all voyages.
        """
    ),
    code(
        """
        from_zones = edges.loc[edges.index.get_level_values("u").str.startswith("departure:"), "n_voyages"].sum()
        starts_at_sea = nodes.loc[nodes["kind"] == "cell", "n_starts"].sum()
        print(from_zones, "+", starts_at_sea, "=", from_zones + starts_at_sea, "voyages; graph:", G.graph["n_voyages"])
        assert from_zones + starts_at_sea == G.graph["n_voyages"]
        """
    ),
    code(
        """
        fig, ax = mr.plot.plot_route_graph(G, min_weight=2, title="Route graph: edges used by 2 or more voyages")
        """
    ),
    md(
        """
        ## 3.3 The most used path

        `most_used_path` follows, at every node, where most boats actually went next (it maximises the
        product of the transition shares), which is not the geometrically shortest line.
        """
    ),
    code(
        """
        import itertools

        path = mr.graph.most_used_path(G, "tn_sfax", "it_lampedusa")
        line = mr.graph.path_to_linestring(G, path)
        length_km = sum(G.edges[u, v, 0]["length_km"] for u, v in itertools.pairwise(path))
        print(f"{len(path)} nodes, {length_km:.0f} km")

        fig, ax = mr.plot.plot_route_graph(G, min_weight=2)
        ax.plot(*line.xy, color="k", linewidth=2.5, label="most used path Sfax -> Lampedusa")
        ax.legend(loc="lower left", fontsize=8);
        """
    ),
    md(
        """
        ## 3.4 Bottlenecks

        Bottlenecks are the cells that the most used routes between zones funnel through (a betweenness
        centrality restricted to departure-to-arrival routes; 1.0 would mean every connected pair of
        zones passes the cell). They are natural places to look for boats in distress.
        """
    ),
    code(
        """
        bn = mr.graph.bottlenecks(G, k=10)
        bn
        """
    ),
    code(
        """
        fig, ax = mr.plot.plot_route_graph(G, min_weight=2)
        ax.scatter(bn["x"], bn["y"], s=200 * bn["betweenness"] / bn["betweenness"].max(), color="crimson", zorder=5, label="bottleneck cells")
        ax.legend(loc="lower left", fontsize=8);
        """
    ),
    md(
        """
        ## 3.5 Comparing periods

        `graph_by_period` builds one graph per time slice (month, week, season, or any labels).
        `compare_graphs` says, edge by edge, what was added, removed or changed.
        """
    ),
    code(
        """
        weekly = mr.graph.graph_by_period(voy, "W", attributes=sc.voyages)
        for label, g in weekly.items():
            print(label, g.graph["n_voyages"], "voyages")
        """
    ),
    code(
        """
        (first, G_a), (second, G_b) = list(weekly.items())[:2]
        diff = mr.graph.compare_graphs(G_a, G_b)
        print(diff.attrs)
        diff.head(10)
        """
    ),
    md(
        """
        Shares (`share_a`, `share_b`) are fractions of each period's voyages, so two periods with
        different traffic can be compared. With a handful of voyages per edge, a change of one or two
        voyages is noise, not a shift of routes.

        ## 3.6 Saving the graph

        `save_graph` writes GeoJSON (for QGIS and web maps), GraphML or GeoParquet; `load_graph` reads it back.
        """
    ),
    code(
        """
        path_geojson = mr.graph.save_graph(G, OUT / "routes.geojson")
        G2 = mr.graph.load_graph(path_geojson)
        print(path_geojson.name, f"{path_geojson.stat().st_size / 1e6:.1f} MB;", G2)
        """
    ),
    md(
        """
        ## Exercises

        ### Exercise 3.1: how much traffic passes Lampedusa?

        What share of all voyages pass through the cell that contains Lampedusa port (35.493 N, 12.602 E)?
        Use `mr.graph.cell_share`. Then check the answer from the node table.
        """
    ),
    code("# your answer here"),
    md(
        """
        ### Exercise 3.2: the path from western Libya

        Find the most used path from `ly_west` to `it_lampedusa`. How long is it along the graph, and
        how does that compare with the great-circle distance Zuwara–Lampedusa (use
        `mr.geo.haversine_km(32.933, 12.083, 35.493, 12.602)`)? Why is it longer?
        """
    ),
    code("# your answer here"),
    md(
        """
        ### Exercise 3.3: the grid changes the picture

        Rebuild the graph with `mr.graph.GraphConfig(h3_resolution=4)` and `6`. Compare the number of
        nodes and edges, the busiest edge's share, and the top bottleneck. Which resolution would you
        use for a year of data, and which for two weeks?
        """
    ),
    code("# your answer here"),
    md(
        """
        ## Summary

        - A route graph counts voyages, vessels and persons per edge of a hexagonal grid; flows add up.
        - The most used path follows where boats went; bottlenecks are where routes converge.
        - Compare periods with shares, and mind small counts.

        Next: [4. Identifying corridors](04-corridors.ipynb).
        """
    ),
]

NB03_SOL = [
    md(
        """
        # Solutions: 3. Route graphs

        Run the set-up cell first; each solution stands alone.
        """
    ),
    setup_cell(
        "03s",
        NB03_SETUP
        + textwrap.dedent(
            """
        G = mr.graph.graph_from_voyages(voy, attributes=sc.voyages, incidents=sc.incidents)
        nodes, edges = mr.graph.graph_to_gdfs(G)
        """
        ),
    ),
    md("### Exercise 3.1: how much traffic passes Lampedusa?"),
    code(
        """
        share = mr.graph.cell_share(G, (35.493, 12.602))
        print(f"{share:.0%} of the voyages pass the cell of Lampedusa port")

        # the same from the node table: find the cell with h3, then its n_voyages / all voyages
        import h3
        cell = h3.latlng_to_cell(35.493, 12.602, G.graph["h3_resolution"])
        n = nodes.loc[cell, "n_voyages"] if cell in nodes.index else 0
        assert np.isclose(share, n / G.graph["n_voyages"])
        """
    ),
    md(
        """
        Most boats bound for Lampedusa end their track in the arrival zone around the island, often
        before they reach the port's own cell: the share of the port cell is smaller than the share of
        voyages that reach the Lampedusa arrival node.
        """
    ),
    code(
        """
        to_lampedusa = nodes.loc["arrival:it_lampedusa", "n_voyages"] / G.graph["n_voyages"]
        print(f"{to_lampedusa:.0%} of the voyages reach the Lampedusa arrival zone")
        assert share < to_lampedusa
        """
    ),
    md("### Exercise 3.2: the path from western Libya"),
    code(
        """
        import itertools

        path = mr.graph.most_used_path(G, "ly_west", "it_lampedusa")
        along = sum(G.edges[u, v, 0]["length_km"] for u, v in itertools.pairwise(path))
        direct = float(mr.geo.haversine_km(32.933, 12.083, 35.493, 12.602))
        print(f"along the graph {along:.0f} km, great circle {direct:.0f} km, ratio {along / direct:.2f}")
        """
    ),
    md(
        """
        The path zig-zags from cell centre to cell centre, its zone edges join zone centres (not the
        exact ports), and it follows where boats went, which is rarely a straight line (boats leave
        from several beaches along the coast and bend around headlands). With few voyages between
        these two zones, the "most used" path rests on a handful of tracks.
        """
    ),
    md("### Exercise 3.3: the grid changes the picture"),
    code(
        """
        rows = []
        for res in (4, 5, 6):
            g = mr.graph.graph_from_voyages(voy, attributes=sc.voyages, config=mr.graph.GraphConfig(h3_resolution=res))
            top = mr.graph.bottlenecks(g, k=1)
            rows.append(
                {
                    "h3_resolution": res,
                    "nodes": g.number_of_nodes(),
                    "edges": g.number_of_edges(),
                    "busiest edge share": mr.graph.edge_shares(g)["share"].iloc[0],
                    "top bottleneck": top["node"].iloc[0],
                    "its voyages": top["n_voyages"].iloc[0],
                }
            )
        pd.DataFrame(rows).set_index("h3_resolution")
        """
    ),
    md(
        """
        Finer cells (6) give more nodes and edges and fewer voyages per edge: shapes are sharper but
        counts are small and noisy. Coarser cells (4) pool more voyages per edge but blur corridors
        that run a few tens of km apart. For two weeks of data, 4 or 5; for a year, 5 or 6.
        """
    ),
]


# =========================================================================== #
# 04 Identifying corridors
# =========================================================================== #

NB04 = "04-corridors"

NB04_SETUP = (
    PIPELINE_SETUP
    + """
# The scenario knows each boat's true corridor and launch site; real data never do. We use them only to grade.
truth = sc.voyages[["vessel_id", "voyage_id"]].merge(sc.truth[["voyage_id", "corridor_id", "launch_site"]], on="voyage_id")
graded = voy.table[["vessel_id", "departure_zone", "arrival_zone"]].merge(truth, on="vessel_id", how="left")
zone_ids = set(mr.geo.zones()["zone_id"])
complete = (graded["departure_zone"].isin(zone_ids) & graded["arrival_zone"].isin(zone_ids)).to_numpy()
"""
)

NB04_CELLS = [
    md(
        """
        # 4. Identifying corridors

        **Learning objectives.** By the end of this notebook you can

        1. cluster voyages into **corridors** (route families) with `CorridorClustering`;
        2. read a corridor's centreline, band, share and spread;
        3. explain why some voyages are **noise** (label −1), when a voyage that ends at sea is given a
           corridor, and what that means for reporting;
        4. measure how parameters (`distance_km`, `min_voyages`, `partial_fraction`) change the answer,
           against a known truth, and say why the truth cannot be recovered fully.

        **Time:** about 40 minutes. **Data:** the bundled synthetic sample scenario, whose true corridors
        are known, so we can grade the method.
        """
    ),
    setup_cell("04", NB04_SETUP),
    md(
        """
        ## 4.1 Fitting

        Departure and arrival zones are coastal bands up to 200 km long: *where* along the coast a boat
        leaves or lands does not make a corridor, *how it crosses* does (straight across, or bending one
        way or the other). So, for every pair of departure and arrival zones:

        1. each voyage is resampled to `n_points` points equally spaced along its track;
        2. each point is described by its **lateral offset** [km] from the voyage's own straight line
           between its start and its end (positive to the left of the direction of travel): a straight
           crossing has offsets near zero, a detour a bulge on one side;
        3. complete voyages (zone to zone) are merged while the root-mean-square difference of their
           offset profiles stays under `distance_km` (average linkage); clusters smaller than
           `min_voyages` are noise;
        4. voyages that start in a zone but **end at sea** (intercepted, rescued, lost, or a track that
           stops) get a corridor only if they covered at least `partial_fraction` of its length and
           clearly follow its profile; otherwise they stay noise.

        It is a scikit-learn-style estimator: parameters in the constructor, `fit` returns the
        estimator, results end in `_`. Here with its defaults written out:
        """
    ),
    code(
        """
        cc = mr.graph.CorridorClustering(
            n_points=20,  # points per resampled track
            distance_km=20.0,  # merge threshold: RMS difference of offset profiles [km]
            min_voyages=5,  # smaller clusters are noise
            band_quantiles=(0.1, 0.9),  # the band holds the middle 80 % of lateral offsets
            partial_fraction=0.5,  # a voyage ending at sea must have covered half the corridor
            seed=0,  # for the subsample of very large zone pairs (max_voyages_per_od)
        ).fit(voy)
        cc
        """
    ),
    code(
        """
        corr = cc.corridors_
        corr.drop(columns=["centreline", "band"])
        """
    ),
    code(
        """
        fig, ax = mr.plot.plot_corridors(corr, title="Corridors of the sample (centrelines and bands)")
        """
    ),
    md(
        """
        ## 4.2 Labels and noise

        `labels_` gives each voyage (row of `voy.table`) its corridor, −1 for noise.
        """
    ),
    code(
        """
        labels = pd.Series(cc.labels_, name="corridor")
        t = voy.table.assign(corridor=labels.to_numpy())
        t["noise"] = t["corridor"] == -1
        print(f"{cc.n_noise_} of {len(t)} voyages are noise")
        t.groupby(["departure_zone", "arrival_zone"])["noise"].agg(["size", "sum"]).sort_values("size", ascending=False).head(10)
        """
    ),
    md(
        """
        Noise is made of voyages between zone pairs with too few voyages for a corridor, of pieces of
        tracks that neither start nor end in a zone, and of voyages that end at sea before they had
        covered `partial_fraction` of any corridor: corridors part from each other out at sea, so a boat
        stopped near its departure coast says nothing about where it was heading. Noise is not thrown
        away: it is reported as not attributed. A corridor of two or three boats would be a description
        of those boats, not of a route.

        `corridors_` counts both kinds of members: `n_complete` voyages reached the arrival zone,
        `n_partial` ended at sea and were assigned. How many more would a lower bar assign?
        """
    ),
    code(
        """
        rows = []
        for pf in (None, 0.25, 0.5, 0.75):
            m = mr.graph.CorridorClustering(partial_fraction=pf, seed=0).fit(voy)
            rows.append({"partial_fraction": pf, "assigned while ending at sea": int(m.corridors_["n_partial"].sum()), "noise": m.n_noise_})
        pd.DataFrame(rows)
        """
    ),
    md(
        """
        A lower `partial_fraction` attributes more of the boats that were stopped at sea to a corridor,
        on thinner evidence. `None` never assigns them: the corridors then describe only the crossings
        that were completed, which undercounts the corridors where boats are intercepted or lost.

        ## 4.3 How good is it? Grading against the truth

        The generator drew each boat's route from a few route templates per zone pair (a direct route
        and detours `corridor_offset_km` = 50 km to either side) and launched it from one of several
        beaches along the coast. The adjusted Rand index (ARI) measures agreement between two
        partitions: 1 is identical, 0 is what random labels would give. We grade the *complete* voyages
        (zone to zone) that the method put in a corridor, and then all complete voyages, counting noise
        as a corridor of its own.
        """
    ),
    code(
        """
        from sklearn.metrics import adjusted_rand_score

        ok = complete & (cc.labels_ >= 0)
        found = pd.Series(cc.labels_[ok], name="found corridor")
        true = pd.Series(graded["corridor_id"][ok].to_numpy(), name="true corridor")
        print(f"ARI {adjusted_rand_score(true, found):.2f} on the {ok.sum()} complete voyages put in a corridor")
        all_complete = adjusted_rand_score(graded["corridor_id"][complete], cc.labels_[complete])
        print(f"ARI {all_complete:.2f} on all {complete.sum()} complete voyages (noise as one more group)")
        pd.crosstab(true, found)
        """
    ),
    md(
        """
        Read the table row by row: a perfect match puts each true corridor (row) in one found corridor
        (column) of its own. Now cross the found corridors with the boats' true **launch sites**:
        """
    ),
    code(
        """
        pd.crosstab(pd.Series(graded["launch_site"][ok].to_numpy(), name="launch site"), found)
        """
    ),
    md(
        """
        Each corridor holds boats from several beaches (Chebba, Mahdia, Sfax, Kerkennah, 30–80 km apart
        along the Tunisian coast): the offset profile ignores where along the coast a boat left and
        looks only at how it crossed. That is the method's definition of a corridor; the generator's is
        the route template a boat followed. Neither is wrong, but know the definition before you
        present corridors as facts.

        **Why agreement is not perfect, and where it is worse.** The generator's launch sites spread
        60 km and more along a coast, more than the 50 km between its alternative corridors
        (`corridor_offset_km`). So the true corridors of a zone pair overlap in space, and some boats of
        different true corridors cross in almost the same way: no track-based method can tell them
        apart. On this two-week sample only one zone pair (Sfax to Lampedusa) has enough voyages for
        corridors, and agreement is high on the voyages the method attributes; part of the complete
        voyages stays noise. On a larger scenario with several zone pairs (90 days of
        `central-med-2024`), the ARI is about 0.78 with the default spacing and 0.91 when the
        alternative corridors are 90 km apart, as in medroutes' own tests. It then falls as positions
        get noisy or sparse (made with `python benchmarks/corridor_degradation.py`):
        """
    ),
    code(
        """
        from IPython.display import Image

        Image(filename=str(Path("..") / "docs" / "figures" / "corridor_degradation.png"), width=800)
        """
    ),
    md(
        """
        ## 4.4 Parameters change the answer

        `distance_km` sets how different two crossings may be (RMS difference of their offset profiles)
        and still share a corridor. Too small, and one route splits into many, or into noise; too large,
        and distinct routes merge.
        """
    ),
    code(
        """
        rows = []
        for d in (5, 10, 20, 40, 80):
            m = mr.graph.CorridorClustering(distance_km=d, min_voyages=5, seed=0).fit(voy)
            graded_ok = complete & (m.labels_ >= 0)
            rows.append(
                {
                    "distance_km": d,
                    "corridors": len(m.corridors_),
                    "noise": m.n_noise_,
                    "ARI": adjusted_rand_score(graded["corridor_id"][graded_ok], m.labels_[graded_ok]) if graded_ok.sum() > 1 else np.nan,
                }
            )
        sweep = pd.DataFrame(rows).set_index("distance_km")
        sweep
        """
    ),
    code(
        """
        ax = sweep[["corridors", "noise"]].plot(marker="o", logx=True, title="Corridors and noise vs distance_km")
        ax.set_xlabel("distance_km [km]");
        """
    ),
    md(
        """
        On this sample the default (20 km) recovers the generator's corridors; smaller values split them
        into noise, larger ones merge distinct corridors. The default sits between a voyage's own wander
        (a few km to 15 km) and the 40–50 km by which distinct Central Mediterranean routes bend apart; on
        other data the right value may differ. Report the parameters with the corridors, and check that a
        conclusion survives a reasonable change of them. `identify_corridors(voy, distance_km=...)` is
        the function twin of the estimator.

        ## Exercises

        ### Exercise 4.1: smaller corridors

        Fit with `min_voyages=2`. How many corridors and how much noise now? How many voyages does the
        smallest corridor hold? Why is a corridor of two voyages risky to publish?
        """
    ),
    code("# your answer here"),
    md(
        """
        ### Exercise 4.2: the widest band

        Which corridor has the widest band (`spread_km`)? Plot it alone with `mr.plot.plot_corridors`,
        and compare its `median_duration_h` with its `length_km` (what mean speed in knots does that imply?).
        """
    ),
    code("# your answer here"),
    md(
        """
        ### Exercise 4.3: same seed, same answer

        Fit twice with `max_voyages_per_od=10` (so that large zone pairs are subsampled) and the same
        `seed`, then with another seed. Are the labels identical? Why does medroutes insist on it?
        """
    ),
    code("# your answer here"),
    md(
        """
        ## Summary

        - Corridors are route families between zones: voyages that cross the same way (lateral offsets
          from their own start–end line), whatever beach they left from; each has a centreline and a band.
        - Small clusters, and voyages that ended at sea before covering `partial_fraction` of a corridor,
          are noise, reported as not attributed.
        - Where true routes overlap in space no method separates them fully; parameters change the
          number of corridors: grade, sweep and report them.
        - Seeded randomness makes every result reproducible.

        Next: [5. Risk analysis](05-risk-analysis.ipynb).
        """
    ),
]

NB04_SOL = [
    md(
        """
        # Solutions: 4. Identifying corridors

        Run the set-up cell first; each solution stands alone.
        """
    ),
    setup_cell("04s", NB04_SETUP),
    md("### Exercise 4.1: smaller corridors"),
    code(
        """
        base = mr.graph.CorridorClustering(min_voyages=5, seed=0).fit(voy)
        small = mr.graph.CorridorClustering(min_voyages=2, seed=0).fit(voy)
        print(f"min_voyages=5: {len(base.corridors_)} corridors, {base.n_noise_} noise")
        print(f"min_voyages=2: {len(small.corridors_)} corridors, {small.n_noise_} noise")
        assert small.n_noise_ <= base.n_noise_  # a lower bar can only attribute more voyages

        small.corridors_.groupby(["origin_zone", "destination_zone"])["n_voyages"].agg(["size", "min", "sum"])
        """
    ),
    md(
        """
        A corridor of two voyages describes two boats. Published with its dates and its counts of
        persons or victims, it could identify the people on board or the rescuers, and its "share" and
        "spread" are not estimates of anything. medroutes suppresses small counts in reports for the
        same reason.
        """
    ),
    md("### Exercise 4.2: the widest band"),
    code(
        """
        cc = mr.graph.CorridorClustering(seed=0).fit(voy)
        widest = cc.corridors_.sort_values("spread_km", ascending=False).head(1)
        row = widest.iloc[0]
        speed_kn = row["length_km"] / row["median_duration_h"] / 1.852
        print(f"corridor {row['corridor_id']}: {row['origin_zone']} -> {row['destination_zone']}, "
              f"spread {row['spread_km']:.1f} km, {row['length_km']:.0f} km in {row['median_duration_h']:.1f} h "
              f"= {speed_kn:.1f} kn")
        fig, ax = mr.plot.plot_corridors(widest, title="The widest corridor")
        """
    ),
    md("### Exercise 4.3: same seed, same answer"),
    code(
        """
        a = mr.graph.CorridorClustering(max_voyages_per_od=10, seed=42).fit(voy).labels_
        b = mr.graph.CorridorClustering(max_voyages_per_od=10, seed=42).fit(voy).labels_
        c = mr.graph.CorridorClustering(max_voyages_per_od=10, seed=7).fit(voy).labels_
        assert np.array_equal(a, b)
        print("same seed identical:", np.array_equal(a, b), "| other seed identical:", np.array_equal(a, c))
        """
    ),
    md(
        """
        With the same seed the subsample, and so every label, is the same; another seed may change
        labels where the subsample matters. Analysts, reviewers and courts must be able to reproduce a
        figure exactly: every medroutes result records its seed and configuration.
        """
    ),
]


# =========================================================================== #
# 05 Risk analysis
# =========================================================================== #

NB05 = "05-risk-analysis"

NB05_SETUP = (
    PIPELINE_SETUP
    + """
G = mr.graph.graph_from_voyages(voy, attributes=sc.voyages, incidents=sc.incidents)
cc = mr.graph.CorridorClustering(seed=0).fit(voy)

# Attach the corridors found from the tracks to the scenario's voyage records (joined on the boat).
found = voy.table[["vessel_id"]].assign(corridor_id=cc.labels_)
found = found[found["corridor_id"] >= 0].drop_duplicates("vessel_id")
corridor_of_voyage = sc.voyages[["voyage_id", "vessel_id"]].merge(found, on="vessel_id")[["voyage_id", "corridor_id"]]
"""
)

NB05_CELLS = [
    md(
        """
        # 5. Risk analysis

        **Learning objectives.** By the end of this notebook you can

        1. name the three components of risk (**threat**, **vulnerability**, **impact**) and what feeds each;
        2. score departure zones, corridors, route-graph edges and time windows with `score_risk`;
        3. read a **category with its uncertainty**, and tell a low risk from `Insufficient data`;
        4. read the **explanation** of a score and trace it back to the data;
        5. show how the model's choices (weights, thresholds, minimum counts) change the categories;
        6. state the **limits** of the method before presenting a result.

        **Time:** about 60 minutes. **Data:** the bundled synthetic sample scenario.

        > Risk here is risk **to the people at sea**. Categories describe places, routes and time
        > windows, never people or nationalities. They exist to put rescue capacity where it is most
        > needed; they never justify delaying or withholding assistance to anyone.
        """
    ),
    setup_cell("05", NB05_SETUP),
    md(
        """
        ## 5.1 The model in one paragraph

        Following the CIRAM tradition (Frontex's Common Integrated Risk Analysis Model), risk is a
        function of three components, each scored in [0, 1]:

        - **threat**: the pressure of departures (departures per day relative to the median unit);
        - **vulnerability**: the response gap (sea state, load and boat type, distance to a place of
          safety and to the nearest rescue or patrol vessel, the SAR region's record);
        - **impact**: the loss of life (fatal incidents and dead and missing per 1,000 crossings,
          shrunk towards the pooled rate when counts are small: empirical Bayes).

        They are combined (by default a weighted geometric mean), categorised with a risk matrix, and
        given a credible interval by Monte Carlo. The full method, with references, is on the
        documentation's *Risk methodology* page. The parameters are one frozen `RiskConfig`:
        """
    ),
    code(
        """
        cfg = mr.risk.RiskConfig()
        cfg
        """
    ),
    md(
        """
        ## 5.2 Scoring

        We pass the scenario's voyage records (departure zone and time, boat type, persons, outcome),
        the incidents, the route graph (to score its edges), the weather, the AIS positions of the
        rescue and patrol vessels (`assets`) and the corridors found in notebook 4.
        """
    ),
    code(
        """
        res = mr.risk.score_risk(
            sc.voyages,
            sc.incidents,
            graph=G,
            weather=sc.weather,
            assets=sc.positions,
            corridors=corridor_of_voyage,
            config=cfg,
        )
        for note in res.notes:
            print("note:", note)
        cols = ["unit_id", "threat", "vulnerability", "impact", "score", "score_low", "score_high", "category"]
        res.zones[cols].round(2)
        """
    ),
    md(
        """
        The same columns exist for corridors, graph edges and time windows (`res.corridors`,
        `res.edges`, `res.windows`). How many units of each kind were scored?
        """
    ),
    code(
        """
        units = res.to_frame()
        pd.crosstab(units["unit_type"], units["category"])
        """
    ),
    md(
        """
        ## 5.3 Categories and the risk matrix

        The composite score is cut into four categories. A unit with fewer than `min_voyages` boat
        crossings is **not scored**: it is `Insufficient data`, which is *not* a low risk.
        """
    ),
    code(
        """
        res.matrix
        """
    ),
    code(
        """
        fig, ax = mr.plot.plot_risk_map(res, level="zones", title="Departure zones by risk category (synthetic sample)")
        """
    ),
    md(
        """
        ## 5.4 Uncertainty

        `score_low` and `score_high` bound a 90 % credible interval. When the interval crosses a
        category threshold, the category itself is uncertain: `p_high_or_above` gives the probability
        that the unit is at least `High`.
        """
    ),
    code(
        """
        scored = res.zones[res.zones["category"] != mr.risk.INSUFFICIENT]
        fig, ax = plt.subplots(figsize=(6, 2 + 0.4 * len(scored)))
        ax.errorbar(
            scored["score"],
            range(len(scored)),
            xerr=[scored["score"] - scored["score_low"], scored["score_high"] - scored["score"]],
            fmt="o",
            capsize=4,
        )
        for t in cfg.thresholds:
            ax.axvline(t, color="0.6", linestyle="--")
        ax.set_yticks(range(len(scored)), scored["unit_id"])
        ax.set_xlim(0, 1)
        ax.set_xlabel("composite score, 90 % interval (dashed: category thresholds)")
        scored[["unit_id", "category", "score_low", "score_high", "p_high_or_above"]].round(2)
        """
    ),
    md(
        """
        ## 5.5 Reading an explanation

        Every unit has an explanation naming the factors behind each component, with their values and
        units, and, for `Insufficient data`, why it was not scored.
        """
    ),
    code(
        """
        for _, row in res.zones.iterrows():
            print(f"{row['unit_id']}: {row['explanation']}\\n")
        """
    ),
    md(
        """
        ## 5.6 Loss of life, with its interval

        Each row also carries the loss-of-life estimate: crossings, recorded dead and missing, and the
        rate per 1,000 crossings with its credible interval. The exposure unit (persons or boats) is
        recorded in the provenance.
        """
    ),
    code(
        """
        print("exposure unit:", res.provenance["exposure_unit"])
        res.zones[["unit_id", "n_crossings", "dead_missing", "rate_per_1000", "rate_low", "rate_high"]].round(1)
        """
    ),
    md(
        """
        Dead and missing counts are **minimum** estimates: many deaths at sea are never recorded.
        `RiskConfig(under_recording=...)` widens the interval to account for it (see exercise 5.3).

        ## 5.7 Route-graph edges

        Edges are scored too, so that risk can be drawn along the routes. Most edges carry few
        voyages: they are `Insufficient data`, drawn in hatched grey so they never read as safe.
        """
    ),
    code(
        """
        print(res.edges["category"].value_counts().to_string())
        fig, ax = mr.plot.plot_risk_map(res, level="edges", title="Route-graph edges by risk category")
        """
    ),
    md(
        """
        ## 5.8 Provenance: can someone else reproduce this?

        Every result records the seed, the configuration, fingerprints of the input tables and the
        library versions. The same inputs and seed give the same scores.
        """
    ),
    code(
        """
        prov = res.provenance
        print("seed:", prov["seed"])
        print("versions:", prov["versions"])
        print("inputs:", list(prov["inputs"]))
        print(prov["categories_describe"])
        """
    ),
    md(
        """
        ## 5.9 Limits of the method

        - **Data**: small boats rarely carry AIS, incident records are incomplete, and the voyages
          behind a rate are never all known. A unit without recorded deaths is not a safe unit.
        - **Model**: the weights, the combination rule and the thresholds are choices. They are
          documented and recorded, and they change the categories (exercise 5.1).
        - **Small numbers**: below `min_voyages` nothing is scored; just above it, intervals are wide.
        - **Time**: scores describe the period of the data; routes move when conditions change.
        - **Meaning**: a category is about a place, route or window. It says nothing about any person,
          and it never lowers the duty to assist anyone in distress.

        ## Exercises

        ### Exercise 5.1: the weight of impact

        Score the zones again with `RiskConfig(weights=(1, 1, 2))` (impact counts double) and with
        `combine="arithmetic"`. Which categories change? What does that tell you about presenting a
        single category?
        """
    ),
    code("# your answer here"),
    md(
        """
        ### Exercise 5.2: how small is too small?

        Score with `min_voyages` of 5, 10 (default) and 20. For each, count the scored units per unit
        type and the median width of their intervals (`score_high - score_low`). What do you gain and
        what do you risk by scoring smaller units?
        """
    ),
    code("# your answer here"),
    md(
        """
        ### Exercise 5.3: unrecorded deaths

        Score with `RiskConfig(under_recording=mr.risk.UNDER_RECORDING_FACTORS)`. How do `rate_per_1000`,
        `rate_low` and `rate_high` change for the scored zones? Compare the pooled rate with the
        calibration target of the synthetic data (a loss rate of about 1.1 %, that is 11 per 1,000
        persons crossing).
        """
    ),
    code("# your answer here"),
    md(
        """
        ### Exercise 5.4: a request (discussion)

        A colleague asks for "the list of Very high risk departure zones, to decide where to stop the
        boats before they leave". Write a short answer: what the categories mean and do not mean, what
        they may and may not be used for, and what the law requires at sea. (No code.)
        """
    ),
    md("*Your answer here.*"),
    md(
        """
        ## Summary

        - Risk = threat × vulnerability × impact, each explained; categories come with intervals.
        - `Insufficient data` is an honest "we cannot say", never "low".
        - The model's choices change the answer: show the sensitivity, record the provenance.

        Next: [6. What-if scenarios and seasons](06-what-if-and-seasons.ipynb).
        """
    ),
]

NB05_SOL = [
    md(
        """
        # Solutions: 5. Risk analysis

        Run the set-up cell first; each solution stands alone.
        """
    ),
    setup_cell(
        "05s",
        NB05_SETUP
        + textwrap.dedent(
            """
        import dataclasses

        base = mr.risk.RiskConfig()
        inputs = dict(weather=sc.weather, assets=sc.positions)


        def zones_with(config):
            return mr.risk.score_risk(sc.voyages, sc.incidents, config=config, **inputs).zones.set_index("unit_id")
        """
        ),
    ),
    md("### Exercise 5.1: the weight of impact"),
    code(
        """
        variants = {
            "default": base,
            "impact x2": dataclasses.replace(base, weights=(1, 1, 2)),
            "arithmetic": dataclasses.replace(base, combine="arithmetic"),
        }
        results = {name: zones_with(c) for name, c in variants.items()}
        cats = pd.DataFrame({name: z["category"] for name, z in results.items()})
        scores = pd.DataFrame({f"{name} score": z["score"] for name, z in results.items()}).round(3)
        cats.join(scores)
        """
    ),
    md(
        """
        The scores move with the weights and the combination rule, and a unit near a threshold can
        change category. A category is a summary of a model with choices in it: present it with its
        score, its interval and the configuration, and say how sensitive it is.
        """
    ),
    md("### Exercise 5.2: how small is too small?"),
    code(
        """
        rows = []
        for m in (5, 10, 20):
            r = mr.risk.score_risk(
                sc.voyages, sc.incidents, corridors=corridor_of_voyage, config=dataclasses.replace(base, min_voyages=m), **inputs
            )
            u = r.to_frame()
            ok = u["category"] != mr.risk.INSUFFICIENT
            for unit_type, g in u.groupby("unit_type"):
                s = ok[g.index]
                width = (g.loc[s, "score_high"] - g.loc[s, "score_low"]).median()
                rows.append({"min_voyages": m, "unit_type": unit_type, "scored": int(s.sum()), "of": len(g), "median width": width})
        table = pd.DataFrame(rows).set_index(["unit_type", "min_voyages"]).sort_index()
        table.round(3)
        """
    ),
    code(
        """
        # a lower minimum can only score more units
        scored = table.reset_index().pivot_table(index="unit_type", columns="min_voyages", values="scored")
        assert (scored[5] >= scored[10]).all() and (scored[10] >= scored[20]).all()
        """
    ),
    md(
        """
        Lower minimums score more units, with wider intervals: more places get a category, but the
        categories rest on a handful of boats, which is both statistically weak and a disclosure risk
        (a unit of five boats describes those boats). Higher minimums are safer but leave more of the
        map as `Insufficient data`. Whatever you choose, state it.
        """
    ),
    md("### Exercise 5.3: unrecorded deaths"),
    code(
        """
        plain = zones_with(base)
        under = zones_with(dataclasses.replace(base, under_recording=mr.risk.UNDER_RECORDING_FACTORS))
        cols = ["rate_per_1000", "rate_low", "rate_high"]
        comparison = plain[cols].join(under[cols].add_suffix(" (under-recording)")).round(1)
        comparison
        """
    ),
    code(
        """
        # the point estimate uses the midpoint of the factors, the interval widens to both ends
        assert (under["rate_per_1000"] >= plain["rate_per_1000"]).all()
        assert (under["rate_high"] >= plain["rate_high"]).all()
        pooled = 1000 * plain["dead_missing"].sum() / plain["n_crossings"].sum()
        print(f"pooled recorded rate: {pooled:.1f} per 1,000 crossings (calibration target about 11)")
        """
    ),
    md(
        """
        ### Exercise 5.4: a request (discussion)

        A possible answer. The categories describe how dangerous crossings from a coast, along a route
        or in a period have been **for the people making them**, with an interval; they say nothing
        about any person or group. medroutes must not be used to plan or justify push-backs,
        pull-backs or interceptions that lead to people being returned to a place where they face
        serious harm (the principle of non-refoulement; *Hirsi Jamaa and Others v. Italy*, ECtHR 2012),
        nor to delay or withhold rescue. At sea, every person in distress must be assisted and
        delivered to a place of safety (UNCLOS art. 98, SOLAS ch. V reg. 33, the 1979 SAR Convention).
        The appropriate use of a "Very high" category is to put search-and-rescue capacity, monitoring
        and humanitarian preparedness where people are most at risk.
        """
    ),
]


# =========================================================================== #
# 06 What-if scenarios, seasons and weather
# =========================================================================== #

NB06 = "06-what-if-and-seasons"

NB06_SETUP = """
sc = mr.datasets.load_sample()
res = mr.risk.score_risk(sc.voyages, sc.incidents, weather=sc.weather, assets=sc.positions)
COMPARE = ["unit_id", "threat_before", "threat_after", "vulnerability_before", "vulnerability_after",
           "score_before", "score_after", "delta", "category_before", "category_after"]
"""

NB06_CELLS = [
    md(
        """
        # 6. What-if scenarios, seasons and weather

        **Learning objectives.** By the end of this notebook you can

        1. re-score a baseline under a changed situation with `what_if`: rougher seas, a rescue vessel
           added or moved, departures shifting from one coast to another;
        2. read a what-if table (before, after, difference, category change) and explain why the
           recorded loss of life is held fixed;
        3. describe the **seasonal** pattern of departures and of deaths in a year, and how the
           **weather** drives departures;
        4. fit a departure-pressure model and say what its predictions can and cannot support.

        **Time:** about 50 minutes. **Data:** the bundled synthetic sample (two weeks of August 2023)
        for the what-if part, and a synthetic calendar year generated on the spot for the seasons.
        """
    ),
    setup_cell("06", NB06_SETUP),
    md(
        """
        ## 6.1 The baseline

        A what-if starts from a baseline result; `what_if` keeps its inputs and re-scores them with a
        change. Only the zones are compared here (`unit_type="zone"`, the default).
        """
    ),
    code(
        """
        res.zones[["unit_id", "threat", "vulnerability", "impact", "score", "category"]].round(2)
        """
    ),
    md(
        """
        ## 6.2 Rougher seas

        Multiply the significant wave height by 1.5. Two things change: fewer boats leave (a
        departure model fitted on the baseline turns the new weather into expected departures), and
        those that leave face a rougher sea (vulnerability).
        """
    ),
    code(
        """
        rough = mr.risk.what_if(res, scale_hs=1.5)
        print(rough.attrs["what_if"])
        rough[COMPARE].dropna(subset=["score_before"]).round(3)
        """
    ),
    md(
        """
        The **impact** column does not change: a place's recorded loss of life is a property of its
        record and is held fixed. What changes is the pressure and the response gap. A what-if is a
        comparison under the model's assumptions, not a forecast of deaths.

        A change can also be limited to a few days:
        """
    ),
    code(
        """
        storm = mr.risk.what_if(res, weather_window=("2023-08-05", "2023-08-08"), scale_hs=2.0)
        print(storm.attrs["what_if"])
        storm[COMPARE].dropna(subset=["score_before"]).round(3)
        """
    ),
    md(
        """
        ## 6.3 Rescue capacity

        The sample's rescue and patrol vessels and their bases:
        """
    ),
    code(
        """
        sc.assets[["vessel_id", "name", "asset_type", "operator_country", "base"]]
        """
    ),
    md(
        """
        Add a rescue vessel on station midway between Sfax and Lampedusa (lon 11.8, lat 35.0), or move
        the NGO rescue ship there, and compare:
        """
    ),
    code(
        """
        added = mr.risk.what_if(res, add_asset=(11.8, 35.0))
        moved = mr.risk.what_if(res, move_asset=("SV-NGO-1", (11.8, 35.0)))
        both = added.set_index("unit_id")[["vulnerability_before", "vulnerability_after", "score_after"]].join(
            moved.set_index("unit_id")[["vulnerability_after", "score_after"]].add_suffix(" (moved)")
        )
        both.dropna().round(3)
        """
    ),
    md(
        """
        Adding a vessel lowers the vulnerability where it is stationed. Moving one helps where it goes
        and costs where it left: rescue capacity is finite, and the table shows the trade-off.

        ## 6.4 Departures moving along the coast

        When one coast is watched more closely, departures move elsewhere. Move 30 % of the departures
        from Sfax to western Libya:
        """
    ),
    code(
        """
        shifted = mr.risk.what_if(res, shift_departures={"from": "tn_sfax", "to": "ly_west", "share": 0.3})
        print(shifted.attrs["what_if"])
        shifted[COMPARE].dropna(subset=["score_before"]).round(3)
        """
    ),
    md(
        """
        The route from western Libya is longer and is sailed in more dangerous boats: moving people
        onto it can raise the risk they face even when the number of departures does not change.

        ## 6.5 Seasons: a synthetic calendar year

        Two weeks cannot show a season. We generate a calibrated synthetic year (2023 volumes, voyages
        and incidents without positions, which takes a few seconds).
        """
    ),
    code(
        """
        year = mr.synthetic.generate_scenario("central-med-2023", seed=7)
        year
        """
    ),
    code(
        """
        fig, ax = mr.plot.plot_departures(year.departures, year.weather, freq="W", title="Boats leaving per week, with mean wave height")
        """
    ),
    code(
        """
        month = year.voyages["departure_time"].dt.month
        v = year.voyages.assign(month=month)
        dm = year.truth["dead"] + year.truth["missing"]
        by_month = pd.DataFrame(
            {
                "departures": v.groupby("month").size(),
                "persons": v.groupby("month")["persons"].sum(),
                "dead_missing": dm.groupby(month.to_numpy()).sum(),
            }
        )
        by_month["share of persons"] = by_month["persons"] / by_month["persons"].sum()
        by_month["configured share"] = np.asarray(year.config.monthly_shares) / sum(year.config.monthly_shares)
        by_month.round(3)
        """
    ),
    md(
        """
        Departures peak in summer, as the published arrival figures do. Deaths follow the crossings,
        but not exactly: they come in rare, large events, so a single wreck can make one month look
        far deadlier than its neighbours.

        ## 6.6 Risk by month

        Score the year with monthly windows (`RiskConfig(window="M")`):
        """
    ),
    code(
        """
        year_res = mr.risk.score_risk(year.voyages, year.incidents, weather=year.weather, config=mr.risk.RiskConfig(window="M"))
        w = year_res.windows.assign(month=year_res.windows["period_start"].dt.strftime("%m"))
        w.pivot_table(index="zone_id", columns="month", values="category", aggfunc="first").fillna("no departures")
        """
    ),
    md(
        """
        ## 6.7 Weather drives departures

        `DeparturePressureModel` predicts departures per zone and day from the season, the weather and
        recent departures (a Poisson model). Its lag features need 28 days of history: the first 28
        days of each zone have none, so the model does not train on them, and predicts NaN for them.
        Its seasonal-level feature (departures around the same day a year earlier) needs a full year of
        history, which one synthetic year does not hold: the model leaves it out and says so in `notes_`.
        Nothing is dropped silently; read the notes before you read the predictions:
        """
    ),
    code(
        """
        counts = mr.risk.daily_counts(year.voyages)
        model = mr.risk.DeparturePressureModel().fit(counts, year.weather)
        print(model)
        print(f"trained on {model.n_train_:,} zone-days; {model.n_dropped_:,} without lag history left out")
        for note in model.notes_:
            print("note:", note)
        """
    ),
    md(
        """
        How do expected departures change when the sea gets rougher? Predict with the observed weather
        and with waves 1.5 times higher (the days without lag history are NaN in both and are left out
        of the sums):
        """
    ),
    code(
        """
        calm = model.predict(counts, year.weather)
        rougher = model.predict(counts, year.weather.assign(hs_m=year.weather["hs_m"] * 1.5))
        print(f"days without a prediction (no lag history): {calm['expected'].isna().sum()}")
        ratio = rougher["expected"].sum() / calm["expected"].sum()
        print(f"expected departures with waves 1.5 x higher: {ratio:.0%} of the baseline")
        """
    ),
    md(
        """
        Observed and expected departures by sea state, on the same days: the days without a prediction
        are dropped first, or the observed means would include days the model never predicted.
        """
    ),
    code(
        """
        predicted = calm.dropna(subset=["expected"])
        joined = predicted.merge(year.weather.rename(columns={"region": "zone_id"}), on=["date", "zone_id"])
        joined["hs band [m]"] = pd.cut(joined["hs_m"], [0, 0.5, 1.0, 1.5, 2.0, 10])
        joined.groupby("hs band [m]", observed=True)[["observed", "expected"]].mean().round(2)
        """
    ),
    md(
        """
        A model like this describes the *pressure* of departures for planning (where and when to have
        rescue capacity ready). It is not a prediction about any boat or person, and the literature
        finds that search-and-rescue activity does not drive departures (Rodríguez Sánchez et al.,
        *Sci. Rep.* 2023): the weather and the conditions on the departure coast do.

        ## Exercises

        ### Exercise 6.1: a winter month

        Generate the `rough-winter` scenario (seed 7), score its zones with its weather and assets, and
        compare the categories with the summer sample. Then ask `what_if` what calmer seas
        (`scale_hs=0.5`) would do in winter.
        """
    ),
    code("# your answer here"),
    md(
        """
        ### Exercise 6.2: does the model beat a naive forecast?

        `mr.risk.backtest` fits the model on the past only and predicts held-out days one day ahead,
        against two naive forecasts (the same week a year earlier; the last seven days). The seasonal
        naive forecast needs a year of history before the held-out period: concatenate the
        `central-med-2022` and `central-med-2023` voyages (and weather), count them with
        `daily_counts`, and hold out April to December 2023. Compare the default model with
        `DeparturePressureModel(estimator="hgb")` and `DeparturePressureModel(use_lags=False)`. Which is
        best, does it beat both naive forecasts, and would you plan with it? Read the models' `notes_`.
        """
    ),
    code("# your answer here"),
    md(
        """
        ### Exercise 6.3: the busiest week

        In the synthetic year, find the week with the most departures from Sfax. What was the mean wave
        height that week compared with the year's median? What would you tell a rescue coordinator
        planning for next summer, and what would you *not* claim?
        """
    ),
    code("# your answer here"),
    md(
        """
        ## Summary

        - `what_if` compares scenarios under the model: weather, assets and departures; the recorded
          loss of life stays fixed.
        - Departures are seasonal and cluster in calm weather; deaths come in rare, large events.
        - Departure models support planning of rescue capacity, never decisions about people.

        Next: [7. Producing the report](07-report.ipynb).
        """
    ),
]

NB06_SOL = [
    md(
        """
        # Solutions: 6. What-if scenarios, seasons and weather

        Run the set-up cell first; each solution stands alone.
        """
    ),
    setup_cell("06s", NB06_SETUP),
    md("### Exercise 6.1: a winter month"),
    code(
        """
        winter = mr.synthetic.generate_scenario("rough-winter", seed=7)
        winter_res = mr.risk.score_risk(winter.voyages, winter.incidents, weather=winter.weather, assets=winter.positions)
        compare = (
            res.zones.set_index("unit_id")[["category", "score"]]
            .add_suffix(" (August)")
            .join(winter_res.zones.set_index("unit_id")[["category", "score"]].add_suffix(" (winter)"), how="outer")
        )
        compare.round(2)
        """
    ),
    code(
        """
        calmer = mr.risk.what_if(winter_res, scale_hs=0.5)
        calmer[COMPARE].dropna(subset=["score_before"]).round(3)
        """
    ),
    md(
        """
        Winter has fewer departures (lower threat) but rougher seas (higher vulnerability for those who
        leave). Calmer seas in winter raise the expected number of departures and lower the
        vulnerability of each crossing: the two effects pull the score in opposite directions.
        """
    ),
    md("### Exercise 6.2: does the model beat a naive forecast?"),
    code(
        """
        y22 = mr.synthetic.generate_scenario("central-med-2022", seed=7)
        y23 = mr.synthetic.generate_scenario("central-med-2023", seed=7)
        voyages = pd.concat([y22.voyages, y23.voyages], ignore_index=True)
        weather = pd.concat([y22.weather, y23.weather], ignore_index=True)
        counts = mr.risk.daily_counts(voyages)
        models = {
            "glm with lags (default)": mr.risk.DeparturePressureModel(),
            "boosted trees with lags": mr.risk.DeparturePressureModel(estimator="hgb"),
            "glm, season and weather only": mr.risk.DeparturePressureModel(use_lags=False),
        }
        rows = {}
        for name, model in models.items():
            bt = mr.risk.backtest(counts, weather, holdout=("2023-04-01", "2023-12-31"), model=model)
            # the model is evaluated on April-December 2023 only, after fitting on the days before it
            assert bt.test_period[0] == pd.Timestamp("2023-04-01", tz="UTC") and bt.train_period[1] < bt.test_period[0]
            rows[name] = {"deviance": bt.deviance["model"], **{f"vs {k}": v for k, v in bt.improvement.items()}}
            print(f"{name}: {'; '.join(bt.notes) or 'no notes'}")
        table = pd.DataFrame(rows).T
        print("lowest deviance:", table["deviance"].idxmin())
        # what the text below says, checked: the default is best here and beats both naive forecasts
        assert table["deviance"].idxmin() == "glm with lags (default)"
        assert (table.loc["glm with lags (default)", ["vs seasonal_naive", "vs persistence"]] > 0).all()
        table.round(3)
        """
    ),
    md(
        """
        The columns `vs seasonal_naive` and `vs persistence` are the relative reductions of the mean
        Poisson deviance on days the models never saw: positive is better than the naive forecast,
        negative is worse. On this setup the default model (a Poisson GLM with the lag features) has the
        lowest deviance of the three and is the only one that beats both naive forecasts; the boosted
        trees and the model without lags do worse than the last seven days (`vs persistence`
        negative). Its notes say what it left out: the seasonal level (fewer than 365 training days
        have a year of history before them) and the first 28 days of each zone.

        Read such a table before you trust a model: had the last seven days predicted tomorrow as well,
        you would plan with the simple forecast and say so. The result holds for this synthetic setup;
        check it again on your own data. Even a good model gives an *expected* number of departures
        per zone and day with a large spread: enough to decide where rescue capacity should be ready,
        never to anticipate a particular boat.
        """
    ),
    md("### Exercise 6.3: the busiest week"),
    code(
        """
        year = mr.synthetic.generate_scenario("central-med-2023", seed=7)
        sfax = year.departures[year.departures["zone_id"] == "tn_sfax"].copy()
        sfax["week"] = sfax["date"].dt.tz_localize(None).dt.to_period("W")  # UTC days, as periods
        weekly = sfax.groupby("week")["departures"].sum()
        busiest = weekly.idxmax()
        wx = year.weather[year.weather["region"] == "tn_sfax"].copy()
        wx["week"] = wx["date"].dt.tz_localize(None).dt.to_period("W")
        print(f"busiest week {busiest}: {weekly.max()} boats")
        print(f"mean Hs that week {wx.loc[wx['week'] == busiest, 'hs_m'].mean():.2f} m; year median {wx['hs_m'].median():.2f} m")
        """
    ),
    md(
        """
        Busy weeks are calm weeks in the season of high departures. For planning: have capacity ready
        on the Sfax–Lampedusa route during calm spells in summer, and expect bursts. Do not claim to
        predict a particular day's departures, and never present the numbers as a description of the
        people who travel.
        """
    ),
]


# =========================================================================== #
# 07 Producing the report
# =========================================================================== #

NB07 = "07-report"

NB07_SETUP = """
import re
"""

NB07_CELLS = [
    md(
        """
        # 7. Producing the report for a period, and presenting it

        **Learning objectives.** By the end of this notebook you can

        1. build the self-contained HTML report from Python and from the command line;
        2. restrict it to a **period** and to your own data (or a generated scenario);
        3. check what the report shows and what it suppresses (small counts, escaped text);
        4. prepare a short, responsible presentation of its findings.

        **Time:** about 40 minutes, plus the presentation exercise. **Data:** the bundled synthetic
        sample and a generated scenario.
        """
    ),
    setup_cell("07", NB07_SETUP),
    md(
        """
        ## 7.1 One call, one file

        `build_report` runs the whole pipeline of notebooks 1–5 and writes one HTML file with its
        styles and images inline: it opens offline and can be mailed or archived as one file. With no
        data argument it uses the bundled sample. We write it to a temporary folder.
        """
    ),
    code(
        """
        report = mr.report.build_report(out=OUT / "sample-report.html")
        html = report.read_text(encoding="utf-8")
        print(report.name, f"{len(html) / 1e6:.1f} MB")
        """
    ),
    md(
        """
        Open it in a browser (the path is printed below). Its sections:
        """
    ),
    code(
        """
        print(report)
        headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html, flags=re.S)
        [re.sub(r"<[^>]+>", "", h).strip() for h in headings]
        """
    ),
    md(
        """
        ## 7.2 Is it really self-contained?

        Nothing may be fetched from the network when the file is opened: no external scripts, styles
        or images.
        """
    ),
    code(
        """
        external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
        print("external resources loaded:", [u for u in external if not u.startswith("https://doi.org")])
        print("inline images:", html.count("data:image/png;base64"))
        """
    ),
    md(
        """
        ## 7.3 What is suppressed

        Counts of people, voyages and incidents from 1 to `min_count - 1` (default 5) are printed as
        `<5` in tables: a small count can identify a boat, its passengers or its rescuers. Raise the
        threshold for a wider audience:
        """
    ),
    code(
        """
        strict = mr.report.build_report(out=OUT / "sample-report-min10.html", min_count=10)
        strict_html = strict.read_text(encoding="utf-8")
        print("cells shown as <5:", html.count("&lt;5"), "| cells shown as <10:", strict_html.count("&lt;10"))
        """
    ),
    md(
        """
        ## 7.4 A period, and other data

        `period="START:END"` (UTC, both days included) restricts the report; `positions=` and
        `incidents=` take your own files (any format `mr.io` reads); `scenario=` takes a folder written
        by `Scenario.write()` or `medroutes generate`.
        """
    ),
    code(
        """
        first_week = mr.report.build_report(
            out=OUT / "first-week.html", period="2023-08-01:2023-08-07", title="Sample, first week of August 2023"
        )
        print(first_week.name, "written")
        """
    ),
    md(
        """
        The same from the command line (`medroutes report --help` lists every option); here called
        from Python with `mr.cli.main`, exactly as the `medroutes` command would run it:
        """
    ),
    code(
        """
        exit_code = mr.cli.main(["report", "--period", "2023-08-08:2023-08-14", "--out", str(OUT / "second-week.html"), "--quiet"])
        print("exit code", exit_code)
        """
    ),
    md(
        """
        ## 7.5 Presenting it

        A checklist for the briefing:

        1. **Say what the data are**: period, sources, what was dropped and why (the quality section),
           and that synthetic data are invented.
        2. **Show intervals**, not only categories; name the `Insufficient data` units as such.
        3. **Say what cannot be seen**: boats without AIS, unrecorded deaths (counts are minimums).
        4. **Keep to places, routes and times.** Never attach a category to people or nationalities.
        5. **State the purpose**: protecting life at sea. The duty to assist anyone in distress, human
           rights and non-refoulement apply to every operation informed by the report.
        6. **Credit the data** and keep small-count suppression on.

        ## Exercises

        ### Exercise 7.1: your period

        Build a report for 4–10 August 2023 with `min_count=10` and a title of your choice. Check that
        its period is the one you asked for, and count the suppressed cells.
        """
    ),
    code("# your answer here"),
    md(
        """
        ### Exercise 7.2: a winter report

        Generate the `rough-winter` scenario, write it to a folder in `OUT`, and build its report with
        `scenario=`. Compare its risk categories with the summer sample's.
        """
    ),
    code("# your answer here"),
    md(
        """
        ### Exercise 7.3: a five-minute briefing (discussion)

        Prepare three talking points from the sample report for a search-and-rescue coordination
        meeting, following the checklist. Then list two things from the report you would **not** put
        on a slide, and why. (No code.)
        """
    ),
    md("*Your answer here.*"),
    md(
        """
        ## Summary

        - One call (or one command) builds one self-contained file for a period.
        - Small counts are suppressed; raise `min_count` for wider audiences.
        - Present intervals, limits and purpose with every finding.

        This is the end of the course. The documentation's *Responsible use and limitations* page and
        the trainer's guide have more discussion material.
        """
    ),
]

NB07_SOL = [
    md(
        """
        # Solutions: 7. Producing the report

        Run the set-up cell first; each solution stands alone.
        """
    ),
    setup_cell("07s", NB07_SETUP),
    md("### Exercise 7.1: your period"),
    code(
        """
        mine = mr.report.build_report(
            out=OUT / "aug-4-10.html", period="2023-08-04:2023-08-10", min_count=10, title="Central Med, 4-10 Aug 2023 (synthetic)"
        )
        text = mine.read_text(encoding="utf-8")
        assert "4-10 Aug 2023 (synthetic)" in text
        print("2023-08-04" in text, "2023-08-10" in text)
        print("cells suppressed as <10:", text.count("&lt;10"))
        """
    ),
    md("### Exercise 7.2: a winter report"),
    code(
        """
        winter = mr.synthetic.generate_scenario("rough-winter", seed=7)
        folder = winter.write(OUT / "rough-winter")
        winter_report = mr.report.build_report(scenario=folder, out=OUT / "rough-winter.html")

        sample = mr.datasets.load_sample()
        summer_res = mr.risk.score_risk(sample.voyages, sample.incidents, weather=sample.weather, assets=sample.positions)
        winter_res = mr.risk.score_risk(winter.voyages, winter.incidents, weather=winter.weather, assets=winter.positions)
        summer = summer_res.zones.set_index("unit_id")[["category"]].add_suffix(" (August)")
        summer.join(winter_res.zones.set_index("unit_id")[["category"]].add_suffix(" (winter)"), how="outer")
        """
    ),
    md(
        """
        ### Exercise 7.3: a five-minute briefing (discussion)

        Example talking points: (1) in the period, most crossings left from the Sfax–Mahdia coast for
        Lampedusa; the risk there is *High* with its interval, driven by the number of departures; (2)
        western Libya has fewer departures but longer crossings in more dangerous boats; (3) several
        zones and most route segments are *Insufficient data*: we cannot say they are safe. Purpose:
        where to have rescue capacity ready.

        Not on a slide: individual incidents with dates and small counts (they identify people and
        rescuers); anything presented as a statement about nationalities or groups; categories without
        their intervals; synthetic figures presented as real.
        """
    ),
]


NOTEBOOKS: dict[str, tuple[list, list]] = {
    NB01: (NB01_CELLS, NB01_SOL),
    NB02: (NB02_CELLS, NB02_SOL),
    NB03: (NB03_CELLS, NB03_SOL),
    NB04: (NB04_CELLS, NB04_SOL),
    NB05: (NB05_CELLS, NB05_SOL),
    NB06: (NB06_CELLS, NB06_SOL),
    NB07: (NB07_CELLS, NB07_SOL),
}


def _ruff(paths: list[Path]) -> None:
    """Tidy the written notebooks as the repository's ruff settings want (unused imports, format)."""
    ruff = Path(sys.executable).with_name("ruff")
    if not ruff.exists() or not paths:
        print("ruff not found next to this Python: notebooks left unformatted", file=sys.stderr)
        return
    files = [str(p) for p in paths]
    subprocess.run([str(ruff), "check", "--quiet", "--fix", "--select", "F401,I001", *files], check=False)
    subprocess.run([str(ruff), "format", "--quiet", *files], check=True)


def main(argv: list[str]) -> int:
    NB_DIR.mkdir(exist_ok=True)
    SOL_DIR.mkdir(exist_ok=True)
    written: list[Path] = []
    for name, (cells, solutions) in NOTEBOOKS.items():
        if argv and not any(name.startswith(a) for a in argv):
            continue
        for nb, path in ((cells, NB_DIR / f"{name}.ipynb"), (solutions, SOL_DIR / f"{name}-solutions.ipynb")):
            nbformat.write(notebook(nb), path)
            written.append(path)
        print(f"wrote notebooks/{name}.ipynb and notebooks/solutions/{name}-solutions.ipynb")
    _ruff(written)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
