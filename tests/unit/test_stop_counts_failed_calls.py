"""``adsim run`` stopped (Ctrl-C, SIGTERM): the handler calls of the run the stop cut short
that failed (a webhook's delivery that failed or was cut off: journaled) are said too.

The stop's lines counted the finished runs' failures only ("1 of 3 runs finished before the
stop; 1 of them failed"), and a single run stopped said nothing of them: the journal held a
failed delivery the terminal never mentioned.
"""

from __future__ import annotations

import signal
from pathlib import Path

from simulator.cli import main
from simulator.interrupts import Interrupted
from simulator.scenarios.runner import ScenarioResult, ScenarioRunner

SCENARIO = (
    "name: Flow\nseed: 4\nsteps:\n  - call: Sales\n  - accept\n  - wait: 5\n  - hang_up: customer\n"
    "  - disposition: Product sold\n  - complete\n  - wait: 1\n"
)


def _endpoint(httpserver) -> str:
    httpserver.expect_request("/hook", method="POST").respond_with_data("no", status=500)
    return httpserver.url_for("/hook")


def _argv(tmp_path: Path, url: str) -> list[str]:
    flow = tmp_path / "flow.yaml"
    flow.write_text(SCENARIO, encoding="utf-8")
    return ["run", str(flow), "--journal", str(tmp_path / "j.db"), "--webhook", url,
            "--webhook-attempts", "1"]  # fmt: skip


def test_a_stopped_run_says_its_failed_calls(tmp_path, capsys, monkeypatch, httpserver):
    url = _endpoint(httpserver)
    step = ScenarioRunner.run_step

    def run_step(self, index, model, result):  # SIGTERM at the last step, once it is done
        done = step(self, index, model, result)
        if index == len(self.file.scenario.steps) - 1:
            raise Interrupted(signal.SIGTERM)
        return done

    monkeypatch.setattr(ScenarioRunner, "run_step", run_step)
    assert main(_argv(tmp_path, url)) == 143
    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if "cut short" in line)
    assert line.startswith(
        "adsim: Flow: the run the stop cut short (seed 4): 1 of 1 handler calls failed, the "
        "first: #"
    ), err
    assert "ON_SAVE_ACTIVITY_RECORD -> webhook:" in line and "HTTP 500" in line


def test_a_stopped_series_counts_the_failed_calls_of_the_run_it_cut_short(
    tmp_path, capsys, monkeypatch, httpserver
):
    url = _endpoint(httpserver)
    written = ScenarioResult.jsonl
    calls = []

    def jsonl(self: ScenarioResult, repeat: int | None = None, scenario: str | None = None) -> str:
        calls.append(self.seed)
        if len(calls) == 2:  # SIGTERM while the second run's events are being written
            raise Interrupted(signal.SIGTERM)
        return written(self, repeat, scenario)

    monkeypatch.setattr(ScenarioResult, "jsonl", jsonl)
    argv = [*_argv(tmp_path, url), "--repeat", "3", "-o", str(tmp_path / "events.jsonl")]
    assert main(argv) == 143
    err = capsys.readouterr().err
    assert "adsim: Flow: 1 of 3 runs finished before the stop; 1 of them failed" in err, err
    line = next(line for line in err.splitlines() if "cut short" in line)
    assert line.startswith(
        "adsim: Flow: run 2 (seed 5), which the stop cut short: 1 of 1 handler calls failed, "
        "the first: #"
    ), err
    assert "HTTP 500" in line
