"""A scenario run's outcome and answer rows go into its next commit of events (or are written at
its end): no transaction of their own on the handler's reply path, each row with its own run's id,
and one that cannot be written still stops the run with one line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.journal import Journal, JournalWriteError
from simulator.scenarios import ScenarioRunner, load_scenario
from tests.unit.journal_fakes import FakeEvent, fake_outcome

SCENARIO = Path(__file__).resolve().parents[2] / "fixtures/scenarios/inbound_acw_disposition.yaml"


def _lazy(journal: Journal, sim: Simulator) -> None:
    """``sim`` attached as a scenario run has it: its bus commits lazily."""
    sim.bus.lazy_commits = True
    journal.attach(sim)


def _refuse_outcomes(path: Path) -> None:
    """Another connection makes every later outcome insert fail (the events still go in)."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute(
        "CREATE TRIGGER refuse BEFORE INSERT ON outcomes BEGIN SELECT RAISE(ABORT, 'refused'); END"
    )
    other.close()


def test_a_scenario_runs_outcomes_are_written_with_its_next_commit_of_events(tmp_path):
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    statements: list[str] = []
    journal._db.set_trace_callback(statements.append)

    def build(sim: Simulator) -> HandlerHost:
        host = HandlerHost(sim, timeout=5, journal=journal)
        host.ad_api("plugin").on("ON_SAVE_ACTIVITY_RECORD", lambda activity: "saved")
        host.ad_api("plugin").on("ON_NEW_INTERACTION", lambda interaction: None)
        return host

    runner = ScenarioRunner(load_scenario(SCENARIO), host_factory=build)
    result = runner.run()
    assert result.exit_code == 0, result.failures
    journal.flush()  # the run's end (the CLI's finish_run does it)
    transactions: list[list[str]] = []
    for sql in statements:
        if sql.startswith("BEGIN"):
            transactions.append([])
        elif transactions and not sql.startswith(("COMMIT", "ROLLBACK")):
            transactions[-1].append(sql)
        elif sql.startswith("INSERT INTO outcomes"):
            pytest.fail(f"an outcome written in a transaction of its own: {sql}")
    with_outcomes = [
        index
        for index, sql in enumerate(transactions)
        if any(s.startswith("INSERT INTO outcomes") for s in sql)
    ]
    for index in with_outcomes:  # in a commit of events, or the run end's last transaction
        assert index == len(transactions) - 1 or any(
            s.startswith("INSERT INTO events") for s in transactions[index]
        )
    assert len(journal.outcomes()) == len(result.outcomes) >= 2
    journal.close()


def test_rows_held_back_keep_their_runs_id_across_new_run(sim, tmp_path):
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    _lazy(journal, sim)
    journal.commit([FakeEvent(1)])
    first = journal.written_run_id
    journal.record_outcome(fake_outcome(1, result="first"))
    journal.record_answer(1, "first's answer")
    observer = sqlite3.connect(path)
    assert observer.execute("SELECT count(*) FROM outcomes").fetchone() == (0,), "held back"
    journal.new_run({"n": 2})
    journal.commit([FakeEvent(1)])
    second = journal.written_run_id
    assert second != first
    assert observer.execute("SELECT run_id, result FROM outcomes").fetchall() == [
        (first, '"first"')
    ]
    assert observer.execute("SELECT run_id, answer FROM events ORDER BY run_id").fetchall() == [
        (first, '"first\'s answer"'),
        (second, None),
    ]
    observer.close()
    journal.close()


def test_a_read_through_the_journal_sees_the_rows_it_holds_back(sim, tmp_path):
    journal = Journal.open(tmp_path / "j.sqlite3")
    _lazy(journal, sim)
    journal.commit([FakeEvent(1)])
    journal.record_outcome(fake_outcome(1))
    assert [o.event_seq for o in journal.outcomes()] == [1]
    journal.close()


def test_without_a_lazy_run_an_outcome_is_written_at_once(sim, tmp_path):
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    journal.attach(sim)  # the window, the demo, your own driver: nothing commits later
    journal.commit([FakeEvent(1)])
    journal.record_outcome(fake_outcome(1))
    observer = sqlite3.connect(path)
    assert observer.execute("SELECT count(*) FROM outcomes").fetchone() == (1,)
    observer.close()
    journal.close()


