"""The Node runner's last words: why its node process ends, on a pipe of their own.

The runner says why node ends (``__crash__``: an error thrown outside any handler; ``__error__``:
an exit while the module loads; ``__pending__``: the work its module left pending at the end of the
run, still unfinished after its grace) with one write, on the way out (a queued write dies with the
process). On node's stdout, a pipe node does not block on, that write failed when the pipe was
full (adsim reading behind a burst of packets): node ended unexplained. This pipe carries nothing
else, so the write always finds room (the runner cuts each message to a few KB), and adsim reads
it once node has exited, after what node wrote on stdout. POSIX only: elsewhere the runner
writes them on stdout, as before.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
from typing import Any

from simulator.web.child_pipe import ChildPipe

__all__ = ["ENV", "LastWords", "exit_words"]

ENV = "ADSIM_LAST_WORDS_FD"
"""The environment variable naming, to the runner, the descriptor of the pipe's write end."""
_MAX_BYTES = 1 << 17
PACKETS = ("__crash__", "__error__", "__pending__")
"""What the runner says there: why node ends, and the work its module left pending at the end."""


def exit_words(code: int | None) -> str:
    """How node ended, said: ``exited (code 3)``, or ``was killed by signal SIGKILL (9)`` (the
    negative return code read as ``exited (code -9)``, a code no process exits with)."""
    if code is None or code >= 0:
        return f"exited (code {code})"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = "?"
    if name == "SIGABRT":  # how node ends when its heap is full: its FATAL ERROR line says so
        return f"was killed by signal {name} ({-code}; node aborts so when out of memory)"
    return f"was killed by signal {name} ({-code})"


class LastWords(ChildPipe):
    """One node process's pipe: ``env`` and ``pass_fds`` for its start, then ``packets``."""

    ENV = ENV

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._found: list[dict[str, Any]] | None = None
        super().__init__()
        if self._read is not None:
            os.set_blocking(self._read, False)

    def packets(self, tag: str) -> list[dict[str, Any]]:
        """What the runner said there (each line starts with ``tag``; what a process the module
        started wrote there is no packet), then the pipe is closed; the same list again on a
        later call (node's reader and ``NodeHandler.close`` both look). Call it once node has
        exited: what it wrote is all there, and nothing waits for the pipe's end (a process
        the module left running may hold it)."""
        with self._lock:
            if self._found is None:
                self._found = self._read_packets(tag)
            return list(self._found)

    def _read_packets(self, tag: str) -> list[dict[str, Any]]:
        self.started()
        fd, self._read = self._read, None
        if fd is None:
            return []
        data = b""
        try:
            with contextlib.suppress(BlockingIOError, OSError):
                while len(data) < _MAX_BYTES:
                    chunk = os.read(fd, 1 << 16)
                    if not chunk:
                        break
                    data += chunk
        finally:
            os.close(fd)
        found = []
        for line in data.decode("utf-8", "replace").split("\n"):
            if not line.startswith(tag):
                continue
            try:
                packet = json.loads(line[len(tag) :])
            except ValueError:
                continue
            if isinstance(packet, dict) and packet.get("type") in PACKETS:
                found.append(packet)
        return found

    def close(self) -> None:
        """Close both ends, unread if ``packets`` has not read them (idempotent)."""
        with self._lock:
            self.started()
            fd, self._read = self._read, None
            if fd is not None:
                os.close(fd)
