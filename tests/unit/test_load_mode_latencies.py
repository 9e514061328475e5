"""Load mode's handler latencies are counted, not kept one float per call (a million repeats of
15 calls kept ~480 MB of them), and the summary's percentiles are the same."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from simulator.cli import build_parser
from simulator.handlers.host_series import HostSeries
from simulator.scenarios import parse_scenario, run_load
from simulator.scenarios.load_mode import Latencies, percentile

FLOW = "steps:\n  - call\n  - accept\n  - wait: 1m\n  - hang_up\n  - complete\n"
EVERY_EVENT = """
NAMES = ["ON_AGENT_STATE_CHANGE", "ON_NEW_INTERACTION", "ON_INTERACTION_STATE_CHANGE",
         "ON_INTERACTION_REMOVED", "ON_SAVE_ACTIVITY_RECORD"]

def seen(*args):
    return None

def register(ad_api):
    for name in NAMES:
        ad_api.on(name, seen)
"""


@pytest.mark.parametrize("seed", range(5))
def test_the_counts_give_the_percentiles_the_values_give(seed: int) -> None:
    rng = random.Random(seed)
    values = [rng.choice((rng.uniform(0, 2), rng.expovariate(0.05))) for _ in range(2000)]
    values += [0.05, 0.15, 0.25, 1.45, 2.55]  # halfway in decimal, not in binary
    counted = Latencies.of(values)
    assert len(counted) == len(values)
    for p in (1, 50, 95, 99, 100):
        assert f"{counted.percentile(p):.1f}" == f"{percentile(values, p):.1f}", p
    assert f"{counted.max():.1f}" == f"{max(values):.1f}"
    assert Latencies().percentile(50) is None and Latencies().max() is None


def test_a_load_run_keeps_a_count_per_tenth_of_a_millisecond_not_a_float_per_call(
    tmp_path: Path,
) -> None:
    handler = tmp_path / "every.py"
    handler.write_text(EVERY_EVENT, encoding="utf-8")
    options = ["--no-entry-points", "--handler-isolation", "thread", "--journal", ":memory:"]
    args = build_parser().parse_args(["run", "s.yaml", *options, "--handler", str(handler)])
    series = HostSeries(args, {"command": "test"}, stderr=io.StringIO())
    source = parse_scenario(FLOW, "s.yaml")
    try:
        report = run_load(source, repeat=30, host_factory=series.build, close_host=series.end_run)
    finally:
        series.finish()
    latencies = report.latencies_ms
    assert len(latencies) == sum(latencies.counts.values()) >= 30 * 5
    # One entry per distinct tenth of a millisecond, whatever the number of calls.
    assert all(round(value, 1) == value for value in latencies.counts)
    assert len(latencies.counts) <= round(latencies.max() * 10) + 1