def test_a_held_outcome_that_cannot_be_written_stops_the_next_commit(sim, tmp_path):
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    _lazy(journal, sim)
    journal.commit([FakeEvent(1)])
    journal.record_outcome(fake_outcome(1))
    _refuse_outcomes(path)
    with pytest.raises(JournalWriteError) as caught:
        journal.commit([FakeEvent(2)])
    assert "cannot write the outcome of p:h on event #1: refused" in str(caught.value)
    assert [e.seq for e in journal.events()] == [1], "nothing of that commit was written"
    journal.commit([FakeEvent(2)])  # told once: the window's retry goes on
    assert [e.seq for e in journal.events()] == [1, 2]
    assert journal.failure is caught.value
    journal.close()


REFUSER = (
    "import os, sqlite3\n"
    "saves = []\n"
    "def register(ad_api):\n"
    "    def refuse(activity):\n"
    "        saves.append(activity)\n"
    "        if len(saves) == int(os.environ['REFUSE_AT']):\n"
    "            db = sqlite3.connect(os.environ['REFUSE_JOURNAL'], isolation_level=None)\n"
    "            db.execute('CREATE TRIGGER refuse BEFORE INSERT ON outcomes'\n"
    "                       \" BEGIN SELECT RAISE(ABORT, 'refused'); END\")\n"
    "            db.close()\n"
    "    ad_api.on('ON_SAVE_ACTIVITY_RECORD', refuse)\n"
)
"""A plugin that makes outcome inserts fail at its ``$REFUSE_AT``-th save (its own outcome on)."""


@pytest.mark.parametrize("repeat", [1, 3], ids=["one run", "load mode, the last run"])
def test_the_run_ends_with_one_line_when_its_last_outcome_cannot_be_written(
    tmp_path, monkeypatch, capsys, repeat
):
    path = tmp_path / "j.sqlite3"
    plugin = tmp_path / "refuser.py"
    plugin.write_text(REFUSER, encoding="utf-8")
    monkeypatch.setenv("REFUSE_JOURNAL", str(path))
    monkeypatch.setenv("REFUSE_AT", str(repeat))
    options = ["--journal", str(path), "--no-entry-points", "--handler-isolation", "thread"]
    repeating = ["--repeat", str(repeat)] if repeat > 1 else []
    code = main(["run", str(SCENARIO), *repeating, *options, "--handler", str(plugin)])
    err = capsys.readouterr().err
    assert code == 1, "the journal of this run is incomplete"
    lines = [line for line in err.splitlines() if "cannot write the outcome of refuser:" in line]
    assert len(lines) == 1 and str(path) in lines[0] and "incomplete" in lines[0]
    assert "Traceback" not in err


def test_in_load_mode_a_held_outcome_that_cannot_be_written_stops_the_next_run(
    tmp_path, monkeypatch, capsys
):
    path = tmp_path / "j.sqlite3"
    plugin = tmp_path / "refuser.py"
    plugin.write_text(REFUSER, encoding="utf-8")
    monkeypatch.setenv("REFUSE_AT", "1")
    monkeypatch.setenv("REFUSE_JOURNAL", str(path))
    options = ["--journal", str(path), "--no-entry-points", "--handler-isolation", "thread"]
    code = main(["run", str(SCENARIO), "--repeat", "3", *options, "--handler", str(plugin)])
    out, err = capsys.readouterr()
    assert code == 1, "a journal that failed is exit code 1, as for one run (2 is bad input)"
    stopped = [line for line in out.splitlines() if "stopped:" in line]
    assert len(stopped) == 1 and str(path) in stopped[0]
    assert "cannot write the outcome of refuser:" in stopped[0]
    assert "cannot write the outcome of refuser:" not in err, "said once, not again on stderr"
    assert "Traceback" not in err
    with Journal.open(path, writing=False) as journal:
        assert journal.outcomes() == [], "the refused outcome, and no handler ran after it"
        assert {event.run_id for event in journal.events()} == {1, 2}


