"""Scenario configuration files: shipped, documented, validated, round-tripped."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from importlib import resources

import numpy as np
import pytest

import medroutes.synthetic as syn
from medroutes.errors import ConfigError
from medroutes.synthetic._outcomes import _match_sizes, systematic_sample, victim_pmf

REQUIRED = {
    "central-med-2022",
    "central-med-2023",
    "central-med-2024",
    "calm-summer-week",
    "rough-winter",
    "sample",
}


def test_shipped_scenarios_load():
    names = syn.list_scenarios()
    assert REQUIRED <= set(names)
    for n in names:
        cfg = syn.load_config(n)
        assert cfg.name == n
        assert sum(cfg.monthly_shares) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_every_field_is_documented_with_a_comment(name):
    text = (
        resources.files("medroutes.synthetic").joinpath(f"scenarios/{name}.toml").read_text(encoding="utf-8")
    )
    data = tomllib.loads(text)
    lines = text.splitlines()
    scalar_keys = {
        k
        for table in ("scenario", "outcomes", "weather", "departures", "positions", "routes")
        for k in data[table]
    }
    for key in scalar_keys:
        line = next(ln for ln in lines if re.match(rf"^{key}\s*=", ln))
        has_comment = "#" in line or any(
            lines[i - 1].startswith("#") for i, ln in enumerate(lines) if ln is line
        )
        assert has_comment, f"{name}: field {key!r} has no comment"
    assert "calibration.md" in text


def test_toml_round_trip(tmp_path):
    cfg = syn.load_config("central-med-2023")
    path = tmp_path / "c.toml"
    path.write_text(syn.config_to_toml(cfg), encoding="utf-8")
    assert syn.load_config(path) == cfg
    changed = dataclasses.replace(cfg, days=30, positions=dataclasses.replace(cfg.positions, mode="sample"))
    path.write_text(syn.config_to_toml(changed), encoding="utf-8")
    assert syn.load_config(path) == changed


def test_unknown_scenario_lists_the_shipped_ones():
    with pytest.raises(ConfigError, match=r"unknown scenario 'nope'.*central-med-2022"):
        syn.load_config("nope")
    with pytest.raises(ConfigError, match="does not exist"):
        syn.load_config("missing-file.toml")


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (("days = 365", "days = 0"), "scenario.days"),
        (('mode = "none"', 'mode = "some"'), "positions.mode"),
        (("ar1 = 0.7", "ar1 = 1.5"), "weather.ar1"),
        (("persons = [90, 140]", "persons = [140, 90]"), "boats.rubber_dinghy.persons"),
        (("share = 1.0", "share = 0.7"), "shares must sum to 1"),
        (("grid_km = 8.0", "grid_km = 8.0\nspeed = 3"), r"\[routes\]: unknown key"),
        (("it_sicily_se = 0.06", "xx_nowhere = 0.06"), "not an arrival zone"),
        (('start = "2023-01-01"', 'start = "2023-13-01"'), "ISO date"),
        (("loss_rate = 0.0114", "loss_rate = -0.1"), "outcomes.loss_rate"),
    ],
)
def test_invalid_values_name_the_field(edit, match, tmp_path):
    text = (
        resources.files("medroutes.synthetic")
        .joinpath("scenarios/central-med-2023.toml")
        .read_text(encoding="utf-8")
    )
    old, new = edit
    assert old in text
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=match):
        syn.load_config(path)


def test_not_toml_is_a_config_error(tmp_path):
    p = tmp_path / "x.toml"
    p.write_text("this is = = not toml")
    with pytest.raises(ConfigError, match="not valid TOML"):
        syn.load_config(p)


def test_victim_pmf_matches_the_published_shape():
    o = syn.load_config("central-med-2023").outcomes
    pmf = victim_pmf(o)
    s = np.arange(1, len(pmf) + 1)
    cdf = np.cumsum(pmf)
    assert cdf[-1] == pytest.approx(1.0)
    assert pmf[0] == pytest.approx(0.32)  # 32 % exactly one victim (calibration.md s.3)
    median = s[np.searchsorted(cdf, 0.5)]
    p90 = s[np.searchsorted(cdf, 0.9)]
    p99 = s[np.searchsorted(cdf, 0.99)]
    assert 3 <= median <= 6 and 40 <= p90 <= 55 and 150 <= p99 <= 350
    tail_share = (pmf * s)[s >= 50].sum() / (pmf * s).sum()
    assert 0.55 <= tail_share <= 0.8  # 66 % published


def test_systematic_sample_keeps_each_marginal_probability():
    rng = np.random.default_rng(0)
    h = rng.uniform(0, 0.3, 50)
    hits = np.zeros(50)
    counts = []
    reps = 4000
    for _ in range(reps):
        sel = systematic_sample(h, rng)
        hits += sel
        counts.append(sel.sum())
    assert np.abs(hits / reps - h).max() < 0.03  # binomial sd at most 0.007
    assert set(counts) <= {int(np.floor(h.sum())), int(np.ceil(h.sum()))}


def test_matched_victim_counts_never_exceed_persons_aboard():
    o = syn.load_config("central-med-2023").outcomes
    rng = np.random.default_rng(1)
    persons = rng.integers(20, 700, 300)
    v = _match_sizes(victim_pmf(o), persons, rng)
    assert (v >= 1).all() and (v <= persons).all()
    # larger counts go to more crowded boats
    assert np.corrcoef(np.log(persons), np.log(v))[0, 1] > 0.5
