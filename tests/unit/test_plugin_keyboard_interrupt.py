"""A plugin that raises ``KeyboardInterrupt`` itself (in its import, ``register()`` or
``close()``) has failed: it is no Ctrl-C.

Before: with thread isolation adsim took it for a stop and exited 130 without a word (no line,
no summary); in a plugin's process (which ignores SIGINT) the process died with adsim's own
traceback, said as ``killed by signal SIGINT (2) while loading`` at the file's line 1, or as a
close that did not finish. Now each is the plugin's error, with its file:line, in the summary,
exit 1, in both isolations; a real Ctrl-C (adsim's ``Interrupted``) still stops the run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from simulator.handlers.plugins import Plugin, file_plugin
from simulator.interrupts import Interrupted

ROOT = Path(__file__).resolve().parents[2]

PLUGINS = {
    "import": ("import os\nraise KeyboardInterrupt('no config')\n", 2, "while importing it"),
    "register": (
        "def register(ad_api):\n    raise KeyboardInterrupt('no config')\n",
        2,
        "",
    ),
    "close": (
        "def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVITY_RECORD', print)\n\n\n"
        "def close():\n    raise KeyboardInterrupt('no config')\n",
        6,
        "",
    ),
}


@pytest.mark.parametrize("isolation", ["process", "thread"])
@pytest.mark.parametrize("where", sorted(PLUGINS))
def test_a_keyboard_interrupt_the_plugin_raises_is_its_failure(tmp_path, isolation, where):
    text, line, tail = PLUGINS[where]
    plugin = tmp_path / "crm.py"
    plugin.write_text(text, encoding="utf-8")
    options = ["--handler", str(plugin), "--handler-isolation", isolation]
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "demo", "--journal", ":memory:", *options],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert f"{plugin}:{line}: KeyboardInterrupt: no config{tail and ' ' + tail}" in said, said
    assert "interrupted" not in said and "signal" not in said, said
    assert "simulator/handlers/child.py" not in said, said


def test_a_stop_during_a_close_is_still_a_stop():
    def stopped() -> None:
        raise Interrupted(15)

    plugin = Plugin("crm", "crm.py", None, on_close=stopped)
    with pytest.raises(Interrupted):
        plugin.close()


def test_a_keyboard_interrupt_under_pythons_own_sigint_handler_is_still_a_stop(tmp_path):
    # pytest, or a driver of one's own: a plain KeyboardInterrupt may be the user's Ctrl-C.
    # Python's handler set here: a suite started in the background of a script (nohup, `&`)
    # inherits SIGINT ignored, and then no Ctrl-C can come.
    plugin_file = tmp_path / "crm.py"
    plugin_file.write_text("raise KeyboardInterrupt\n", encoding="utf-8")
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            file_plugin(plugin_file)
    finally:
        signal.signal(signal.SIGINT, before)
