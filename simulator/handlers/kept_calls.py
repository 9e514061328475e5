"""Whose change to adsim's kept state it was, when a plugin's code in adsim's own process
(``--handler-isolation thread``) runs beside another's.

After a plugin's import, its ``register()`` and each handler call, what it changed of adsim's
streams, the builtins and the process-wide settings is put back and said, in its name
(``simulator.handlers.kept_streams``, ``kept_builtins``, ``kept_settings``): what it found
(``begin``) against what it left (``end``). That holds while one plugin's code runs at a time.
A handler abandoned past its timeout goes on running beside the next handlers, and mended
against what it found when it started, long before: in the middle of another handler's call
it put back that call's own ``contextlib.chdir`` or ``redirect_stdout`` and said it was the
abandoned handler's change, and a change the abandoned handler made during another call was
said to be that call's. Now:

- when a call is abandoned (``abandon``) what it changed until then is put back and said in
  its name at once: the next handlers find adsim's state, not the abandoned handler's;
- a change found at the end of a call that ran beside other plugins' code (a handler abandoned
  past its timeout still running, a ``register()`` on another thread) names them too: ``plugin
  crm: save (or plugin slow: wait, a handler abandoned past its timeout that ran beside it)``;
- an abandoned handler that ends while another call runs mends nothing then (that call's end
  does, naming both); what it changed before that call began is mended when no call runs,
  in its name (``plugin slow: wait (a handler abandoned past its timeout, which went on running)``).

Once the host is closing (``over``) nothing is mended: a handler that ends later found a state
that is no longer adsim's (a test runner's next capture, its directory).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator import interrupts
from simulator.handlers import background_errors, kept_builtins, kept_settings
from simulator.handlers.kept_streams import KeptStreams

__all__ = ["KeptCalls", "Window"]


@dataclass(eq=False)
class Window:
    """One stretch of a plugin's code in adsim's process: an import, a ``register()``, a
    handler call; what it found, and who else ran meanwhile."""

    who: str
    thread: int
    streams: tuple[tuple[Any, bool], ...]
    builtins: kept_builtins.Builtins
    settings: kept_settings.Settings
    beside: list[Window] = field(default_factory=list)
    late: bool = False
    """Abandoned past its timeout: it may end at any time, beside other calls."""

    def label(self) -> str:
        if self.late:
            return f"{self.who}, a handler abandoned past its timeout"
        return self.who


class KeptCalls:
    """The windows of plugins' code running now, and what each must leave as it found it."""

    def __init__(self, streams: KeptStreams, report: Callable[[str], None]) -> None:
        self.streams = streams
        self._report = report
        self._lock = threading.Lock()
        """Held by every ``begin``, ``end``, ``abandon`` and mend: a dispatcher thread, a
        handler abandoned past its timeout, the watchdog and the host's close may act at once."""
        self._active: list[Window] = []
        self._deferred: list[Window] = []
        """Abandoned calls that ended while another ran: mended once none runs."""
        self._over = False

    def begin(self, who: str) -> Window:
        """What the code about to run (on this thread) finds."""
        thread = threading.get_ident()
        with self._lock:
            # A thread runs one window at a time: one of its own still open is one whose end
            # an exception went past (a Ctrl-C in an import), not code running beside this.
            self._active = [w for w in self._active if w.thread != thread or w.late]
            window = Window(
                who,
                thread,
                self.streams.now(),
                kept_builtins.now(),
                kept_settings.now(),
            )
            for other in self._active:
                if not other.late:  # a late one's end names none beside it: kept bounded
                    other.beside.append(window)
                window.beside.append(other)
            self._active.append(window)
            return window

    def running_here(self) -> str | None:
        """Whose code runs on this thread now (``plugin crm: save``), None when none's does.
        Takes no lock: asked from an audit hook, whatever this thread holds."""
        thread = threading.get_ident()
        for window in reversed(list(self._active)):
            if window.thread == thread:
                return window.label()
        return None

    def end(self, window: Window) -> None:
        """Put back what ``window``'s code changed, and say so in the name of whoever may have
        changed it."""
        with self._lock:
            if window in self._active:
                self._active.remove(window)
            if self._over:
                return
            # Calls running now; one abandoned that never ends (a loop) must not hold back
            # every mend after it: it is only named beside them.
            running = [other for other in self._active if not other.late]
            if window.late:
                if running:  # mid-way through another call: that call's end says it
                    self._deferred.append(window)
                    return
                self._mend(window, _late(window, self._active))
            else:
                self._mend(window, _with_beside(window))
            if not running:
                deferred, self._deferred = self._deferred, []
                for late in deferred:
                    self._mend(late, _late(late, self._active))

    def abandon(self, thread: int) -> None:
        """The handler call running on ``thread`` was abandoned past its timeout: what it
        changed so far is put back now, in its name, and it runs on beside the next calls."""
        with self._lock:
            for window in self._active:
                if window.thread == thread and not window.late:
                    if not self._over:
                        self._mend(window, _with_beside(window))
                    window.late = True

    def over(self) -> None:
        """The host is closing: nothing is mended from now on (a mend in progress ends first)."""
        with self._lock:
            self._over = True

    def _mend(self, window: Window, who: str) -> None:
        changed = kept_builtins.mend_builtins(window.builtins)
        if changed:
            where = "(all of adsim, in thread isolation)"
            self._report(kept_builtins.builtins_line(who, changed, where))
        for line in kept_settings.mend_settings(who, window.settings):
            self._report(line)
        self.streams.mend(who, window.streams)
        background_errors.keep_first()  # a plugin's own threading.excepthook: called by adsim's
        interrupts.keep_unraisable_first()  # its sys.unraisablehook: a Ctrl-C is not lost in it


def _late(window: Window, beside: list[Window]) -> str:
    """The who of an abandoned call's own late mend; ``beside``: those abandoned still running."""
    others = list(dict.fromkeys(other.label() for other in beside))
    also = f"; or {' or '.join(others)}, which ran beside it" if others else ""
    return f"{window.who} (a handler abandoned past its timeout, which went on running{also})"


def _with_beside(window: Window) -> str:
    """``window``'s who, with the code that ran beside it (which may have made the change)."""
    others = list(dict.fromkeys(other.label() for other in window.beside))
    if not others:
        return window.who
    return f"{window.who} (or {' or '.join(others)}, which ran beside it)"
