"""Loading handler plugins off the GUI thread.

A plugin's import and ``register()`` run plugin code: one that hangs froze the window up to the
load timeout (10 s) with process isolation, and for ever with thread isolation (nothing can stop
Python code in adsim's own process). The window hands each load to a thread of its own, one at a
time and in order, and collects what finished on its poll timer (no Qt object is touched from
the loading thread). Meanwhile it says what is loading and for how long; a load still running
after the load timeout with thread isolation is said as stuck, and closing the window does not
wait for it (the thread is a daemon: adsim exits and says which plugin never loaded). The
threads a plugin starts there are not daemons unless it says so, as on ``adsim run``'s main
thread: with thread isolation the close tells a thread a plugin left from one it made a daemon on
purpose (``simulator.handlers.leftover_threads``), as ``adsim run`` does.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["LoadJob", "PluginLoader", "loading_text"]

_ONE_AT_A_TIME = threading.Lock()
"""Loads run one at a time across the window (every agent's desktop), as they did on the GUI
thread: two imports of one plugin file at once (each agent's ``--handler``) would race over the
modules beside it (``forget_beside``)."""


class _LoadingThread(threading.Thread):
    """A daemon thread whose plugin code starts threads that are not daemons by default (a
    thread takes its starter's ``daemon`` when not told): ``daemon`` says False while ``lending``
    only, and only to the thread itself (``Thread.__init__`` of a thread it starts asks it), so
    it is still a daemon for Python's exit and for adsim's check of what a plugin left running
    (a load that never ended must not look like a thread that keeps adsim from exiting)."""

    lending = False

    @property
    def daemon(self) -> bool:
        if self.lending and threading.current_thread() is self:
            return False
        return bool(self._daemonic)  # type: ignore[attr-defined]

    @daemon.setter
    def daemon(self, value: bool) -> None:
        threading.Thread.daemon.fset(self, value)  # type: ignore[attr-defined]


@dataclass
class LoadJob:
    """One load (``--handler PATH``, Load plugin…, Reload all) and what to do once it is done."""

    what: str
    """What is loading, in the tester's words (a file name, ``every plugin``)."""
    work: Callable[[], Any]
    then: Callable[[str | None], None] | None = None
    """Called on the GUI thread when the job ended: with None, or why it failed."""
    started: float | None = None
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)


class PluginLoader:
    """Runs load jobs one at a time on daemon threads; ``collect()`` on the GUI thread."""

    def __init__(self) -> None:
        self._jobs: deque[LoadJob] = deque()
        self._finished: list[LoadJob] = []
        self._lock = threading.Lock()

    def submit(
        self, what: str, work: Callable[[], Any], then: Callable[[str | None], None] | None = None
    ) -> LoadJob:
        """Queue ``work`` (run after the jobs already queued)."""
        job = LoadJob(what, work, then)
        with self._lock:
            self._jobs.append(job)
            first = len(self._jobs) == 1
        if first:
            self._start(job)
        return job

    @property
    def current(self) -> LoadJob | None:
        """The job running now (None: nothing is loading)."""
        with self._lock:
            return self._jobs[0] if self._jobs else None

    @property
    def waiting(self) -> list[LoadJob]:
        """Every job not finished yet, the running one first."""
        with self._lock:
            return list(self._jobs)

    def collect(self) -> list[LoadJob]:
        """The jobs that finished since the last call, in order (their ``then`` not called
        yet); the next queued job is started."""
        self._advance()
        with self._lock:
            finished, self._finished = self._finished, []
        return finished

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s for every queued job (tests, the start-up benchmark); True
        when none is left. What finished is still handed out by ``collect``."""
        deadline = time.monotonic() + timeout
        while (job := self.current) is not None:
            if not job.done.wait(max(0.0, deadline - time.monotonic())):
                return False
            self._advance()
        return True

    def _advance(self) -> None:
        with self._lock:
            moved = False
            while self._jobs and self._jobs[0].done.is_set():
                self._finished.append(self._jobs.popleft())
                moved = True
            following = self._jobs[0] if moved and self._jobs else None
        if following is not None:
            self._start(following)

    def _start(self, job: LoadJob) -> None:
        def run() -> None:
            try:
                with _ONE_AT_A_TIME:
                    job.started = time.monotonic()
                    thread.lending = True
                    try:
                        job.work()
                    finally:
                        thread.lending = False
            except BaseException as exc:  # a plugin's SystemExit too: said, never silent
                # Imported here: at the top it brought pydantic into the window's start.
                from simulator.data.errors import InputFileError

                if type(exc) in (InputFileError, LookupError):
                    # The tester's choice (a file deleted since, a folder with no plugin): its
                    # message says it all, without a class name (`simulator.data.errors...`).
                    job.error = str(exc)
                else:
                    job.error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            finally:
                job.done.set()

        # ``adsim-``: adsim's own thread, not a plugin's leftover (handlers.leftover_threads).
        thread = _LoadingThread(target=run, name="adsim-plugin-loading", daemon=True)
        thread.start()


def loading_text(bridge: Any) -> tuple[str, str, bool] | None:
    """While plugins load (off the GUI thread): (what the status says, its tooltip, whether
    the load is stuck: past the load timeout with thread isolation, where nothing can stop
    it); None when nothing is loading."""
    job = bridge.loading
    host = bridge.host
    if job is None or host is None:
        return None
    if job.started is None:
        text = f"Plugins: {job.what} wait for another desktop's to load"
        tip = "Plugins load one at a time; these are next. Events meanwhile reach only the "
        return text, tip + "plugins already loaded.", False
    seconds = int(time.monotonic() - (job.started or time.monotonic()))
    limit = float(getattr(host, "load_timeout", 10.0))
    in_here = getattr(host, "isolation", "process") != "process"
    queued = len(bridge.loading_all) - 1
    more = f" (+{queued} queued)" if queued > 0 else ""
    meanwhile = "Events meanwhile reach only the plugins already loaded."
    if in_here and seconds >= limit:
        text = f"Plugins: {job.what} still loading after {seconds} s{more}"
        tip = (
            f"{job.what}: its import or register() has not returned after {seconds} s. With "
            "thread isolation adsim cannot stop it: fix the plugin and start again (Ctrl+Q "
            "quits), or use process isolation (the default), which stops it after "
            f"{limit:g} s. {meanwhile}"
        )
        return text, tip, True
    text = f"Loading plugins: {job.what}… {seconds} s{more}"
    stops = (
        "with thread isolation nothing stops it" if in_here else f"it is stopped after {limit:g} s"
    )
    tip = f"Importing {job.what} and calling its register() ({stops}). {meanwhile}"
    return text, tip, False
