"""``--webhook "$URL"`` and ``--webhook-secret "$SECRET"`` in a CI script whose variable is unset
are refused, naming the option, before anything runs (exit 2).

``--webhook ""`` ran with no webhook at all and exited 0, not even the line that an option
without ``--webhook`` gets: the CI job passed, with nothing posted. ``--webhook-secret ""`` posted
unsigned bodies (or signed them with ``$ADSIM_WEBHOOK_SECRET``), a receiver that checks the
signature refusing each one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
CHAT = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")
URL = "http://127.0.0.1:9/hook"

CASES = {
    "run-webhook": (["run", CHAT, "--webhook", ""], "--webhook", "an empty URL"),
    "demo-webhook": (["demo", "--webhook", ""], "--webhook", "an empty URL"),
    "run-secret": (
        ["run", CHAT, "--webhook", URL, "--webhook-secret", ""],
        "--webhook-secret",
        "an empty secret",
    ),
    "demo-secret": (
        ["demo", "--webhook", URL, "--webhook-secret", ""],
        "--webhook-secret",
        "an empty secret",
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_an_empty_webhook_option_is_refused_naming_it(tmp_path, capsys, monkeypatch, case):
    argv, option, said = CASES[case]
    monkeypatch.setenv("ADSIM_WEBHOOK_SECRET", "from-the-environment")
    journal = tmp_path / "j.sqlite3"
    with pytest.raises(SystemExit) as ended:
        main([*argv, "--journal", str(journal)])
    assert ended.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    first = err.splitlines()[0]
    assert f": argument {option}: {said}" in first, err
    assert not journal.exists()  # refused before anything ran
