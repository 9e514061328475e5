"""The SQLite journal: what it keeps, its schema version and migrations, exports."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest

from simulator.demo import run_demo_call
from simulator.handlers import HandlerHost, HandlerOutcome
from simulator.journal import (
    SCHEMA_VERSION,
    Journal,
    JournalError,
    default_journal_path,
    export_csv,
    export_jsonl,
)
from simulator.journal.schema import adsim_version, migrate
from simulator.journal.store import MIGRATIONS


def test_every_event_is_journaled_in_order(sim, tmp_path):
    with Journal.open(tmp_path / "j.sqlite3", meta={"seed": 7}) as journal:
        journal.attach(sim)
        recorder = run_demo_call(sim)
        events = journal.events()
        assert [(e.seq, e.name, e.time_ms, e.interaction_id) for e in events] == [
            (e.seq, e.name.value, e.time_ms, e.interaction_id) for e in recorder.events
        ]
        assert [e.args for e in events] == [list(e.wire_args) for e in recorder.events]
        [(run_id, _, meta)] = journal.runs()
        assert meta == {"seed": 7}
        assert {e.run_id for e in events} == {run_id}


def test_the_file_is_in_wal_mode_with_the_schema_version(tmp_path):
    path = tmp_path / "j.sqlite3"
    Journal.open(path).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)
    db.close()


def test_an_older_journal_is_migrated_and_keeps_its_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    with Journal.open(path) as journal:
        journal.record_event(_FakeEvent(1))

    def add_tags(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE events ADD COLUMN tag TEXT")
        db.execute("UPDATE events SET tag = 'migrated'")

    with Journal.open(path, migrations=[*MIGRATIONS, add_tags]) as journal:
        assert journal.schema_version == SCHEMA_VERSION + 1
        assert [e.name for e in journal.events()] == ["ON_LOGIN"]
    db = sqlite3.connect(path)
    assert db.execute("SELECT tag FROM events").fetchall() == [("migrated",)]
    db.close()


def test_a_failed_migration_changes_nothing(tmp_path):
    path = tmp_path / "j.sqlite3"
    Journal.open(path).close()

    def broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half_done (x)")
        db.execute("THIS IS NOT SQL")

    with pytest.raises(JournalError, match="not a usable adsim journal"):
        Journal.open(path, migrations=[*MIGRATIONS, broken])
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables
    db.close()


def test_two_processes_creating_one_journal_at_once_both_open_it(tmp_path):
    """Two ``adsim run`` started together on a new journal: the second read version 0, waited for
    the first's write lock, then created the tables again and was refused as "not a usable adsim
    journal (table runs already exists)". The interleaving is forced here: the other opener
    migrates the file at the moment this one asks for the write lock."""
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    others: list[Journal] = []

    def the_other_process_first(statement: str) -> None:
        if statement.startswith("BEGIN IMMEDIATE") and not others:
            others.append(Journal.open(path))

    db.set_trace_callback(the_other_process_first)
    try:
        assert migrate(db, MIGRATIONS) == SCHEMA_VERSION
    finally:
        db.set_trace_callback(None)
        db.close()
        for other in others:
            other.close()
    assert others, "the other opener never ran: the test did not force the race"
    with Journal.open(path) as journal:
        assert journal.schema_version == SCHEMA_VERSION
        assert journal.events() == []


def test_a_journal_another_process_creates_between_two_reads_is_not_taken_for_foreign(tmp_path):
    """Four ``adsim run`` started together on a new journal: one was refused as "not an adsim
    journal: an SQLite database with other tables (events, outcomes, ...)". It read version 0,
    then another opener committed the first version (its tables and its version together), then
    it listed the tables: its two reads saw two states of the file. Forced here: the other opener
    creates the journal at the moment this one lists the tables."""
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    others: list[Journal] = []

    def the_other_process_between(statement: str) -> None:
        if "FROM sqlite_master" in statement and not others:
            others.append(Journal.open(path))

    db.set_trace_callback(the_other_process_between)
    try:
        assert adsim_version(db, SCHEMA_VERSION) == 0  # the file as it was at the first read
    finally:
        db.set_trace_callback(None)
        db.close()
        for other in others:
            other.close()
    assert others, "the other opener never ran: the test did not force the race"
    with Journal.open(path) as journal:
        assert journal.schema_version == SCHEMA_VERSION


def test_a_newer_journal_or_another_file_is_refused_with_what_to_do(tmp_path):
    newer = tmp_path / "newer.sqlite3"
    db = sqlite3.connect(newer)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    with pytest.raises(JournalError, match="newer than this adsim") as info:
        Journal.open(newer)
    assert info.value.path == str(newer)
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(JournalError, match="not a usable adsim journal"):
        Journal.open(junk)


def test_default_path_is_in_the_user_data_dir_unless_overridden(monkeypatch, tmp_path):
    monkeypatch.delenv("ADSIM_JOURNAL", raising=False)
    default = default_journal_path()
    assert default.name == "journal.sqlite3"
    assert "agent-desktop-simulator" in str(default)
    monkeypatch.setenv("ADSIM_JOURNAL", str(tmp_path / "mine.sqlite3"))
    assert default_journal_path() == tmp_path / "mine.sqlite3"


def test_a_tilde_in_adsim_journal_is_the_home_folder(monkeypatch, tmp_path):
    """``ADSIM_JOURNAL: ~/adsim/journal.sqlite3`` in a CI file is not expanded by a shell: the
    journal went into a folder named ``~`` in the working directory."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("ADSIM_JOURNAL", "~/adsim/journal.sqlite3")
    assert default_journal_path() == tmp_path / "adsim" / "journal.sqlite3"
    monkeypatch.setenv("ADSIM_JOURNAL", ":memory:")
    assert str(default_journal_path()) == ":memory:"


