"""Group commit: nothing reaches a handler before the journal has it, and a journal that cannot be
written stops the run (at start: exit 2; mid-run: the step, exit 1)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.engine import CommitError, Simulator
from simulator.handlers import HandlerHost
from simulator.journal import Journal, JournalError, export_jsonl
from simulator.journal.export import journal_rows
from simulator.scenarios import ScenarioRunner, load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"
SCENARIO = SCENARIOS / "inbound_acw_disposition.yaml"
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
SHORT = 0.05  # seconds a locked journal is waited for in these tests


def _lock(path: Path) -> sqlite3.Connection:
    """Another process's view: a connection holding the journal's write lock."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


class _Counting:
    """A plugin that counts the events it was handed, by seq."""

    def __init__(self) -> None:
        self.seen: list[int] = []

    def register(self, ad_api) -> None:
        for name in ("ON_NEW_INTERACTION", "ON_INTERACTION_STATE_CHANGE", "ON_AGENT_STATE_CHANGE"):
            ad_api.on(name, self._handler(name))

    def _handler(self, name):
        def handle(*args):
            self.seen.append(name)

        return handle


def test_one_step_is_one_transaction_committed_before_any_subscriber_sees_it(sim, tmp_path):
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path)
    journal.attach(sim)
    observer = sqlite3.connect(path)  # another connection sees only committed rows
    seen_committed: list[tuple[int, int]] = []

    def subscriber(event) -> None:
        rows = observer.execute("SELECT count(*) FROM events").fetchone()[0]
        seen_committed.append((event.seq, rows))

    sim.subscribe(subscriber)
    assert sim.login().ok  # ON_LOGIN and ON_AGENT_STATE_CHANGE: one step
    assert sim.set_agent_state("ready").ok
    assert seen_committed == [(1, 2), (2, 2), (3, 3)], "each step committed whole, then delivered"
    observer.close()
    journal.close()


def test_a_journal_locked_by_another_process_is_refused_at_open(tmp_path):
    path = tmp_path / "j.sqlite3"
    Journal.open(path).close()
    other = _lock(path)
    try:
        with pytest.raises(JournalError, match="another process holds its write lock") as info:
            Journal.open(path, busy_timeout=SHORT)
        assert info.value.path == str(path)
    finally:
        other.close()
    Journal.open(path, busy_timeout=SHORT).close()  # free again: accepted


def test_adsim_refuses_a_locked_journal_at_start_with_one_line_and_exit_2(tmp_path, capsys):
    path = tmp_path / "j.sqlite3"
    Journal.open(path).close()
    other = _lock(path)
    try:
        code = main(["run", str(SCENARIO), "--journal", str(path), "--no-entry-points"])
    finally:
        other.close()
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(path) in lines[0] and "locked" in lines[0]
    assert "Traceback" not in err


def _without_root_override(argv: list[str]) -> list[str]:
    """``argv`` run so that file permissions bind: as root (CI runs as root), without the
    capabilities that let root write read-only files (``setpriv`` drops them for the child)."""
    if not ROOT:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root without setpriv: read-only files are writable anyway")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--", *argv]


_OPEN = (
    "import sys\n"
    "from simulator.journal import Journal, JournalError\n"
    "try:\n"
    "    Journal.open(sys.argv[1], busy_timeout=0.05)\n"
    "except JournalError as exc:\n"
    "    print(exc)\n"
    "    sys.exit(3)\n"
)


