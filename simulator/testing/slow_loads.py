"""A handler plugin's import or ``register()`` that never returns, said where it can be seen.

With thread isolation nothing can stop it, and a plugin loads at more places than the ``adsim``
fixture's set-up: ``adsim.agent("omar")`` registers the handlers for that desktop, each
``adsim_scenario(...)`` run for its own, ``adsim.host.reload()`` and ``adsim.host.load()`` again,
and a harness built in a fixture of session scope loads at that fixture's set-up. The handler
host says so on stderr after its load timeout, but pytest captures stderr until the test ends,
which it never does: the session hung with nothing said.

The pytest plugin installs a teller for its session (``install``: the terminal past the capture,
naming the test); the harness and the hosts it builds time each load with ``watched``. Loads
nest (a set-up registers each plugin): only the outermost block is timed, so a stuck load is
one line, naming what the test was doing. No pytest import here: the harness works without it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from simulator.handlers import HandlerHost
from simulator.handlers.supervisor import DEFAULT_LOAD_TIMEOUT

__all__ = ["Teller", "TellingHost", "install", "installed", "remove", "watched"]

Teller = Callable[[str, float], AbstractContextManager[None]]
"""``teller(what, after)``: a block that says ``what`` is still running ``after`` seconds in."""

_TELLERS: list[Teller] = []
"""The installed tellers, the last one used (a pytester session inside a test's)."""

_timing = threading.local()


def install(teller: Teller) -> None:
    """Use ``teller`` for the loads from now on (until ``remove``)."""
    _TELLERS.append(teller)


def remove(teller: Teller) -> None:
    """Stop using ``teller``."""
    if teller in _TELLERS:
        _TELLERS.remove(teller)


def installed() -> bool:
    """A teller is installed (a pytest session with the plugin runs)."""
    return bool(_TELLERS)


@contextmanager
def watched(what: str, after: float = DEFAULT_LOAD_TIMEOUT) -> Iterator[None]:
    """Tell ``what`` when the block still runs ``after`` seconds in (the hosts' load timeout),
    unless an outer block of this thread is timed already or no teller is installed."""
    if getattr(_timing, "on", False) or not _TELLERS:
        yield
        return
    _timing.on = True
    try:
        with _TELLERS[-1](what, after):
            yield
    finally:
        _timing.on = False


class TellingHost(HandlerHost):
    """The harness's handler host: with thread isolation, a plugin's import or ``register()``
    still running at the load timeout is said by the installed teller, wherever it loads
    (``adsim.host.reload()`` and ``load()`` mid-test too). Without one (no pytest), or with
    process isolation (its process is killed then), the host's own line on stderr."""

    @contextmanager
    def _told_if_slow(self, what: str) -> Iterator[None]:
        if self.isolation == "process" or not installed():
            with super()._told_if_slow(what):
                yield
            return
        with watched(what, self.load_timeout):
            yield