class _FakeEvent:
    def __init__(self, seq: int, name: str = "ON_LOGIN", iid: str | None = None):
        self.seq = seq
        self.name = name
        self.time_ms = 1000 + seq
        self.interaction_id = iid
        self.wire_args = ({"secret-ish": "token-123"},)


def _outcome(seq: int, **kw) -> HandlerOutcome:
    values = {
        "event_seq": seq,
        "event_name": "ON_LOGIN",
        "interaction_id": None,
        "handler": "h",
        "plugin": "p",
        "duration_ms": 1.5,
        "status": "ok",
    }
    return HandlerOutcome(**{**values, **kw})


def test_the_journal_stores_what_it_is_given_exactly(tmp_path):
    # Secrets are kept out before the journal (handlers.secrets): it never rewrites data.
    path = tmp_path / "j.sqlite3"
    with Journal.open(path) as journal:
        journal.record_event(_FakeEvent(1))
        journal.record_outcome(_outcome(1, status="error", error="bad token-123", traceback="x"))
        journal.record_answer(1, "token-123")
    with Journal.open(path) as journal:
        assert journal.events()[0].args == [{"secret-ish": "token-123"}]
        assert journal.events()[0].answer == "token-123"
        assert journal.outcomes()[0].error == "bad token-123"


def _journal_with_a_call(sim) -> tuple[Journal, str]:
    journal = Journal.open(":memory:")
    host = HandlerHost(sim, timeout=5, journal=journal)

    def register(ad_api):
        ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: {"crmId": "A-1"})
        ad_api.on("ON_NEW_INTERACTION", lambda interaction: 1 / 0)

    host.add_plugin("crm", register)
    recorder = run_demo_call(sim, after_step=host.settle)
    host.close()
    return journal, recorder.records()[0]["interactionId"]


