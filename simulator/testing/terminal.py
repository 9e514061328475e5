"""The terminal past pytest's capture: a line the developer must see while a test is stuck.

With thread isolation nothing can stop a handler module's import or its ``register(ad_api)``:
one that never returns hangs the ``adsim`` fixture's set-up. The handler host says so on
stderr after its load timeout, but pytest captures stderr during a set-up and shows it only
once the test ends: the session hung with nothing said. The plugin keeps a copy of the
terminal's stderr (``keep``, at ``pytest_configure``, before any test captures it) and says it
there (``told_if_slow``), with the line of the integration's code the set-up is stuck at.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import traceback
from collections.abc import Iterator
from threading import Timer

import pytest

__all__ = ["keep", "release", "say", "told_if_slow"]

_STDERR = pytest.StashKey[int]()


def keep(config: pytest.Config) -> None:
    """Keep a descriptor of stderr as it is now (pytest captures nothing at configure time)."""
    for stream in (sys.stderr, sys.__stderr__):
        try:  # a stream with no descriptor (pytester's in-process run, a closed one): the next
            config.stash[_STDERR] = os.dup(stream.fileno())  # type: ignore[union-attr]
            return
        except (AttributeError, OSError, ValueError):
            continue


def release(config: pytest.Config) -> None:
    """Close the kept descriptor."""
    fd = config.stash.get(_STDERR, None)
    if fd is not None:
        del config.stash[_STDERR]
        with contextlib.suppress(OSError):
            os.close(fd)


def say(config: pytest.Config, text: str) -> None:
    """``text`` on the terminal's stderr, whatever pytest captures."""
    fd = config.stash.get(_STDERR, None)
    if fd is None:
        return
    with contextlib.suppress(OSError):
        os.write(fd, f"\n{text}\n".encode(errors="replace"))


@contextlib.contextmanager
def told_if_slow(config: pytest.Config, what: str, after: float) -> Iterator[None]:
    """Say ``what`` (and where this thread is, in the integration's code) on the terminal when
    the block still runs ``after`` seconds later."""
    ident = threading.get_ident()

    def tell() -> None:
        where = _stuck_at(ident)
        say(config, f"adsim: {what} still running after {after:g} s{where}{_HOW_TO_STOP}")

    timer = Timer(after, tell)
    timer.daemon = True
    timer.name = "adsim-load-timer"  # adsim's own: no plugin's leftover thread
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


_HOW_TO_STOP = (
    '; with handler_isolation="thread" nothing can stop it: Ctrl-C stops the session '
    '(with handler_isolation="process" it is killed at the load timeout and the test fails '
    "naming that line)"
)


def _stuck_at(ident: int) -> str:
    """``; stuck at crm.py:3 in register``: the innermost frame of the thread ``ident`` in the
    integration's own code, or nothing."""
    from simulator.testing.assertions import their_frame

    frame = sys._current_frames().get(ident)
    if frame is None:
        return ""
    found = their_frame(traceback.extract_stack(frame))
    return f"; stuck at {found}" if found else ""
