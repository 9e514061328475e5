"""Ctrl-C while ``adsim`` is still importing ends it as a later Ctrl-C does: one line, exit 130.

A SIGINT in its first ~50 ms (the command line's imports, before ``simulator.interrupts`` is in
place) printed a ``KeyboardInterrupt`` traceback through the console script. Each test runs the
console script's code, for the entry point ``pyproject.toml`` declares, in a process that sends
itself SIGINT when a chosen module is about to be imported: a controlled point, not a race.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENTRY = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]["adsim"]
CHAT = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")

# What a console script runs (pip's template), with SIGINT sent at the import of ``module``.
# Python's own SIGINT handler first: a suite run in a script's background inherits it ignored.
SCRIPT = """
import importlib.abc, os, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)

class Interrupt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, Interrupt())
sys.argv = ["adsim", *{argv!r}]
from {entry_module} import {entry_function}
sys.exit({entry_function}())
"""


def _adsim_interrupted_at(module: str, argv: list[str]) -> subprocess.CompletedProcess[str]:
    entry_module, entry_function = ENTRY.split(":")
    code = SCRIPT.format(
        module=module, argv=argv, entry_module=entry_module, entry_function=entry_function
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )


@pytest.mark.parametrize(
    ("module", "argv"),
    [
        ("simulator.cli", ["--version"]),  # the console script's own import
        ("argparse", ["--version"]),  # an import of the command line's
        ("simulator.streams", ["demo"]),
        ("simulator.scenarios.commands", ["run", CHAT]),  # the chosen command's imports
        ("simulator.engine", ["demo"]),
        ("simulator.gui.launch", []),  # the window's, under Python's own handler
    ],
)
def test_ctrl_c_during_the_imports_is_one_line_and_exit_130(module, argv):
    done = _adsim_interrupted_at(module, argv)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr == "adsim: interrupted (SIGINT): stopping\n"
    assert done.stdout == ""
    assert done.returncode == 130


def test_without_an_interrupt_the_entry_point_runs_adsim():
    done = _adsim_interrupted_at("no.such.module", ["--version"])
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("adsim ")
