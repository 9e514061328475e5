"""``HandlerHost.close`` beside the host's own threads: the dispatcher thread's end-of-run work
is waited for however slow the machine, and a dispatcher thread ``close`` gave up on (a handler
still running) ends without calling anything else."""

from __future__ import annotations

import io
import socket
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

from simulator.data import load_tenant
from simulator.demo import run_demo_call
from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.handlers.pipeline import STOPPED_UNSTARTED
from simulator.handlers.supervisor import PluginProcess

TASKS = """
import asyncio


async def forever():
    await asyncio.Event().wait()


async def save(activity):
    asyncio.get_running_loop().create_task(forever())


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def _plugin(folder: Path, source: str) -> Path:
    plugin = folder / "crm.py"
    plugin.write_text(textwrap.dedent(source), encoding="utf-8")
    return plugin


def _module(plugin: Path) -> dict[str, Any]:
    [loaded] = [m for m in list(sys.modules.values()) if getattr(m, "__file__", 0) == str(plugin)]
    return vars(loaded)


def _unique_calls(host: HandlerHost) -> None:
    """Each (event, handler) has one outcome: never both "never ran" and its own."""
    calls = [(o.event_seq, o.handler) for o in host.outcomes]
    assert len(calls) == len(set(calls)), host.outcomes


def test_close_waits_for_the_tasks_left_pending_to_be_named(tmp_path):
    """The dispatcher thread gives the asyncio tasks a handler left pending the close grace,
    then names them (an incident); ``close`` waited 1 s for that thread whatever the grace, so
    on a slow machine (CI) or with a longer grace the run's summary went out without them."""
    plugin = _plugin(tmp_path, TASKS)
    sim = Simulator(load_tenant(), seed=7)
    host = HandlerHost(sim, timeout=60.0, isolation="thread", close_grace=1.5)
    try:
        assert not host.load(plugin)[0].error
        run_demo_call(sim, after_step=host.settle)
        host.settle()
    finally:
        host.close()
    assert [o.status for o in host.outcomes] == ["ok"]
    [left] = [line for line in host.incidents if "still pending" in line]
    assert "forever() at " in left and "still pending 1.5 s after the end" in left, left


TWO_HANDLERS = """
import threading

release = threading.Event()
running = threading.Event()
calls = []


def first(interaction):
    if not calls:
        calls.append(("first", threading.current_thread()))
        running.set()
        release.wait(60)


def second(interaction):
    calls.append(("second", threading.current_thread()))


def register(ad_api):
    ad_api.on("ON_INTERACTION_STATE_CHANGE", first)
    ad_api.on("ON_INTERACTION_STATE_CHANGE", second)
"""


def test_a_dispatcher_thread_close_gave_up_on_calls_nothing_more(tmp_path):
    """A stop (``close(timeout=0)``) while a handler runs: once that handler ends, its thread
    called the next handlers (after their plugin's close), then waited for ever for an event
    that ``close`` had taken from it."""
    plugin = _plugin(tmp_path, TWO_HANDLERS)
    sim = Simulator(load_tenant(), seed=7)
    host = HandlerHost(sim, timeout=120.0, isolation="thread")
    assert not host.load(plugin)[0].error
    module = _module(plugin)
    steps = threading.Thread(target=run_demo_call, args=(sim,), daemon=True)
    try:
        steps.start()
        assert module["running"].wait(60), "the first handler runs"
        [(_, thread)] = module["calls"]
    finally:
        host.close(timeout=0)
    module["release"].set()
    thread.join(60)
    assert not thread.is_alive(), "the dispatcher thread close gave up on ended"
    assert [name for name, _ in module["calls"]] == ["first"], "nothing ran after the close"
    _unique_calls(host)
    first, *never = host.outcomes
    assert first.handler == "first", "the call in flight has its outcome"
    # The calls queued behind it are said never run (they had no outcome at all).
    assert never and never[0].handler == "second", never
    assert {(o.status, o.error) for o in never} == {("timeout", STOPPED_UNSTARTED)}


