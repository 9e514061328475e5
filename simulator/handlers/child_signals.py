"""A plugin's process may not signal adsim's (process isolation).

A plugin's code that sends a signal to the adsim that started its process
(``os.kill(os.getppid(), signal.SIGTERM)``, an ``os.killpg`` of adsim's process group, an
``os.kill(-1, ...)`` that reaches every process it may signal) was taken by adsim as the user's:
SIGTERM, SIGINT and SIGHUP stopped the run as ``interrupted (SIGTERM)``, exit 143, its journal's
run ``interrupted``, with nothing to say it was the plugin's; SIGKILL ended adsim with no
summary (the run ``unfinished``), SIGSTOP froze it until a CI timeout. An audit hook in the
plugin's process sees the call as it is made, on the thread that makes it, and refuses it:
the call raises ``PermissionError`` in the plugin (uncaught: the call's ``error``), and an
incident names who sent what, from where (the run's summary, exit 1). Signal 0 (is adsim still
running?) sends nothing and is let through. Out of reach, as in thread isolation: a signal sent
another way (a ``kill`` command the plugin runs, a C library's ``kill``, a process the plugin
started, ``signal.pidfd_send_signal``, which raises no audit event in Python 3.11).
"""

from __future__ import annotations

import errno
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

__all__ = ["refuse_signals_to"]

_KILLS = frozenset({"os.kill", "os.killpg"})


def refuse_signals_to(
    adsim: int,
    who: Callable[[], str],
    files: Callable[[], list[str]],
    report: Callable[[str], None],
) -> None:
    """In a plugin's process: refuse every ``os.kill``/``os.killpg`` that reaches ``adsim``'s
    process (its pid, its process group, -1), with ``report`` of a line naming ``who()`` (the
    call running on the main thread) and the plugin's line (one of ``files()``, else the
    caller's)."""
    try:
        group: int | None = os.getpgid(adsim)
    except OSError:
        group = None

    def reaches(call: str, target: int) -> bool:
        if call == "os.killpg":
            return target == group or (target == 0 and os.getpgrp() == group)
        if target in (adsim, -1):
            return True
        if target == 0:
            return os.getpgrp() == group
        return target < -1 and -target == group

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event not in _KILLS:
            return
        try:
            target, signum = int(args[0]), int(args[1])
        except (TypeError, ValueError, IndexError):
            return
        if signum == 0 or not reaches(event, target):
            return
        try:
            name = f"{signal.Signals(signum).name} ({signum})"
        except ValueError:
            name = f"signal {signum}"
        sent = f"{event}({target}, {name.split(' ')[0]})"
        thread = threading.current_thread()
        sender = who() if thread is threading.main_thread() else f"its thread {thread.name}"
        where = _where(sys._getframe(1), files())
        report(
            f"{sender} sent {name} to adsim's process ({event} at {where}); adsim refused it "
            "(a PermissionError there) and went on: taken, it stopped the run as the user's "
            "stop or ended adsim with no summary (to fail the call, raise)"
        )
        raise PermissionError(
            errno.EPERM,
            f"adsim refused {sent}: it reaches adsim's process (pid {adsim}), which a plugin "
            "may not signal (to fail the call, raise)",
        )

    sys.addaudithook(hook)


def _where(frame: FrameType | None, files: list[str]) -> str:
    """file:line of the innermost frame in one of the plugin's ``files``, else of ``frame``."""
    first = frame
    while frame is not None:
        if os.path.realpath(frame.f_code.co_filename) in files:
            break
        frame = frame.f_back
    frame = frame if frame is not None else first
    return "?" if frame is None else f"{frame.f_code.co_filename}:{frame.f_lineno}"
