"""A stderr whose reader left (``adsim ... 2>&1 >out.json | head -0``) loses adsim's lines on
it, never the data on stdout nor the exit code (docs/cli.md: "a closed stderr ... ends the
trace, not the run"). Each case runs ``adsim`` as a real process with its stderr a pipe whose
read end is already closed, so every write to it fails with EPIPE."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.documentation import page, text

ROOT = Path(__file__).resolve().parents[2]
WAIT = 120
"""Seconds a child process has for what takes about one (a loaded 2-core machine)."""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes")


def _with_stderr_gone(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has already left: every write to stderr fails
    try:
        return subprocess.run(
            [sys.executable, "-m", "simulator", *argv],
            stdout=subprocess.PIPE,
            stderr=write_end,
            cwd=cwd,
            env={**os.environ, "ADSIM_JOURNAL": ":memory:"},
            timeout=WAIT,
            check=False,
        )
    finally:
        os.close(write_end)


def test_demo_writes_its_record_and_passes(tmp_path):
    """The record's title line on stderr failed first: stdout got nothing, exit 141."""
    done = _with_stderr_gone(["demo"], tmp_path)
    assert done.returncode == 0
    assert json.loads(done.stdout)["disposition"] == "Product sold"


@pytest.mark.parametrize("runs", [0, 2], ids=["empty", "cut-at-last"])
def test_journal_runs_lists_the_runs_and_passes(tmp_path, runs):
    """Its note on stderr ("no runs yet", "the last N runs ...") failed after the table: 141."""
    journal = tmp_path / "j.sqlite3"
    for _ in range(runs):
        made = _with_stderr_gone(["demo", "--journal", str(journal)], tmp_path)
        assert made.returncode == 0
    if not runs:  # a journal with no run in it
        from simulator.journal import Journal

        Journal.open(journal).close()
    argv = ["journal", "runs", "--journal", str(journal), "--last", "1"]
    done = _with_stderr_gone(argv, tmp_path)
    assert done.returncode == 0
    assert len(done.stdout.decode().splitlines()) == (2 if runs else 1)  # the header, a run


@pytest.mark.parametrize("repeat", [[], ["--repeat", "2"]], ids=["runs", "load-mode"])
def test_run_writes_every_scenarios_events_and_passes(tmp_path, repeat):
    """``-o -`` puts the summary on stderr: the first scenario's failed, and the second never
    ran (its events missing from stdout), exit 141."""
    scenarios = [
        str(ROOT / "fixtures" / "scenarios" / name) for name in ("chat.yaml", "email.yaml")
    ]
    done = _with_stderr_gone(["run", *scenarios, *repeat, "--output", "-"], tmp_path)
    assert done.returncode == 0
    rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert sum(row["seq"] == 1 for row in rows) == 2 * (2 if repeat else 1)  # each run's first


RAISES = """\
def lookup(interaction):
    raise ConnectionError("crm down")


def register(ad_api):
    ad_api.on("ON_NEW_INTERACTION", lookup)
"""

MISSPELT = """\
def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECRD", print)
"""


@pytest.mark.parametrize(
    ("options", "code"),
    [
        (["--webhook-secret", "s3cret-for-nothing"], 0),  # its warning line came before the run
        (["--handler", "raises.py"], 1),  # the summary of failed calls
        (["--handler", "misspelt.py"], 1),  # "handler not loaded", before the run
    ],
    ids=["warning", "failed-call", "not-loaded"],
)
def test_demo_keeps_the_exit_code_its_handler_lines_say(tmp_path, options, code):
    """Their lines on stderr failed: exit 141, and before the run, no record on stdout."""
    (tmp_path / "raises.py").write_text(RAISES)
    (tmp_path / "misspelt.py").write_text(MISSPELT)
    done = _with_stderr_gone(["demo", *options], tmp_path)
    assert done.returncode == code
    assert json.loads(done.stdout)["disposition"] == "Product sold"


def test_load_mode_keeps_the_exit_code_of_its_failed_handler_calls(tmp_path):
    """The series' summary of failed calls on stderr failed: exit 141."""
    (tmp_path / "raises.py").write_text(RAISES)
    scenario = str(ROOT / "fixtures" / "scenarios" / "inbound_acw_disposition.yaml")
    argv = ["run", scenario, "--repeat", "2", "--handler", "raises.py", "--output", "-"]
    done = _with_stderr_gone(argv, tmp_path)
    assert done.returncode == 1
    assert sum(json.loads(line)["seq"] == 1 for line in done.stdout.decode().splitlines()) == 2


def test_the_command_line_page_says_so():
    said = " ".join(text(page("cli.md")).split())
    assert "(`adsim demo 2>&1 >record.json | head -0` writes the record and exits 0;" in said


def test_a_series_whose_output_is_full_keeps_exit_2(tmp_path):
    """Its "N of M runs finished before the output could not be written" line, printed as the
    full disk's error was on its way out, replaced that error: exit 141, not 2."""
    scenario = ROOT / "fixtures" / "scenarios" / "missed_call.yaml"
    argv = ["run", str(scenario), "--repeat", "3", "--output", "/dev/full"]
    done = _with_stderr_gone(argv, tmp_path)
    assert done.returncode == 2
