"""The grace a plugin's threads (and its close, and its process's end) get is time they could
run: on a loaded machine, a thread about to end waited longer than the whole 0.5 s for a CPU and
was said to have been left running (a false summary line, exit 1). The wait is lengthened by the
time they waited for a CPU meanwhile (Linux's schedstat); one waiting on something else gets the
documented grace. The machine's load is faked here: no test waits for time to pass."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from types import SimpleNamespace

import pytest

from simulator import interrupts
from simulator.handlers import frames, leftover_threads
from simulator.handlers.plugin_pipe import PluginPipe


class _Loaded:
    """A machine so loaded that the thread waited ``starved`` seconds for a CPU by the end of
    its grace; ``release`` (what the thread waited for) is set then: it would end now."""

    def __init__(self, starved: float, release: threading.Event | None = None):
        self.starved = starved
        self.release = release
        self.reads = 0

    def __call__(self, tid: int | None, pid: int | str = "self") -> int:
        self.reads += 1
        if self.reads == 1:
            return 1_000
        if self.release is not None:
            self.release.set()
        return 1_000 + int(self.starved * 1e9)


@pytest.fixture
def long_wait(monkeypatch):
    monkeypatch.setattr(leftover_threads, "LONGEST_WAIT", 60.0)


def _waiting(event: threading.Event, name: str) -> threading.Thread:
    thread = threading.Thread(target=event.wait, args=(60,), name=name, daemon=True)
    thread.start()
    return thread


def test_a_thread_starved_of_cpu_at_the_end_of_its_grace_is_waited_for(monkeypatch, long_wait):
    before = leftover_threads.snapshot()
    release = threading.Event()
    thread = _waiting(release, "crm-upload")
    monkeypatch.setattr(leftover_threads, "run_delay", _Loaded(60.0, release))
    assert leftover_threads.left_running(before, 0.0) == []
    assert not thread.is_alive()


def test_a_thread_waiting_for_no_cpu_gets_the_grace_and_is_named(monkeypatch, long_wait):
    before = leftover_threads.snapshot()
    never = threading.Event()
    thread = _waiting(never, "crm-stuck")
    try:
        monkeypatch.setattr(leftover_threads, "run_delay", _Loaded(0.0))
        assert leftover_threads.left_running(before, 0.0) == ["crm-stuck"]
    finally:
        never.set()
        thread.join(60)


def test_the_lengthening_is_bounded(monkeypatch):
    """A thread busy for ever on a loaded machine keeps waiting for a CPU: the end of a run is
    held up to ``LONGEST_WAIT`` more, not for ever."""
    waits: list[float] = []
    delays = iter([0, 10**12, 10**13, 10**14])
    monkeypatch.setattr(leftover_threads, "LONGEST_WAIT", 5.0)
    monkeypatch.setattr(leftover_threads.time, "monotonic", lambda: 100.0)
    done = leftover_threads.wait_runnable(
        lambda seconds: bool(waits.append(seconds)), 0.5, lambda: next(delays)
    )
    assert not done
    assert waits == [0.5, 5.5]  # the grace, then until 5 s after it; the next read: no more


def test_unknown_delays_leave_the_grace_as_it_was():
    waits: list[float] = []
    done = leftover_threads.wait_runnable(lambda s: bool(waits.append(s)), 0.0, lambda: None)
    assert (done, waits) == (False, [0.0])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="schedstat is Linux's")
def test_the_delays_are_read_on_linux():
    assert isinstance(leftover_threads.run_delay(threading.get_native_id()), int)
    assert isinstance(leftover_threads.process_delay(os.getpid()), int)


# The same grace elsewhere: the asyncio tasks a coroutine handler left pending, and the close
# message to a plugin's process (both were 0.5 s of the wall clock).


def test_a_task_starved_of_cpu_at_the_end_of_its_grace_is_waited_for(monkeypatch, long_wait):
    import asyncio

    from simulator.handlers import background_errors

    loop = asyncio.new_event_loop()
    try:
        release = asyncio.Event()

        async def upload() -> None:
            await release.wait()

        task = loop.create_task(upload())
        monkeypatch.setattr(leftover_threads, "run_delay", _Loaded(60.0, release))
        assert background_errors.finish_tasks(loop, 0.0) == []
        assert task.done() and not task.cancelled()
    finally:
        loop.close()


def test_a_task_waiting_for_no_cpu_gets_the_grace_and_is_named(monkeypatch, long_wait):
    import asyncio

    from simulator.handlers import background_errors

    loop = asyncio.new_event_loop()
    try:
        never = asyncio.Event()

        async def upload() -> None:
            await never.wait()

        task = loop.create_task(upload())
        monkeypatch.setattr(leftover_threads, "run_delay", _Loaded(0.0))
        [name] = background_errors.finish_tasks(loop, 0.0)
        assert name.startswith("test_a_task_waiting_for_no_cpu_gets_the_grace_and_is_named.")
        assert task.cancelled()
    finally:
        loop.close()


class _Full:
    """A pipe whose reader has taken nothing yet: its write end non-blocking and full."""

    def __init__(self) -> None:
        self.read, self.write = os.pipe()
        os.set_blocking(self.write, False)
        with contextlib.suppress(BlockingIOError):
            while True:
                os.write(self.write, b"x" * 65536)

    def set(self) -> None:
        """The reader takes what is there (``_Loaded``'s release)."""
        os.set_blocking(self.read, False)
        with contextlib.suppress(BlockingIOError):
            while os.read(self.read, 65536):
                pass

    def close(self) -> None:
        os.close(self.read)
        os.close(self.write)


def test_a_reader_starved_of_cpu_is_written_to_past_the_grace(long_wait):
    """A plugin's process that took nothing from its pipe only because it waited for a CPU is
    not one stuck in a handler (it was killed: "took nothing from its pipe for 0.5 s")."""
    pipe = _Full()
    try:
        delay = _Loaded(60.0, pipe)
        assert frames.write_within(pipe.write, b"close", 0.0, lambda: delay(None))
    finally:
        pipe.close()


def test_a_reader_waiting_for_no_cpu_gets_the_grace(long_wait):
    pipe = _Full()
    try:
        delay = _Loaded(0.0)
        assert not frames.write_within(pipe.write, b"close", 0.0, lambda: delay(None))
    finally:
        pipe.close()


def test_the_close_waits_for_the_pipe_past_its_grace_when_the_process_waited_for_a_cpu(
    monkeypatch, long_wait
):
    """The thread writing the call before the close holds the pipe until the process reads
    it: a process slow for the machine's load frees it past the grace."""
    reader, writer = os.pipe()
    os.set_blocking(writer, False)
    pipe = PluginPipe()
    pipe.name, pipe.grace, pipe._send_lock = "crm", 0.0, threading.Lock()
    release = threading.Event()

    def holding() -> None:  # the call before the close, written once the process reads
        with pipe._send_lock:
            held.set()
            release.wait(60)

    held = threading.Event()
    holder = threading.Thread(target=holding, daemon=True)
    holder.start()
    try:
        assert held.wait(60)
        starved = _Loaded(60.0, release)
        monkeypatch.setattr(leftover_threads, "process_delay", lambda pid: starved(None, pid))
        life = SimpleNamespace(process=SimpleNamespace(pid=4242), write=_Fd(writer), pending={})
        assert pipe._send_close(life)  # type: ignore[arg-type]
        assert os.read(reader, 65536)  # the close message
    finally:
        release.set()
        holder.join(60)
        os.close(reader)
        os.close(writer)


def test_a_close_behind_a_call_in_flight_gets_the_grace_as_it_is(monkeypatch, long_wait):
    """A handler still running (a stop, a timeout) is what keeps the process from reading: a
    busy one waits for a CPU too, and a second Ctrl-C must not wait for it."""
    pipe = _Full()
    try:
        plugin = PluginPipe()
        plugin.name, plugin.grace, plugin._send_lock = "crm", 0.0, threading.Lock()
        starved = _Loaded(60.0, pipe)
        monkeypatch.setattr(leftover_threads, "process_delay", lambda pid: starved(None, pid))
        life = SimpleNamespace(
            process=SimpleNamespace(pid=4242), write=_Fd(pipe.write), pending={7: object()}
        )
        assert not plugin._send_close(life)  # type: ignore[arg-type]
        assert starved.reads == 0
    finally:
        pipe.close()


def test_a_close_during_a_stop_gets_the_grace_as_it_is(monkeypatch, long_wait):
    """A stop's close is shielded from Ctrl-C: an idle process slow to read (a plugin's own
    thread spinning on its CPU) must not hold a second Ctrl-C up to 10 s more."""
    pipe = _Full()
    try:
        plugin = PluginPipe()
        plugin.name, plugin.grace, plugin._send_lock = "crm", 0.0, threading.Lock()
        starved = _Loaded(60.0, pipe)
        monkeypatch.setattr(leftover_threads, "process_delay", lambda pid: starved(None, pid))
        monkeypatch.setattr(interrupts, "stopping", lambda: True)
        life = SimpleNamespace(process=SimpleNamespace(pid=4242), write=_Fd(pipe.write), pending={})
        assert not plugin._send_close(life)  # type: ignore[arg-type]
        assert starved.reads == 0
    finally:
        pipe.close()


def test_stopping_is_told_by_the_stop_under_way():
    assert not interrupts.stopping()
    with interrupts.stop_on_signals():
        assert not interrupts.stopping()
        stopper = interrupts._ACTIVE[0]
        stopper.stopping = True
        assert interrupts.stopping()
    assert not interrupts.stopping()


class _Fd:
    def __init__(self, fd: int) -> None:
        self.fd = fd

    def fileno(self) -> int:
        return self.fd
