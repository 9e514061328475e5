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