def test_a_handler_abandoned_while_the_host_closes_starts_nothing_after_the_close(tmp_path):
    """The watchdog gave up on a handler past its timeout while ``close`` ran: the dispatcher
    thread it started then called the next handlers after the close and waited for ever."""
    plugin = _plugin(tmp_path, TWO_HANDLERS)
    sim = Simulator(load_tenant(), seed=7)
    host = HandlerHost(sim, timeout=0.1, isolation="thread")
    assert not host.load(plugin)[0].error
    module = _module(plugin)
    abandoning, closed = threading.Event(), threading.Event()
    real = host._timeout_outcome

    def timeout_outcome(call: Any) -> Any:
        abandoning.set()
        assert closed.wait(60), "the host closed"
        return real(call)

    host._timeout_outcome = timeout_outcome  # type: ignore[method-assign]
    steps = threading.Thread(target=run_demo_call, args=(sim,), daemon=True)
    try:
        steps.start()
        assert abandoning.wait(60), "the watchdog gives up on the first handler"
    finally:
        host.close(timeout=0)
        closed.set()
    host._watchdog.join(60)
    assert not host._watchdog.is_alive()
    host._dispatcher.join(60)
    assert not host._dispatcher.is_alive(), "the dispatcher thread started at the close ended"
    module["release"].set()
    assert [name for name, _ in module["calls"]] == ["first"], "nothing ran after the close"
    _unique_calls(host)
    ran = [o for o in host.outcomes if o.error != STOPPED_UNSTARTED]
    assert [(o.handler, o.status) for o in ran] == [("first", "timeout")]
    never = [o for o in host.outcomes if o.error == STOPPED_UNSTARTED]
    assert never and never[0].handler == "second", host.outcomes


HANGS = """
import threading

release = threading.Event()
hung = []


def hang(interaction):
    if not hung:
        hung.append(threading.current_thread())
        release.wait(60)


def register(ad_api):
    ad_api.on("ON_INTERACTION_STATE_CHANGE", hang)
"""


def test_a_handler_that_ends_after_its_host_closed_puts_back_nothing(tmp_path, monkeypatch):
    """A handler abandoned past its timeout ended after its host had closed (a test's end
    released it) and put back the ``sys.stdout`` it had begun with over the next test's
    capture: that test's output went to the test before."""
    plugin = _plugin(tmp_path, HANGS)
    sim = Simulator(load_tenant(), seed=7)
    host = HandlerHost(sim, timeout=0.1, isolation="thread")
    try:
        assert not host.load(plugin)[0].error
        module = _module(plugin)
        run_demo_call(sim, after_step=host.settle)
        host.settle()
    finally:
        host.close()
    [hung] = module["hung"]
    assert hung.is_alive(), "the handler still runs, abandoned"
    capture = io.StringIO()
    monkeypatch.setattr(sys, "stdout", capture)  # the next test's
    module["release"].set()
    hung.join(60)
    assert not hung.is_alive()
    assert sys.stdout is capture


IDLE = """
def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
"""


def test_a_plugin_process_closed_well_is_said_to_be_so_however_late_its_reader(
    tmp_path, monkeypatch
):
    """The reader thread of a plugin's process reads what its close said ("closed": the
    threads left, a close that raised); on a busy machine it read that after ``close`` had
    waited 2 s for it, and a close that went well was an incident (``its process exited 0
    during its close(), before it could say how its close went``)."""
    plugin = _plugin(tmp_path, IDLE)
    sim = Simulator(load_tenant(), seed=7)
    host = HandlerHost(sim, timeout=60.0, isolation="process")
    closed = threading.Event()
    real = PluginProcess._receive

    def receive(self: PluginProcess, life: Any, message: tuple[Any, ...]) -> None:
        if message[0] == "closed":
            closed.wait(5)  # a reader thread that gets no CPU for a while
        real(self, life, message)

    monkeypatch.setattr(PluginProcess, "_receive", receive)
    try:
        assert not host.load(plugin)[0].error
        run_demo_call(sim, after_step=host.settle)
        host.settle()
    finally:
        host.close()
        closed.set()
    assert host.incidents == []


def test_a_call_that_comes_after_the_stop_is_no_crash_of_the_plugin(tmp_path):
    """A call that reached a plugin's process after adsim stopped (a pipelined call sent again
    to a fresh process, a handler thread's last call): "crashed: its process could not be
    started again (the simulator has stopped)", as if the plugin had crashed."""
    plugin = _plugin(tmp_path, IDLE)
    sim = Simulator(load_tenant(), seed=7)
    events: list[Any] = []
    sim.subscribe(events.append)
    host = HandlerHost(sim, timeout=60.0, isolation="process")
    try:
        assert not host.load(plugin)[0].error
        run_demo_call(sim, after_step=host.settle)
        host.settle()
    finally:
        host.close()
    [process] = host._processes
    [saved] = [e for e in events if e.name.value == "ON_SAVE_ACTIVITY_RECORD"]
    status, _, error, _ = process.call(0, saved)
    assert (status, error) == ("timeout", STOPPED_UNSTARTED)
    replies: list[Any] = []
    process.pipeline.submit(0, saved, lambda reply, duration: replies.append(reply))
    [(status, _, error, _)] = replies
    assert (status, error) == ("timeout", STOPPED_UNSTARTED)


