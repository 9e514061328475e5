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
