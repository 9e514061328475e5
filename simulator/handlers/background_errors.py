"""Errors a plugin's code raises outside a handler call: on a thread it started, in an asyncio
task it left running.

A handler call is timed and its exception is its outcome; but a thread a handler started
whose ``upload`` raised, or ``asyncio.create_task(upload())`` whose task failed or was
still pending at the end, only printed Python's own lines (``Exception in thread ...``, ``Task
exception was never retrieved``, ``Task was destroyed but it is pending!``) and the run passed,
exit 0. Each is now an incident of the run (a summary line naming the plugin and the file:line
where it raised, its traceback on stderr, exit 1), in a plugin's process as in adsim's own:

- ``thread_error_line`` and ``task_error_line`` word them; ``where`` finds the file:line.
- ``new_loop`` makes the event loop a plugin's coroutines run on, with an exception handler
  that reports; ``finish_tasks`` gives the tasks left pending at the end the grace a plugin's
  threads get, then cancels those still pending and names them.
- ``watch_threads`` (thread isolation) hooks ``threading.excepthook`` for the threads a
  plugin's code started in adsim's process (``simulator.handlers.exit_guard`` knows which).
- ``watch_own_loops`` hears what Python's default asyncio exception handler says on an event
  loop of the plugin's own (its ``asyncio.run(main())``, whose ``create_task`` failed with
  nobody awaiting it): that handler logs to the ``asyncio`` logger, and a filter there (which
  lets every record through: Python's own lines stay) makes it an incident too.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import traceback
import weakref
from collections import Counter
from collections.abc import Callable, Iterable
from functools import partial
from types import TracebackType
from typing import TYPE_CHECKING, Any

from simulator.handlers.stacks import traceback_text, unwritten_in_chain
from simulator.one_line import exception_text

if TYPE_CHECKING:
    import asyncio
    import logging

    from simulator.handlers.host.reporting import OutcomeLog

__all__ = [
    "finish_tasks",
    "keep_first",
    "new_loop",
    "print_trace",
    "python_lines",
    "task_error_line",
    "tasks_left_line",
    "thread_error_line",
    "watch_own_loops",
    "watch_threads",
    "where",
]

Report = Callable[[str, str], None]
"""``report(line, traceback)``: one summary line (without the plugin's name) and the traceback."""


def where(tb: TracebackType | None, files: Iterable[str] = ()) -> str:
    """``file:line`` of the innermost frame of ``tb`` in one of ``files`` (real paths), or of
    the innermost frame at all when none is."""
    wanted = set(files)
    innermost = found = ""
    for frame, line in traceback.walk_tb(tb):
        text = f"{frame.f_code.co_filename}:{line}"
        innermost = text
        if wanted and os.path.realpath(frame.f_code.co_filename) in wanted:
            found = text
    return found or innermost or "?"


def thread_error_line(thread_name: str, exc: BaseException, files: Iterable[str] = ()) -> str:
    """The incident of a thread that ended in an exception."""
    return (
        f"its thread {thread_name} raised: {where(exc.__traceback__, files)}: {exception_text(exc)}"
    )


def task_error_line(context: dict[str, Any], files: Iterable[str] = ()) -> str | None:
    """The incident of an asyncio exception-handler ``context`` with an exception (a task
    that failed with nobody to see it, a callback that raised); None for other contexts."""
    exc = context.get("exception")
    if not isinstance(exc, BaseException):
        return None
    what = context.get("task") or context.get("future")
    coro = getattr(what, "get_coro", lambda: None)()
    name = getattr(coro, "__qualname__", None)
    subject = f"its asyncio task {name}()" if name else "an asyncio callback of its"
    return f"{subject} raised: {where(exc.__traceback__, files)}: {exception_text(exc)}"


def own_loop_error_line(record: logging.LogRecord, files: Iterable[str] = ()) -> str | None:
    """The incident of an ``asyncio`` log record with an exception (what Python's default
    exception handler says of a loop adsim did not make); None for other records."""
    exc = record.exc_info[1] if record.exc_info else None
    if not isinstance(exc, BaseException) or record.levelno < _ERROR:
        return None
    try:
        said = str(record.getMessage()).partition("\n")[0].rstrip(".")
    except Exception:  # a message the plugin's own logging call could not format
        said = ""
    said = said or "an asyncio error"
    return (
        f"its own asyncio event loop said {said!r}: {where(exc.__traceback__, files)}: "
        f"{exception_text(exc)}"
    )


_ERROR = 40
"""``logging.ERROR`` (``logging`` is imported only once a plugin loads)."""


def watch_own_loops(said: Callable[[logging.LogRecord], None]) -> Callable[[], None]:
    """Pass ``said`` each ``asyncio`` log record with an exception, and let every record
    through (Python's own lines, or the plugin's logging, as before); returns the undoing."""
    import logging

    def watcher(record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            with contextlib.suppress(Exception):  # whatever goes wrong, the record goes on
                said(record)
        return True

    logger = logging.getLogger("asyncio")
    logger.addFilter(watcher)
    return lambda: logger.removeFilter(watcher)


def _trace(exc: BaseException) -> str:
    return traceback_text(exc)


def new_loop(
    report: Report, files: Callable[[], Iterable[str]] = tuple
) -> asyncio.AbstractEventLoop:
    """A new event loop whose errors nobody awaited are ``report``-ed (``files()``: the
    plugins' files, for the file:line)."""
    import asyncio  # only for a coroutine handler

    loop = asyncio.new_event_loop()

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        line = task_error_line(context, files())
        if line is None:  # no exception: asyncio's own words on stderr, as before
            loop.default_exception_handler(context)
            return
        exc = context["exception"]
        report(line, f"{context.get('message', 'asyncio')}\n{_trace(exc)}")

    loop.set_exception_handler(handler)
    return loop


def finish_tasks(loop: asyncio.AbstractEventLoop, grace: float) -> list[str]:
    """Run the tasks still pending on ``loop`` (on this thread) for up to ``grace`` seconds of
    time they could run (a coroutine handler's ``create_task`` runs only while a handler does):
    on a loaded machine as long again as this thread waited for a CPU meanwhile
    (``leftover_threads.wait_runnable``); cancel those still pending and return their names
    (``upload() at crm.py:12``). Their errors go to the loop's exception handler."""
    import asyncio

    from simulator.handlers import leftover_threads

    if loop.is_closed() or loop.is_running():
        return []
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if not pending:
        return []
    tid = threading.get_native_id()
    leftover_threads.wait_runnable(
        partial(_ran_within, loop, pending), grace, lambda: leftover_threads.run_delay(tid)
    )
    left = [task for task in pending if not task.done()]
    for task in left:
        task.cancel()
    if left:
        with contextlib.suppress(Exception):  # let them take their CancelledError, briefly
            loop.run_until_complete(asyncio.wait(left, timeout=0.1))
    names = []
    for task in left:
        coro = task.get_coro()
        code = getattr(coro, "cr_code", None)
        at = f" at {code.co_filename}:{code.co_firstlineno}" if code is not None else ""
        names.append(f"{getattr(coro, '__qualname__', task.get_name())}(){at}")
    # A task that failed with nobody awaiting it is said by the loop's exception handler as
    # the last reference to it goes (``Task exception was never retrieved``): these lists.
    del pending, left
    return names


def _ran_within(loop: asyncio.AbstractEventLoop, tasks: list[Any], seconds: float) -> bool:
    """Run ``loop`` until ``tasks`` are done or ``seconds`` have passed; whether they are."""
    import asyncio

    with contextlib.suppress(Exception):
        loop.run_until_complete(asyncio.wait(tasks, timeout=seconds))
    return all(task.done() for task in tasks)


def tasks_left_line(names: list[str], grace: float) -> str:
    """The incident of the tasks ``finish_tasks`` cancelled."""
    counts = Counter(names)  # one a call (a load run's thousands): each name once
    shown = ", ".join(name if n == 1 else f"{name} ({n})" for name, n in counts.items())
    return (
        f"asyncio task(s) {shown} still pending {grace:g} s after the end; "
        "adsim cancelled them (await what a handler starts, or end it in close())"
    )


# ---------------------------------------------------------------- thread isolation

_hosts: list[weakref.ref[OutcomeLog]] = []
_previous: list[Callable[[threading.ExceptHookArgs], Any]] = []


def watch_threads(host: OutcomeLog) -> None:
    """Report, to ``host``, what the threads its plugins' code starts in adsim's process
    raise (thread isolation): an incident naming the plugin, as well as Python's own lines."""
    _hosts[:] = [ref for ref in _hosts if ref() is not None and ref() is not host]
    _hosts.append(weakref.ref(host))
    if not _own_loops_watched:
        _own_loops_watched.append(watch_own_loops(_own_loop_said))
    if threading.excepthook is not _hook:
        _previous[:] = [threading.excepthook]
        threading.excepthook = _hook


_own_loops_watched: list[Callable[[], None]] = []


def _own_loop_said(record: logging.LogRecord) -> None:
    """Thread isolation: an error an event loop of a plugin's own logged, as an incident of
    the host whose plugin's file is in its traceback (none: another's, a test's; not said)."""
    exc = record.exc_info[1] if record.exc_info else None
    if exc is None:
        return
    for ref in reversed(_hosts):
        host = ref()
        if host is None or host._closed:
            continue
        plugins = [p for p in host._plugins if p.file and not p.own]
        by_file = {os.path.realpath(p.file): p.name for p in plugins if p.file}
        for frame, _line in reversed(list(traceback.walk_tb(exc.__traceback__))):
            name = by_file.get(os.path.realpath(frame.f_code.co_filename))
            if name is not None:
                line = own_loop_error_line(record, by_file)
                if line is not None:
                    host.add_incident(f"plugin {name}: {line}")
                return


def keep_first() -> None:
    """Once ``watch_threads`` has hooked ``threading.excepthook``: if a plugin set a hook of
    its own, hook it again in front of that one (which it then calls)."""
    if _previous and threading.excepthook is not _hook:
        _previous[:] = [threading.excepthook]
        threading.excepthook = _hook


def _hook(args: threading.ExceptHookArgs) -> None:
    with contextlib.suppress(Exception):  # whatever goes wrong here, Python's own lines below
        _attribute(args)
    previous = _previous[0] if _previous else threading.__excepthook__
    (python_lines if previous is threading.__excepthook__ else previous)(args)


def python_lines(args: threading.ExceptHookArgs) -> None:
    """Python's own lines of a thread's exception (``threading.__excepthook__``); adsim's
    traceback where they would never end (``stacks.unwritten_in_chain``: its message is a
    list holding the same list twice, 60 levels deep, which stopped adsim's process whole)."""
    exc = args.exc_value
    if exc is None or isinstance(exc, SystemExit) or unwritten_in_chain(exc) is None:
        threading.__excepthook__(args)
        return
    name = args.thread.name if args.thread is not None else "?"
    print_trace(f"Exception in thread {name}:\n{traceback_text(exc)}")


def _attribute(args: threading.ExceptHookArgs) -> None:
    thread, exc = args.thread, args.exc_value
    if exc is None or isinstance(exc, SystemExit) or thread is None:
        return
    if thread.name.startswith("adsim-"):
        return  # adsim's own thread: a bug of ours, Python's own lines say it
    for ref in reversed(_hosts):
        host = ref()
        if host is None or host._closed:
            continue
        name = _plugin_of(host, thread, exc)
        if name is not None:
            files = _files(host)
            host.add_incident(f"plugin {name}: {thread_error_line(thread.name, exc, files)}")
            return


def _files(host: OutcomeLog) -> set[str]:
    return {os.path.realpath(p.file) for p in (*host._plugins, *host._registering) if p.file}


def _plugin_of(host: OutcomeLog, thread: threading.Thread, exc: BaseException) -> str | None:
    """The name of ``host``'s plugin whose code raised ``exc`` on ``thread``, or started it
    (one whose ``register()`` runs now included)."""
    plugins = [p for p in (*host._plugins, *host._registering) if p.file and not p.own]
    by_file = {os.path.realpath(p.file): p.name for p in plugins if p.file}
    for frame, _line in reversed(list(traceback.walk_tb(exc.__traceback__))):
        name = by_file.get(os.path.realpath(frame.f_code.co_filename))
        if name is not None:
            return name
    from simulator.handlers import exit_guard

    started = exit_guard.started_by(thread)  # (plugin, file:line)
    names = {p.name for p in plugins}
    if started is not None and started[0] in names:
        return str(started[0])
    return None


def print_trace(trace: str) -> None:
    """A traceback on stderr, if stderr can still take it."""
    with contextlib.suppress(OSError, ValueError):
        print(trace.rstrip("\n"), file=sys.stderr, flush=True)
