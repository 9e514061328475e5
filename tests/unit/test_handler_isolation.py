"""Process isolation: a plugin that exits, segfaults, holds the GIL, hangs in ``register`` or
leaves a thread running cannot take the run down, and a well-behaved plugin beside it receives
every event exactly as it would alone."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from simulator.demo import run_demo_call
from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.journal import Journal

LOAD_TIMEOUT = 2.0
"""Short enough for a register() that never returns; plenty for one that does."""

WELL_BEHAVED = """
import json

EVENTS = (
    "ON_NEW_INTERACTION",
    "ON_INTERACTION_STATE_CHANGE",
    "ON_SAVE_ACTIVITY_RECORD",
    "ON_AGENT_STATE_CHANGE",
)


def _wire(value):
    return value.model_dump(mode="json") if hasattr(value, "model_dump") else value


def register(ad_api):
    def seen(*args):
        state = ad_api.get_agent_state()
        return {"args": [_wire(a) for a in args], "state": _wire(state.data), "ok": state.ok}

    for name in EVENTS:
        ad_api.on(name, seen)
"""

HOSTILE = {
    "exits": """
        import os

        def register(ad_api):
            ad_api.on("ON_NEW_INTERACTION", lambda i: os._exit(3))
            ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda a: os._exit(3))
    """,
    "segfaults": """
        import ctypes

        def register(ad_api):
            ad_api.on("ON_NEW_INTERACTION", lambda i: ctypes.string_at(0))
            ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda a: ctypes.string_at(0))
    """,
    "kills_itself": """
        import os
        import signal

        def register(ad_api):
            ad_api.on("ON_NEW_INTERACTION", lambda i: os.kill(os.getpid(), signal.SIGSEGV))
    """,
    "holds_the_gil": """
        import re

        def stuck(interaction):
            return re.match(r"(a+)+$", "a" * 64 + "b")  # catastrophic: the GIL is never let go

        def register(ad_api):
            ad_api.on("ON_NEW_INTERACTION", stuck)
            ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda a: None)
    """,
}


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.py"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _run(plugins: list[Path], timeout: float = 5.0) -> tuple[HandlerHost, list[Any]]:
    """One demo call with ``plugins`` loaded in process mode; (the closed host, the outcomes
    of the well-behaved plugin as (seq, event, handler, result))."""
    sim = _sim()
    host = HandlerHost(
        sim,
        timeout=timeout,
        journal=Journal.open(":memory:"),
        isolation="process",
        load_timeout=LOAD_TIMEOUT,
    )
    try:
        for path in plugins:
            host.load(path)
        run_demo_call(sim, after_step=host.settle)
        host.settle()
    finally:
        host.close()
        host.journal.close()
    good = [
        (o.event_seq, o.event_name, o.status, o.result)
        for o in host.outcomes
        if o.plugin == "well_behaved"
    ]
    return host, good


def _sim() -> Simulator:
    from simulator.data import load_tenant

    return Simulator(load_tenant(), seed=7)


@pytest.fixture(scope="module")
def alone(tmp_path_factory) -> list[Any]:
    """What the well-behaved plugin receives and answers with no other plugin loaded."""
    folder = tmp_path_factory.mktemp("alone")
    host, good = _run([_write(folder, "well_behaved", WELL_BEHAVED)])
    assert not host.failures and not host.incidents
    assert len(good) >= 10 and {status for _, _, status, _ in good} == {"ok"}
    assert all(result["ok"] for *_, result in good), "ad_api calls answered by the engine"
    return good


@pytest.mark.parametrize(
    "case",
    [
        ("exits", 5.0, "crashed", "exited with status 3"),
        ("segfaults", 5.0, "crashed", "killed by signal SIGSEGV (11)"),
        ("kills_itself", 5.0, "crashed", "killed by signal SIGSEGV (11)"),
        ("holds_the_gil", 1.5, "timeout", "holds_the_gil.py:5 in stuck"),
    ],
    ids=lambda case: case[0],
)
def test_a_broken_plugin_does_not_change_what_another_receives(tmp_path, alone, case):
    name, timeout, status, message = case
    bad = _write(tmp_path, name, HOSTILE[name])
    good = _write(tmp_path, "well_behaved", WELL_BEHAVED)
    host, seen = _run([bad, good], timeout=timeout)
    assert seen == alone, "every event, in order, with the same payloads and ad_api answers"
    failures = host.failures
    assert failures, "the broken plugin's calls are failures"
    first = failures[0]
    assert (first.plugin, first.event_name, first.status) == (name, "ON_NEW_INTERACTION", status)
    assert message in first.error
    if name in ("exits", "segfaults"):
        # A fresh process took the next call, and died again the same way.
        assert [(f.event_name, f.status) for f in failures] == [
            ("ON_NEW_INTERACTION", "crashed"),
            ("ON_SAVE_ACTIVITY_RECORD", "crashed"),
        ]
    if name == "holds_the_gil":
        assert first.traceback and "holds_the_gil.py" in first.traceback
        saved = [o for o in host.outcomes if o.plugin == name][-1]
        assert (saved.event_name, saved.status) == ("ON_SAVE_ACTIVITY_RECORD", "ok"), (
            "the fresh process registered again and answers"
        )


def test_a_register_that_never_returns_is_killed_at_the_load_timeout(tmp_path, alone):
    hangs = _write(
        tmp_path,
        "hangs",
        """
        def register(ad_api):
            ad_api.on("ON_NEW_INTERACTION", print)
            while True: pass  # noqa: E701 - one line, so the dump names it whenever it comes
        """,
    )
    good = _write(tmp_path, "well_behaved", WELL_BEHAVED)
    host, seen = _run([hangs, good])
    assert seen == alone
    (status, _) = host.plugins
    assert not status.loaded
    assert status.error.startswith(f"{hangs}:4: register(ad_api) did not return within 2 s")
    assert f"stuck at {hangs}:4 in register" in status.error
    assert not [o for o in host.outcomes if o.plugin == "hangs"], "none of its handlers ran"


def test_an_import_that_never_ends_is_said_as_its_import_not_register(tmp_path, alone):
    """The load timeout said "register(ad_api) did not return" of a plugin whose module body
    was still running: register() was never reached."""
    hangs = _write(
        tmp_path,
        "hangs_at_import",
        """
        import threading
        threading.Event().wait()  # the module's body never ends

        def register(ad_api):
            ad_api.on("ON_NEW_INTERACTION", print)
        """,
    )
    good = _write(tmp_path, "well_behaved", WELL_BEHAVED)
    host, seen = _run([hangs, good])
    assert seen == alone
    (status, _) = host.plugins
    assert not status.loaded
    assert status.error.startswith(f"{hangs}:3: its import did not end within 2 s"), status.error
    assert f"stuck at {hangs}:3 in <module>" in status.error


def test_a_plugin_that_exits_while_loading_is_said_once_as_not_loaded(tmp_path, alone):
    """It was also told as "its process exited with status 0 between calls; a fresh process
    takes its next calls": it never served a call, and no process took any."""
    exits = _write(
        tmp_path,
        "exits",
        """
        import os

        def register(ad_api):
            os._exit(0)
        """,
    )
    good = _write(tmp_path, "well_behaved", WELL_BEHAVED)
    host, seen = _run([exits, good])
    assert seen == alone
    (status, _) = host.plugins
    assert not status.loaded
    assert status.error == f"{exits}:1: its process exited with status 0 while loading"
    assert host.incidents == []


