"""What a plugin's process was doing and how it ended, in the words of the run's reports.

``dump_stacks`` asks a child for every thread's stack (``SIGUSR1`` to faulthandler, which works
even while a handler holds the GIL) and reads what it wrote; ``stuck_at`` and ``stuck_anywhere``
find the ``file:line in function`` to name in a ``timeout``; ``describe_exit`` words a
``crashed`` process's end.
"""

from __future__ import annotations

import os
import re
import signal
import time
from typing import TYPE_CHECKING

from simulator.one_line import exception_text, unwritten

if TYPE_CHECKING:
    import subprocess

__all__ = [
    "describe_exit",
    "dump_stacks",
    "killed_running",
    "killed_unstarted",
    "stuck_anywhere",
    "stuck_at",
    "traceback_text",
    "unwritten_in_chain",
]

_DUMP_WAIT_S = 1.0
_DUMP_POLL_S = 0.01
_FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+) in (?P<func>\S+)')
_CHILD_FILE = "simulator/handlers/child.py"
_EXIT_FILE = "simulator/handlers/child_exit.py"
"""Where the child calls a plugin's atexit functions: adsim's frame, not where one is stuck."""


def describe_exit(code: int | None) -> str:
    """``exited with status 3`` / ``was killed by signal SIGSEGV (11)``."""
    if code is None:
        return "stopped answering"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = "?"
        return f"was killed by signal {name} ({-code})"
    return f"exited with status {code}"


def stuck_at(dump: str | None, prefer: str | None = None) -> str | None:
    """``file:line in function`` where a dumped thread was, the plugin's own file first."""
    if not dump:
        return None
    frames = []
    for block in dump.split("\n\n"):
        if _CHILD_FILE not in block.replace("\\", "/") or " in serve" not in block:
            continue  # not the thread running the plugin (the child's reader, its own threads)
        for match in _FRAME.finditer(block):
            if any(own in match["file"].replace("\\", "/") for own in (_CHILD_FILE, _EXIT_FILE)):
                break
            frames.append(match)
    if not frames:
        return None
    chosen = frames[0]
    if prefer is not None:
        own = [m for m in frames if os.path.realpath(m["file"]) == os.path.realpath(prefer)]
        if own:
            chosen = own[0]
    return f"{chosen['file']}:{chosen['line']} in {chosen['func']}"


def registering(dump: str | None) -> bool:
    """Whether the dumped thread running the plugin was in its ``register(ad_api)`` (else, with
    a stack, still importing it: its module's body, or a module that body imports)."""
    for block in (dump or "").split("\n\n"):
        if _CHILD_FILE in block.replace("\\", "/") and " in serve" in block:
            return " in register_plugin" in block
    return True  # no stack to tell by: as said before


def stuck_anywhere(dump: str | None, prefer: str | None) -> str | None:
    """``file:line in function`` of the first frame of ``prefer`` (the plugin's file) in any
    dumped thread: where a plugin's own thread was when the process stopped answering."""
    if not dump or prefer is None:
        return None
    wanted = os.path.realpath(prefer)
    for match in _FRAME.finditer(dump):
        if os.path.realpath(match["file"]) == wanted:
            return f"{match['file']}:{match['line']} in {match['func']}"
    return None


def killed_running(timeout: float, where: str | None) -> str:
    """The ``timeout`` error of a call still running at its deadline, its process killed."""
    return (
        f"api_not_answer: still running after {timeout:g} s"
        + (f" at {where}" if where else "")
        + "; its process was killed (a fresh one takes its next calls), the next handlers and "
        "events went on"
    )


def killed_unstarted(timeout: float, where: str | None) -> str:
    """The ``timeout`` error of a call its process did not even start by its deadline."""
    return (
        f"api_not_answer: its process did not start this call within {timeout:g} s"
        + (f" (busy at {where})" if where else " (busy outside any handler)")
        + "; a thread of the plugin holding the GIL freezes its whole process. Its process was "
        "killed (a fresh one takes its next calls), the next handlers and events went on"
    )


def dump_stacks(process: subprocess.Popen[bytes], path: str) -> str | None:
    """Every thread's stack in ``process`` (a plugin's child, whose faulthandler writes to
    ``path`` on ``SIGUSR1``), or None when it cannot be had (it has ended, no ``SIGUSR1``)."""
    if not hasattr(signal, "SIGUSR1") or process.poll() is not None:
        return None
    try:
        os.kill(process.pid, signal.SIGUSR1)
    except OSError:
        return None
    # faulthandler writes from inside the child's signal handler: wait until it is done.
    deadline = time.monotonic() + _DUMP_WAIT_S
    text, seen = "", -1
    while time.monotonic() < deadline:
        try:
            with open(path, encoding="utf-8", errors="replace") as dump:
                text = dump.read()
        except OSError:
            return None
        if text and len(text) == seen:
            break
        seen = len(text) if text else -1
        time.sleep(_DUMP_POLL_S)
    return text or None


def traceback_text(exc: BaseException, skip: int = 0) -> str:
    """The traceback of ``exc`` as ``traceback.format_exception`` writes it, without its first
    ``skip`` frames. If that fails itself (a plugin replaced a builtin or spoilt
    ``linecache``), or would never end (a message it writes is not written:
    ``one_line.unwritten``), the frames' ``file:line`` without their source, then the exception
    and why: a failure is reported, never lost."""
    import traceback

    tb = exc.__traceback__
    for _ in range(skip):
        tb = tb and tb.tb_next
    try:  # the chain's check too: a plugin's exception is the plugin's code
        why = unwritten_in_chain(exc)
        if why is None:
            return "".join(traceback.format_exception(type(exc), exc, tb))
    except Exception as failure:
        why = f"adsim could not format this traceback: {exception_text(failure)}"
    lines = ["Traceback (most recent call last):\n"]
    while tb is not None:  # nothing a plugin may have replaced: no len(), no linecache
        code = tb.tb_frame.f_code
        lines.append(f'  File "{code.co_filename}", line {tb.tb_lineno}, in {code.co_name}\n')
        tb = tb.tb_next
    lines.append(f"{exception_text(exc)}\n")
    lines.append(f"({why})\n")
    return "".join(lines)


def unwritten_in_chain(exc: BaseException) -> str | None:
    """Why a message of ``exc``, of an exception it was raised from or during, or of one in
    its group, is not written (``unwritten``); None when every one is."""
    todo: list[BaseException] = [exc]
    seen: set[int] = set()
    while todo and len(seen) < 1000:
        each = todo.pop()
        if id(each) in seen:
            continue
        seen.add(id(each))
        problem = unwritten(each)
        if problem is not None:
            return (
                f"adsim wrote this traceback without its source and chained exceptions: {problem}"
            )
        inner = [each.__cause__, each.__context__]
        if isinstance(each, BaseExceptionGroup):  # not any ``.exceptions`` (a count, a dict)
            inner.extend(each.exceptions)
        todo.extend(e for e in inner if isinstance(e, BaseException))
    return None