STUCK_NEW = """
import threading


def stuck(interaction):
    threading.Event().wait()  # a CRM call with no timeout


def register(ad_api):
    ad_api.on("ON_NEW_INTERACTION", stuck)
"""

ON_STATE = """
def on_state(interaction):
    pass


def register(ad_api):
    ad_api.on("ON_INTERACTION_STATE_CHANGE", on_state)
"""


def test_a_job_waiting_for_another_plugins_stuck_call_is_not_run_after_the_close(tmp_path):
    """With process isolation the dispatcher thread's job for one plugin waited for another
    plugin's pipelined call, stuck; the close said that job never ran, then ended the stuck
    plugin's process, and the thread went on and ran it: two outcomes for one call (`adsim
    stopped before this call could run`, then `ok`), a handler run after adsim stopped."""
    stuck = tmp_path / "stuck.py"
    stuck.write_text(STUCK_NEW, encoding="utf-8")
    other = tmp_path / "other.py"
    other.write_text(ON_STATE, encoding="utf-8")
    sim = Simulator(load_tenant(), seed=7)
    host = HandlerHost(sim, timeout=120.0, isolation="process")
    assert not host.load(stuck)[0].error
    assert not host.load(other)[0].error
    [waited] = [p for p in host._processes if p.name == "stuck"]
    waiting = threading.Event()
    waiter: list[threading.Thread] = []
    real = waited.pipeline.drain

    def drain() -> None:
        if threading.current_thread() is host._dispatcher:
            waiter.append(threading.current_thread())
            waiting.set()
        real()

    waited.pipeline.drain = drain  # type: ignore[method-assign]
    steps = threading.Thread(target=run_demo_call, args=(sim,), daemon=True)
    try:
        steps.start()
        assert waiting.wait(60), "the next job waits for the stuck call"
    finally:
        host.close(timeout=0)
    [thread] = waiter
    thread.join(60)
    assert not thread.is_alive(), "the dispatcher thread close gave up on ended"
    _unique_calls(host)
    never = [o for o in host.outcomes if o.handler == "on_state"]
    assert never and {(o.status, o.error) for o in never} == {("timeout", STOPPED_UNSTARTED)}


def test_a_call_given_up_says_the_close_s_whole_wait(tmp_path):
    """The window's close shares one wait among its agents' hosts, each closed with what is
    left of it: a call given up said that (`given up after the close's 1.9 s wait`, or `not
    waited for` on a second agent's desktop), not the close's wait."""
    plugin = _plugin(tmp_path, TWO_HANDLERS)
    sim = Simulator(load_tenant(), seed=7)
    host = HandlerHost(sim, timeout=120.0, isolation="thread")
    assert not host.load(plugin)[0].error
    module = _module(plugin)
    steps = threading.Thread(target=run_demo_call, args=(sim,), daemon=True)
    try:
        steps.start()
        assert module["running"].wait(60), "the first handler runs"
    finally:
        host.close(timeout=0, close_wait=2.0)
        module["release"].set()
    _unique_calls(host)
    [given_up] = [o for o in host.outcomes if o.error != STOPPED_UNSTARTED]
    assert "given up after the close's 2 s wait" in given_up.error, given_up.error


STUCK_STATE = """
import threading


def stuck(interaction):
    threading.Event().wait()  # a CRM call with no timeout


def register(ad_api):
    ad_api.on("ON_INTERACTION_STATE_CHANGE", stuck)
"""