def test_a_thread_that_never_ends_is_ended_with_its_process(tmp_path, alone):
    lingers = _write(
        tmp_path,
        "lingers",
        """
        import threading

        def register(ad_api):
            threading.Thread(target=threading.Event().wait, name="forever").start()
            ad_api.on("ON_NEW_INTERACTION", lambda i: None)
        """,
    )
    good = _write(tmp_path, "well_behaved", WELL_BEHAVED)
    host, seen = _run([lingers, good])
    assert seen == alone
    assert host.incidents == [
        "plugin lingers: thread(s) forever still running 0.5 s after the end; its process was ended"
    ]
    assert not host.failures


def test_adsim_demo_survives_a_crashing_plugin_and_exits_1(tmp_path, capsys):
    from simulator.cli import main

    bad = _write(tmp_path, "segfaults", HOSTILE["segfaults"])
    lingers = _write(
        tmp_path,
        "lingers",
        """
        import threading

        def register(ad_api):
            threading.Thread(target=threading.Event().wait, name="forever").start()
        """,
    )
    plugins = ["--handler", str(bad), "--handler", str(lingers)]
    code = main(["demo", "--journal", ":memory:", "--no-entry-points", *plugins])
    out, err = capsys.readouterr()
    assert code == 1
    assert '"state": "completed"' in out, "the run went on to the end"
    assert "adsim: handlers: 2 of 2 calls failed (2 crashed); 1 plugin process problem(s)" in err
    assert "killed by signal SIGSEGV (11)" in err
    # The status once: the call's error text (journaled whole) starts with it too.
    assert " crashed in " in err and ": crashed:" not in err
    assert "plugin lingers: thread(s) forever still running" in err


