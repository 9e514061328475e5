"""The command line: the demo, the schema, and bad input (exit 2, one line, no traceback)."""

from __future__ import annotations

import json

from simulator.cli import main
from simulator.contract.schema import committed_schema


def test_demo_prints_one_activity_record(capsys):
    assert main(["demo", "--seed", "3"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["disposition"] == "Product sold"
    assert record["state"] == "completed"


def test_demo_events_are_json_lines(capsys):
    assert main(["demo", "--events"]) == 0
    lines = capsys.readouterr().out.splitlines()
    events = [json.loads(line)["event"] for line in lines]
    assert events[0] == "ON_LOGIN"
    assert "ON_SAVE_ACTIVITY_RECORD" in events


def test_schema_prints_the_committed_schema(capsys):
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == committed_schema()


def test_missing_tenant_file_is_one_line_and_exit_2(capsys, tmp_path):
    missing = tmp_path / "nope.yaml"
    assert main(["demo", "--tenant", str(missing)]) == 2
    err = capsys.readouterr().err
    assert str(missing) in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
