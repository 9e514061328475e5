"""A run that did not reach its end is told from one that did (schema 4: ``runs.ending``).

A stopped ``adsim run`` (Ctrl-C, SIGTERM), one run or a load run's repeat, left its partial events
in the journal, and ``adsim journal runs`` listed it as any finished run: a reader could not tell
it was cut short. A run whose process was killed (``kill -9``) cannot say so itself: its row names
its process, and a run with no end whose process is gone is ``unfinished``, one whose process still
runs ``running``, and one nothing here can tell about ``unknown`` (never called cut short).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from simulator.cli import main
from simulator.interrupts import Interrupted
from simulator.journal import Journal
from simulator.journal.schema import MIGRATIONS
from simulator.scenarios.runner import ScenarioResult, ScenarioRunner

ROOT = Path(__file__).resolve().parents[2]
SAVE = str(ROOT / "fixtures" / "scenarios" / "inbound_acw_disposition.yaml")
WAIT = 60
"""Seconds a child process has for what takes well under one (a loaded 2-core machine)."""


def _handler(tmp_path: Path) -> str:
    path = tmp_path / "save.py"
    path.write_text(
        "def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVITY_RECORD', lambda a: None)\n",
        encoding="utf-8",
    )
    return str(path)


def _ends(journal: Path, capsys: pytest.CaptureFixture[str]) -> dict[int, str]:
    """``adsim journal runs --all``: each run's END column."""
    assert main(["journal", "runs", "--all", "--journal", str(journal)]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    assert header.split() == [
        "RUN",
        "STARTED",
        "COMMAND",
        "EVENTS",
        "CALLS",
        "FAILED",
        "END",
        "WHAT",
    ]
    start, stop = header.index("END"), header.index("WHAT")  # a column may be empty
    return {int(row.split()[0]): row[start:stop].strip() for row in rows}


def _stop_at_step(monkeypatch: pytest.MonkeyPatch, run: int, signum: int) -> None:
    """The ``run``-th run started (1 first) is stopped by ``signum`` at its 4th step, as the
    stopper raises it (``simulator.interrupts``)."""
    step = ScenarioRunner.run_step
    runs: list[int] = []

    def run_step(self, index, item, result):  # type: ignore[no-untyped-def]
        if index == 3:
            runs.append(index)
            if len(runs) == run:
                raise Interrupted(signum)
        return step(self, index, item, result)

    monkeypatch.setattr(ScenarioRunner, "run_step", run_step)


def test_a_load_run_stopped_by_sigterm_marks_the_run_it_cut(tmp_path, capsys, monkeypatch):
    journal = tmp_path / "j.sqlite3"
    _stop_at_step(monkeypatch, 3, signal.SIGTERM)
    argv = ["run", SAVE, "--journal", str(journal), "--handler", _handler(tmp_path)]
    assert main([*argv, "--repeat", "5"]) == 143
    capsys.readouterr()
    assert _ends(journal, capsys) == {1: "finished", 2: "finished", 3: "interrupted(SIGTERM)"}
    with Journal.open(journal, writing=False) as read:
        end = read.run_end(3)
        assert (end.status, end.signal, end.cut_short) == ("interrupted", "SIGTERM", True)
        assert end.ended_ms is not None
        assert not read.run_end(2).cut_short
        [cut] = {e.interaction_id for e in read.events(run_id=3) if e.interaction_id}
    # show says so on the run's line: its events are not the whole run
    assert main(["journal", "show", cut, "--journal", str(journal)]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first == (
        f"run 3: interaction {cut} (the run was interrupted by SIGTERM: what follows is all it "
        "journaled)"
    )


def test_one_run_stopped_by_ctrl_c_is_interrupted(tmp_path, capsys, monkeypatch):
    journal = tmp_path / "j.sqlite3"
    argv = ["run", SAVE, "--journal", str(journal), "--handler", _handler(tmp_path)]
    assert main(argv) == 0
    _stop_at_step(monkeypatch, 1, signal.SIGINT)
    assert main(argv) == 130
    capsys.readouterr()
    assert _ends(journal, capsys) == {1: "finished", 2: "interrupted(SIGINT)"}


def test_a_stop_between_two_runs_leaves_the_last_one_finished(tmp_path, capsys, monkeypatch):
    # SIGTERM after run 2 got to its end (its events being written to --output, or the wait
    # of --rate): run 2 is whole, and no run was cut.
    written = ScenarioResult.jsonl
    calls: list[int] = []

    def jsonl(self: ScenarioResult, repeat: int | None = None, scenario: str | None = None) -> str:
        calls.append(self.seed)
        if len(calls) == 2:
            raise Interrupted(signal.SIGTERM)
        return written(self, repeat, scenario)

    monkeypatch.setattr(ScenarioResult, "jsonl", jsonl)
    journal = tmp_path / "j.sqlite3"
    argv = ["run", SAVE, "--journal", str(journal), "--handler", _handler(tmp_path)]
    argv += ["--repeat", "5", "-o", str(tmp_path / "events.jsonl")]
    assert main(argv) == 143
    capsys.readouterr()
    assert _ends(journal, capsys) == {1: "finished", 2: "finished"}


_FAILING_RUN = """
import sys
from simulator.cli import main
from simulator.scenarios.runner import ScenarioRunner

step, runs = ScenarioRunner.run_step, []

def run_step(self, index, item, result):
    if index == 3:
        runs.append(index)
        if len(runs) == int(sys.argv[1]):
            raise RuntimeError("a bug of adsim's own")
    return step(self, index, item, result)

ScenarioRunner.run_step = run_step
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("command", ["run", "load run"])
def test_a_run_an_error_of_adsims_ended_is_unfinished_not_finished(tmp_path, capsys, command):
    # It was recorded "finished": the journal said a run got to its end that stopped at step 4
    # on a traceback. Its process is gone: unfinished, as a crash is.
    journal = tmp_path / "j.sqlite3"
    argv = ["run", SAVE, "--journal", str(journal), "--handler", _handler(tmp_path)]
    failing, ends = "1", {1: "unfinished"}
    if command == "load run":
        argv += ["--repeat", "5"]
        failing, ends = "3", {1: "finished", 2: "finished", 3: "unfinished"}
    done = subprocess.run(
        [sys.executable, "-c", _FAILING_RUN, failing, *argv],
        check=False,
        capture_output=True,
        text=True,
        timeout=WAIT,
        cwd=ROOT,
    )
    assert done.returncode == 1, done.stderr
    assert "RuntimeError: a bug of adsim's own" in done.stderr
    assert _ends(journal, capsys) == ends


def test_the_demo_ended_by_an_error_writes_no_end(tmp_path, monkeypatch):
    import simulator.demo

    demo = simulator.demo.run_demo_call

    def broken(*args: Any, **kwargs: Any) -> None:
        demo(*args, **kwargs)  # its events journaled, then a bug of ours
        raise RuntimeError("a bug of adsim's own")

    monkeypatch.setattr(simulator.demo, "run_demo_call", broken)
    journal = tmp_path / "j.sqlite3"
    with pytest.raises(RuntimeError):
        main(["demo", "--journal", str(journal), "--handler", _handler(tmp_path)])
    with sqlite3.connect(journal) as db:
        assert db.execute("SELECT ending, ended_ms FROM runs").fetchall() == [(None, None)]
        assert db.execute("SELECT COUNT(*) FROM events").fetchone()[0] > 10


def test_a_journal_closed_without_an_end_said_records_it_finished(tmp_path):
    # The window, the demo, your own driver: closing the journal is the run's end.
    path = tmp_path / "j.sqlite3"
    with Journal.open(path) as journal:
        run = journal.run_id
        assert journal.run_end(run).status == "running"  # its own process writes it
    with Journal.open(path, writing=False) as read:
        assert read.run_end(run).status == "finished"


def test_the_first_end_stays(tmp_path):
    path = tmp_path / "j.sqlite3"
    with Journal.open(path) as journal:
        run = journal.run_id
        journal.end_run(interrupted=True, signum=signal.SIGHUP)
        journal.end_run()  # a later "finished" does not undo the stop
    with Journal.open(path, writing=False) as read:
        assert read.run_end(run).label == "interrupted(SIGHUP)"


_CHILD = """
import sys
from simulator.journal import Journal

class Event:
    seq, name, time_ms, interaction_id, wire_args = 1, "ON_LOGIN", 0, None, ()

journal = Journal.open(sys.argv[1])
journal.record_event(Event())
print(journal.run_id, flush=True)
sys.stdin.readline()  # until the test kills it
"""


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
def test_a_run_whose_process_was_killed_is_unfinished_and_a_live_one_running(tmp_path, capsys):
    path = tmp_path / "j.sqlite3"
    with subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:  # its pipes closed at the end
        try:
            assert child.stdout is not None
            run = int(child.stdout.readline())  # its first event is committed
            assert _ends(path, capsys) == {run: "running"}  # being written: not cut short
            with Journal.open(path, writing=False) as read:
                assert not read.run_end(run).cut_short
            child.kill()  # SIGKILL: nothing can be written on the way out
            child.wait(timeout=WAIT)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
    assert _ends(path, capsys) == {run: "unfinished"}
    with Journal.open(path, writing=False) as read:
        assert read.run_end(run).cut_short
    # Without the process's start time (a system with no /proc): its pid is asked for
    db = sqlite3.connect(path)
    db.execute("UPDATE runs SET pid_start = NULL")
    db.commit()
    db.close()
    assert _ends(path, capsys) == {run: "unfinished"}


def test_a_run_with_no_end_that_nothing_here_can_tell_about_is_unknown(tmp_path, capsys):
    path = tmp_path / "j.sqlite3"
    with Journal.open(path) as journal:
        journal.run_id  # noqa: B018 - its row
    db = sqlite3.connect(path)
    # Written on another machine (a CI artifact), and its end not there: not "unfinished".
    db.execute("UPDATE runs SET ending = NULL, ended_ms = NULL, host = ?", ("ci-runner-7.example",))
    db.commit()
    db.close()
    assert _ends(path, capsys) == {1: "unknown"}


def test_an_older_journal_is_upgraded_and_its_runs_are_unknown(tmp_path, capsys):
    path = tmp_path / "old.sqlite3"
    with Journal.open(path, migrations=MIGRATIONS[:3]) as old:  # an adsim before schema 4
        run = old.run_id
        old.end_run(interrupted=True)  # it has nowhere to write one: nothing happens
    assert _ends(path, capsys) == {run: "unknown"}  # read in a temporary copy
    with Journal.open(path) as journal:  # upgraded in place by a writer
        assert journal.schema_version == len(MIGRATIONS) == 4
        assert journal.run_end(run).status == "unknown"
        new = journal.run_id
    assert _ends(path, capsys) == {run: "unknown", new: "finished"}


def test_the_writer_is_asked_once_per_process():
    """Load mode starts a run per repeat: reading /proc and uname each time cost ~50 µs of a
    repeat. A forked child is another process, with its own pid."""
    from simulator.journal import run_ends

    first = run_ends.writer()
    assert run_ends.writer() is first
    assert first[1] == os.getpid()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's exit status says it
        os.close(read)
        os.write(write, str(run_ends.writer()[1]).encode())
        os._exit(0)
    os.close(write)
    told = os.read(read, 64).decode()
    os.close(read)
    os.waitpid(child, 0)
    assert told == str(child)
