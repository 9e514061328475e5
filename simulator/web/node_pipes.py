"""The pipes of a JS module's ``node`` process: packets on one of their own, output on stdout.

The runner's packets to adsim went on node's stdout, which is also the module's file descriptor 1:
``fs.writeSync(1, ...)``, a logger writing there, a child process started with ``stdio:
"inherit"``. Node makes that pipe non-blocking, so a module's ``writeSync(1, ...)`` of 100 KB was
cut short (or threw ``EAGAIN``) when adsim read behind, and a child process writing there while the
runner's long packet went out in pieces could land in its middle: the packet was lost. Now the
packets go on a pipe of their own (``PacketPipe``, ``$ADSIM_PACKET_FD`` to the runner, which takes
it out of its environment), and node's stdout carries the module's output only, blocking (as a
terminal's), each line shown on adsim's stderr as ``[crm.mjs] ...`` (``copy_output``). POSIX only:
elsewhere the packets stay on stdout, as before.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO

from simulator.web.child_pipe import ChildPipe

__all__ = ["ENV", "PacketPipe", "copy_output", "process_state"]

ENV = "ADSIM_PACKET_FD"
"""The environment variable naming, to the runner, the descriptor its packets go on."""


class PacketPipe(ChildPipe):
    """One node process's pipe for packets: ``env`` and ``pass_fds`` for its start, ``started``
    once it has, then ``stream`` (the read end, text) for its reader."""

    ENV = ENV

    def stream(self) -> IO[str] | None:
        """The read end, as text (JSON is UTF-8; a byte that is not is replaced, never a reader
        killed), lines split at ``\\n`` only; None where there is no pipe (the packets are on
        stdout). Call it once: the stream is then its reader's to close."""
        self.started()
        fd, self._read = self._read, None
        if fd is None:
            return None
        return open(fd, encoding="utf-8", errors="replace", newline="\n")

    def close(self) -> None:
        """Close both ends, unread (a start that failed; idempotent)."""
        self.started()
        fd, self._read = self._read, None
        if fd is not None:
            os.close(fd)


def copy_output(stream: IO[str], name: str) -> None:
    """Show each line the module (or a process it started) wrote on node's stdout on adsim's
    stderr as ``[name] line``, until the pipe ends; then close it."""
    try:
        for line in stream:
            with contextlib.suppress(OSError, ValueError):  # adsim's stderr closed: nobody to tell
                print(f"[{name}] {line.rstrip()}", file=sys.stderr)
    except (OSError, ValueError):
        pass  # closed under it (``NodeHandler.close`` gave up waiting)
    finally:
        with contextlib.suppress(OSError):
            stream.close()


def process_state(pid: int) -> str | None:
    """The state letter of process ``pid`` (``T``: stopped), None where ``/proc`` cannot say."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # the name, in parentheses, may hold spaces
    return fields[0] if fields else None