MUTATOR = """
    def save(activity):
        activity.attached_data["x"] = 1
        activity.call_parties.clear()

    def register(ad_api):
        ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""

OBSERVER = """
    def register(ad_api):
        ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda a: a.model_dump(mode="json"))
"""


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_a_handler_changing_its_payload_changes_nobody_elses(tmp_path, httpserver, isolation):
    from simulator.handlers import WebhookHandler

    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    mutator = _write(tmp_path, "mutator", MUTATOR)
    observer = _write(tmp_path, "observer", OBSERVER)
    sim = _sim()
    journal = Journal.open(":memory:")
    host = HandlerHost(sim, timeout=5.0, journal=journal, isolation=isolation)
    try:
        host.load(mutator)
        host.load(observer)
        webhook = WebhookHandler(httpserver.url_for("/hook"))
        host.add_plugin("webhook", webhook.register, webhook.source, close=webhook.close)
        recorder = run_demo_call(sim, after_step=host.settle)
        host.settle()
        [record] = recorder.records()
        [saved] = [e for e in journal.events() if e.name == "ON_SAVE_ACTIVITY_RECORD"]
    finally:
        host.close()
        journal.close()
    assert record["callParties"] and "x" not in record.get("attachedData", {})
    assert not host.failures
    [seen] = [o.result for o in host.outcomes if o.plugin == "observer"]
    assert seen == record, "the next handler gets the payload as emitted"
    [(request, _)] = httpserver.log
    assert request.get_json() == record, "so does the webhook"
    assert saved.args == [record], "and the journal"


PIPELINED = {
    # Events only this plugin subscribes to, and that need no answer: sent without waiting.
    "crashes_in_a_pipeline": """
        import os

        def switched(*args):
            os._exit(3)  # the calls queued behind it never ran

        def register(ad_api):
            ad_api.on("ON_ACTIVE_INTERACTION_SWITCHED", switched)
            ad_api.on("ON_INTERACTION_REMOVED", lambda i: "removed")
            ad_api.on("ON_LOGIN", lambda state: "login")
    """,
    "hangs_in_a_pipeline": """
        import re

        def switched(*args):
            return re.match(r"(a+)+$", "a" * 64 + "b")

        def register(ad_api):
            ad_api.on("ON_ACTIVE_INTERACTION_SWITCHED", switched)
            ad_api.on("ON_INTERACTION_REMOVED", lambda i: "removed")
            ad_api.on("ON_LOGIN", lambda state: "login")
    """,
}


@pytest.mark.parametrize("name", sorted(PIPELINED))
def test_pipelined_calls_keep_their_order_timeouts_and_crashes(tmp_path, alone, name):
    bad = _write(tmp_path, name, PIPELINED[name])
    good = _write(tmp_path, "well_behaved", WELL_BEHAVED)
    host, seen = _run([bad, good], timeout=1.5)
    assert seen == alone
    calls = [(o.event_name, o.status, o.result) for o in host.outcomes if o.plugin == name]
    first = "crashed" if name.startswith("crashes") else "timeout"
    assert [(event, status) for event, status, _ in calls] == [
        ("ON_LOGIN", "ok"),
        ("ON_ACTIVE_INTERACTION_SWITCHED", first),
        ("ON_INTERACTION_REMOVED", "ok"),
        ("ON_ACTIVE_INTERACTION_SWITCHED", first),  # a fresh process, broken the same way
    ], "every call once, in order; the ones behind a broken call go to a fresh process"
    [process] = [p for p in host._processes if p.name == name]
    assert process.pipeline.sent == 4, "none of these events waited for an answer"


def test_calls_queued_behind_a_crash_reach_a_fresh_process_in_order(tmp_path):
    mark = tmp_path / "crashed-once"
    text = f"""
        import os

        def seen(*args):
            return [a.model_dump(mode="json") if hasattr(a, "model_dump") else a for a in args]

        def removed(interaction):
            if not os.path.exists({str(mark)!r}):
                open({str(mark)!r}, "w").close()
                os._exit(3)  # the events of the same step are queued behind this call
            return seen(interaction)

        def register(ad_api):
            ad_api.on("ON_INTERACTION_REMOVED", removed)
            for name in ("ON_INTERACTION_STATE_CHANGE", "ON_SAVE_ACTIVITY_RECORD",
                         "ON_ACTIVE_INTERACTION_SWITCHED", "ON_AGENT_STATE_CHANGE"):
                ad_api.on(name, seen)
    """
    host, _ = _run([_write(tmp_path, "once", text)])
    calls = [(o.event_seq, o.event_name, o.status, o.result) for o in host.outcomes]
    assert [name for _, name, status, _ in calls if status != "ok"] == ["ON_INTERACTION_REMOVED"]
    (tmp_path / "again").mkdir()
    unbroken, _ = _run([_write(tmp_path / "again", "once", text)])  # the mark is there now
    again = [(o.event_seq, o.event_name, o.status, o.result) for o in unbroken.outcomes]
    assert len(again) == len(calls)
    for call, ok in zip(calls, again, strict=True):
        if call[1] == "ON_INTERACTION_REMOVED":
            assert (call[2], ok[2]) == ("crashed", "ok")
        else:
            assert call == ok, "the same calls, in the same order, with the same payloads"


def test_objects_of_the_plugins_own_classes_do_not_hang_the_pipe(tmp_path):
    text = """
        class Thing:
            def __repr__(self):
                return "<Thing>"

        def register(ad_api):
            ad_api.on("ON_NEW_INTERACTION", lambda i: Thing())
            ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda a: ad_api.add_note(Thing()).error.name)
    """
    host, _ = _run([_write(tmp_path, "things", text)], timeout=5.0)
    results = [(o.event_name, o.status, o.result) for o in host.outcomes]
    assert results == [
        ("ON_NEW_INTERACTION", "ok", "<Thing>"),
        ("ON_SAVE_ACTIVITY_RECORD", "ok", "invalid_args"),
    ]


GIL_BETWEEN_CALLS = """
    import re
    import sys
    import threading

    def _waiting(frame):
        names = set()
        while frame is not None:
            names.add(frame.f_code.co_name)
            frame = frame.f_back
        return "serve" in names and "call" not in names

    def _hold_the_gil(main):
        # Once the process's main thread is back waiting for its next call (this call's answer
        # sent), hold the GIL: the process can no longer even start a call.
        while not _waiting(sys._current_frames()[main]):
            pass
        re.match(r"(a+)+$", "a" * 64 + "b")

    def login(state):
        main = threading.main_thread().ident
        threading.Thread(target=_hold_the_gil, args=(main,), daemon=True).start()
        return "login"

    def register(ad_api):
        ad_api.on("ON_LOGIN", login)
        ad_api.on("ON_ACTIVE_INTERACTION_SWITCHED", lambda *args: "switched")
        ad_api.on("ON_INTERACTION_REMOVED", lambda i: "removed")
