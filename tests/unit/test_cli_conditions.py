"""Ordinary hostile conditions on the command line: a locale that cannot encode the text, an
output folder that is not there, a handler folder with no plugins, Ctrl-C and SIGTERM mid-run.
Each runs ``adsim`` as a real process, as a CI job would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.handlers.plugins import NO_PLUGINS

ROOT = Path(__file__).resolve().parents[2]
CHAT = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")
WAIT = 60
"""Seconds a child process has for what takes well under one (a loaded 2-core machine)."""

UNICODE_SCENARIO = """\
name: Zoë's café call ✓
seed: 3
steps:
  - call:
      service: Sales
      customer: {first_name: Zoë, last_name: Ünal, phone: "+1 415 555 0134"}
  - wait: 4s
  - accept
  - hang_up: customer
  - disposition: Product sold
  - note: "Café crème ☕"
  - complete
"""


def _adsim(argv: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "simulator", *argv],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=WAIT * 2,
        check=False,
    )


@pytest.mark.parametrize(
    "env",
    [
        {"PYTHONIOENCODING": "ascii"},
        {"PYTHONIOENCODING": "cp1252"},  # a Windows console's code page
        {"LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"},
    ],
    ids=["ascii", "cp1252", "C-locale"],
)
def test_text_the_locale_cannot_encode_is_written_not_a_traceback(tmp_path, env):
    scenario = tmp_path / "café.yaml"
    scenario.write_text(UNICODE_SCENARIO, encoding="utf-8")
    env = {**env, "ADSIM_JOURNAL": str(tmp_path / "j.sqlite")}
    summary = _adsim(["run", str(scenario)], env)
    assert summary.returncode == 0, summary.stderr.decode(errors="replace")
    assert b"Traceback" not in summary.stderr
    # Data on a pipe is UTF-8 whatever the locale (JSON must be): every line parses.
    events = _adsim(["run", str(scenario), "--output", "-"], env)
    assert events.returncode == 0, events.stderr.decode(errors="replace")
    assert "PASS  Zo" in events.stderr.decode("ascii", errors="replace")
    records = [json.loads(line) for line in events.stdout.decode("utf-8").splitlines()]
    saved = [r for r in records if r["event"] == "ON_SAVE_ACTIVITY_RECORD"]
    assert saved[0]["args"][0]["description"] == "Café crème ☕"


@pytest.mark.parametrize("where", ["missing/out.jsonl", "."], ids=["missing-folder", "a-folder"])
def test_journal_export_to_an_unwritable_output_is_one_line(tmp_path, capsys, where):
    journal = str(tmp_path / "j.sqlite")
    assert main(["run", CHAT, "--journal", journal]) == 0
    capsys.readouterr()
    target = str(tmp_path / where)
    assert main(["journal", "export", "--journal", journal, "--output", target]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"adsim: {target}: cannot write the export: ")
    assert len(err.splitlines()) == 1


def test_a_handler_folder_with_no_plugins_is_refused_not_a_green_run(tmp_path, capsys):
    """``--handler DIR`` where DIR has no plugin loaded nothing and passed: CI went green while
    the integration never ran."""
    folder = tmp_path / "handlers"
    folder.mkdir()
    (folder / "_shared.py").write_text("X = 1\n")  # not a plugin: names starting with _
    for argv in (["run", CHAT], ["demo"]):
        code = main([*argv, "--journal", ":memory:", "--handler", str(folder)])
        err = capsys.readouterr().err
        assert code == 2, (argv, err)
        assert err == f"adsim: {folder}: {NO_PLUGINS}; check --handler\n"


def test_a_scenario_handlers_folder_with_no_plugins_is_refused_at_its_line(tmp_path, capsys):
    (tmp_path / "none").mkdir()
    scenario = tmp_path / "flow.yaml"
    scenario.write_text("name: x\nhandlers: [none]\nsteps: [login]\n")
    assert main(["run", str(scenario)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"adsim: {scenario}:2:12: '{tmp_path / 'none'}': {NO_PLUGINS}")
