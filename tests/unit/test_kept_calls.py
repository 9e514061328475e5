"""Thread isolation: a handler abandoned past its timeout goes on running beside the next calls.
What it changed of adsim's process until its timeout is put back then, in its name; when it ends
it does not put back, in its own name, what the call running then changed (that call's own
``contextlib.chdir``), and a change found at the end of a call it ran beside names both."""

from __future__ import annotations

import os
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest

from simulator.data import load_tenant
from simulator.demo import run_demo_call
from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.handlers.kept_calls import KeptCalls
from simulator.handlers.kept_streams import KeptStreams

SLOW = """
import os
import threading

release = threading.Event()
thread = None
host = None  # the test's
there = None  # where it goes before its timeout (early)
early = False
late = None  # what it does once released


def wait(activity):
    global thread
    thread = threading.current_thread()
    if early:
        os.chdir(there)
    with host._lock:  # given up on at once, whatever the machine's speed: its timeout now
        host._running.deadline = 0.0
        host._watch.notify_all()
    release.wait(60)
    if late is not None:
        late()


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", wait)
"""

CRM = """
import contextlib
import os

slow = None  # the test's: the plugin above
there = None
seen = []


def save(activity):
    with contextlib.chdir(there):  # its own, put back by itself: no change
        slow.release.set()
        slow.thread.join(60)  # the abandoned handler has ended: it mended what it would
        seen.append(os.getcwd())


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def _module(plugin: Path) -> dict[str, Any]:
    [loaded] = [m for m in list(sys.modules.values()) if getattr(m, "__file__", 0) == str(plugin)]
    return vars(loaded)


def _run(tmp_path: Path, **slow: Any) -> tuple[HandlerHost, dict[str, Any]]:
    files = []
    for name, source in (("slow", SLOW), ("crm", CRM)):
        file = tmp_path / f"{name}.py"
        file.write_text(textwrap.dedent(source), encoding="utf-8")
        files.append(file)
    sim = Simulator(load_tenant(), seed=7)
    # The slow handler's call is given up on at once (its deadline moved), then it waits until
    # the next handler releases it; that one has the whole timeout.
    host = HandlerHost(sim, timeout=60.0, isolation="thread")
    try:
        for file in files:
            assert not host.load(file)[0].error
        first, second = (_module(file) for file in files)
        first.update(host=host, **slow)
        second["slow"] = sys.modules[first["__name__"]]
        second["there"] = tmp_path / "crm-own"
        second["there"].mkdir()
        run_demo_call(sim, after_step=host.settle)
        host.settle()
    finally:
        host.close()
    return host, second


@pytest.fixture
def back(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # back at the end whatever the plugins did
    return os.getcwd()


def test_an_abandoned_handler_ending_mid_call_leaves_that_calls_directory_alone(tmp_path, back):
    """It put back the directory it had found, under the feet of the call running then, and
    said it had changed it: the other plugin's ``contextlib.chdir``."""
    host, crm = _run(tmp_path)
    assert crm["seen"] == [str(tmp_path / "crm-own")]
    assert os.getcwd() == back
    assert [o.status for o in host.outcomes] == ["timeout", "ok"]
    assert host.incidents == []


def test_what_an_abandoned_handler_changed_before_its_timeout_is_put_back_at_once(tmp_path, back):
    """The next handlers ran in the directory it had moved to; it was put back (and said)
    only when it ended, if ever."""
    there = tmp_path / "slow-data"
    there.mkdir()
    host, crm = _run(tmp_path, early=True, there=there)
    assert os.getcwd() == back
    assert crm["seen"] == [str(tmp_path / "crm-own")]
    [line] = host.incidents
    assert line.startswith(f"plugin slow: wait changed adsim's current directory to {there} ")


def test_a_change_made_beside_an_abandoned_handler_names_both(tmp_path, back):
    limit = sys.getrecursionlimit()
    # Once released, mid-way through save: who did it, save or the abandoned one, is unknown.
    host, _crm = _run(tmp_path, late=lambda: sys.setrecursionlimit(limit - 1))
    assert sys.getrecursionlimit() == limit
    [line] = host.incidents
    assert line.startswith(
        "plugin crm: save (or plugin slow: wait, a handler abandoned past its timeout, which "
        f"ran beside it) lowered the recursion limit to {limit - 1} "
    )


def test_an_abandoned_call_that_ended_during_another_is_mended_once_none_runs(tmp_path, back):
    """Its end while another call ran is that call's to say; what it changed before that call
    began (that call found it so) is put back once no call runs, in its name."""
    incidents: list[str] = []
    kept = KeptCalls(KeptStreams(incidents.append), incidents.append)
    there = tmp_path / "late"
    there.mkdir()
    slow = kept.begin("plugin slow: wait")
    kept.abandon(threading.get_ident())
    os.chdir(there)  # the abandoned handler, between calls
    save = kept.begin("plugin crm: save")
    kept.end(slow)  # it ends during save: nothing put back under save's feet
    assert os.getcwd() == str(there)
    kept.end(save)
    assert os.getcwd() == back
    [line] = incidents
    assert line.startswith(
        "plugin slow: wait (a handler abandoned past its timeout, which went on running) "
        f"changed adsim's current directory to {there} "
    )


def test_nothing_is_mended_once_the_host_is_closing(tmp_path, back):
    incidents: list[str] = []
    kept = KeptCalls(KeptStreams(incidents.append), incidents.append)
    slow = kept.begin("plugin slow: wait")
    kept.abandon(threading.get_ident())
    kept.over()
    os.chdir(tmp_path / "..")  # the next test's
    kept.end(slow)
    assert os.getcwd() == str((tmp_path / "..").resolve())
    assert incidents == []


def test_a_handler_abandoned_for_ever_holds_back_no_mend(tmp_path, back):
    """One that never ends (a loop) is named beside the calls after it, and another abandoned
    one that ended is still mended once no call runs."""
    incidents: list[str] = []
    kept = KeptCalls(KeptStreams(incidents.append), incidents.append)
    me = threading.get_ident()
    kept.begin("plugin loop: spin")  # never ends
    kept.abandon(me)
    slow = kept.begin("plugin slow: wait")
    kept.abandon(me)
    os.chdir(tmp_path / "..")  # between calls: the save below finds it so
    save = kept.begin("plugin crm: save")
    kept.end(slow)
    kept.end(save)
    assert os.getcwd() == back
    [line] = incidents
    assert line.startswith(
        "plugin slow: wait (a handler abandoned past its timeout, which went on running; or "
        "plugin loop: spin, a handler abandoned past its timeout, which ran beside it) changed "
    )


def test_a_window_whose_end_never_came_is_not_taken_for_code_running_beside(tmp_path, back):
    incidents: list[str] = []
    kept = KeptCalls(KeptStreams(incidents.append), incidents.append)
    kept.begin("crm.py: its import")  # a Ctrl-C went past its end
    save = kept.begin("plugin crm: save")
    os.chdir(tmp_path / "..")
    kept.end(save)
    [line] = incidents
    assert line.startswith("plugin crm: save changed adsim's current directory")