"""


def test_a_plugin_thread_holding_the_gil_between_calls_does_not_hang_the_run(tmp_path, alone):
    """Its process cannot start the next call: that call times out (its start has a deadline
    too), the process is killed, and a fresh one takes the calls behind it."""
    import threading

    bad = _write(tmp_path, "holds_between_calls", GIL_BETWEEN_CALLS)
    good = _write(tmp_path, "well_behaved", WELL_BEHAVED)
    ran: dict[str, Any] = {}

    def run() -> None:
        ran["host"], ran["seen"] = _run([bad, good], timeout=1.5)

    runner = threading.Thread(target=run, daemon=True)
    runner.start()
    runner.join(120)  # a hang is the failure this test is about: never wait for ever
    assert not runner.is_alive(), "the run waited for ever for a call that could not start"
    assert ran["seen"] == alone
    outcomes = [o for o in ran["host"].outcomes if o.plugin == "holds_between_calls"]
    calls = [(o.event_name, o.status, o.error) for o in outcomes]
    assert outcomes[1].duration_ms >= 1500, "its duration is how long its start was waited for"
    assert [(event, status) for event, status, _ in calls] == [
        ("ON_LOGIN", "ok"),
        ("ON_ACTIVE_INTERACTION_SWITCHED", "timeout"),
        ("ON_INTERACTION_REMOVED", "ok"),
        ("ON_ACTIVE_INTERACTION_SWITCHED", "ok"),  # a fresh process: no thread holds it
    ]
    error = calls[1][2]
    assert "did not start this call within 1.5 s" in error
    assert "holds_between_calls.py:18 in _hold_the_gil" in error, "where the plugin's thread was"


def test_a_coroutine_handler_in_its_own_process_is_awaited(tmp_path):
    # The plugin process imports asyncio only for the first coroutine it is handed.
    waits = _write(
        tmp_path,
        "waits",
        """
        import asyncio

        async def new(interaction):
            await asyncio.sleep(0)
            return {"awaited": interaction.interaction_id}

        def register(ad_api):
            ad_api.on("ON_NEW_INTERACTION", new)
        """,
    )
    host, _ = _run([waits])
    (outcome,) = [o for o in host.outcomes if o.plugin == "waits"]
    assert (outcome.status, outcome.error) == ("ok", None)
    assert outcome.result == {"awaited": outcome.interaction_id}
