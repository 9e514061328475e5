"""``-o ""`` (a CI script's ``-o "$EVENTS"`` with the variable unset): ``adsim run`` said
"adsim: .: cannot write the events: Is a directory", ``adsim journal export`` wrote to stdout as
if no ``-o`` had been given. Each now names the option: an empty file name, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
CHAT = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["run", CHAT, "--journal", ":memory:", "-o", ""], "run"),
        (["run", CHAT, "--journal", ":memory:", "--events-out", ""], "run"),
        (["generate", "--count", "1", "--output", ""], "generate"),
        (["journal", "export", "--journal", "{journal}", "-o", ""], "journal export"),
    ],
    ids=["run", "run-old-name", "generate", "export"],
)
def test_an_empty_output_name_is_refused(tmp_path, capsys, argv, command):
    journal = tmp_path / "j.db"
    assert main(["run", CHAT, "--journal", str(journal)]) == 0
    capsys.readouterr()
    argv = [arg.replace("{journal}", str(journal)) for arg in argv]
    with pytest.raises(SystemExit) as ended:
        main(argv)
    assert ended.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    option = "--events-out" if "--events-out" in argv else "--output/-o"
    assert err.startswith(f"adsim {command}: argument {option}: an empty file name; ")
