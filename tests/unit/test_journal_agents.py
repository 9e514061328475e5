"""The journal carries the agent of every event: schema 3, its migration, readers and exports."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

from simulator.cli import main
from simulator.journal import SCHEMA_VERSION, Journal, export_csv, export_jsonl
from simulator.journal.store import MIGRATIONS
from tests.unit.journal_fakes import FakeEvent, fake_outcome

ROOT = Path(__file__).resolve().parents[2]
HANDLER = ROOT / "fixtures/handlers/mini_crm.py"


def test_a_version_2_journal_of_per_agent_runs_gets_the_agent_on_its_rows(tmp_path):
    # What adsim wrote before schema 3: one run per desktop, the agent named in the run's meta.
    path = tmp_path / "v2.sqlite3"
    runs = {}
    for meta in ({"command": "run"}, {"command": "run", "agent": "jane"}, {"agent": "omar"}):
        with Journal.open(path, meta=meta, migrations=MIGRATIONS[:2]) as old:
            assert old.schema_version == 2
            old.record_event(FakeEvent(1))
            old.record_outcome(fake_outcome(1))
            runs[meta.get("agent")] = old.run_id
    db = sqlite3.connect(path)
    columns = {row[1] for row in db.execute("PRAGMA table_info(events)")}
    db.close()
    assert "agent" not in columns
    with Journal.open(path, writing=False) as journal:  # upgraded in place
        assert journal.schema_version == SCHEMA_VERSION >= 3
        agents = {e.run_id: e.agent for e in journal.events()}
        assert agents == {runs[None]: None, runs["jane"]: "jane", runs["omar"]: "omar"}
        assert {o.run_id: o.agent for o in journal.outcomes()} == agents
        assert [e.run_id for e in journal.events(agent="omar")] == [runs["omar"]]
        assert [o.run_id for o in journal.outcomes(agent="jane")] == [runs["jane"]]


def test_events_and_their_outcomes_keep_the_agent_and_one_agent_keeps_none():
    with Journal.open(":memory:") as journal:
        journal.record_event(FakeEvent(1, "omar"))
        journal.record_outcome(fake_outcome(1))
        journal.record_event(FakeEvent(2))
        journal.record_outcome(fake_outcome(2))
        assert [(e.seq, e.agent) for e in journal.events()] == [(1, "omar"), (2, None)]
        assert [(o.event_seq, o.agent) for o in journal.outcomes()] == [(1, "omar"), (2, None)]
        assert journal.has_agents()
        assert not journal.has_agents(run_id=journal.run_id + 1)


def _two_agent_run(tmp_path) -> str:
    journal = str(tmp_path / "j.sqlite3")
    scenario = ROOT / "fixtures/scenarios/transfer_data_round_trip.yaml"
    code = main(
        ["run", str(scenario), "--journal", journal, "--no-entry-points", "--handler",
         str(HANDLER), "--events-out", str(tmp_path / "events.jsonl")]
    )  # fmt: skip
    assert code == 0
    return journal


def test_a_two_agent_run_journals_each_event_with_its_agent(tmp_path):
    journal_path = _two_agent_run(tmp_path)
    emitted = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    with Journal.open(journal_path, writing=False) as journal:
        for agent in ("jane", "omar"):
            mine = [e for e in emitted if e["agent"] == agent]
            assert [(e.seq, e.name) for e in journal.events(agent=agent)] == [
                (e["seq"], e["event"]) for e in mine
            ]
        outcomes = journal.outcomes()
        assert outcomes and {o.agent for o in outcomes} == {"jane", "omar"}
        by_event = {(e.run_id, e.seq): e.agent for e in journal.events()}
        assert all(by_event[(o.run_id, o.event_seq)] == o.agent for o in outcomes)


def test_the_export_names_the_agent_of_every_event_and_outcome_row(tmp_path, capsys):
    journal_path = _two_agent_run(tmp_path)
    capsys.readouterr()
    assert main(["journal", "export", "--journal", journal_path]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {row["kind"] for row in rows} == {"event", "outcome"}
    assert {row["agent"] for row in rows} == {"jane", "omar"}
    assert list(rows[0])[:3] == ["kind", "run", "agent"]
    assert main(["journal", "export", "--journal", journal_path, "--agent", "omar"]) == 0
    omar = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert omar == [row for row in rows if row["agent"] == "omar"]
    assert main(["journal", "export", "--journal", journal_path, "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["agent"] for row in table] == [row["agent"] for row in rows]


def test_a_single_agent_export_has_no_agent_key_nor_column(sim):
    with Journal.open(":memory:") as journal:
        journal.attach(sim)
        sim.login()
        lines, table = io.StringIO(), io.StringIO()
        export_jsonl(journal, lines)
        export_csv(journal, table)
    rows = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert rows and all("agent" not in row for row in rows)
    assert table.getvalue().splitlines()[0] == (
        "run,kind,seq,time,event,interactionId,plugin,handler,status,durationMs,data,error"
    )


def test_journal_show_names_the_agent_of_a_run(tmp_path, capsys):
    journal_path = _two_agent_run(tmp_path)
    with Journal.open(journal_path, writing=False) as journal:
        iid = next(e.interaction_id for e in journal.events(agent="omar") if e.interaction_id)
    capsys.readouterr()
    assert main(["journal", "show", iid, "--journal", journal_path]) == 0
    assert "(agent omar): interaction " + iid in capsys.readouterr().out


def test_an_agent_the_journal_lacks_lists_its_agents_without_reading_every_event(
    tmp_path, capsys, monkeypatch
):
    """``--agent`` with a typo read every event of the journal to list the agents it has: 17 s
    on the journal of a 100,000-repeat load run."""
    from simulator.journal.reading import JournalReader

    journal_path = _two_agent_run(tmp_path)
    capsys.readouterr()
    monkeypatch.setattr(JournalReader, "iter_events", lambda *a, **k: iter(()))
    assert main(["journal", "export", "--journal", journal_path, "--agent", "omr"]) == 2
    err = capsys.readouterr().err
    assert err.endswith("no events of agent 'omr' (its agents: jane, omar)\n"), err
