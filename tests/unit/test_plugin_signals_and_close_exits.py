"""A plugin that signals its own process (thread isolation: adsim's), or whose ``close()`` ends
its process, makes a failed run that says so.

Before: ``os.kill(os.getpid(), signal.SIGUSR1)`` (or an alarm a handler set) ended adsim with
exit 138, no summary and no line; a ``close()`` that called ``os._exit(5)`` in its own process
passed, exit 0."""

from __future__ import annotations

from tests.unit.plugin_demo import demo_through, run_adsim

SIGNALS_ITSELF = """
import os
import signal


def save(activity):
    os.kill(os.getpid(), signal.SIGUSR1)
    return "went on"


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def test_a_signal_a_plugin_sends_adsims_process_is_a_failure_not_its_end(tmp_path):
    plugin = tmp_path / "crm.py"
    plugin.write_text(SIGNALS_ITSELF, encoding="utf-8")
    result = run_adsim(
        "demo", "--journal", ":memory:", "--handler", str(plugin), "--handler-isolation", "thread"
    )
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "adsim: handlers: 0 of 1 calls failed; 1 plugin problem(s)" in result.stderr
    assert "adsim:   signal SIGUSR1 (10) reached adsim's process, " in result.stderr
    # Who sent it, seen as it was sent (an audit hook of os.kill)
    assert f"plugin crm: save sent it (os.kill at {plugin}:7) in adsim's own" in result.stderr


def test_a_close_that_ends_its_process_is_an_incident(tmp_path):
    source = """
import os


def close():
    os._exit(5)


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", print)
"""
    host = demo_through(tmp_path, source, "process")
    assert host.incidents == [
        "plugin crm: its process exited with status 5 during its close(), before it could say "
        "how its close went"
    ]
