"""A scenario run commits its journal when a handler is about to get an event (and at its end),
not at every step: still nothing reaches a handler before the journal has it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.journal import Journal
from simulator.scenarios import ScenarioRunner, load_scenario

SCENARIO = Path(__file__).resolve().parents[2] / "fixtures/scenarios/inbound_acw_disposition.yaml"
SHORT = 0.05  # seconds a locked journal is waited for in these tests


class _CountingJournal(Journal):
    """A journal that keeps the size of each transaction of events it committed."""

    transactions: list[int]

    def commit(self, events) -> None:
        super().commit(events)
        self.transactions.append(len(events))


def _journal(path: Path, **options) -> _CountingJournal:
    journal = Journal.open(path, **options)
    journal.__class__ = _CountingJournal
    assert isinstance(journal, _CountingJournal)
    journal.transactions = []
    return journal


def _rows(journal: Journal) -> list[tuple]:
    return [(e.seq, e.time_ms, e.name, e.interaction_id, e.args) for e in journal.events()]


def _wire(events) -> list[tuple]:
    return [(e.seq, e.time_ms, e.name.value, e.interaction_id, list(e.wire_args)) for e in events]


def _run(journal: Journal, register=None):
    def build(sim: Simulator) -> HandlerHost:
        host = HandlerHost(sim, timeout=5, journal=journal)
        if register is not None:
            register(host.ad_api("plugin"))
        return host

    runner = ScenarioRunner(
        load_scenario(SCENARIO), host_factory=build, close_host=lambda host: host.close()
    )
    return runner.run()


def test_a_run_commits_before_its_save_handler_and_the_handler_sees_it_journaled(tmp_path):
    path = tmp_path / "j.sqlite3"
    journal = _journal(path)
    observer = sqlite3.connect(path, check_same_thread=False)  # sees committed rows only
    committed_when_saved: list[int] = []

    def register(ad_api) -> None:
        def save(activity) -> None:
            count = observer.execute("SELECT count(*) FROM events").fetchone()[0]
            committed_when_saved.append(count)

        ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)

    result = _run(journal, register)
    assert result.exit_code == 0, result.failures
    save_seq = next(e.seq for e in result.events if e.name.value == "ON_SAVE_ACTIVITY_RECORD")
    # The steps before the save's and the save's whole step: one transaction, then delivered.
    assert len(committed_when_saved) == 1 and committed_when_saved[0] >= save_seq
    assert journal.transactions[0] == committed_when_saved[0]
    assert len(journal.transactions) <= 2, "then what followed the save's step (if anything)"
    assert _rows(journal) == _wire(result.events)
    observer.close()
    journal.close()


def test_a_run_whose_handlers_get_nothing_has_every_event_journaled_at_its_end(tmp_path):
    journal = _journal(tmp_path / "j.sqlite3")
    result = _run(journal)
    assert result.exit_code == 0, result.failures
    assert journal.transactions == [len(result.events)], "one transaction, at the run's end"
    assert _rows(journal) == _wire(result.events)
    journal.close()


def test_events_nobody_gets_wait_for_at_most_the_defer_limit(tmp_path, monkeypatch):
    monkeypatch.setattr("simulator.engine.bus.DEFER_LIMIT", 4)
    journal = _journal(tmp_path / "j.sqlite3")
    result = _run(journal)
    assert result.exit_code == 0, result.failures
    assert len(journal.transactions) > 1
    # At most the limit delivered before a commit, plus the step that reached it.
    assert max(journal.transactions) <= 4 + 3
    assert sum(journal.transactions) == len(result.events)
    journal.close()


def test_the_window_and_your_own_driver_still_commit_every_step(sim, tmp_path):
    journal = _journal(tmp_path / "j.sqlite3")
    journal.attach(sim)
    assert sim.login().ok
    assert journal.transactions == [2], "committed at once: no runner commits later"
    journal.close()


def test_a_commit_refused_after_lazy_steps_stops_the_run_and_no_handler_saw_more(tmp_path):
    taken_on = "ON_NEW_INTERACTION"
    path = tmp_path / "j.sqlite3"
    journal = _journal(path, busy_timeout=SHORT)
    locked: list[sqlite3.Connection] = []
    seen: list[str] = []

    def register(ad_api) -> None:
        def take_the_lock(*args) -> None:
            seen.append(taken_on)
            if not locked:  # another process starts writing: the next commit fails
                other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
                other.execute("BEGIN IMMEDIATE")
                locked.append(other)

        ad_api.on(taken_on, take_the_lock)
        ad_api.on("ON_INTERACTION_REMOVED", lambda *args: seen.append("later"))

    try:
        result = _run(journal, register)
    finally:
        for other in locked:
            other.close()
    assert result.exit_code == 1 and result.journal_failed
    assert str(path) in result.error.message and "locked" in result.error.message
    assert seen == [taken_on], "no handler got an event after the refused commit"
    journaled = [e.seq for e in journal.events()]
    taken_seq = next(e.seq for e in result.events if e.name.value == taken_on)
    # The new interaction's whole step was committed before the handler got it; nothing after.
    assert journaled == list(range(1, len(journaled) + 1)) and taken_seq <= len(journaled)
    assert len(journaled) < len(result.events), "the later steps never reached the journal"
    # The steps that waited for this commit went to no one outside the run; its own record has
    # them, and the error says so rather than "nothing from #N on reached ... a subscriber".
    first = len(journaled) + 1
    waited = [e.seq for e in result.events if e.seq >= first]
    held_from = result.error.message.split("nothing from event #")[1].split(" ")[0]
    assert held_from == str(first)
    assert result.error.message.endswith(
        f"(only the run's own record of events has #{first}-#{waited[-1]})"
    ), result.error.message
    journal.close()
