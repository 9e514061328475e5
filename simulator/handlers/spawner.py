"""Plugin processes that end with adsim: started from one long-lived thread, killed by the
kernel when adsim dies.

A plugin's process normally ends when adsim closes it, or when its pipe from adsim reaches its
end. Neither works when adsim itself is killed (``kill -9``, a CI job's timeout) while the
plugin is stuck: a handler that never returns, or a thread of the plugin holding the GIL, never
reads that end. Such a process would run on for ever, holding adsim's stdout open (a
``| tail`` never ends) and burning a core. So on Linux the child asks the kernel for SIGKILL
when its parent goes (``die_with_parent``, ``PR_SET_PDEATHSIG``).

The kernel's "parent" is the *thread* that started the process, not the whole process: a child
started from a dispatcher thread that later ends (one the watchdog replaced) would be killed
with it. So every plugin process is started from one thread that lives as long as adsim
(``popen``).

What a plugin's process starts itself (a ``subprocess.Popen`` left running) would outlive it the
same way, holding adsim's stderr open: ``adsim run ... 2>&1 | tee log`` waited for it. So a
plugin's process leads a process group of its own (``OWN_GROUP``), and once it has ended, what
is left in that group is killed (``end_leftovers``, Linux). A process that leaves the group
itself (``setsid``) is beyond reach.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import subprocess

__all__ = [
    "OWN_GROUP",
    "PARENT_ENV",
    "STARTED",
    "die_with_parent",
    "end_leftovers",
    "popen",
    "tied",
]

PARENT_ENV = "ADSIM_PLUGIN_PARENT"
"""The pid of the adsim that started a plugin's process (``die_with_parent`` checks it)."""

_PR_SET_PDEATHSIG = 1
_TIE = """
import ctypes, os, signal, sys
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)
except (OSError, AttributeError):
    pass
if str(os.getppid()) != os.environ.get(PARENT_ENV):
    os._exit(0)
os.execvp(sys.argv[1], sys.argv[1:])
""".replace("PARENT_ENV", repr(PARENT_ENV))
"""``python -S -c _TIE PROGRAM ARGS...``: ``die_with_parent`` for a program that is not Python
(``node``), then the program itself in this process (the signal survives ``exec``)."""
_Request = tuple[tuple[Any, ...], dict[str, Any], list[Any], threading.Event]
STARTED: set[int] = set()
"""The pids of every process ``popen`` started: adsim's own, not a plugin's leftovers
(``simulator.handlers.leftover_processes``)."""


class _Spawner:
    """The one thread that starts plugin processes (started with the first of them)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._requests: queue.SimpleQueue[_Request] | None = None

    def popen(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> subprocess.Popen[Any]:
        with self._lock:
            if self._requests is None:
                self._requests = queue.SimpleQueue()
                threading.Thread(
                    target=self._serve, args=(self._requests,), name="adsim-spawner", daemon=True
                ).start()
            requests = self._requests
        slot: list[Any] = []
        done = threading.Event()
        requests.put((args, kwargs, slot, done))
        done.wait()
        if isinstance(slot[0], BaseException):
            raise slot[0]
        process: subprocess.Popen[Any] = slot[0]
        STARTED.add(process.pid)
        return process

    @staticmethod
    def _serve(requests: queue.SimpleQueue[_Request]) -> None:
        import subprocess

        while True:
            args, kwargs, slot, done = requests.get()
            try:
                slot.append(subprocess.Popen(*args, **kwargs))
            except BaseException as exc:  # handed back to the caller, raised there
                slot.append(exc)
            done.set()


_SPAWNER = _Spawner()


def tied(argv: list[str]) -> list[str]:
    """``argv`` (a program that cannot call ``die_with_parent`` itself: ``node``) started so
    that the kernel kills it when adsim dies, through a Python without ``site`` (~15 ms) that
    asks for the signal and then becomes the program; ``argv`` itself where that is not Linux.
    Start it with ``popen``."""
    if not sys.platform.startswith("linux"):
        return argv
    return [sys.executable, "-S", "-c", _TIE, *argv]


def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[Any]:
    """``subprocess.Popen(*args, **kwargs)`` run on the spawner thread (see the module
    docstring), with ``PARENT_ENV`` set for the child."""
    kwargs["env"] = {**(kwargs.get("env") or os.environ), PARENT_ENV: str(os.getpid())}
    return _SPAWNER.popen(args, kwargs)


OWN_GROUP: dict[str, Any] = {"process_group": 0} if os.name == "posix" else {}
"""``popen`` keyword arguments for a plugin's process: a process group of its own, whose id is
its pid (POSIX)."""


def end_leftovers(group: int) -> int:
    """Kill what is left in process group ``group`` (a plugin's process, ended: see the module
    docstring); how many processes that was. Linux only (0 elsewhere): the group's members are
    found in ``/proc`` first, and while one lives no new process can take the group's id, so the
    kill reaches none but them."""
    if not sys.platform.startswith("linux"):
        return 0
    import signal

    left = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()  # state ppid pgrp ...
        except OSError:  # it ended meanwhile
            continue
        if int(fields[2]) == group and fields[0] != b"Z":
            left += 1
    if left:
        try:
            os.killpg(group, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            return 0  # gone meanwhile (or not ours to end)
    return left


def die_with_parent() -> None:
    """In a plugin's process: be killed when the adsim that started it dies (Linux), and end
    now if it is gone already (it died before this line ran)."""
    expected = os.environ.get(PARENT_ENV)
    if not sys.platform.startswith("linux") or not expected:
        return
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        return  # no prctl here: the pipe's end still ends an idle process
    if str(os.getppid()) != expected:
        os._exit(0)  # adsim died while this process started: nobody to serve
