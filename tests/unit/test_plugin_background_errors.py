"""What a plugin's code raises outside a handler call is a failure of the run, in both isolations:
a thread it started that raised, an asyncio task it left that failed or was still pending.

Before: Python's own lines on stderr (``Exception in thread ...``, ``Task exception was never
retrieved``, ``Task was destroyed but it is pending!``) and the run passed, exit 0."""

from __future__ import annotations

import os

import pytest

from tests.unit.plugin_demo import demo_through, run_adsim

THREAD = """
import threading


def upload(activity_id):
    raise ValueError("the CRM refused " + activity_id)


def save(activity):
    worker = threading.Thread(target=upload, args=(activity.interaction_id,), name="uploader")
    worker.start()
    worker.join()  # its exception has been handled by the time it is joined


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""

TASKS = """
import asyncio


async def refuse():
    raise KeyError("refused")


async def forever():
    await asyncio.Event().wait()


async def save(activity):
    loop = asyncio.get_running_loop()
    loop.create_task(refuse())
    loop.create_task(forever())


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def _one(incidents: list[str], text: str) -> str:
    found = [line for line in incidents if text in line]
    assert len(found) == 1, incidents
    return found[0]


@pytest.mark.parametrize("isolation", ["process", "thread"])
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_thread_the_plugin_started_that_raised_is_an_incident(tmp_path, isolation):
    host = demo_through(tmp_path, THREAD, isolation)
    line = _one(host.incidents, "its thread uploader raised")
    plugin = os.path.realpath(tmp_path / "crm.py")
    assert line.startswith("plugin crm: its thread uploader raised: "), line
    assert "crm.py:6: ValueError: the CRM refused " in line, line
    assert plugin in os.path.realpath(line.split(": ")[2].rsplit(":", 1)[0]), line
    assert [outcome.status for outcome in host.outcomes] == ["ok"]  # the call itself was fine


@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_asyncio_tasks_that_failed_or_were_left_pending_are_incidents(tmp_path, isolation):
    host = demo_through(tmp_path, TASKS, isolation)
    failed = _one(host.incidents, "refuse() raised")
    assert failed.startswith("plugin crm: its asyncio task refuse() raised: "), failed
    assert "crm.py:6: KeyError: 'refused'" in failed, failed
    left = _one(host.incidents, "still pending")
    assert left.startswith("plugin crm: asyncio task(s) forever() at "), left
    assert "crm.py:9 still pending 0.5 s after the end; adsim cancelled them" in left, left


def test_the_command_line_fails_a_run_whose_plugin_thread_raised(tmp_path):
    plugin = tmp_path / "crm.py"
    plugin.write_text(THREAD, encoding="utf-8")
    for isolation in ("process", "thread"):
        result = run_adsim(
            "demo",
            "--journal",
            ":memory:",
            "--handler",
            str(plugin),
            "--handler-isolation",
            isolation,
        )
        assert result.returncode == 1, result.stderr
        assert "Exception in thread uploader" in result.stderr  # its traceback, as Python's
        assert "adsim:   plugin crm: its thread uploader raised: " in result.stderr


OWN_HOOK = """
import threading

SEEN = []


def boom():
    raise ValueError("boom")


def save(activity):
    worker = threading.Thread(target=boom, name="worker")
    worker.start()
    worker.join()
    return len(SEEN)


def register(ad_api):
    threading.excepthook = SEEN.append  # its own, which does not call the one before it
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_a_plugins_own_threading_excepthook_is_called_and_the_error_still_said(tmp_path, isolation):
    import threading

    before = threading.excepthook
    try:
        host = demo_through(tmp_path, OWN_HOOK, isolation)
    finally:
        threading.excepthook = before  # thread isolation: this process's, put back for pytest
    assert [(o.status, o.result) for o in host.outcomes] == [("ok", 1)]
    assert [line for line in host.incidents if "its thread worker raised" in line] == [
        host.incidents[0]
    ], host.incidents


OWN_LOOP = """
import asyncio


async def refuse():
    raise KeyError("refused")


async def main():
    asyncio.get_running_loop().create_task(refuse())
    await asyncio.sleep(0)
    await asyncio.sleep(0)


def save(activity):
    asyncio.run(main())  # an event loop of the plugin's own


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_a_task_that_failed_in_the_plugins_own_event_loop_is_an_incident(tmp_path, isolation):
    """A handler's ``asyncio.run(main())`` whose ``create_task`` failed with nobody awaiting
    it: Python's default exception handler said "Task exception was never retrieved" on stderr
    and the run passed, exit 0 (the same task on adsim's loop is an incident)."""
    host = demo_through(tmp_path, OWN_LOOP, isolation)
    line = _one(host.incidents, "Task exception was never retrieved")
    assert line.startswith("plugin crm: its own asyncio event loop said "), line
    assert "crm.py:6: KeyError: 'refused'" in line, line
    assert [outcome.status for outcome in host.outcomes] == ["ok"]  # the call itself was fine


IN_REGISTER = """
import threading


def warm_up():
    raise ValueError("the CRM cache could not warm up")


def register(ad_api):
    worker = threading.Thread(target=warm_up, name="warmer")
    worker.start()
    worker.join()  # its exception has been handled by the time it is joined
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
"""


@pytest.mark.parametrize("isolation", ["process", "thread"])
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_thread_that_raised_while_register_ran_is_an_incident(tmp_path, isolation):
    """In adsim's process the threads were watched only once ``register()`` had returned: one
    that raised meanwhile was Python's lines (pytest's warning) and the run passed, while the
    same thread a moment later failed it."""
    host = demo_through(tmp_path, IN_REGISTER, isolation)
    line = _one(host.incidents, "its thread warmer raised")
    assert line.startswith("plugin crm: its thread warmer raised: "), line
    assert "crm.py:6: ValueError: the CRM cache could not warm up" in line, line
