"""Threads a plugin run in adsim's own process (``--handler-isolation thread``) left running when a
command ends.

In a process of its own a plugin's threads get a short grace after its close hook, then the
process ends and the summary names the ones still running (``simulator.handlers.child``). In
adsim's process the same threads either kept it from exiting after its summary (a thread that is
not a daemon, started by ``register()``: ``adsim run`` hung for ever after PASS) or were cut off
without a word (a thread started in a handler is a daemon, as the host's thread that started it:
an upload it was doing never happened, and the run said nothing). Now both get the same grace
and the same line in the summary, and the command exits (``exit_past``) whatever they do.

A plugin's threads are told from adsim's own by their names (adsim's all start with ``adsim-``)
and by the threads that ran before the plugins were loaded (``snapshot``).
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from types import CodeType
from typing import NoReturn

__all__ = [
    "LONGEST_WAIT",
    "end_now",
    "exit_if_held",
    "exit_past",
    "held",
    "idle",
    "idle_within",
    "incident",
    "join_within",
    "left_running",
    "left_threads",
    "pool_workers",
    "process_delay",
    "run_delay",
    "shown_name",
    "snapshot",
    "wait_runnable",
]

LONGEST_WAIT = 10.0
"""Seconds a grace may be lengthened by in all (``wait_runnable``): a thread that is busy for
ever on a loaded machine keeps waiting for a CPU, and must not hold the end of a run for ever."""


Threads = frozenset[threading.Thread]


def snapshot() -> Threads:
    """The threads running now (before the plugins are loaded). The thread objects, not their
    idents: an ended thread's ident is soon another's."""
    return frozenset(threading.enumerate())


def run_delay(tid: int | None, pid: int | str = "self") -> int | None:
    """Nanoseconds the thread ``tid`` (its ``native_id``; of process ``pid``) has spent so far
    waiting for a CPU while it could run (Linux's ``schedstat``); None where that is unknown."""
    if tid is None:
        return None
    try:
        with open(f"/proc/{pid}/task/{tid}/schedstat", "rb") as stats:
            return int(stats.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None


def wait_runnable(
    wait: Callable[[float], bool],
    grace: float,
    delay: Callable[[], int | None],
    start: float | None = None,
) -> bool:
    """Wait (``wait(seconds)``, True once what it waits for is done) for ``grace`` seconds from
    ``start`` (``time.monotonic``; now by default) of time the code waited for could run: as
    long again as it waited for a CPU meanwhile (``delay()``: nanoseconds it waited so far), up
    to ``LONGEST_WAIT`` seconds more. On a loaded machine a thread about to end (a last write,
    an interpreter's exit) could wait longer than the whole grace for a CPU, and was said to
    have run past it; one waiting on something else (an event, a socket) waits for no CPU and
    gets the grace, as documented. Whether it was done."""
    start = time.monotonic() if start is None else start
    first = delay()
    deadline = start + grace
    while True:
        if wait(max(0.0, deadline - time.monotonic())):
            return True
        now = delay()
        if first is None or now is None:
            return False
        later = start + grace + min((now - first) / 1e9, LONGEST_WAIT)
        if later <= deadline:
            return False  # it waited for no CPU since: its grace is over
        deadline = later


def join_within(thread: threading.Thread, grace: float, start: float | None = None) -> bool:
    """Join ``thread`` within ``grace`` seconds of time it could run (``wait_runnable``) from
    ``start``; whether it ended."""

    def joined(seconds: float) -> bool:
        thread.join(seconds)
        return not thread.is_alive()

    tid = thread.native_id
    wait_runnable(joined, grace, lambda: run_delay(tid), start)
    return not thread.is_alive()  # ended as its grace ran out: ended


def process_delay(pid: int) -> int | None:
    """Nanoseconds the threads of process ``pid`` have spent so far waiting for a CPU (the
    sum of ``run_delay``'s), None where that is unknown."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    delays = [run_delay(int(tid), pid) for tid in tasks if tid.isdigit()]
    known = [delay for delay in delays if delay is not None]
    return sum(known) if known else None


def pool_workers() -> set[threading.Thread]:
    """The threads of ``concurrent.futures`` thread pools: Python ends them itself when the
    process exits (once the work queued is done), so they keep nothing from exiting."""
    pools = sys.modules.get("concurrent.futures.thread")  # not imported: there is no pool
    return set(getattr(pools, "_threads_queues", {}) or ())


_BUSY: set[threading.Thread] = set()
"""The pools' workers ``left_threads`` found busy with a task at the end (named in the summary):
Python's exit would wait for their task (``exit_past``)."""


def idle(thread: threading.Thread) -> bool:
    """Whether a pool's worker waits for work: its innermost frame is the pool's own loop, on
    the line of its queue's ``get`` (``_waiting_lines``). In any other C call the loop makes,
    an ``initializer`` of C code (``functools.partial(time.sleep, ...)``, ``lock.acquire``)
    included, the loop is the innermost frame too: such a worker is busy, and Python's exit
    waits for it. Looked at, not changed: a pool left open may be an installed plugin's, whose
    module the next run of this process uses again."""
    pools = sys.modules.get("concurrent.futures.thread")
    loop = getattr(getattr(pools, "_worker", None), "__code__", None)
    ident = thread.ident
    frame = sys._current_frames().get(ident) if ident is not None else None
    if frame is None:
        return True  # ended
    return frame.f_code is loop and frame.f_lineno in _waiting_lines(loop)


_ATTRIBUTE_LOADS = ("LOAD_ATTR", "LOAD_METHOD")  # LOAD_METHOD: Python 3.11

_WAITING: dict[CodeType, frozenset[int]] = {}
"""``_waiting_lines``'s answer for the running Python's ``_worker``, read once."""


def _waiting_lines(loop: CodeType) -> frozenset[int]:
    """The lines of the pools' worker loop ``loop`` where a worker waits in its queue's
    ``get`` (a C call: the loop's frame is the innermost one, on the call's line), read from
    the running Python's bytecode: the line differs from one Python to the next (3.13 tries
    ``get_nowait`` first, which does not wait). None found: every worker counts as busy."""
    if loop not in _WAITING:
        import dis  # only once a pool's worker is looked at

        lines: set[int] = set()
        instructions = list(dis.get_instructions(loop))
        for at, instruction in enumerate(instructions):
            if instruction.argval != "get" or instruction.opname not in _ATTRIBUTE_LOADS:
                continue
            for later in instructions[at:]:  # from ``work_queue.get`` to its call
                if later.positions is not None and later.positions.lineno is not None:
                    lines.add(later.positions.lineno)
                if later.opname.startswith("CALL"):
                    break
        _WAITING[loop] = frozenset(lines)
    return _WAITING[loop]


def _in_task(thread: threading.Thread) -> bool:
    """Whether a pool's worker runs a task (a ``_WorkItem``'s ``run`` on its stack), not its
    pool's ``initializer``."""
    pools = sys.modules.get("concurrent.futures.thread")
    run = getattr(getattr(getattr(pools, "_WorkItem", None), "run", None), "__code__", None)
    ident = thread.ident
    frame = sys._current_frames().get(ident) if ident is not None else None
    while frame is not None:
        if frame.f_code is run:
            return True
        frame = frame.f_back
    return False


def idle_within(thread: threading.Thread, grace: float, start: float | None = None) -> bool:
    """Whether a pool's worker is idle (or ended) within ``grace`` seconds of time it could
    run from ``start`` (``wait_runnable``): a task that ends in time is no leftover."""

    def became_idle(seconds: float) -> bool:
        end = time.monotonic() + seconds
        while thread.is_alive() and not idle(thread):
            left = end - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(left, _IDLE_LOOK_S))
        return True

    return wait_runnable(became_idle, grace, lambda: run_delay(thread.native_id), start)


_IDLE_LOOK_S = 0.01
"""How often ``idle_within`` looks at a busy worker (a thread says nothing when its task ends)."""


def shown_name(thread: threading.Thread, pooled: set[threading.Thread]) -> str:
    """How the summary names a thread left running: a pool's worker (``pooled``) still running
    is busy with a task that has not returned, or in its pool's ``initializer`` (an idle one is
    no leftover)."""
    if thread not in pooled:
        return thread.name
    busy = "task" if _in_task(thread) else "initializer"
    return f"{thread.name} (a worker of a concurrent.futures thread pool, its {busy} not done)"


def _still_running(
    before: Threads,
    grace: float,
    skip: Callable[[threading.Thread], bool],
    *,
    busy_pools: bool = False,
) -> list[threading.Thread]:
    """The threads started since ``before`` (not adsim's, not ``skip``'s, not the thread pools'
    workers, which Python's exit ends) still running after ``grace`` seconds; each is waited
    for within that grace (of time it could run). ``busy_pools``: a pool's worker still busy
    with a task after the grace is one of them, whatever ``skip`` says (Python's exit waits for
    its task, a daemon's too)."""
    pooled = pool_workers()
    start = time.monotonic()
    left = []
    for thread in threading.enumerate():
        if (
            thread in before
            or thread is threading.current_thread()
            or thread.name.startswith("adsim-")
            # A thread a C library started that ran Python code: not the plugin's to end,
            # and Python cannot wait for it (join refuses).
            or type(thread).__name__ == "_DummyThread"
        ):
            continue
        if thread in pooled:
            if busy_pools and not idle_within(thread, grace, start):
                left.append(thread)
                _BUSY.add(thread)
            continue
        if skip(thread):
            continue
        if not join_within(thread, grace, start):
            left.append(thread)
    return left


def left_running(before: Threads, grace: float, daemons: Threads = frozenset()) -> list[str]:
    """The names of the threads started since ``before`` (not adsim's) still running after
    ``grace`` seconds. ``daemons``: the threads running once the plugins were loaded; a daemon
    among them was made one on purpose (a plugin's ``register()`` runs on adsim's main thread),
    and is left to end with adsim, as a plugin's process leaves its daemons."""
    return [thread.name for thread in left_threads(before, grace, daemons)]


def left_threads(
    before: Threads, grace: float, daemons: Threads = frozenset()
) -> list[threading.Thread]:
    """``left_running``'s threads themselves (``leftover_owners`` tells whose they are). A
    pool's worker still busy with a task after the grace is one of them: Python's exit waited
    for the task after the summary, for ever were it stuck, and nothing was said."""
    return _still_running(
        before, grace, lambda thread: thread.daemon and thread in daemons, busy_pools=True
    )


_HELD: list[threading.Thread] = []
"""Threads that are not daemons a plugin left running in a test process (``held``): the test
failed at its teardown, and ``exit_if_held`` ends the process rather than wait for them."""


def held(before: Threads, grace: float) -> list[str]:
    """The names of the threads started since ``before`` (not adsim's) that are not daemons and
    still run after ``grace`` seconds: Python waits for such a thread before the process exits,
    for ever if it never ends. They are kept for ``exit_if_held``."""
    left = _still_running(before, grace, lambda thread: thread.daemon)
    _HELD.extend(left)
    return [thread.name for thread in left]


def end_now(code: int) -> NoReturn:
    """End the process now with ``code`` (1 for 0), what was printed flushed first: Python's
    exit handlers are skipped (only when the alternative is never exiting)."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code or 1)


def exit_if_held(code: int) -> None:
    """End the process now with ``code`` when a thread ``held`` named still runs (the pytest
    session's last step: it would wait for that thread for ever). As ``exit_past``, this skips
    Python's exit handlers."""
    if any(thread.is_alive() for thread in _HELD):
        end_now(code)


def incident(names: list[str], grace: float, who: str = "a plugin") -> str:
    """The summary's line for ``left_running``'s threads (``who`` started them)."""
    counts = Counter(names)  # a load run's handler may leave one per repeat: each name once
    shown = ", ".join(name if n == 1 else f"{name} ({n})" for name, n in counts.items())
    return (
        f"thread(s) {shown} that {who} started still running {grace:g} s after "
        "the end; adsim ended them with itself (--handler-isolation thread), whatever they "
        "were doing"
    )


def exit_past(code: int) -> int:
    """``code``, or the process ends here with it when a thread that is not a daemon is still
    running (the summary named it): Python would wait for that thread before exiting, for ever.
    Ending here skips Python's exit handlers (``atexit``: the compiled-code cache is not saved,
    ``coverage run`` loses its data): only when the alternative is never exiting."""
    # A pool's worker the summary named busy with a task: Python's exit waits for its task, a
    # daemon's too (one a handler's thread started is).
    pooled = pool_workers()
    busy = {thread for thread in _BUSY if not idle(thread)}
    stuck = [
        thread
        for thread in threading.enumerate()
        if thread is not threading.main_thread()
        and thread.is_alive()
        and ((not thread.daemon and thread not in pooled) or thread in busy)
    ]
    if not stuck:
        return code
    if not code:  # not in a summary: said here
        with contextlib.suppress(Exception):
            names = ", ".join(thread.name for thread in stuck)
            print(
                f"adsim: thread(s) {names} still running at the end; adsim ends them",
                file=sys.stderr,
            )
    end_now(code)