def test_every_outcome_of_a_load_run_is_in_the_journal_with_its_runs_id(tmp_path, capsys):
    path = tmp_path / "j.sqlite3"
    plugin = tmp_path / "save.py"
    plugin.write_text(
        "def register(ad_api):\n"
        "    ad_api.on('ON_SAVE_ACTIVITY_RECORD', lambda activity: activity.interaction_id)\n",
        encoding="utf-8",
    )
    options = ["--journal", str(path), "--no-entry-points", "--handler-isolation", "thread"]
    assert main(["run", str(SCENARIO), "--repeat", "4", *options, "--handler", str(plugin)]) == 0
    with Journal.open(path, writing=False) as journal:
        saves = {
            (e.run_id, e.seq, e.interaction_id)
            for e in journal.events()
            if e.name == "ON_SAVE_ACTIVITY_RECORD"
        }
        outcomes = {(o.run_id, o.event_seq, o.result) for o in journal.outcomes()}
    assert len(saves) == 4
    assert outcomes == saves, "one outcome per run, the last run's too, each with its run's id"


def test_closing_a_journal_whose_checkpoints_run_on_a_thread_leaves_it_whole(
    sim, tmp_path, monkeypatch
):
    monkeypatch.setattr("simulator.journal.checkpoints.EVERY", 1)  # a checkpoint every commit
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    journal.attach(sim)
    for seq in range(1, 41):
        journal.commit([FakeEvent(seq)])
        journal.record_outcome(fake_outcome(seq))
    journal.close()
    # The thread's connection closed first: the writer's, the last, took the WAL back in.
    assert not Path(f"{path}-wal").exists()
    with Journal.open(path, writing=False) as reader:
        assert [e.seq for e in reader.events()] == list(range(1, 41))
        assert [o.event_seq for o in reader.outcomes()] == list(range(1, 41))


def test_a_commit_of_more_events_than_one_insert_takes_writes_them_all_in_order(tmp_path):
    from simulator.journal.statements import EVENTS_PER_INSERT

    count = 2 * EVENTS_PER_INSERT + 5
    with Journal.open(tmp_path / "j.sqlite3") as journal:
        journal.commit([FakeEvent(seq) for seq in range(1, count + 1)])
        events = journal.events()
    assert [(e.seq, e.time_ms, e.args) for e in events] == [
        (seq, 1000 + seq, [{"n": seq}]) for seq in range(1, count + 1)
    ]


def test_an_outcome_that_comes_after_the_journal_closed_is_said_not_lost_silently(tmp_path, capsys):
    """A handler call's outcome recorded once its journal was closed (a dispatcher thread that
    got no CPU until then) was dropped without a word: the call was in no journal, and no line
    said why."""
    from simulator.journal import Journal
    from tests.unit.journal_fakes import FakeEvent, fake_outcome

    path = tmp_path / "j.sqlite3"
    with Journal.open(path) as journal:
        journal.record_event(FakeEvent(1))
    journal.record_outcome(fake_outcome(1))
    err = capsys.readouterr().err
    assert f"adsim: journal {path}: the outcome of " in err, err
    assert "on event #1 came after the journal was closed; it is not in it" in err, err


def test_an_outcome_whose_journal_closes_as_it_is_recorded_is_said_not_lost_silently(
    tmp_path, capsys, monkeypatch
):
    """The closed journal was looked at before the lock that closes it was taken: a close in
    between (the run's end, as a dispatcher thread records a handler's last outcome) dropped the
    outcome without a word."""
    from simulator.journal import Journal, held_rows
    from tests.unit.journal_fakes import FakeEvent, fake_outcome

    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    journal.record_event(FakeEvent(1))
    real = held_rows.outcome_row

    def outcome_row(outcome):
        journal.close()  # the run's end, on another thread, just then
        return real(outcome)

    monkeypatch.setattr(held_rows, "outcome_row", outcome_row)
    journal.record_outcome(fake_outcome(1))
    err = capsys.readouterr().err
    assert "on event #1 came after the journal was closed; it is not in it" in err, err
