"""A handler that ``os.fork()``s and whose child returns from it too (no ``os._exit``): the
copy must not answer for the plugin's process.

Before: both processes answered the call and served the pipe; the copy took the plugin's next
messages (its calls, its close), so the outcome could be the copy's and the run ended with
``its close did not finish within 1.5 s``, blaming the close. Now the copy says so on stderr and
waits: every call is answered by the plugin's own process, and the copy is killed once that
process ends, a summary line (exit 1).
"""

from __future__ import annotations

import sys

import pytest

from tests.unit.plugin_demo import demo_through

PLUGIN = """
import os

FORKED = []
API = []


def fork_once(*args):
    if FORKED:
        return "plugin"
    read, write = os.pipe()
    FORKED.append(os.fork())
    if FORKED[0] == 0:  # the copy: it forgot os._exit, and calls adsim on its way out
        os.dup2(write, 2)  # what it says, to the plugin's process
        note = API[0].add_note("from the copy")
        os.write(2, note.error.name.encode() + b"\\n")
        return "copy"
    os.close(write)
    with os.fdopen(read, "rb") as said:  # until the copy has returned
        return [said.readline().decode(), said.readline().decode()]


def register(ad_api):
    API.append(ad_api)
    ad_api.on("ON_NEW_INTERACTION", fork_once)
    ad_api.on("ON_INTERACTION_STATE_CHANGE", fork_once)
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", fork_once)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="leftovers are found in /proc")
def test_a_forked_copy_returning_from_a_handler_answers_nothing(tmp_path):
    host = demo_through(tmp_path, PLUGIN)
    first, *others = host.outcomes
    assert first.status == "ok", first
    assert first.result[0] == "api_not_answer\n"
    assert first.result[1].startswith("adsim: plugin crm: the process fork_once forked (os.fork()")
    assert len(others) > 3
    assert {(o.status, o.result) for o in others} == {("ok", "plugin")}, others
    assert host.incidents == [
        "plugin crm: 1 process(es) it started still running when its process ended; "
        "they were killed"
    ]


FORKS_IN_REGISTER = """
import os


def register(ad_api):
    os.fork()  # both processes register: only the plugin's own may tell adsim
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: "saved")
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="leftovers are found in /proc")
def test_a_forked_copy_returning_from_register_registers_nothing(tmp_path):
    host = demo_through(tmp_path, FORKS_IN_REGISTER)
    assert [(o.event_name, o.status, o.result) for o in host.outcomes] == [
        ("ON_SAVE_ACTIVITY_RECORD", "ok", "saved")
    ]
    assert host.incidents == [
        "plugin crm: 1 process(es) it started still running when its process ended; "
        "they were killed"
    ]
