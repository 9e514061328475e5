"""``Response``'s continuation runs once when the simulation thread (``_settle``) and a handler
thread (the last deferred ``resolve``) both find nothing pending: the race is forced with a
barrier inside ``_finish`` (no sleeps), so the old unlocked check-then-set ran it twice."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from simulator.engine import Response

WAIT = 30.0  # seconds; only reached if a thread is lost (the fixed code never waits)


class _OwnedLock:
    """A lock that knows which thread holds it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.owner: int | None = None

    def __enter__(self) -> _OwnedLock:
        self._lock.acquire()
        self.owner = threading.get_ident()
        return self

    def __exit__(self, *exc: object) -> None:
        self.owner = None
        self._lock.release()


class _Racing(Response):
    """Each thread that reads the continuation outside the lock waits there for the other: both
    are then past the ``_done`` check together, the interleaving that ran it twice."""

    def __init__(self) -> None:
        self._stored: Any = None
        super().__init__(default=None)
        self._lock = _OwnedLock()  # type: ignore[assignment]
        self.barrier = threading.Barrier(2)
        self.reading = threading.Event()

    @property  # type: ignore[override]
    def _on_done(self) -> Any:
        self.reading.set()
        if self._lock.owner != threading.get_ident():
            with contextlib.suppress(threading.BrokenBarrierError):  # a lost thread: go on
                self.barrier.wait(timeout=WAIT)
        return self._stored

    @_on_done.setter
    def _on_done(self, value: Any) -> None:
        self._stored = value


def test_the_continuation_runs_once_when_both_threads_finish_at_once():
    response = _Racing()
    calls: list[Any] = []
    resolve = response.defer()
    handler = threading.Thread(target=resolve, args=("answer",))
    handler.start()  # the last resolve: nothing pending, on to _finish
    assert response.reading.wait(timeout=WAIT), "the handler thread never reached _finish"
    response._settle(calls.append)  # the simulation thread: nothing pending either
    handler.join(timeout=WAIT)
    assert not handler.is_alive()
    assert calls == ["answer"]


def test_a_response_settled_before_its_answer_runs_the_continuation_once_on_resolve():
    response = Response(default="default")
    calls: list[Any] = []
    resolve = response.defer()
    response._settle(calls.append)
    assert calls == []
    worker = threading.Thread(target=resolve, args=("late",))
    worker.start()
    worker.join(timeout=WAIT)
    resolve("again")  # a second resolve changes nothing
    assert calls == ["late"]
