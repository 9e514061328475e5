"""``adsim run --repeat N`` of a scenario with ``agents:``: every agent's desktop gets its
handlers and its journal run in each repeat, as in one run.

Load mode kept one handler host for the whole series and rebound it to each desktop as the
runner built the agents' hosts: the last desktop (omar) took it, so the tenant's agent (jane)
had no handler and no journal at all, a ``--handler omar=PATH`` plugin was never loaded (the
host was built for jane), a ``--handler jane=PATH`` one got omar's events, and the summary
counted omar's calls twice ("handler latency over 4 calls" for the journal's 2).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
CONSULT = str(ROOT / "fixtures" / "scenarios" / "colleague_consult_transfer.yaml")

PLUGIN = """\
import os

def save(activity):
    with open(os.environ["COUNT_FILE"], "a", encoding="utf-8") as f:
        f.write(activity.interaction_id + "\\n")

def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def _run(tmp_path, monkeypatch, spec_prefix: str, repeat: int) -> tuple[int, list[str], list]:
    plugin = tmp_path / "count.py"
    plugin.write_text(PLUGIN, encoding="utf-8")
    count = tmp_path / f"count-{repeat}.txt"
    count.touch()
    monkeypatch.setenv("COUNT_FILE", str(count))
    journal = tmp_path / f"j-{repeat}.db"
    argv = ["run", CONSULT, "--no-entry-points", "--handler-isolation", "thread"]
    argv += ["--handler", spec_prefix + str(plugin), "--journal", str(journal)]
    argv += ["--repeat", str(repeat)]
    code = main(argv)
    out = tmp_path / f"export-{repeat}.jsonl"
    assert main(["journal", "export", "--journal", str(journal), "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return code, count.read_text(encoding="utf-8").splitlines(), rows


@pytest.mark.parametrize("prefix", ["", "jane=", "omar="])
def test_a_series_gives_every_agent_what_one_run_gives(tmp_path, monkeypatch, capsys, prefix):
    code, calls, rows = _run(tmp_path, monkeypatch, prefix, 1)
    assert code == 0 and calls
    capsys.readouterr()
    code, series_calls, series_rows = _run(tmp_path, monkeypatch, prefix, 2)
    out, err = capsys.readouterr()
    assert code == 0, out + err
    # Two repeats with seeds 22 and 23: the first is the single run, call for call.
    assert series_calls[: len(calls)] == calls, (calls, series_calls)
    assert len(series_calls) == 2 * len(calls)
    outcomes = [row for row in series_rows if row["kind"] == "outcome"]
    assert len(outcomes) == len(series_calls)
    assert f"handler latency over {len(series_calls)} calls" in out, out
    agents = {row.get("agent") for row in rows if row["kind"] == "event"}
    series_agents = {row.get("agent") for row in series_rows if row["kind"] == "event"}
    assert agents == series_agents == {"jane", "omar"}
    events = sum(row["kind"] == "event" for row in rows)
    assert sum(row["kind"] == "event" for row in series_rows) == 2 * events
