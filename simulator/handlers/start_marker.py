"""When a plugin's process started its pipelined calls: 16 bytes both processes map.

A pipelined call's start is not a message (that would wake each side once more per call): the
child counts the pipelined calls it has started and writes the count and the last one's start
(``time.monotonic``, one clock for every process on the machine) here; the parent reads them
only when it needs to know (a call's deadline, a death, who makes an ``ad_api`` call).

The writer puts the time first, then the count; the reader takes the count first: a count it
sees comes with its own time or a later one (never an earlier one).
"""

from __future__ import annotations

import contextlib
import mmap
import os
import struct

__all__ = ["StartMarker"]

_COUNT = struct.Struct("q")
_TIME = struct.Struct("d")
_SIZE = 16


class StartMarker:
    """The parent's side (``StartMarker()``: made for a new process, its ``fd`` handed to it)
    or the child's (``StartMarker.attach(fd)``)."""

    def __init__(self, fd: int | None = None) -> None:
        if fd is None:
            import tempfile  # the parent's side only

            with tempfile.TemporaryFile() as file:  # no name: nothing to clean up
                file.truncate(_SIZE)
                fd = os.dup(file.fileno())
        self.fd: int | None = fd
        """The descriptor the child maps (the parent's copy until ``release``)."""
        self.memory = mmap.mmap(fd, _SIZE)

    @classmethod
    def attach(cls, fd: int) -> StartMarker:
        """The child's side: map the inherited ``fd`` (then closed: the mapping is its own)."""
        marker = cls(fd)
        marker.release()
        return marker

    def mark(self, count: int, at: float) -> None:
        """The child: ``count`` pipelined calls started, the last one at ``at``."""
        _TIME.pack_into(self.memory, 8, at)
        _COUNT.pack_into(self.memory, 0, count)

    def read(self) -> tuple[int, float]:
        """(calls started, when the last one started)."""
        count = _COUNT.unpack_from(self.memory, 0)[0]
        return count, _TIME.unpack_from(self.memory, 8)[0]

    def release(self) -> None:
        """Close the descriptor (the mapping stays): the parent's copy once the child has its
        own, the child's once mapped."""
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = None
