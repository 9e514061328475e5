"""Load mode keeps no earlier repeat alive: ``adsim run --repeat 1000000`` runs in flat memory.

Each repeat is a fresh simulator rebound to the one host and journal; what the earlier repeats
leave behind is a count and their failures, never their simulators, events or every call.
"""

from __future__ import annotations

import gc
import io
from pathlib import Path

import pytest

from simulator.cli import build_parser
from simulator.engine.bus import EventBus
from simulator.handlers.cli_options import HostSeries
from simulator.scenarios import parse_scenario, run_load

FLOW = "steps:\n  - call\n  - accept\n  - wait: 1m\n  - hang_up\n  - complete\n"
HANDLER = """
calls = []

def on_save(activity):
    calls.append(activity.interaction_id)
    if len(calls) % 10 == 0:
        raise ValueError(f"call {len(calls)}")

def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", on_save)
"""


def _live_buses() -> int:
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, EventBus))


@pytest.mark.parametrize("journal", [":memory:", "file"])
def test_earlier_repeats_are_let_go(tmp_path: Path, journal: str) -> None:
    handler = tmp_path / "save.py"
    handler.write_text(HANDLER, encoding="utf-8")
    where = journal if journal == ":memory:" else str(tmp_path / "journal.sqlite3")
    options = ["--no-entry-points", "--handler-isolation", "thread", "--journal", where]
    args = build_parser().parse_args(["run", "s.yaml", *options, "--handler", str(handler)])
    err = io.StringIO()
    series = HostSeries(args, {"command": "test"}, stderr=err)
    source = parse_scenario(FLOW, "s.yaml")
    kwargs = {"host_factory": series.build, "close_host": series.end_run}
    try:
        run_load(source, repeat=5, **kwargs)
        before = _live_buses()
        report = run_load(source, repeat=45, **kwargs)
        after = _live_buses()
    finally:
        code = series.finish()
    assert report.runs == 45
    # Without the fix each repeat's bus (and every event it carried) stayed: 45 more.
    assert after <= before
    # What the earlier repeats leave is still in the summary: every call counted, every failure.
    assert code == 1
    assert "handlers: 5 of 50 calls failed (5 error)" in err.getvalue()
