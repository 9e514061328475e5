"""``adsim journal runs`` (which runs a journal holds: when, what, how many events and handler
calls) and ``adsim journal prune --keep N`` (a journal file keeps its last runs and shrinks: a
load run adds ~7.5 KB a repeat, and nothing else ever trimmed it)."""

from __future__ import annotations

import json
import signal
import sqlite3
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.journal import Journal
from simulator.journal import commands as journal_commands
from simulator.journal.pruning import prune

ROOT = Path(__file__).resolve().parents[2]
CHAT = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")
SAVE = ROOT / "fixtures" / "scenarios" / "inbound_acw_disposition.yaml"
SHORT = 0.05  # seconds a locked journal is waited for here


def _handler(tmp_path: Path) -> Path:
    path = tmp_path / "save.py"
    path.write_text(
        "def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVITY_RECORD', lambda a: None)\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def journal(tmp_path, capsys) -> Path:
    """A journal of three runs of chat.yaml (seeds 1-3) and one load run of 4 repeats with a
    SAVE handler (runs 4-7)."""
    path = tmp_path / "j.sqlite3"
    for seed in ("1", "2", "3"):
        assert main(["run", CHAT, "--journal", str(path), "--seed", seed]) == 0
    handler = _handler(tmp_path)
    argv = ["run", str(SAVE), "--journal", str(path), "--handler", str(handler), "--repeat", "4"]
    assert main(argv) == 0
    capsys.readouterr()
    return path


def _table(out: str) -> list[list[str]]:
    return [line.split() for line in out.splitlines()]


def test_runs_lists_each_run_with_what_it_ran_and_its_counts(journal, capsys):
    assert main(["journal", "runs", "--journal", str(journal)]) == 0
    captured = capsys.readouterr()
    header, *rows = _table(captured.out)
    assert header == ["RUN", "STARTED", "COMMAND", "EVENTS", "CALLS", "FAILED", "END", "WHAT"]
    # RUN, STARTED (date and time), COMMAND, EVENTS, CALLS, FAILED, END (one word), then WHAT
    assert [row[0] for row in rows] == ["1", "2", "3", "4", "5", "6", "7"]
    with Journal.open(journal, writing=False) as read:
        for row in rows:
            run = int(row[0])
            assert row[3] == "run"
            assert row[4] == str(len(read.events(run_id=run)))  # the events it journaled
            assert row[5] == str(len(read.outcomes(run_id=run)))  # the handler calls
            assert row[6] == "0"
            assert row[7] == "finished"  # each got to its end
    assert " ".join(rows[0][8:]) == "chat.yaml, seed 1"
    assert " ".join(rows[6][8:]) == "inbound_acw_disposition.yaml, seed 10"
    assert [row[5] for row in rows] == ["0", "0", "0", "1", "1", "1", "1"]  # a SAVE call each
    assert captured.err == ""


def test_a_failed_handler_call_is_counted(tmp_path, capsys):
    path = tmp_path / "failed.sqlite3"
    handler = tmp_path / "boom.py"
    handler.write_text(
        "def boom(activity):\n    raise RuntimeError('no CRM')\n\n\n"
        "def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVITY_RECORD', boom)\n",
        encoding="utf-8",
    )
    assert main(["run", str(SAVE), "--journal", str(path), "--handler", str(handler)]) == 1
    capsys.readouterr()
    assert main(["journal", "runs", "--journal", str(path)]) == 0
    [row] = _table(capsys.readouterr().out)[1:]
    assert row[5:7] == ["1", "1"]


def test_runs_shows_the_last_ones_unless_all(journal, capsys):
    assert main(["journal", "runs", "--journal", str(journal), "--last", "2"]) == 0
    captured = capsys.readouterr()
    assert [row[0] for row in _table(captured.out)[1:]] == ["6", "7"]
    assert captured.err == f"adsim: the last 2 runs of {journal}; --all lists every one\n"
    assert main(["journal", "runs", "--journal", str(journal), "--all"]) == 0
    assert len(_table(capsys.readouterr().out)) == 8


def test_runs_as_json_lines_for_scripts(journal, tmp_path, capsys):
    # A CI step asks "did any run end cut short, or with a failed call?" without parsing columns.
    argv = ["journal", "runs", "--journal", str(journal), "--format", "jsonl"]
    assert main([*argv, "--last", "3"]) == 0
    captured = capsys.readouterr()
    records = [json.loads(line) for line in captured.out.splitlines()]
    assert [r["run"] for r in records] == [5, 6, 7]
    assert captured.err == f"adsim: the last 3 runs of {journal}; --all lists every one\n"
    with Journal.open(journal, writing=False) as read:
        for record in records:
            run = record["run"]
            started, meta = next((s, m) for i, s, m in read.runs() if i == run)
            end = read.run_end(run)
            assert record == {
                "run": run,
                "startedMs": started,
                "meta": meta,
                "events": len(read.events(run_id=run)),
                "calls": 1,
                "failed": 0,
                "end": "finished",
                "endedMs": end.ended_ms,
            }
    assert records[-1]["meta"]["seed"] == 10 and records[-1]["meta"]["command"] == "run"
    # an interrupted run has its signal; none is empty output, as the table has its header only
    with Journal.open(journal) as writing:
        writing.new_run({"command": "mine"})
        writing.record_event(_Event())
        writing.end_run(interrupted=True, signum=signal.SIGTERM)
    assert main([*argv, "--last", "1"]) == 0
    [last] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (last["run"], last["end"], last["signal"]) == (8, "interrupted", "SIGTERM")
    empty = tmp_path / "empty.sqlite3"
    Journal.open(empty).close()
    assert main(["journal", "runs", "--journal", str(empty), "--format", "jsonl"]) == 0
    assert capsys.readouterr().out == ""


class _Event:
    seq, name, time_ms, interaction_id, wire_args = 1, "ON_LOGIN", 0, None, ()


def test_runs_of_a_journal_with_none(tmp_path, capsys):
    path = tmp_path / "empty.sqlite3"
    Journal.open(path).close()
    assert main(["journal", "runs", "--journal", str(path)]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 1  # the header
    assert captured.err == f"adsim: {path}: no runs yet\n"


def _size(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)


def test_prune_keeps_the_last_runs_and_shrinks_the_file(journal, tmp_path, capsys):
    # Enough runs that the freed pages show in the file's size.
    handler = _handler(tmp_path)
    argv = ["run", str(SAVE), "--journal", str(journal), "--handler", str(handler)]
    assert main([*argv, "--repeat", "60"]) == 0
    capsys.readouterr()
    before = _size(journal)
    assert main(["journal", "prune", "--journal", str(journal), "--keep", "5"]) == 0
    line = capsys.readouterr().out
    assert line.startswith(f"{journal}: deleted runs 1-62 (62), kept the last 5; ")
    assert " -> " in line
    with Journal.open(journal, writing=False) as read:
        assert [run for run, _at, _meta in read.runs()] == [63, 64, 65, 66, 67]
        assert {event.run_id for event in read.events()} == {63, 64, 65, 66, 67}
        assert {outcome.run_id for outcome in read.outcomes()} == {63, 64, 65, 66, 67}
    assert _size(journal) < before / 3, (before, _size(journal))


def test_prune_with_nothing_to_delete_says_so(journal, capsys):
    assert main(["journal", "prune", "--journal", str(journal), "--keep", "10"]) == 0
    assert capsys.readouterr().out.startswith(f"{journal}: 7 runs, none to delete (")
    assert main(["journal", "prune", "--journal", str(journal), "--keep", "1"]) == 0
    assert "deleted runs 1-6 (6), kept the last 1" in capsys.readouterr().out
    # Run numbers go on from the last one: a `--run N` in a CI log names one run for good.
    assert main(["run", CHAT, "--journal", str(journal)]) == 0
    with Journal.open(journal, writing=False) as read:
        assert [run for run, _at, _meta in read.runs()] == [7, 8]


def test_prune_of_a_locked_journal_deletes_nothing(journal, capsys, monkeypatch):
    other = sqlite3.connect(journal, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    try:
        monkeypatch.setattr(journal_commands, "DEFAULT_BUSY_TIMEOUT", SHORT)
        assert main(["journal", "prune", "--journal", str(journal), "--keep", "1"]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"adsim: {journal}: cannot be written (database is locked")
        assert err.endswith("; prune it once the other adsim has finished\n")
        assert len(err.splitlines()) == 1
    finally:
        other.execute("ROLLBACK")
        other.close()
    with Journal.open(journal, writing=False) as read:
        assert len(read.runs()) == 7


def test_prune_of_a_journal_another_reader_has_open_still_deletes(journal):
    """A reader keeps SQLite from rewriting the file: the runs go all the same, and the line
    says why the file did not shrink."""
    reader = sqlite3.connect(journal)
    reader.execute("BEGIN")
    reader.execute("SELECT COUNT(*) FROM events").fetchone()
    try:
        pruned = prune(journal, 2, busy_timeout=SHORT)
    finally:
        reader.close()
    assert (pruned.deleted, pruned.kept, pruned.shrunk) == (5, 2, False)
    assert pruned.not_shrunk == "another adsim has it open"
    with Journal.open(journal, writing=False) as read:
        assert [run for run, _at, _meta in read.runs()] == [6, 7]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["journal", "prune", "--journal", "{missing}", "--keep", "1"], "no journal here"),
        (["journal", "prune", "--journal", "{journal}"], "the following arguments are required"),
        (["journal", "prune", "--journal", "{journal}", "--keep", "-1"], "--keep"),
        (["journal", "prune", "--journal", "{journal}", "--keep", "0"], "--keep"),
        (["journal", "runs", "--journal", "{journal}", "--last", "0"], "--last"),
    ],
    ids=["missing", "no-keep", "negative-keep", "keep-zero", "last-zero"],
)
def test_bad_input_is_one_line_and_exit_2(journal, tmp_path, capsys, argv, expected):
    filled = [a.format(missing=tmp_path / "none.sqlite3", journal=journal) for a in argv]
    try:
        code = main(filled)
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err


