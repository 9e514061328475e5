"""``adsim journal runs`` and ``show`` on a journal another adsim is writing right now: a run
read in the middle is ``running``, never ``finished`` with the events of its middle, nor
``unfinished`` because its process ended (with its end written) just after the read began; and
two runs writing one journal at once each keep their own run whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.journal import Journal, run_ends
from simulator.journal.reading import JournalReader
from tests.unit.journal_fakes import FakeEvent, fake_outcome


def test_runs_reads_a_runs_counts_and_end_in_one_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "j.sqlite3"
    writer = Journal.open(path, meta={"command": "run"})
    writer.commit([FakeEvent(1)])
    counts = JournalReader.run_counts

    def then_the_run_ends(self: JournalReader, run_id: int) -> tuple[int, int, int]:
        read = counts(self, run_id)
        if not writer._closed:  # the writer's last commit and its end, between two reads
            writer.commit([FakeEvent(2)])
            writer.close()
        return read

    monkeypatch.setattr(JournalReader, "run_counts", then_the_run_ends)
    assert main(["journal", "runs", "--journal", str(path), "--format", "jsonl"]) == 0
    run = json.loads(capsys.readouterr().out)
    # It said {"events": 1, "end": "finished"}: a whole run of one event.
    assert (run["events"], run["end"]) == (1, "running")


def test_a_run_whose_process_ended_after_the_read_began_is_not_called_unfinished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "j.sqlite3"
    writer = Journal.open(path)
    writer.commit([FakeEvent(1)])
    run_id = writer.run_id
    reader = Journal.open(path, writing=False)
    started = run_ends._process_start

    def gone_once_it_ended(pid: int) -> str | None:
        # The writer records its end and exits between the read of its row and the look at
        # its process.
        if not writer._closed:
            writer.close()
        return None

    with reader.snapshot():
        monkeypatch.setattr(run_ends, "_process_start", gone_once_it_ended)
        end = reader.run_end(run_id)
        monkeypatch.setattr(run_ends, "_process_start", started)
    reader.close()
    assert end.status == "running"  # it said unfinished: "its process ended without its end"


def test_a_run_whose_process_is_gone_with_no_end_is_still_unfinished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "j.sqlite3"
    writer = Journal.open(path)
    writer.commit([FakeEvent(1)])
    run_id = writer.run_id
    monkeypatch.setattr(run_ends, "_process_start", lambda pid: None)
    with Journal.open(path, writing=False) as reader:
        assert reader.run_end(run_id).status == "unfinished"
    writer.close()


def test_two_writers_on_one_journal_each_keep_their_own_run_whole(tmp_path: Path) -> None:
    # Two `adsim run --journal j.sqlite3` at once take turns at the write lock: their commits
    # interleave, and each run's events and outcomes stay whole and its own.
    path = tmp_path / "j.sqlite3"
    first = Journal.open(path, meta={"seed": 1})
    second = Journal.open(path, meta={"seed": 2})
    for seq in range(1, 6):
        first.commit([FakeEvent(seq)])
        second.commit([FakeEvent(seq), FakeEvent(seq + 100)])
        first.record_outcome(fake_outcome(seq, result="first"))
        second.record_outcome(fake_outcome(seq, result="second"))
    runs = first.run_id, second.run_id
    first.close()
    second.close()
    with Journal.open(path, writing=False) as journal:
        assert [meta["seed"] for _run, _started, meta in journal.runs()] == [1, 2]
        assert [event.seq for event in journal.events(run_id=runs[0])] == [1, 2, 3, 4, 5]
        assert len(journal.events(run_id=runs[1])) == 10
        for run, result in zip(runs, ("first", "second"), strict=True):
            outcomes = journal.outcomes(run_id=run)
            assert [(o.event_seq, o.result) for o in outcomes] == [(s, result) for s in range(1, 6)]
            assert journal.run_end(run).status == "finished"
