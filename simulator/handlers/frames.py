"""Messages to a plugin's process, framed as ``multiprocessing.connection`` reads them, written to
a pipe that never blocks a thread that must not wait.

The parent's end of the pipe to a plugin's process is non-blocking for the process's whole life.
A thread that may wait (the dispatcher, a reader answering an ``ad_api`` call) writes a whole
message with ``write_all``, which waits for room the way a blocking write would. The simulation
thread, which must never wait on a child that is not reading (a pipe holds ~64 KB, a call a few
KB: a full pipe would freeze the window), tries once with ``write_some`` and writes nothing when
the pipe is full; the caller then hands the message to a thread that may wait.
"""

from __future__ import annotations

import os
import pickle
import select
import struct
import time
from collections.abc import Callable
from typing import Any

from simulator.handlers.leftover_threads import wait_runnable

__all__ = ["frame", "write_all", "write_some", "write_within"]

_HEADER = struct.Struct("!i")
_LARGEST = 0x7FFFFFFF
"""Bigger messages need ``Connection``'s longer header: never sent here (``frame`` refuses)."""


def frame(message: Any) -> bytes:
    """``message`` pickled, with the length header ``Connection.recv`` reads first; ValueError
    for a message over 2 GB, an error of ``pickle`` for one that does not pickle."""
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    if len(body) > _LARGEST:
        raise ValueError("a message to a plugin's process is over 2 GB")
    return _HEADER.pack(len(body)) + body


def write_some(fd: int, data: bytes | memoryview) -> int:
    """Write what the non-blocking ``fd`` takes now: how many bytes (0 when the pipe is full).
    ``OSError`` when the reader has gone (``BrokenPipeError``)."""
    try:
        return os.write(fd, data)
    except BlockingIOError:
        return 0


def write_all(fd: int, data: bytes | memoryview) -> None:
    """Write all of ``data`` to the non-blocking ``fd``, waiting for room as a blocking write
    would; ``OSError`` when the reader has gone (its process died or was killed)."""
    write_within(fd, data, None)


def write_within(
    fd: int,
    data: bytes | memoryview,
    seconds: float | None,
    delay: Callable[[], int | None] | None = None,
) -> bool:
    """Write all of ``data`` to the non-blocking ``fd`` if the reader takes it within
    ``seconds`` (None: however long it takes): False when it did not (part of it may be
    written: the caller gives up on that reader); ``OSError`` when the reader has gone.
    ``delay``: nanoseconds the reader has waited for a CPU so far (``leftover_threads.
    process_delay``): the wait is as long again as it waited for one meanwhile
    (``leftover_threads.wait_runnable``), so a reader slow only for a loaded machine is not
    one that takes nothing."""
    view = memoryview(data)
    poller: select.poll | None = None

    def written(wait: float | None) -> bool:
        nonlocal view, poller
        deadline = None if wait is None else time.monotonic() + wait
        while view:
            count = write_some(fd, view)
            if count:
                view = view[count:]
                continue
            timeout = None
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                timeout = max(1, int(left * 1000))
            if poller is None:  # ``poll``, not ``select``: a descriptor may be over 1024
                poller = select.poll()
                poller.register(fd, select.POLLOUT)
            poller.poll(timeout)  # room, the reader gone (the next write raises), or the deadline
        return True

    if seconds is None:
        return written(None)
    return wait_runnable(written, seconds, delay or _unknown)


def _unknown() -> None:
    """No reader's delay to go by: the wait is ``seconds``."""
    return None
