"""A ``--repeat`` series whose ``--output`` finds a full disk says how many runs finished (and
how many of them failed) before it, as a stop does: it said only ``cannot write the output``."""

from __future__ import annotations

import errno
import io
import os
import pathlib
import re
from pathlib import Path

import pytest

from simulator.cli import main

FLOW = "name: s\nsteps:\n  - call\n  - accept\n  - wait: 1m\n  - hang_up\n  - complete\n"
OPTIONS = ["--journal", ":memory:", "--no-entry-points"]
FULL = "cannot write the output: No space left on device; free some space or write elsewhere"


class _FillsUp(io.StringIO):
    """A file on a disk with room for ``runs`` runs' events: the next write finds none."""

    def __init__(self, runs: int):
        super().__init__()
        self.room = runs

    def write(self, text: str) -> int:
        if self.room == 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= 1
        return super().write(text)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_a_full_device_says_how_many_runs_finished(tmp_path: Path, capsys) -> None:
    # /dev/full: every write that reaches it is ENOSPC, from the real file's first flush.
    scenario = tmp_path / "s.yaml"
    scenario.write_text(FLOW, encoding="utf-8")
    assert main(["run", str(scenario), "--repeat", "50", "-o", "/dev/full", *OPTIONS]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == f"adsim: /dev/full: {FULL}"
    said = re.fullmatch(
        r"adsim: s: (\d+) of 50 runs finished before the output could not be written", err[-2]
    )
    assert said is not None, err
    assert 0 < int(said.group(1)) < 50


def test_the_runs_and_the_failed_ones_are_counted(tmp_path: Path, monkeypatch, capsys) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(FLOW + "  - expect: {event: ON_LOGOUT}\n", encoding="utf-8")
    target = tmp_path / "events.jsonl"
    opened = pathlib.Path.open

    def open_(self, *args, **kwargs):
        # the output, or the new file written beside it (renamed over it at the end)
        if self == target or self.name.startswith(f".{target.name}."):
            return _FillsUp(runs=3)
        return opened(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", open_)
    argv = ["run", str(scenario), "--repeat", "10", "-o", str(target), *OPTIONS]
    assert main(argv) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == f"adsim: {target}: {FULL}"
    # The fourth run finished; its events found no room.
    assert err[-2].startswith(
        "adsim: s: 4 of 10 runs finished before the output could not be written; 4 of them "
        f"failed, the first: run 1 (seed 0): {scenario}:8:5: expected at least 1"
    )
    assert "Traceback" not in "\n".join(err)
