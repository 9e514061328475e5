"""A load run whose handler fails every call keeps a count of the failures, not each one: the
summary says how many failed (by status) and shows the first, in flat memory."""

from __future__ import annotations

import gc
from pathlib import Path

from simulator.handlers import HandlerOutcome
from simulator.handlers.host import state
from tests.unit.load_series import load_series

HANDLER = """
def on_save(activity):
    raise ValueError("the CRM refused " + activity.interaction_id)

def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", on_save)
"""
KEPT = 3


def _live_outcomes() -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, HandlerOutcome))


def test_earlier_failures_are_counted_not_kept(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(state, "FAILURES_KEPT", KEPT)
    with load_series(tmp_path, HANDLER) as load:
        load.run(2 * KEPT)
        before = _live_outcomes()
        report = load.run(10 * KEPT)
        after = _live_outcomes()
    assert report.runs == 10 * KEPT
    # Without the cap each failed call stayed (with its traceback): 10 * KEPT more.
    assert after <= before, (before, after)
    # Every failure still counted, the first ones shown.
    assert load.code == 1
    text = load.err.getvalue()
    total = 12 * KEPT
    assert f"handlers: {total} of {total} calls failed ({total} error)" in text
    assert text.count("the CRM refused") == KEPT + 1  # the kept ones and the last run's
    assert f"... and {total - KEPT - 1} more (adsim journal export)" in text


def test_incidents_are_counted_and_the_summary_shows_the_first(monkeypatch) -> None:
    """A plugin whose process dies between calls every few repeats: each death was kept and
    printed, one summary line each (a load run of 100,000 repeats: ~33,000 lines)."""
    from simulator.engine import Simulator
    from simulator.handlers import HandlerHost
    from simulator.handlers.run_summary import summary

    monkeypatch.setattr(state, "FAILURES_KEPT", KEPT)
    host = HandlerHost(Simulator(seed=1), journal=None, isolation="process")
    try:
        for number in range(50):
            host.add_incident(
                f"plugin p: its process exited with status 5 between calls ({number})"
            )
    finally:
        host.close()
    assert host.incident_count == 50
    assert len(host.incidents) == KEPT
    lines = summary(host)
    assert lines[0] == "handlers: 0 of 0 calls failed; 50 plugin process problem(s)"
    assert lines[1:] == [
        *(f"  {text}" for text in host.incidents),
        f"  ... and {50 - KEPT} more plugin process problem(s)",
    ]


BARE = """
import os

def on_save(activity):
    if activity.interaction_id.endswith(("0", "2", "4", "6", "8", "A", "C", "E")):
        raise KeyboardInterrupt
    os._exit(7)

def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", on_save)
"""


def test_a_failed_call_in_the_report_names_its_plugin_and_says_its_status_once(
    tmp_path: Path,
) -> None:
    """The load report's lines read as the summary's: ``crashed crashed: the plugin's
    process ...`` said the status twice, a bare ``raise KeyboardInterrupt`` ended in a colon
    with nothing after it, and the plugin was not named."""
    with load_series(tmp_path, BARE, isolation="process") as load:
        report = load.run(6)
    assert report.errors, load.err.getvalue()
    shapes = set()
    for line in report.errors:
        assert line.startswith("run "), line
        assert ": handler plugin:on_save on ON_SAVE_ACTIVITY_RECORD: " in line, line
        assert "crashed crashed" not in line and not line.endswith(":"), line
        if line.endswith(": error: KeyboardInterrupt"):
            shapes.add("interrupt")
        elif ": crashed: the plugin's process exited with status 7 during this call" in line:
            shapes.add("crash")
    assert shapes == {"interrupt", "crash"}, report.errors