def test_an_unwritable_journal_file_is_refused_at_start(tmp_path):
    path = tmp_path / "j.sqlite3"
    Journal.open(path).close()
    path.chmod(0o444)
    try:
        opened = subprocess.run(
            _without_root_override([sys.executable, "-c", _OPEN, str(path)]),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        run = subprocess.run(
            _without_root_override(
                [
                    *(sys.executable, "-m", "simulator", "run", str(SCENARIO)),
                    *("--journal", str(path), "--no-entry-points"),
                ]
            ),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        path.chmod(0o644)
    assert opened.returncode == 3, opened.stdout + opened.stderr
    assert "cannot be written" in opened.stdout
    assert run.returncode == 2, run.stdout + run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and str(path) in run.stderr
    assert "Traceback" not in run.stderr


def test_a_journal_in_a_read_only_folder_is_refused_at_start(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    Journal.open(folder / "j.sqlite3").close()
    folder.chmod(0o555)
    try:
        opened = subprocess.run(
            _without_root_override([sys.executable, "-c", _OPEN, str(folder / "j.sqlite3")]),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        folder.chmod(0o755)
    assert opened.returncode == 3, opened.stdout + opened.stderr
    assert "cannot be written" in opened.stdout


def test_a_commit_failing_mid_run_delivers_nothing_that_is_not_journaled(sim, tmp_path):
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path, busy_timeout=SHORT)
    host = HandlerHost(sim, timeout=5, journal=journal)
    plugin = _Counting()
    host.add_plugin("counting", plugin.register)
    delivered: list[int] = []
    sim.subscribe(lambda event: delivered.append(event.seq))
    assert sim.login().ok and sim.set_agent_state("ready").ok
    host.settle()
    before = len(delivered)
    other = _lock(path)
    try:
        with pytest.raises(CommitError, match=r"cannot write event #\d+ .*locked") as info:
            sim.offer_call()
        assert info.value.first_seq == before + 1
        host.settle()
        assert len(delivered) == before, "nothing of the refused step was delivered"
        assert sim.bus.held is not None and sim.bus.held_count > 0
    finally:
        other.close()
    journaled = [e.seq for e in journal.events()]
    assert journaled == delivered
    assert len(plugin.seen) == 2, "the handlers saw only journaled events (login, ready)"
    host.close()
    journal.close()


def test_held_events_are_delivered_in_order_once_the_journal_is_writable_again(sim, tmp_path):
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path, busy_timeout=SHORT)
    journal.attach(sim)
    told: list[CommitError] = []
    sim.bus.on_commit_error = told.append  # the window's hook: no exception, events held
    delivered: list[int] = []
    sim.subscribe(lambda event: delivered.append(event.seq))
    other = _lock(path)
    try:
        assert sim.login().ok
        assert sim.set_agent_state("ready").ok
    finally:
        other.close()
    assert delivered == [] and len(told) == 2 and sim.bus.held_count == 3
    sim.bus.flush()  # the window retries on its poll
    assert delivered == [1, 2, 3] and sim.bus.held is None
    assert [e.seq for e in journal.events()] == [1, 2, 3]
    journal.close()


def test_switching_the_journal_off_delivers_what_it_held(sim, tmp_path):
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path, busy_timeout=SHORT)
    journal.attach(sim)
    sim.bus.on_commit_error = lambda error: None
    delivered: list[int] = []
    sim.subscribe(lambda event: delivered.append(event.seq))
    other = _lock(path)
    try:
        assert sim.login().ok
        assert delivered == []
        journal.detach()  # the window switching its journal off
        sim.bus.flush()
        assert delivered == [1, 2]
    finally:
        other.close()
        journal.close()


def test_a_scenario_run_stops_at_the_step_whose_events_the_journal_refused(tmp_path):
    path = tmp_path / "j.sqlite3"
    source = load_scenario(SCENARIO)
    journal = Journal.open(path, busy_timeout=SHORT)
    plugin = _Counting()
    locked: list[sqlite3.Connection] = []

    def build(sim: Simulator) -> HandlerHost:
        host = HandlerHost(sim, timeout=5, journal=journal)
        host.add_plugin("counting", plugin.register)

        def lock_on_first_interaction(interaction) -> None:
            if not locked:
                locked.append(_lock(path))

        host.ad_api("locker").on("ON_NEW_INTERACTION", lock_on_first_interaction)
        return host

    runner = ScenarioRunner(source, host_factory=build, close_host=lambda host: host.close())
    try:
        result = runner.run()
    finally:
        for other in locked:
            other.close()
    assert result.exit_code == 1
    assert result.journal_failed
    assert str(path) in result.error.message and "locked" in result.error.message
    assert result.steps_run < len(source.scenario.steps), "stopped at that step"
    journaled = {e.seq for e in journal.events()}
    assert {e.seq for e in result.events} == journaled, "delivered == journaled"
    journal.close()


def test_a_lone_surrogate_that_reaches_the_journal_is_stored_exactly(tmp_path):
    class Event:
        seq, name, time_ms, interaction_id = 1, "ON_LOGIN", 1, None
        wire_args = ({"note": "a\ud800b"},)

    with Journal.open(tmp_path / "j.sqlite3") as journal:
        journal.commit([Event()])
        assert journal.events()[0].args == [{"note": "a\ud800b"}]


def _big_journal(path: Path, events: int) -> None:
    class Event:
        name, interaction_id = "ON_SAVE_ACTIVITY_RECORD", "IID"

        def __init__(self, seq: int):
            self.seq = seq
            self.time_ms = seq
            self.wire_args = ({"description": "x" * 2000, "n": seq},)

    with Journal.open(path) as journal:
        for start in range(1, events + 1, 1000):
            journal.commit([Event(seq) for seq in range(start, min(start + 1000, events + 1))])


class _Sink:
    def __init__(self) -> None:
        self.lines = 0

    def write(self, text: str) -> int:
        self.lines += text.count("\n")
        return len(text)


def test_export_streams_in_constant_memory(tmp_path):
    path = tmp_path / "big.sqlite3"
    _big_journal(path, 20_000)  # about 40 MB of arguments
    with Journal.open(path, writing=False) as journal:
        sink = _Sink()
        tracemalloc.start()
        try:
            count = export_jsonl(journal, sink)  # type: ignore[arg-type]
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert count == sink.lines == 20_000
    assert peak < 8_000_000, f"export held {peak / 1e6:.1f} MB: it must stream"


def test_journal_rows_yields_before_reading_everything(tmp_path):
    path = tmp_path / "j.sqlite3"
    _big_journal(path, 1200)
    with Journal.open(path, writing=False) as journal:
        rows = journal_rows(journal)
        first = next(rows)
        assert first["seq"] == 1
        assert json.dumps(first)
        assert sum(1 for _ in rows) == 1199


def test_adsim_journal_export_of_a_read_only_journal_works(tmp_path, capsys):
    path = tmp_path / "j.sqlite3"
    _big_journal(path, 3)
    other = _lock(path)  # a run writing meanwhile: reading is not refused
    try:
        assert main(["journal", "export", "--journal", str(path)]) == 0
    finally:
        other.close()
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_a_commit_refused_inside_a_handlers_call_still_stops_the_run(tmp_path):
    path = tmp_path / "j.sqlite3"
    scenario = tmp_path / "last.yaml"
    scenario.write_text("name: last step\nsteps:\n  - call: Sales\n", encoding="utf-8")
    source = load_scenario(scenario)  # the refused call is in the last step: no flush after it
    journal = Journal.open(path, busy_timeout=SHORT)
    locked: list[sqlite3.Connection] = []
    answers: list = []

    def build(sim: Simulator) -> HandlerHost:
        host = HandlerHost(sim, timeout=5, journal=journal)
        ad_api = host.ad_api("acceptor")

        def accept_locked(interaction) -> None:
            if not locked:
                locked.append(_lock(path))
                answers.append(ad_api.accept_interaction(interaction.interaction_id))

        ad_api.on("ON_NEW_INTERACTION", accept_locked)
        return host

    runner = ScenarioRunner(source, host_factory=build, close_host=lambda host: host.close())
    try:
        result = runner.run()
    finally:
        for other in locked:
            other.close()
    assert [answer.ok for answer in answers] == [False], "the handler was told its call failed"
    assert result.exit_code == 1 and result.journal_failed
    assert str(path) in result.error.message
    assert {e.seq for e in result.events} == {e.seq for e in journal.events()}
    journal.close()


def _locker(tmp_path: Path, event: str) -> Path:
    """A plugin that takes the journal's write lock (another connection) on ``event``."""
    plugin = tmp_path / "locker.py"
    plugin.write_text(
        "import os, sqlite3\n"
        "held = []\n"
        "def register(ad_api):\n"
        "    def lock(*args):\n"
        "        if not held:\n"
        "            db = sqlite3.connect(os.environ['LOCK_JOURNAL'], isolation_level=None,\n"
        "                                 check_same_thread=False)\n"
        "            db.execute('BEGIN IMMEDIATE')\n"
        "            held.append(db)\n"
        f"    ad_api.on('{event}', lock)\n",
        encoding="utf-8",
    )
    return plugin


def test_adsim_demo_stops_with_one_line_when_the_journal_is_locked_mid_run(
    tmp_path, monkeypatch, capsys
):
    path = tmp_path / "j.sqlite3"
    plugin = _locker(tmp_path, "ON_NEW_INTERACTION")
    monkeypatch.setenv("LOCK_JOURNAL", str(path))
    monkeypatch.setattr("simulator.journal.store.DEFAULT_BUSY_TIMEOUT", SHORT)
    code = main(["demo", "--journal", str(path), "--no-entry-points", "--handler", str(plugin)])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    journal_lines = [line for line in err.splitlines() if "journal " in line and "locked" in line]
    assert len(journal_lines) == 1 and str(path) in journal_lines[0]
    with Journal.open(path, writing=False) as journal:
        count = len(journal.events())
    assert count < 10, "the run stopped at the step the journal refused"


def test_an_outcome_the_journal_could_not_write_fails_the_run_when_nothing_follows(
    tmp_path, monkeypatch, capsys
):
    path = tmp_path / "j.sqlite3"
    plugin = _locker(tmp_path, "ON_SAVE_ACTIVITY_RECORD")  # the demo's last handled event
    monkeypatch.setenv("LOCK_JOURNAL", str(path))
    monkeypatch.setattr("simulator.journal.store.DEFAULT_BUSY_TIMEOUT", SHORT)
    code = main(["demo", "--journal", str(path), "--no-entry-points", "--handler", str(plugin)])
    err = capsys.readouterr().err
    assert code == 1, "the journal of this run is incomplete"
    assert f"journal {path}: cannot write the outcome of locker:" in err
    assert "incomplete" in err and "Traceback" not in err


@pytest.mark.parametrize("depth", ["a/j.sqlite3", "a/b/j.sqlite3"])
def test_a_journal_under_a_file_names_the_file(tmp_path, depth):
    (tmp_path / "a").write_text("not a folder", encoding="utf-8")
    with pytest.raises(JournalError) as raised:
        Journal.open(tmp_path / depth)
    assert f"{tmp_path / 'a'} is a file, not a folder; pass another --journal path" in str(
        raised.value
    )
