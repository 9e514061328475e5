"""In a series (``--repeat N``) the failure lines on stderr say which run they came in: the
summary's failed calls, ``--trace-handlers`` and the plugins' incidents (they read alike for
every run, and the stdout summary's ``run 2: ...`` could not be matched with them)."""

from __future__ import annotations

import io
from pathlib import Path

from simulator.cli import build_parser
from simulator.handlers.host_series import HostSeries
from simulator.scenarios import parse_scenario, run_load
from tests.unit.load_series import FLOW, load_series

SECOND_FAILS = """
calls = []

def on_save(activity):
    calls.append(activity)
    if len(calls) == 2:
        raise ValueError("the CRM refused the second")

def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", on_save)
"""


def test_the_summary_says_the_run_of_each_failed_call(tmp_path: Path) -> None:
    with load_series(tmp_path, SECOND_FAILS) as load:
        report = load.run(3)
    assert report.runs == 3
    assert load.code == 1
    lines = load.err.getvalue().splitlines()
    assert "adsim: handlers: 1 of 3 calls failed (1 error)" in lines
    failed = [line for line in lines if "the CRM refused" in line]
    assert len(failed) == 1
    assert failed[0].startswith("adsim:   run 2: #13 ON_SAVE_ACTIVITY_RECORD -> plugin:on_save")


LAST_FAILS = """
calls = []

def on_save(activity):
    calls.append(activity)
    if len(calls) == 3:
        raise ValueError("the CRM refused the last")

def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", on_save)
"""


def test_a_failed_call_of_the_last_run_says_its_run_too(tmp_path: Path) -> None:
    """The summary is written once the series is over: a failure of its last run lost its
    ``run 3: ``, and read as one outside the series."""
    with load_series(tmp_path, LAST_FAILS) as load:
        load.run(3)
    assert load.code == 1
    failed = [line for line in load.err.getvalue().splitlines() if "refused the last" in line]
    assert len(failed) == 1
    assert failed[0].startswith("adsim:   run 3: #13 ON_SAVE_ACTIVITY_RECORD -> plugin:on_save")


def test_the_trace_says_the_run_of_each_call(tmp_path: Path) -> None:
    path = tmp_path / "plugin.py"
    path.write_text(SECOND_FAILS, encoding="utf-8")
    options = ["--no-entry-points", "--handler-isolation", "thread", "--journal", ":memory:"]
    args = build_parser().parse_args(
        ["run", "s.yaml", *options, "--handler", str(path), "--trace-handlers"]
    )
    err = io.StringIO()
    series = HostSeries(args, {"command": "test"}, stderr=err)
    try:
        run_load(
            parse_scenario(FLOW, "s.yaml"),
            repeat=3,
            host_factory=series.build,
            close_host=series.end_run,
        )
    finally:
        series.finish()
    traced = [line for line in err.getvalue().splitlines() if "calls failed" not in line]
    assert [line.split(" #")[0] for line in traced[:3]] == [
        "adsim: run 1:",
        "adsim: run 2:",
        "adsim: run 3:",
    ]
    assert " error in " in traced[1]


def test_an_incident_of_a_series_says_its_run() -> None:
    from simulator.engine import Simulator
    from simulator.handlers import HandlerHost

    host = HandlerHost(Simulator(seed=1), journal=None, isolation="thread")
    try:
        host.add_incident("plugin p: a thread still running at the end")
        host.run_number = 4
        host.add_incident("plugin p: a thread still running at the end")
    finally:
        host.close()
    # Outside a series (one run) nothing changes; in one, the run is said.
    assert host.incidents == [
        "plugin p: a thread still running at the end",
        "run 4: plugin p: a thread still running at the end",
    ]