def test_a_plugin_process_call_stuck_at_the_close_has_its_outcome_before_the_close_ends(
    tmp_path, monkeypatch
):
    """A call stuck in a plugin's process (not pipelined: two plugins take its event) has its
    reply once the close ends that process, on the dispatcher thread, which nothing waited
    for: on a loaded machine its outcome came after the close (the journal closed: dropped),
    and the call was in neither the journal nor the summary."""
    import simulator.handlers.host as host_module
    from simulator.handlers import leftover_threads

    stuck = tmp_path / "stuck.py"
    stuck.write_text(STUCK_STATE, encoding="utf-8")
    other = tmp_path / "other.py"
    other.write_text(ON_STATE, encoding="utf-8")
    sim = Simulator(load_tenant(), seed=7)
    host = HandlerHost(sim, timeout=120.0, isolation="process")
    assert not host.load(stuck)[0].error
    assert not host.load(other)[0].error
    calling, waited_for = threading.Event(), threading.Event()
    real_invoke, real_record = host._invoke, host._record

    def invoke(registration: Any, event: Any) -> Any:
        if registration.name == "stuck":
            calling.set()
        return real_invoke(registration, event)

    def record(outcome: Any) -> None:
        if threading.current_thread() is not threading.main_thread():
            waited_for.wait(60)  # a dispatcher thread waiting for a CPU until the close ends
        real_record(outcome)

    real_join = leftover_threads.join_within

    def join_within(thread: threading.Thread, grace: float, start: Any = None) -> bool:
        waited_for.set()  # the close waits for it: it gets its CPU now
        return real_join(thread, grace, start)

    host._invoke = invoke  # type: ignore[method-assign]
    host._record = record  # type: ignore[method-assign]
    monkeypatch.setattr(host_module, "join_within", join_within, raising=False)
    steps = threading.Thread(target=run_demo_call, args=(sim,), daemon=True)
    try:
        steps.start()
        assert calling.wait(60), "the stuck call runs"
    finally:
        host.close(timeout=0)
        at_close = list(host.outcomes)
        waited_for.set()
    _unique_calls(host)
    [stuck_call] = [o for o in at_close if o.error != STOPPED_UNSTARTED]
    assert stuck_call.handler == "stuck", at_close
    assert stuck_call.error.startswith("api_not_answer: adsim stopped while this call was run")
    never = [o for o in at_close if o.error == STOPPED_UNSTARTED]
    assert never and never[0].handler == "on_state", at_close


QUICK = """
def quick(interaction):
    pass


def register(ad_api):
    ad_api.on("ON_INTERACTION_STATE_CHANGE", quick)
"""


class _Queue:
    """The host's queue of jobs, with a seam where the dispatcher thread takes one: there,
    unless it holds the host's lock (the take and its job made current at once), it waits
    until the host has closed (a thread waiting for a CPU just there)."""

    def __init__(self, host: HandlerHost, closed: threading.Event) -> None:
        self.host, self.real, self.closed = host, host._queue, closed
        self.jobs: list[Any] = []
        self.took = threading.Event()

    def _taken(self, job: Any) -> Any:
        if job is not None and not self.took.is_set():
            self.took.set()
            if not self.host._lock._is_owned():  # type: ignore[attr-defined]
                assert self.closed.wait(60), "the host closed"
        return job

    def put(self, job: Any) -> None:
        self.jobs.append(job)
        self.real.put(job)

    def append(self, job: Any) -> None:
        self.jobs.append(job)
        self.real.append(job)

    def get(self) -> Any:
        return self._taken(self.real.get())

    def popleft(self) -> Any:
        return self._taken(self.real.popleft())

    def __len__(self) -> int:
        return len(self.real)

    def __iter__(self) -> Any:
        return iter(self.real)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_a_job_taken_from_the_queue_as_the_host_closes_has_its_outcome(tmp_path):
    """The dispatcher thread took a job from the queue, then made it current under the lock:
    a close in between found it neither queued nor current, and its calls had no outcome at
    all (nor did the thread, given up, run them)."""
    plugin = _plugin(tmp_path, QUICK)
    sim = Simulator(load_tenant(), seed=7)
    host = HandlerHost(sim, timeout=120.0, isolation="thread")
    assert not host.load(plugin)[0].error
    closed = threading.Event()
    queue = _Queue(host, closed)
    host._queue = queue  # type: ignore[assignment]
    steps = threading.Thread(target=run_demo_call, args=(sim,), daemon=True)
    try:
        steps.start()
        assert queue.took.wait(60), "the dispatcher thread takes a job"
    finally:
        host.close(timeout=0)
        closed.set()
    host._dispatcher.join(60)
    _unique_calls(host)
    jobs = {job.event.seq for job in queue.jobs if job is not None}
    assert jobs <= {o.event_seq for o in host.outcomes}, host.outcomes


PIPELINED = """
def first(interaction):
    pass


def second(interaction):
    pass


def register(ad_api):
    ad_api.on("ON_INTERACTION_STATE_CHANGE", first)
    ad_api.on("ON_INTERACTION_STATE_CHANGE", second)
"""


