"""``KeptStreams`` between threads: a handler abandoned past its timeout mends when it ends,
whatever the run's end is doing meanwhile."""

from __future__ import annotations

import io
import sys
import threading

from simulator.handlers import kept_streams
from simulator.handlers.kept_streams import KeptStreams


class _SpyLock:
    """A lock that says when a second thread waits for it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.contended = threading.Event()

    def __enter__(self) -> _SpyLock:
        if not self._lock.acquire(blocking=False):
            self.contended.set()
            self._lock.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def test_the_runs_end_waits_for_a_mend_in_flight(monkeypatch):
    """CI: a hung handler woken by its plugin's ``close()`` mended while the run's end
    released; ``dictionary changed size during iteration`` reached the summary."""
    reports: list[str] = []
    keeper = KeptStreams(reports.append)
    keeper.keep_descriptors()
    spy = _SpyLock()
    keeper._lock = spy  # type: ignore[assignment]
    real = kept_streams._identity
    releaser: list[threading.Thread] = []

    def identity_while_the_run_ends(fd: int) -> tuple[int, int] | None:
        if not releaser:
            releaser.append(threading.Thread(target=keeper.release))
            releaser[0].start()
            assert spy.contended.wait(30), "release() did not wait for the mend in flight"
        return real(fd)

    monkeypatch.setattr(kept_streams, "_identity", identity_while_the_run_ends)
    assert keeper.mend("plugin slow: handler") == []
    releaser[0].join()
    assert reports == []
    assert keeper._copies == {}, "the copies of descriptors 1 and 2 are closed"


def test_a_mend_after_the_run_ended_puts_nothing_back(monkeypatch):
    """A handler that ends after its run must not put its run's streams back over the next
    ones (a test runner's next capture)."""
    reports: list[str] = []
    keeper = KeptStreams(reports.append)
    before = keeper.now()
    keeper.release()
    later = io.StringIO()
    monkeypatch.setattr(sys, "stdout", later)
    assert keeper.mend("plugin slow: handler", before) == []
    assert sys.stdout is later
    assert reports == []