class _FullDisk:
    """A connection whose VACUUM finds no room (it needs about the journal's size free)."""

    def __init__(self, db: sqlite3.Connection):
        self._db = db

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        if sql == "VACUUM":
            raise sqlite3.OperationalError("database or disk is full")
        return self._db.execute(sql, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._db, name)


def test_a_rewrite_that_finds_no_room_says_so(journal, capsys, monkeypatch):
    """It said "another adsim has it open" whatever stopped the rewrite."""
    from simulator.journal import pruning

    real = pruning.open_database
    monkeypatch.setattr(pruning, "open_database", lambda *a, **k: _FullDisk(real(*a, **k)))
    assert main(["journal", "prune", "--journal", str(journal), "--keep", "2"]) == 0
    line = capsys.readouterr().out
    assert line.startswith(f"{journal}: deleted runs 1-5 (5), kept the last 2; ")
    assert line.rstrip().endswith(
        "(not smaller: it could not be rewritten: database or disk is full; the space is reused "
        "by the next runs)"
    )
    with Journal.open(journal, writing=False) as read:
        assert [run for run, _at, _meta in read.runs()] == [6, 7]


class _FullDiskDeleting(_FullDisk):
    """The deletes themselves find no room (the WAL grows with what they delete)."""

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:
        if sql.startswith("DELETE"):
            raise sqlite3.OperationalError("database or disk is full")
        return self._db.execute(sql, *args)


def test_a_prune_that_finds_no_room_says_what_to_do_and_deletes_nothing(
    journal, capsys, monkeypatch
):
    """It said "cannot be pruned (database or disk is full)": neither what to do nor that the
    runs were all still there."""
    from simulator.journal import pruning

    real = pruning.open_database
    monkeypatch.setattr(pruning, "open_database", lambda *a, **k: _FullDiskDeleting(real(*a, **k)))
    assert main(["journal", "prune", "--journal", str(journal), "--keep", "2"]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {journal}: cannot be pruned (database or disk is full: free some space on its "
        "disk); nothing was deleted\n"
    )
    with Journal.open(journal, writing=False) as read:
        assert len(read.runs()) == 7
