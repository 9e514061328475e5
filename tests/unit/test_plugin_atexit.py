"""A plugin's ``atexit`` functions run as its process ends (process isolation, adsim's default).

Before: the process ended with ``os._exit``, which skips them: a plugin's (or its library's)
flush at exit never ran, with nothing said, though with ``--handler-isolation thread`` it ran
at adsim's exit. Now they run within the threads' grace; one that raises or is still running
after it is a summary line, exit 1."""

from __future__ import annotations

from tests.unit.plugin_demo import run_adsim

_PLUGIN = """
import atexit
import pathlib
import threading


def flush():
    {body}


def save(activity):
    return None


def register(ad_api):
    atexit.register(flush)
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def _run(tmp_path, body: str):
    plugin = tmp_path / "crm.py"
    plugin.write_text(_PLUGIN.format(body=body), encoding="utf-8")
    return run_adsim("demo", "--journal", ":memory:", "--handler", str(plugin))


def test_a_plugins_atexit_function_runs_when_its_process_ends(tmp_path):
    flushed = tmp_path / "flushed.txt"
    result = _run(tmp_path, f"pathlib.Path({str(flushed)!r}).write_text('sent')")
    assert result.returncode == 0, (result.returncode, result.stderr)
    assert flushed.read_text() == "sent"


def test_one_that_raises_is_a_summary_line(tmp_path):
    result = _run(tmp_path, "raise OSError('CRM down')")
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert (
        f"adsim:   plugin crm: its atexit function flush raised: {tmp_path / 'crm.py'}:8: "
        "OSError: CRM down"
    ) in result.stderr
    assert "Exception ignored in atexit callback" in result.stderr  # Python's traceback too


def test_one_still_running_after_the_grace_is_named_and_the_process_ends(tmp_path):
    result = _run(tmp_path, "threading.Event().wait()")
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert (
        f"adsim:   plugin crm: its atexit function flush (at {tmp_path / 'crm.py'}:8) still "
        "running 0.5 s after the end; its process was ended"
    ) in result.stderr
