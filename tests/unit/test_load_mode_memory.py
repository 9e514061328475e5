"""Load mode keeps no earlier repeat alive: ``adsim run --repeat 1000000`` runs in flat memory.

Each repeat is a fresh simulator rebound to the one host and journal; what the earlier repeats
leave behind is a count and their failures, never their simulators, events or every call.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from simulator.engine.bus import EventBus
from tests.unit.load_series import load_series

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
    where = journal if journal == ":memory:" else str(tmp_path / "journal.sqlite3")
    with load_series(tmp_path, HANDLER, where) as load:
        load.run(5)
        before = _live_buses()
        report = load.run(45)
        after = _live_buses()
    assert report.runs == 45
    # Without the fix each repeat's bus (and every event it carried) stayed: 45 more.
    assert after <= before
    # What the earlier repeats leave is still in the summary: every call counted, every failure.
    assert load.code == 1
    assert "handlers: 5 of 50 calls failed (5 error)" in load.err.getvalue()
