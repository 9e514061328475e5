"""Several committers on one bus (two journals on one simulation): when a later one refuses a
batch an earlier one took, the retry must not hand the earlier one those events again."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from simulator.engine import CommitError, Event, Simulator
from simulator.journal import Journal

SHORT = 0.05  # seconds a locked journal is waited for


class _Refusing:
    """A committer that refuses its first ``refusals`` batches, then takes every batch."""

    def __init__(self, refusals: int = 0) -> None:
        self.refusals = refusals
        self.seen: list[int] = []

    def __call__(self, events: Sequence[Event]) -> None:
        if self.refusals:
            self.refusals -= 1
            raise OSError("disk full")
        self.seen += [event.seq for event in events]


def test_a_retry_after_a_partial_commit_gives_each_committer_each_event_once(sim: Simulator):
    first, second = _Refusing(), _Refusing(refusals=1)
    sim.bus.add_committer(first)
    sim.bus.add_committer(second)
    told: list[CommitError] = []
    sim.bus.on_commit_error = told.append
    delivered: list[int] = []
    sim.subscribe(lambda event: delivered.append(event.seq))
    assert sim.login().ok  # events 1-2: the first committer takes them, the second refuses
    assert delivered == [] and len(told) == 1 and first.seen == [1, 2]
    assert sim.set_agent_state("ready").ok  # the retry: both steps' events
    assert second.seen == delivered == [1, 2, 3]
    assert first.seen == [1, 2, 3], "the first committer was given events 1-2 twice"
    assert sim.bus.held is None


def _lock(path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_two_journals_one_locked_for_a_while_both_get_every_event_once(sim, tmp_path):
    # With the old retry the free journal was handed event 1 again: its primary key refused it,
    # and every later flush failed the same way: the run held its events for ever.
    free = Journal.open(tmp_path / "free.sqlite3", busy_timeout=SHORT)
    locked_path = tmp_path / "locked.sqlite3"
    locked = Journal.open(locked_path, busy_timeout=SHORT)
    free.attach(sim)
    locked.attach(sim)
    delivered: list[int] = []
    sim.subscribe(lambda event: delivered.append(event.seq))
    other = _lock(locked_path)
    try:
        try:
            sim.login()
        except CommitError:
            pass
        else:
            raise AssertionError("the locked journal did not refuse the batch")
    finally:
        other.close()
    assert delivered == []
    assert sim.set_agent_state("ready").ok
    assert delivered == [1, 2, 3] and sim.bus.held is None
    assert [e.seq for e in free.events()] == [1, 2, 3]
    assert [e.seq for e in locked.events()] == [1, 2, 3]
    free.close()
    locked.close()