def test_export_jsonl_interleaves_outcomes_after_their_event(sim):
    journal, iid = _journal_with_a_call(sim)
    out = io.StringIO()
    lines = export_jsonl(journal, out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == lines == len(journal.events()) + 2
    new = next(i for i, r in enumerate(rows) if r["event"] == "ON_NEW_INTERACTION")
    assert rows[new + 1]["kind"] == "outcome"
    assert rows[new + 1]["status"] == "error"
    assert "ZeroDivisionError" in rows[new + 1]["error"]
    assert "Traceback" in rows[new + 1]["traceback"]
    saved = next(i for i, r in enumerate(rows) if r["event"] == "ON_SAVE_ACTIVITY_RECORD")
    assert rows[saved + 1]["result"] == {"crmId": "A-1"}

    only = io.StringIO()
    export_jsonl(journal, only, interaction_id=iid)
    selected = [json.loads(line) for line in only.getvalue().splitlines()]
    assert selected
    assert {r["interactionId"] for r in selected} == {iid}
    journal.close()


def test_export_csv_has_one_row_per_event_and_outcome(sim):
    journal, iid = _journal_with_a_call(sim)
    out = io.StringIO()
    count = export_csv(journal, out, interaction_id=iid)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == count
    assert {r["kind"] for r in rows} == {"event", "outcome"}
    saved = [r for r in rows if r["kind"] == "outcome" and r["event"] == "ON_SAVE_ACTIVITY_RECORD"]
    assert json.loads(saved[0]["data"]) == {"crmId": "A-1"}
    event = next(r for r in rows if r["event"] == "ON_SAVE_ACTIVITY_RECORD")
    assert json.loads(event["data"])[0]["interactionId"] == iid
    journal.close()


def test_a_version_1_journal_gets_the_packets_table_and_keeps_its_rows(tmp_path):
    path = tmp_path / "v1.sqlite3"
    with Journal.open(path, migrations=MIGRATIONS[:1]) as old:
        assert old.schema_version == 1
        old.record_event(_FakeEvent(1))
        old.record_outcome(_outcome(1))
        old_run = old.run_id
    with Journal.open(path) as journal:  # upgraded in place
        assert journal.schema_version == SCHEMA_VERSION
        assert [(e.run_id, e.seq, e.name) for e in journal.events()] == [(old_run, 1, "ON_LOGIN")]
        assert [(o.run_id, o.plugin) for o in journal.outcomes()] == [(old_run, "p")]
        assert journal.packets() == []
        journal.record_packet("js:a.mjs", "out", {"uid": "w1", "type": "hello", "params": []})
        [packet] = journal.packets()
        assert (packet.run_id, packet.plugin, packet.direction) == (old_run + 1, "js:a.mjs", "out")
        assert packet.wire() == {"uid": "w1", "type": "hello", "params": []}
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()


def test_record_packet_keeps_the_wire_fields_and_refuses_a_bad_direction():
    with Journal.open(":memory:") as journal:
        journal.record_packet(
            "js:a.mjs", "in", {"uid": "a1", "type": "__handled__", "params": [], "error": "E: x"}
        )
        journal.record_packet(
            "js:b.mjs",
            "in",
            {"uid": 7, "type": "ON_X_RESPONSE", "params": [], "noHandlers": True},
        )
        first, second = journal.packets()
        assert first.wire() == {"uid": "a1", "type": "__handled__", "params": [], "error": "E: x"}
        assert (second.uid, second.no_handlers, second.error) == ("7", True, None)
        assert second.id > first.id and second.time_ms >= first.time_ms
        assert journal.packets(plugin="js:b.mjs") == [second]
        assert journal.packets(run_id=journal.run_id + 1) == []
        with pytest.raises(ValueError, match="'in' or 'out'"):
            journal.record_packet("js:a.mjs", "sideways", {"type": "x"})


def _journal_with_packets(sim) -> Journal:
    journal, _ = _journal_with_a_call(sim)
    journal.record_packet("js:crm.mjs", "in", {"uid": "a1", "type": "__attach__", "params": ["k"]})
    journal.record_packet("js:crm.mjs", "out", {"uid": "w1", "type": "hello", "params": []})
    return journal


def test_export_puts_packets_after_the_runs_events_only_when_asked(sim):
    journal = _journal_with_packets(sim)
    plain = io.StringIO()
    export_jsonl(journal, plain)
    assert "packet" not in {json.loads(line)["kind"] for line in plain.getvalue().splitlines()}
    out = io.StringIO()
    count = export_jsonl(journal, out, packets=True)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == len(rows) == len(plain.getvalue().splitlines()) + 2
    assert [r["kind"] for r in rows[-2:]] == ["packet", "packet"]
    assert "packet" not in {r["kind"] for r in rows[:-2]}
    assert rows[-1] == {
        "kind": "packet",
        "run": journal.run_id,
        "id": rows[-1]["id"],
        "wallTime": rows[-1]["wallTime"],
        "plugin": "js:crm.mjs",
        "direction": "out",
        "type": "hello",
        "uid": "w1",
        "params": [],
    }
    with pytest.raises(ValueError, match="not tied to an interaction"):
        export_jsonl(journal, io.StringIO(), packets=True, interaction_id="x")
    journal.close()


def test_export_csv_with_packets_adds_their_columns(sim):
    journal = _journal_with_packets(sim)
    out = io.StringIO()
    export_csv(journal, out, packets=True)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    packets = [r for r in rows if r["kind"] == "packet"]
    assert [(r["event"], r["direction"], r["uid"], r["data"]) for r in packets] == [
        ("__attach__", "in", "a1", '["k"]'),
        ("hello", "out", "w1", "[]"),
    ]
    assert packets[0]["wallTime"] and not packets[0]["time"]
    assert rows[0]["direction"] == "" and rows[0]["wallTime"] == ""
    journal.close()


def test_journal_export_command_packets(tmp_path, capsys):
    from simulator.cli import main

    path = tmp_path / "j.sqlite3"
    with Journal.open(path) as journal:
        journal.record_packet("js:crm.mjs", "out", {"uid": "w1", "type": "hello", "params": []})
    assert main(["journal", "export", "--journal", str(path), "--packets"]) == 0
    [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (row["kind"], row["type"]) == ("packet", "hello")
    with pytest.raises(SystemExit) as info:
        main(["journal", "export", "--journal", str(path), "--packets", "--interaction", "X"])
    assert info.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_a_run_the_journal_does_not_have_is_an_error_not_an_empty_export(tmp_path, capsys):
    from simulator.cli import main

    path = tmp_path / "j.sqlite3"
    with Journal.open(path) as journal:
        journal.record_packet("js:crm.mjs", "out", {"uid": "w1", "type": "hello", "params": []})
    assert main(["journal", "export", "--journal", str(path), "--run", "1", "--packets"]) == 0
    capsys.readouterr()
    for argv in (["export", "--run", "7"], ["show", "X", "--run", "7"]):
        assert main(["journal", *argv, "--journal", str(path)]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert "no run 7 in this journal (runs 1 to 1)" in captured.err
        assert "Traceback" not in captured.err


def test_selecting_one_run_does_not_read_every_run(tmp_path, capsys, monkeypatch):
    """A load run's journal has a run per repeat: ``--run N`` read all their rows (and parsed
    their meta) to check N, 180 MB for 100,000 repeats before exporting 16 events."""
    from simulator.cli import main
    from simulator.journal.reading import JournalReader

    path = tmp_path / "j.sqlite3"
    with Journal.open(path) as journal:
        for _ in range(3):
            journal.record_packet("js:crm.mjs", "out", {"uid": "w1", "type": "x", "params": []})
            journal.new_run({})
    monkeypatch.setattr(JournalReader, "runs", lambda self: pytest.fail("read every run"))
    assert main(["journal", "export", "--journal", str(path), "--run", "2", "--packets"]) == 0
    assert [json.loads(line)["run"] for line in capsys.readouterr().out.splitlines()] == [2]
    assert main(["journal", "export", "--journal", str(path), "--run", "9"]) == 2
    assert "no run 9 in this journal (runs 1 to 3)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "line"),
    [
        (
            ["--interaction", "NOT-AN-ID"],
            "no events of interaction 'NOT-AN-ID'; list ids with export",
        ),
        (["--agent", "omar"], "no events of agent 'omar' (its runs had one agent, unnamed)"),
        (
            ["--interaction", "{iid}", "--run", "2"],
            "no events of interaction '{iid}' in run 2; list ids with export",
        ),
    ],
)
def test_a_filter_that_matches_nothing_is_an_error_not_an_empty_export(
    sim, tmp_path, capsys, option, line
):
    """``--interaction`` with a typo (or another run's id) was an empty export and exit 0: a CI
    artifact with nothing in it, as a missing ``--run`` was before it was refused."""
    from simulator.cli import main

    path = tmp_path / "j.sqlite3"
    with Journal.open(path) as journal:
        journal.attach(sim)
        recorder = run_demo_call(sim)
        journal.new_run()
        journal.record_packet("js:crm.mjs", "out", {"uid": "w1", "type": "hello", "params": []})
    iid = recorder.records()[0]["interactionId"]
    argv = ["journal", "export", "--journal", str(path), *[o.format(iid=iid) for o in option]]
    out = tmp_path / "out.jsonl"
    assert main([*argv, "-o", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"adsim: {path}: {line.format(iid=iid)}\n"
    assert not out.exists()
    assert main(["journal", "export", "--journal", str(path), "--interaction", iid]) == 0
    assert iid in capsys.readouterr().out


@pytest.mark.parametrize("given", ["option", "environment"])
@pytest.mark.parametrize("command", [["export"], ["show", "some-id"]])
def test_reading_the_memory_journal_is_an_error_not_an_empty_export(
    capsys, monkeypatch, given, command
):
    """``ADSIM_JOURNAL=:memory:`` (a CI job's setting) then ``adsim journal export``: an empty
    export and exit 0, as if the runs had emitted nothing."""
    from simulator.cli import main

    argv = ["journal", *command]
    if given == "option":
        argv += ["--journal", ":memory:"]
    else:
        monkeypatch.setenv("ADSIM_JOURNAL", ":memory:")
    assert main(argv) == 2
    out, err = capsys.readouterr()
    where = "--journal" if given == "option" else "$ADSIM_JOURNAL"
    assert out == ""
    assert err == (
        f"adsim: {where}: ':memory:' keeps no journal, so there is nothing to read; pass the "
        "journal file with --journal PATH\n"
    )


def test_reading_an_older_journal_upgrades_a_copy_and_leaves_the_file_as_it_was(tmp_path):
    # `adsim journal export|show` only read: upgrading the file in place would leave a journal
    # the adsim that wrote it can no longer open.
    path = tmp_path / "v1.sqlite3"
    with Journal.open(path, migrations=MIGRATIONS[:1]) as old:
        old.record_event(_FakeEvent(1))
        old.record_outcome(_outcome(1))
    with Journal.open(path, writing=False) as reader:
        assert reader.schema_version == SCHEMA_VERSION
        assert [(e.seq, e.name) for e in reader.events()] == [(1, "ON_LOGIN")]
        assert [o.plugin for o in reader.outcomes()] == ["p"]
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "packets" not in {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    db.close()


@pytest.mark.parametrize("command", ["export", "runs", "show"])
def test_reading_an_older_journal_leaves_no_file_beside_it(tmp_path, capsys, command):
    # Read in a writable folder, a journal of schema 1 was left with a -shm (32 KB) and an
    # empty -wal beside it: the copy was taken through a read-only connection, which SQLite
    # lets make them and not remove. "They write nothing there."
    from simulator.cli import main

    path = tmp_path / "v1.sqlite3"
    with Journal.open(path, migrations=MIGRATIONS[:1]) as old:
        old.record_event(_FakeEvent(1))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v1.sqlite3"]
    argv = ["journal", command, "--journal", str(path)]
    argv += ["--run", "1"] if command == "export" else []
    if command == "show":
        argv[2:2] = ["X"]
    main(argv)
    capsys.readouterr()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v1.sqlite3"]
