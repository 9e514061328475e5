"""How a run ended, and what a run with no end recorded is: still being written, or cut short.

A run's end is written when it is over (schema 4, ``runs.ended_ms`` and ``runs.ending``):
``finished`` when its process got to the end of it and closed it (whether it passed or failed),
``interrupted`` (with ``stop_signal``: SIGINT, SIGTERM, SIGHUP) when adsim was asked to stop in
the middle of it; ``journal-off`` when its journal was switched off in its middle (the window's
**Switch the journal off**, ``Journal.detach``): the run went on, unjournaled, and its row has
``ended_ms`` (when the journal was switched off) and no ``ending`` (the schema's ``ending`` takes
only the first two; an adsim before this one reads such a run as ``unfinished``). A process
killed with ``kill -9`` (or that crashed, or lost its power) cannot write anything, so a run
without an end is told by its writer, which each run's row names
(``host``, ``pid`` and, where the system gives it, ``pid_start``: the boot and the process's start
time, so that a later process that got the same pid is not taken for it):

- ``running``: its process is still running on this machine (it is being written now, or its
  end is about to be);
- ``unfinished``: its process on this machine is gone and wrote no end: the run was cut short;
- ``unknown``: nothing here can tell (written on another machine, by an adsim before schema 4,
  or a process with its pid runs and the system does not say whether it is the same one). No
  end was recorded, and the run is not called cut short.

SQLite's WAL mode only works between processes of one machine, so a run being written now is
always written by a process of the machine that reads it; ``host`` is the host name.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "END_COLUMNS",
    "END_SQL",
    "OFF_SQL",
    "RunEnd",
    "RunStatus",
    "run_end",
    "signal_name",
    "writer",
]

RunStatus = Literal["finished", "interrupted", "journal-off", "running", "unfinished", "unknown"]

END_COLUMNS = "ending, ended_ms, stop_signal, host, pid, pid_start"
"""The columns ``run_end`` reads, in its arguments' order."""

END_SQL = (
    "UPDATE runs SET ended_ms = ?2, ending = ?3, stop_signal = ?4 WHERE id = ?1 AND ending IS NULL"
)
"""A run's end (the first one written stays: an interrupted run is not finished later)."""

OFF_SQL = "UPDATE runs SET ended_ms = ?2 WHERE id = ?1 AND ending IS NULL AND ended_ms IS NULL"
"""A run's journal switched off at ``ended_ms`` (``journal-off``: no ``ending``)."""


@dataclass(frozen=True, slots=True)
class RunEnd:
    """How run ended, or what a run with no end recorded is (``simulator.journal.run_ends``)."""

    status: RunStatus
    ended_ms: int | None = None
    """Wall-clock epoch ms when its end was written (None: no end recorded)."""
    signal: str | None = None
    """The signal that interrupted it (``SIGTERM`` ...); None otherwise or when not known."""

    @property
    def label(self) -> str:
        """One word for ``adsim journal runs``: ``interrupted(SIGTERM)`` with its signal."""
        if self.status == "interrupted" and self.signal:
            return f"interrupted({self.signal})"
        return self.status

    @property
    def cut_short(self) -> bool:
        """The run did not reach its end (interrupted, or its process gone without an end); a
        run whose journal was switched off went on to its end, unjournaled: not cut short."""
        return self.status in ("interrupted", "unfinished")


def signal_name(signum: int | None) -> str | None:
    """``SIGTERM`` for 15 (None for None or a number this system has no name for)."""
    if signum is None:
        return None
    try:
        return signal.Signals(signum).name
    except ValueError:
        return None


def _boot_id() -> str | None:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return None


def _process_start(pid: int) -> str | None:
    """The boot and start time (clock ticks since boot) of process ``pid`` (Linux's ``/proc``);
    None when there is no such process or no ``/proc`` to ask."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    fields = stat[stat.rfind(")") + 2 :].split()  # the name, in parentheses, may hold spaces
    if len(fields) < 20:
        return None
    return f"{_boot_id()}:{fields[19]}"  # field 22 of the line, the 20th after the name


def _host() -> str:
    """The host name: ``uname``'s where there is one (the window writes its first run before it
    is ready, and its start path has no ``socket``, which takes time to import)."""
    uname = getattr(os, "uname", None)
    if uname is not None:
        return str(uname().nodename)
    import socket  # Windows

    return socket.gethostname()


def _has_proc() -> bool:
    return sys.platform.startswith("linux") and Path("/proc/self/stat").exists()


_WRITER: dict[int, tuple[str, int, str | None]] = {}
"""``writer()`` by pid: asked once per process (load mode starts a run per repeat, and reading
``/proc`` and ``uname`` each time cost ~25 % of a repeat's journal work); a forked child is
another pid."""


def writer() -> tuple[str, int, str | None]:
    """This process as a run's row names it: host name, pid, and its start (or None)."""
    pid = os.getpid()
    known = _WRITER.get(pid)
    if known is None:
        known = _WRITER[pid] = (_host(), pid, _process_start(pid) if _has_proc() else None)
    return known


def _alive(pid: int) -> bool | None:
    """Whether a process ``pid`` exists (None: this system cannot say)."""
    if sys.platform == "win32":  # os.kill would end it there: no asking
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's: it exists
        return True
    except OSError:
        return None
    return True


def run_end(row: Sequence[Any]) -> RunEnd:
    """What a run's row says of its end (its ``END_COLUMNS``), with its writer asked when it
    has none."""
    ending, ended_ms, stop_signal, host, pid, pid_start = row
    if ending == "finished":
        return RunEnd("finished", ended_ms)
    if ending == "interrupted":
        return RunEnd("interrupted", ended_ms, stop_signal)
    if ended_ms is not None:  # an end with no ``ending``: its journal was switched off then
        return RunEnd("journal-off", ended_ms)
    if pid is None or host is None or host != _host():
        return RunEnd("unknown")
    if pid_start is not None and _has_proc():
        # The same process only if it started at the same moment of the same boot.
        return RunEnd("running" if _process_start(pid) == pid_start else "unfinished")
    # No start to compare: a process with that pid may be a later one that got the pid.
    return RunEnd("unfinished" if _alive(pid) is False else "unknown")
