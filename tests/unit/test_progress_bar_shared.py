"""The load-mode progress bar on a terminal others write to (a plugin's print, the trace, the
events of ``-o -``) is a line of its own each time: left open, their text was glued onto it
(``[#####---] 1/5 runsplugin says: saved``)."""

from __future__ import annotations

import io
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simulator.scenarios.report import ProgressBar

ROOT = Path(__file__).resolve().parents[2]
FLOW = "steps:\n  - call\n  - accept\n  - wait: 1m\n  - hang_up\n  - complete\n"
TALKS = """
def register(ad_api):
    def saved(activity):
        print("plugin says: saved", flush=True)
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", saved)
"""
WAIT = 120.0
"""Seconds a pty run may take at most (it takes a few): a bound, not a timing."""


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


class StillClock:
    """A clock that moves only by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_shared_bar_is_a_line_at_each_tenth_and_none_left_open() -> None:
    tty, clock = Tty(), StillClock()
    bar = ProgressBar(100, tty, width=10, shared=True, clock=clock)
    for done in range(1, 101):
        bar.update(done)
    bar.close()
    lines = tty.getvalue().split("\n")
    assert lines[-1] == ""  # ended: nothing is written after the last line's newline
    assert "\r" not in tty.getvalue()
    assert [line.split("] ")[1] for line in lines[:-1]] == [
        "1/100 runs",
        *(f"{n}/100 runs" for n in range(10, 101, 10)),
    ]


def test_a_shared_bar_draws_between_tenths_when_time_passes() -> None:
    tty, clock = Tty(), StillClock()
    bar = ProgressBar(1000, tty, width=10, shared=True, clock=clock)
    bar.update(1)
    bar.update(2)  # no tenth, no time
    clock.now += 10.0
    bar.update(3)
    assert [line.split("] ")[1] for line in tty.getvalue().splitlines()] == [
        "1/1000 runs",
        "3/1000 runs",
    ]


def test_a_bar_alone_on_its_terminal_stays_on_one_line() -> None:
    tty, clock = Tty(), StillClock()
    bar = ProgressBar(3, tty, width=3, clock=clock)
    for done in range(1, 4):
        bar.update(done)
    bar.close()
    assert tty.getvalue() == "\r[#--] 1/3 runs\r[###] 3/3 runs\n"


def _in_a_terminal(argv: list[str], cwd: Path) -> tuple[int, str]:
    """Run ``adsim argv`` with a pseudo-terminal as its stdout and stderr: (exit code, what
    the terminal got)."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", *argv],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    os.close(follower)
    seen = b""
    deadline = time.monotonic() + WAIT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], deadline - time.monotonic())
            if not ready:
                break
            try:
                data = os.read(leader, 65536)
            except OSError:  # EIO: every writer closed the terminal
                break
            if not data:
                break
            seen += data
        code = process.wait(timeout=WAIT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)
    return code, seen.decode("utf-8", "replace")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a pseudo-terminal: Linux")
@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_a_plugins_output_is_never_glued_onto_the_bar(tmp_path: Path, isolation: str) -> None:
    (tmp_path / "s.yaml").write_text(FLOW, encoding="utf-8")
    (tmp_path / "talks.py").write_text(TALKS, encoding="utf-8")
    argv = ["run", "s.yaml", "--repeat", "5", "--handler", "talks.py", "--journal", ":memory:"]
    code, seen = _in_a_terminal(
        [*argv, "--no-entry-points", "--handler-isolation", isolation], tmp_path
    )
    assert code == 0, seen
    lines = seen.replace("\r\n", "\n").split("\n")
    assert lines.count("plugin says: saved") == 5, seen
    bars = [line for line in lines if line.startswith("[")]
    assert [line.split("] ")[1].split(",")[0] for line in bars] == [
        f"{n}/5 runs" for n in range(1, 6)
    ], seen
    glued = [line for line in lines if "runs" in line and "plugin says" in line]
    assert glued == [], seen
    assert "\r" not in seen.replace("\r\n", "\n"), seen


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a pseudo-terminal: Linux")
def test_the_events_shown_on_the_terminal_are_never_glued_onto_the_bar(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(FLOW, encoding="utf-8")
    argv = ["run", "s.yaml", "--repeat", "3", "-o", "-", "--journal", ":memory:"]
    code, seen = _in_a_terminal([*argv, "--no-entry-points"], tmp_path)
    assert code == 0, seen
    lines = seen.replace("\r\n", "\n").split("\n")
    assert sum(line.startswith('{"seq":1,') for line in lines) == 3, seen
    glued = [line for line in lines if "runs" in line and '"seq"' in line]
    assert glued == [], seen
    bars = [line.split("] ")[1].split(",")[0] for line in lines if line.startswith("[")]
    assert bars == ["1/3 runs", "2/3 runs", "3/3 runs"], seen
