"""What a JS module started outside its node process's group, found by a mark in its environment.

A module's ``node`` leads a process group, and what is left in that group once node has ended is
killed (``simulator.handlers.spawner.end_leftovers``). A child the module started with
``child_process.spawn(..., {detached: true})`` calls ``setsid``: a group (and session) of its own,
beyond that reach. It ran on after the run, unsaid. So node's environment carries a mark drawn
for that process (``MARK_ENV``), which the module's child processes inherit with the rest of it
(the runner puts it into an environment the module gives a child, ``env: {}``; a process that
clears its environment itself, ``env -i``, stays beyond reach), and once node has ended, what
still carries the mark is killed. Linux only (``/proc``).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import sys

__all__ = ["MARK_ENV", "end_marked", "new_mark"]

MARK_ENV = "ADSIM_NODE_MARK"
"""The environment variable that marks a node process and what it starts."""


def new_mark() -> str:
    """A mark no other process has."""
    return secrets.token_hex(12)


def end_marked(mark: str, group: int) -> int:
    """Kill each running process whose environment carries ``mark``, outside process group
    ``group`` (node's own, ended by ``end_leftovers``); how many there were."""
    if not sys.platform.startswith("linux"):
        return 0
    needle = f"{MARK_ENV}={mark}".encode()
    me = os.getpid()
    found: list[int] = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as environ:
                if needle not in environ.read().split(b"\0"):
                    continue
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()  # state ppid pgrp ...
        except OSError:  # ended meanwhile, or another user's
            continue
        if fields[0] != b"Z" and int(fields[2]) != group:
            found.append(int(entry))
    for pid in found:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return len(found)
