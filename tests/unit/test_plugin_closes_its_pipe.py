"""A handler that closes the descriptors its process talks to adsim on (``os.closerange(3,
...)``, as daemonizing code does) is one line and a ``crashed`` call, not adsim's traceback.

Before: the plugin's process printed adsim's own traceback (``child.py ... OSError: [Errno 9]
Bad file descriptor``, then ``Exception ignored in ... __del__`` twice) above the summary.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PLUGIN = """
import os


def detach(activity):
    os.closerange(3, 4096)  # what a daemonizing library does
    return "detached"


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", detach)
"""


def test_a_handler_closing_the_pipe_is_one_line_and_a_crash(tmp_path):
    plugin = tmp_path / "crm.py"
    plugin.write_text(PLUGIN, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "demo", "--journal", ":memory:", "--handler", plugin],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert "Exception ignored" not in result.stderr, result.stderr
    assert (
        "adsim: plugin crm: after detach, its process cannot answer adsim (Bad file descriptor): "
        "a handler closed or replaced the descriptors it talks to adsim on"
    ) in result.stderr, result.stderr
    assert "-> crm:detach crashed in " in result.stderr, result.stderr
