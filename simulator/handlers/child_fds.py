"""A plugin's process keeps its own descriptors in order: its output lines ended, its pipe kept.

Two things a plugin can do to the descriptors of its process that were adsim's to keep:

- **print without a newline** (``sys.stdout.write("x" * 3_000_000)``, a progress bar): its
  process writes to adsim's stderr directly, so the next plugin's line (or adsim's own) was
  glued to the end of it. ``EndedLines`` makes the process's ``sys.stdout`` and ``sys.stderr``
  remember whether the last thing they wrote ended its line; at the end of each call (before
  its reply, so before any other plugin runs) and of the process a line left open is ended.
  The text itself goes out as it is written, never held: 100 MB with no newline is not 100 MB
  in memory.
- **replace the descriptors it talks to adsim on** (``os.dup2(devnull, 4)``, an ``os.close``
  of the wrong number): its answers went nowhere, the call waited for its timeout and was
  reported stuck in adsim's own code. ``KeptPipe`` holds a copy of each and, before each
  message is written or read, puts a replaced one back (one ``fstat`` each) and says who did
  it. A plugin that closes them all (``os.closerange(3, ...)``) closes the copies too: that
  is the ``crashed`` of ``_Child.reply``.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import threading
from typing import Any

__all__ = ["EndedLines", "KeptPipe"]


class _Tracked(io.FileIO):
    """A standard stream's descriptor that notes whether its last write ended a line."""

    lines: EndedLines

    def write(self, data: Any) -> int:
        written = super().write(data) or 0
        if written:
            last = bytes(memoryview(data).cast("B")[written - 1 : written])
            self.lines.open_fd = None if last == b"\n" else self.fileno()
        return written


class EndedLines:
    """``sys.stdout`` and ``sys.stderr`` of a plugin's process, made anew over descriptors 1
    and 2 so that a line left open can be ended (see the module docstring)."""

    def __init__(self) -> None:
        self.open_fd: int | None = None
        """The descriptor whose last write did not end its line (None: every line ended)."""
        self._lock = threading.Lock()
        self._streams: list[io.TextIOWrapper] = []
        for name in ("stdout", "stderr"):
            old = getattr(sys, name)
            if not isinstance(old, io.TextIOWrapper):
                continue
            with contextlib.suppress(Exception):
                old.flush()
            raw = _Tracked(old.fileno(), "w", closefd=False)
            raw.lines = self
            # As ``simulator.streams.whole_lines``: each line in one write, at its newline; text
            # the locale cannot encode escaped rather than an error in the plugin's handler.
            stream = io.TextIOWrapper(
                io.BufferedWriter(raw),
                encoding=old.encoding,
                errors="backslashreplace",
                line_buffering=True,
            )
            self._streams.append(stream)
            setattr(sys, name, stream)
            setattr(sys, f"__{name}__", stream)

    def end(self) -> None:
        """Write out what the streams hold, then end a line left open with a newline."""
        with self._lock:
            for stream in self._streams:
                with contextlib.suppress(Exception):  # closed by the plugin, a full disk
                    stream.flush()
            fd, self.open_fd = self.open_fd, None
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.write(fd, b"\n")


class KeptPipe:
    """The descriptors a plugin's process reads from and writes to adsim on, with a copy of
    each to put back when a plugin replaces or closes one (see the module docstring)."""

    def __init__(self, *fds: int) -> None:
        self._kept: dict[int, tuple[int, tuple[int, int]]] = {}
        self._lock = threading.Lock()
        for fd in fds:
            with contextlib.suppress(OSError):
                self._kept[fd] = (_copy(fd), _identity(fd))

    def mend(self) -> list[int]:
        """Put back each descriptor that is no longer the pipe it was; the ones put back."""
        mended = []
        with self._lock:
            for fd, (copy, identity) in self._kept.items():
                try:
                    if _identity(fd) == identity:
                        continue
                except OSError:
                    pass  # closed: put back too
                try:
                    os.dup2(copy, fd, inheritable=False)
                except OSError:  # the copy was closed too: nothing to put back
                    continue
                mended.append(fd)
        return mended


def _identity(fd: int) -> tuple[int, int]:
    status = os.fstat(fd)
    return status.st_dev, status.st_ino


def _copy(fd: int) -> int:
    """A copy of ``fd`` numbered 100 or more where possible: out of the way of the low numbers
    a plugin's own files take (and a wrong ``os.dup2`` or ``os.close`` of one of them)."""
    try:
        import fcntl

        return fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 100)
    except (ImportError, OSError, AttributeError):
        return os.dup(fd)
