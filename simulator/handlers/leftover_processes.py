"""Processes a plugin run in adsim's own process (``--handler-isolation thread``) started and left
running when a command ends.

A plugin's own process leads a process group, and what it leaves running is killed once it has
ended (``simulator.handlers.spawner.end_leftovers``). In adsim's own process nothing did: a
``subprocess.Popen`` a handler left running outlived adsim, holding its stdout and stderr open
(``adsim run ... | tee log`` and a CI step waited for it) and the run said nothing. Now, at the
end of ``adsim run`` and ``adsim demo``, adsim's children that were not there when the host was
built and that adsim did not start itself (``spawner.popen``: plugin processes, node) get the
same grace as a plugin's threads; those still running are killed, with what they started, and
named in the summary (an incident: exit 1). Linux only (``/proc``): elsewhere nothing is found.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING

from simulator.handlers.leftover_threads import join_within, process_delay, wait_runnable

if TYPE_CHECKING:
    import subprocess

__all__ = ["end_pools", "ended_within", "incident", "left_running", "snapshot"]

_POLL_S = 0.02


def _children(pid: int | str = "self") -> set[int]:
    """The pids of ``pid``'s children (each of its threads' ``children`` file)."""
    found: set[int] = set()
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/children") as f:
                found.update(int(part) for part in f.read().split())
    return found


def _running(pid: int) -> bool:
    """Whether ``pid`` is alive and not a zombie (ended, not yet waited for)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return False


def _qt_web_engine(pid: int) -> bool:
    """Whether ``pid`` is one of Qt WebEngine's helper processes (``adsim run --page``: a page's
    renderer, started again when a stuck page is reloaded): adsim's, never a plugin's."""
    try:
        return os.path.basename(os.readlink(f"/proc/{pid}/exe")) == "QtWebEngineProcess"
    except OSError:
        return False


def _name(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8", errors="replace") as comm:
            return f"{comm.read().strip()} (pid {pid})"
    except OSError:
        return f"pid {pid}"


def _stdlib_services() -> set[int]:
    """The processes ``multiprocessing`` runs for the whole process, started on its first use
    (a spawn pool, a semaphore): its resource tracker and its fork server. Python's, not a
    plugin's work left running: each ends by itself when adsim does (its pipe from adsim ends),
    and a tracker killed under it is found dead at exit (``resource_tracker: process died
    unexpectedly, relaunching``), the plugin's resources unlinked by nobody."""
    found: set[int] = set()
    for module, holder, attribute in (
        ("multiprocessing.resource_tracker", "_resource_tracker", "_pid"),
        ("multiprocessing.forkserver", "_forkserver", "_forkserver_pid"),
    ):
        pid = getattr(getattr(sys.modules.get(module), holder, None), attribute, None)
        if isinstance(pid, int):
            found.add(pid)
    return found


def end_pools(grace: float) -> frozenset[threading.Thread]:
    """Terminate the ``multiprocessing`` pools a plugin left open, as Python's exit would (their
    own finalizers, run now): killed among the leftover processes, a pool's worker could die
    holding its task queue's lock, and Python's end of that pool at exit then waited for ever
    (``adsim`` hung after its summary). A pool's end joins its workers after their SIGTERM, for
    ever if they ignore it: it gets ``grace`` seconds on a thread of its own (returned, not a
    plugin's leftover), then its workers are killed with the other leftovers."""
    util = sys.modules.get("multiprocessing.util")
    registry = getattr(util, "_finalizer_registry", None)
    if not isinstance(registry, dict):
        return frozenset()
    pools = [
        finalizer
        for finalizer in list(registry.values())
        if getattr(getattr(finalizer, "_callback", None), "__qualname__", "")
        == "Pool._terminate_pool"
    ]
    if not pools:
        return frozenset()

    def end() -> None:
        for finalizer in pools:
            with contextlib.suppress(Exception):
                finalizer()  # runs once: Python's exit will not run it again

    ending = threading.Thread(target=end, name="adsim-end-pools", daemon=True)
    ending.start()
    join_within(ending, grace)
    return frozenset({ending})


def snapshot() -> frozenset[int]:
    """This process's children now (before the plugins are loaded)."""
    if not sys.platform.startswith("linux"):
        return frozenset()
    return frozenset(_children())


def left_running(before: frozenset[int], own: set[int], grace: float) -> list[str]:
    """The children started since ``before`` (not in ``own``: adsim's) still running after
    ``grace`` seconds, killed with their descendants; their names (``sleep (pid 123)``)."""
    if not sys.platform.startswith("linux"):
        return []
    deadline = time.monotonic() + grace
    while True:
        new = _children() - before - own - _stdlib_services()
        left = sorted(pid for pid in new if _running(pid) and not _qt_web_engine(pid))
        if not left or time.monotonic() >= deadline:
            break
        time.sleep(_POLL_S)
    names = [_name(pid) for pid in left]
    for pid in left:
        _kill_tree(pid)
    return names


def _kill_tree(pid: int) -> None:
    """Kill ``pid`` and everything it started (children first found, then killed: a child
    killed first would be handed to init, out of sight)."""
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(_children(current))
    for member in tree:
        with contextlib.suppress(OSError):
            os.kill(member, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)  # ours: no zombie left behind


def incident(names: list[str], grace: float, who: str = "a plugin") -> str:
    """The summary's line for ``left_running``'s processes (``who`` started them)."""
    return (
        f"process(es) {', '.join(names)} that {who} started still running {grace:g} s after "
        "the end; adsim killed them and what they started (--handler-isolation thread): left "
        "running, they would outlive adsim, holding its output open"
    )


def ended_within(process: subprocess.Popen[bytes], grace: float) -> bool:
    """Whether ``process`` ended within ``grace`` seconds of time it could run: waiting for a
    CPU on a loaded machine is not being slow (``leftover_threads.wait_runnable``)."""
    import subprocess  # loaded already: the process was started with it

    def ended(seconds: float) -> bool:
        try:
            process.wait(seconds)
        except subprocess.TimeoutExpired:
            return False
        return True

    pid = process.pid
    return wait_runnable(ended, grace, lambda: process_delay(pid))