def test_a_job_being_sent_down_a_pipeline_as_the_host_closes_has_one_outcome_a_call(tmp_path):
    """The dispatcher thread was sending a job down a plugin's pipeline (no answer needed, one
    plugin takes it) when the close came: the close found it current and said its calls never
    ran, and the pipeline said so again, or said they ran: two outcomes a call (8 floods of 25
    beside a CPU hog). A job being sent is the pipeline's."""
    plugin = _plugin(tmp_path, PIPELINED)
    sim = Simulator(load_tenant(), seed=7)
    host = HandlerHost(sim, timeout=120.0, isolation="process")
    assert not host.load(plugin)[0].error
    sending, closed = threading.Event(), threading.Event()
    sent: list[Any] = []
    real = host._pipeline

    def pipeline(job: Any, process: Any) -> None:
        if not sending.is_set():  # the dispatcher thread waits for a CPU just here
            sending.set()
            assert closed.wait(60), "the host closed"
        sent.append(job)
        real(job, process)

    host._pipeline = pipeline  # type: ignore[method-assign]
    steps = threading.Thread(target=run_demo_call, args=(sim,), daemon=True)
    try:
        steps.start()
        assert sending.wait(60), "the dispatcher thread sends a job down the pipeline"
    finally:
        dispatcher = host._dispatcher
        host.close(timeout=0)
        closed.set()
    dispatcher.join(60)
    assert not dispatcher.is_alive()
    [job, *_] = sent
    _unique_calls(host)
    calls = [(o.handler, o.status, o.error) for o in host.outcomes if o.event_seq == job.event.seq]
    assert sorted(calls) == [
        ("first", "timeout", STOPPED_UNSTARTED),
        ("second", "timeout", STOPPED_UNSTARTED),
    ], host.outcomes


STUCK_SAVE = """
import os
import socket
import threading


def save(activity):
    told = socket.create_connection(("127.0.0.1", int(os.environ["ADSIM_TEST_PORT"])))
    threading.Event().wait(told.sendall(b"x"))  # the test told, then a CRM call with no timeout


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def _closed_with_save_stuck(tmp_path: Path, monkeypatch: Any) -> tuple[Path, HandlerHost]:
    """A host whose plugin's SAVE handler is running (stuck) when the host is closed, not
    stopped (the window's close): the plugin's file and the closed host."""
    plugin = _plugin(tmp_path, STUCK_SAVE)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(60)
    monkeypatch.setenv("ADSIM_TEST_PORT", str(listener.getsockname()[1]))
    sim = Simulator(load_tenant(), seed=7)
    host = HandlerHost(sim, timeout=120.0, isolation="process")
    steps = threading.Thread(target=run_demo_call, args=(sim,), daemon=True)
    try:
        assert not host.load(plugin)[0].error
        steps.start()
        connection, _ = listener.accept()
        with connection:
            connection.settimeout(60)
            assert connection.recv(1) == b"x", "the handler runs"
    finally:
        listener.close()
        host.close(timeout=0)
    return plugin, host


def test_a_plugin_process_that_takes_nothing_at_its_close_is_said_where_it_was(
    tmp_path, monkeypatch
):
    """Its pipe full behind a handler still running (the window's close, not a stop): its
    process was killed with no stacks dumped, and the incident said no "where"."""

    def full_pipe(self: PluginProcess, life: Any) -> bool:
        return False  # a process not reading, its pipe full for the whole grace

    monkeypatch.setattr(PluginProcess, "_send_close", full_pipe)
    plugin, host = _closed_with_save_stuck(tmp_path, monkeypatch)
    [line] = [line for line in host.incidents if "took nothing from its pipe" in line]
    assert f"a handler still running, at {plugin}:9 in save); its process was killed" in line, line


def test_a_handler_still_running_at_the_close_is_said_not_the_close(tmp_path, monkeypatch):
    """The window closed with a handler busy (not a stop): its process takes the close but
    never runs it, and is killed after the close's limit. The incident said "its close did not
    finish within 1.5 s, at crm.py:9 in save": the handler, not its close(), did not end."""
    plugin, host = _closed_with_save_stuck(tmp_path, monkeypatch)
    lines = [line for line in host.incidents if "crm" in line]
    assert lines == [
        "plugin crm: its handler save of ON_SAVE_ACTIVITY_RECORD was still running when adsim "
        f"closed it, at {plugin}:9 in save; its process was killed after 1.5 s"
    ], lines
