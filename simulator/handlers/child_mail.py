"""The parent's messages in a plugin's process, read by whichever thread needs the next one.

``simulator.handlers.child`` runs one handler call at a time on its main thread; the parent's
messages are read by the main thread itself while it waits for a call, and by a thread waiting
for an ``ad_api`` answer while the main thread runs a handler: handing each message from a
reader thread to the main thread would cost a wake-up per call.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

__all__ = ["Mail"]


class Mail:
    """The parent's messages, read by whichever thread needs one next: at most one thread reads
    the pipe at a time; what it reads for others is put where they wait (the main thread's
    ``inbox``, an ``ad_api`` caller's answer) and packets go to the loggers at once."""

    def __init__(
        self,
        read: Connection,
        log: Callable[[str, list[Any]], None],
        mend: Callable[[], bool] = lambda: False,
    ):
        self._read = read
        self._log = log
        self._mend = mend
        """Put back the pipe's descriptors a plugin replaced; True when it did."""
        self._cond = threading.Condition()
        self._reading = False
        self.ended = False
        """The parent has gone (end of the pipe): nothing more will come."""
        self.inbox: deque[Any] = deque()
        """Messages for the main thread (load, call, close)."""
        self.answers: dict[int, list[Any]] = {}
        """``ad_api`` calls waiting: request -> [answered, result]."""

    def wait(self, ready: Callable[[], bool]) -> bool:
        """Read and route messages until ``ready()`` (True) or the parent has gone (False);
        while another thread is reading, wait for it to route what it reads."""
        with self._cond:
            while not ready():
                if self.ended:
                    return False
                if self._reading:
                    self._cond.wait()
                    continue
                self._reading = True
                self._cond.release()
                try:
                    message = self._next()
                finally:
                    self._cond.acquire()
                    self._reading = False
                if message is None:
                    self.ended = True
                    self.inbox.append(("close", 0.0))
                elif message[0] == "api_result":
                    slot = self.answers.pop(message[1], None)
                    if slot is not None:
                        slot[0], slot[1] = True, message[2]
                else:
                    self.inbox.append(message)
                self._cond.notify_all()  # what it waits for may be here; or it may read now
            return True

    def _next(self) -> Any:
        """The next message that is not a logger's packet (those are delivered on the way);
        None at the end of the pipe."""
        while True:
            self._mend()
            try:
                message = self._read.recv()
            except (EOFError, OSError):
                if self._mend():  # not adsim's end: the end of what a plugin put in its place
                    continue
                return None
            if message[0] != "log":
                return message
            self._log(message[1], message[2])

    def expect(self, request: int) -> list[Any]:
        """The slot an ``ad_api`` call's answer is put in: [answered, result]."""
        slot: list[Any] = [False, None]
        with self._cond:
            self.answers[request] = slot
        return slot

    def forget(self, request: int) -> None:
        """An ``ad_api`` call that was never sent."""
        with self._cond:
            self.answers.pop(request, None)
