"""``adsim run --repeat N -o FILE`` stopped by a signal: the line "K of N runs finished before
the stop" counts the runs whose events are in ``--output``, and the runs the journal has
finished.

The count was taken before the run's events were written: a signal while they were being
turned into JSON lines (most of the time spent outside the runs themselves) said one run more
than the file held.
"""

from __future__ import annotations

import io
import json
import os
import signal
from pathlib import Path

from simulator import streams
from simulator.cli import main
from simulator.interrupts import Interrupted, stop_on_signals
from simulator.journal import Journal
from simulator.overwrite import open_output
from simulator.scenarios.runner import ScenarioResult

ROOT = Path(__file__).resolve().parents[2]
CHAT = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")


def test_the_stop_line_counts_the_runs_in_the_output(tmp_path, capsys, monkeypatch):
    written = ScenarioResult.jsonl
    calls = []

    def jsonl(self: ScenarioResult, repeat: int | None = None, scenario: str | None = None) -> str:
        calls.append(self.seed)
        if len(calls) == 3:  # SIGTERM while the third run's events are being written
            raise Interrupted(signal.SIGTERM)
        return written(self, repeat, scenario)

    monkeypatch.setattr(ScenarioResult, "jsonl", jsonl)
    out = tmp_path / "events.jsonl"
    argv = ["run", CHAT, "--repeat", "10", "--journal", ":memory:", "-o", str(out)]
    assert main(argv) == 143
    err = capsys.readouterr().err
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sum(row["seq"] == 1 for row in rows) == 2  # two runs' events in the file
    assert "adsim: Chat: 2 of 10 runs finished before the stop\n" in err, err


def test_the_stop_line_says_the_runs_that_failed(tmp_path, capsys, monkeypatch):
    # Stopped after failed runs, the line said only "3 of 10 runs finished before the stop",
    # read as if they had passed (the summary that lists failures is not printed on a stop).
    flow = tmp_path / "flow.yaml"
    flow.write_text(
        "name: Flow\nseed: 4\nsteps:\n  - call: Sales\n"
        "  - expect: {event: ON_SAVE_ACTIVITY_RECORD}\n",
        encoding="utf-8",
    )
    written = ScenarioResult.jsonl
    calls = []

    def jsonl(self: ScenarioResult, repeat: int | None = None, scenario: str | None = None) -> str:
        calls.append(self.seed)
        if len(calls) == 4:
            raise Interrupted(signal.SIGINT)
        return written(self, repeat, scenario)

    monkeypatch.setattr(ScenarioResult, "jsonl", jsonl)
    out = tmp_path / "events.jsonl"
    argv = ["run", str(flow), "--repeat", "10", "--journal", ":memory:", "-o", str(out)]
    assert main(argv) == 130
    err = capsys.readouterr().err
    assert (
        "adsim: Flow: 3 of 10 runs finished before the stop; 3 of them failed, the first: run 1 "
        f"(seed 4): {flow}:5:5: expected at least 1 ON_SAVE_ACTIVITY_RECORD; 0 came."
    ) in err, err


def _signal_arrives(signum: int) -> None:
    """The signal, at this very point of the main thread: adsim's handler runs there."""
    handler = signal.getsignal(signum)
    assert callable(handler), handler  # stop_on_signals' own, not the default
    handler(signum, None)


def test_a_run_that_finished_before_the_signal_is_counted_as_the_journal_has_it(
    tmp_path, capsys, monkeypatch
):
    # SIGTERM while a finished run's events were turned into JSON lines: the journal had run 3
    # `finished`, with all its events, the line said "2 of 10 runs finished" and --output held
    # two runs: three stories of one series. Its events to a file are written, then it stops.
    written = ScenarioResult.jsonl
    calls = []

    def jsonl(self: ScenarioResult, repeat: int | None = None, scenario: str | None = None) -> str:
        calls.append(self.seed)
        if len(calls) == 3:
            _signal_arrives(signal.SIGTERM)
        return written(self, repeat, scenario)

    monkeypatch.setattr(ScenarioResult, "jsonl", jsonl)
    journal = tmp_path / "j.sqlite3"
    out = tmp_path / "events.jsonl"
    argv = ["run", CHAT, "--repeat", "10", "--journal", str(journal), "-o", str(out)]
    with stop_on_signals():  # adsim's handlers, as the command line has them
        assert main(argv) == 143
    err = capsys.readouterr().err
    assert "adsim: Chat: 3 of 10 runs finished before the stop\n" in err, err
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["repeat"] for row in rows if row["seq"] == 1] == [1, 2, 3]
    with Journal.open(journal, writing=False) as read:
        ends = [read.run_end(run_id).status for run_id, _started, _meta in read.runs()]
    assert ends == ["finished"] * 3, ends


def test_only_a_write_that_may_wait_on_a_reader_is_left_to_the_stop(tmp_path):
    # A stop waits for a finished run's events to reach a file, never for a pipe's reader.
    read_end, write_end = os.pipe()
    with os.fdopen(read_end), os.fdopen(write_end, "w") as pipe:
        assert streams.may_wait(pipe)
    with open_output(tmp_path / "new.jsonl") as new, streams.OutputFile(new, "new.jsonl") as out:
        assert not streams.may_wait(out)
    assert streams.may_wait(io.StringIO())
