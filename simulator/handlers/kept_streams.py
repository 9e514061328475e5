"""adsim's standard output and error, kept from plugins that run in adsim's own process.

With ``--handler-isolation thread`` a plugin shares adsim's ``sys.stdout`` and ``sys.stderr``.
One that replaced them (``sys.stderr = io.StringIO()`` in ``register()``, a logging library
that swaps ``sys.stdout``), closed them (``sys.stderr.close()``) or pointed descriptors 1 and 2
elsewhere (``os.dup2(devnull, 2)``) took adsim's output with it: the run's summary, its
``PASS``/``FAIL`` lines, the events of ``--output -``. The run exited 1 with nothing said.

``KeptStreams`` holds the streams adsim had before the plugins loaded (and, for the command
line, a copy of descriptors 1 and 2). After each plugin's ``register()``, each handler call and
at the end of the run it puts back whatever a plugin changed (a closed stream is opened again on
its descriptor) and says so: an incident of the run naming who did it (exit 1), since adsim's
output may have gone astray meanwhile. A handler's ``contextlib.redirect_stdout`` that ends
with the handler changes nothing and is not reported.

A handler abandoned past its timeout may end at any time, in its own thread, and mend then,
while the run's end mends and releases: one lock makes each of those whole (a copy of a
descriptor is never put back after it was closed, and its number perhaps reused).
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["KeptStreams"]

_NAMES = ("stdout", "stderr")


def _closed(stream: Any) -> bool:
    try:
        return bool(stream.closed)
    except Exception:
        return False


def _fileno(stream: Any) -> int | None:
    try:
        return int(stream.fileno())
    except Exception:
        return None


def _identity(fd: int) -> tuple[int, int] | None:
    try:
        status = os.fstat(fd)
    except OSError:
        return None
    return status.st_dev, status.st_ino


class KeptStreams:
    """The streams (and descriptors) a plugin in adsim's process must leave as they were."""

    def __init__(self, report: Callable[[str], None]) -> None:
        self._report = report
        self._streams: dict[str, Any] = {name: getattr(sys, name) for name in _NAMES}
        self._fds_of = {name: _fileno(stream) for name, stream in self._streams.items()}
        self._copies: dict[int, tuple[int, tuple[int, int] | None]] = {}
        self._guarded: list[Any] = []
        self._refused: list[str] = []
        """The streams a plugin tried to close since the last ``mend``."""
        self._released = False
        """After ``release`` the run is over: a handler abandoned past its timeout that ends
        then must not put back streams its run had (a test runner's next capture)."""
        self._lock = threading.Lock()
        """Held by ``keep_descriptors``, ``mend`` and ``release``: a dispatcher thread, a
        handler abandoned past its timeout and the run's end may call them at once."""

    def keep_descriptors(self) -> None:
        """The command line's: keep a copy of descriptors 1 and 2 too, to put back at ``mend``,
        and keep adsim's streams from being closed (what adsim writes its output with holds
        them: ``--output -`` ended in adsim's traceback). A test runner's capture moves the
        descriptors and closes its streams itself: not there."""
        with self._lock:
            self._keep_descriptors()

    def _keep_descriptors(self) -> None:
        for name in _NAMES:
            stream = self._streams[name]
            try:  # the instance's close() before its type's: a close a plugin calls is said
                stream.close = functools.partial(self._refuse_close, name, stream)
            except (AttributeError, TypeError):
                continue
            self._guarded.append(stream)
        for fd in (1, 2):
            if fd in self._copies:
                continue
            identity = _identity(fd)
            if identity is None:
                continue
            try:
                import fcntl

                copy = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 100)
            except (ImportError, OSError, AttributeError):
                try:
                    copy = os.dup(fd)
                except OSError:
                    continue
            self._copies[fd] = (copy, identity)

    def _refuse_close(self, name: str, stream: Any) -> None:
        with contextlib.suppress(Exception):
            stream.flush()
        with self._lock:  # not into the list a mend is taking meanwhile (it would go unsaid)
            self._refused.append(name)

    @staticmethod
    def now() -> tuple[tuple[Any, bool], ...]:
        """``sys.stdout`` and ``sys.stderr`` now, each with whether it is closed (what a
        handler call or a ``register()`` is compared with afterwards)."""
        return tuple((getattr(sys, name), _closed(getattr(sys, name))) for name in _NAMES)

    def mend(self, who: str, before: tuple[tuple[Any, bool], ...] | None = None) -> list[str]:
        """Put back what ``who`` changed since ``before`` (``now()`` then; None: since this
        keeper was made) and the descriptors kept; what that was (empty: nothing), reported."""
        with self._lock:
            changed = self._mend(before)
        if changed:  # outside the lock: the report takes the host's
            self._report(
                f"{who} replaced or closed adsim's {' and '.join(changed)}; in adsim's own "
                "process (thread isolation) adsim's output (its summary, --output -) went "
                "there: adsim put its own back (write to a file of the plugin's own, or use "
                "process isolation)"
            )
        return changed

    def _mend(self, before: tuple[tuple[Any, bool], ...] | None) -> list[str]:
        if self._released:
            return []
        changed = []
        for fd, (copy, identity) in self._copies.items():
            if _identity(fd) != identity:
                try:
                    os.dup2(copy, fd)
                except OSError:
                    continue
                changed.append(f"descriptor {fd}")
        refused, self._refused = self._refused, []
        changed.extend(f"sys.{name}" for name in dict.fromkeys(refused))
        if before is None:
            before = tuple((self._streams[name], False) for name in _NAMES)
        for name, (was, was_closed) in zip(_NAMES, before, strict=True):
            if getattr(sys, name) is was and (was_closed or not _closed(was)):
                continue
            back = was
            if _closed(was) and not was_closed:
                back = self._reopen(name, was)
                if back is None:
                    continue
            setattr(sys, name, back)
            if f"sys.{name}" not in changed:
                changed.append(f"sys.{name}")
            if self._streams[name] is was:
                self._streams[name] = back
        return changed

    def _reopen(self, name: str, closed: Any) -> io.TextIOWrapper | None:
        """``closed`` (a stream a plugin closed) opened again on its descriptor."""
        fd = self._fds_of[name] if closed is self._streams[name] else None
        if fd is None and closed is getattr(sys, f"__{name}__", None):
            fd = 1 if name == "stdout" else 2
        if fd is None:
            return None
        encoding = getattr(closed, "encoding", None) or "utf-8"
        try:
            stream = open(  # noqa: SIM115 - adsim's stream from now on
                fd, "w", encoding=encoding, errors="backslashreplace", closefd=False
            )
        except (OSError, ValueError, LookupError):
            return None
        with contextlib.suppress(Exception):  # as simulator.streams.whole_lines
            stream.reconfigure(line_buffering=True)
        if getattr(sys, f"__{name}__") is closed:
            setattr(sys, f"__{name}__", stream)
        return stream

    def release(self) -> None:
        """Close the copies of the descriptors; adsim's streams close as streams do again."""
        with self._lock:
            self._release()

    def _release(self) -> None:
        self._released = True
        for stream in self._guarded:
            with contextlib.suppress(Exception):
                del stream.close
        self._guarded = []
        for copy, _identity in self._copies.values():
            with contextlib.suppress(OSError):
                os.close(copy)
        self._copies.clear()
