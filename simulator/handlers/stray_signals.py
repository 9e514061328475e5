"""Signals a plugin sends its own process, when that process is adsim's (thread isolation).

``os.kill(os.getpid(), signal.SIGUSR1)``, or ``signal.alarm(5)`` / ``signal.setitimer`` set by a
handler as a timeout of its own, is harmless in a plugin's process (faulthandler takes SIGUSR1;
an alarm that ends it is a ``crashed`` call). In adsim's own process the signal's default action
ended adsim there: no summary, no journal end, exit 138 or 142 and not one line saying why. So
while a host runs plugins in adsim's process, those signals (SIGUSR1, SIGUSR2, SIGALRM,
SIGVTALRM, SIGPROF) are caught when nobody else handles them: each is an incident of the run
(exit 1), naming the plugin's code that sent it where the audit hook below saw it, and the run
goes on. A handler the plugin sets itself in ``register()`` (its own
``SIGALRM`` timeout) is its own and is left alone. With several hosts the first catcher made
sets the handler; released while others listen, it hands the handler to the next.

SIGINT, SIGTERM and SIGHUP are adsim's stops (``simulator.interrupts``). One a plugin's code
sends adsim's process (``os.kill(os.getpid(), signal.SIGTERM)``, ``os.killpg``: seen by an audit
hook as it is sent, on the sending thread) only ended the plugin's process in process isolation
(a ``crashed`` call); here it stopped the run as the user's SIGTERM does, and nothing said it
was the plugin's. Now it is an incident that names the plugin, its handler and the file:line,
and the run goes on. With several hosts (a scenario's ``agents:``) it is the incident of the host
whose plugin's code runs on the sending thread, or started it (it went to the last host made).
``signal.raise_signal``, ``signal.pthread_kill`` and ``_thread.interrupt_main`` (Python's own
Ctrl-C, which no ``kill`` audits) are told apart the same way: the first and the last are
replaced by functions that say who calls them before they call Python's (as ``os._exit`` is,
``exit_guard``), the second is audited. What none of that sees is a stop as before: a signal
sent another way (a ``kill`` command the plugin runs, a C library), a function taken before
the first host was made, or one no plugin's code sent. Where adsim's stopper is not in place
(the window, under pytest), which would take it as the user's stop (pytest ended the session,
"no tests ran"), the stop is refused as a plugin's process's is (``child_signals``): the call
raises ``RefusedStopError`` (a ``PermissionError``) in the plugin, and an incident names it.
"""

from __future__ import annotations

import _thread
import contextlib
import errno
import os
import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from simulator import interrupts
from simulator.handlers import exit_guard

__all__ = ["RefusedStopError", "StraySignals"]

_SIGNALS = tuple(
    getattr(signal, name)
    for name in ("SIGUSR1", "SIGUSR2", "SIGALRM", "SIGVTALRM", "SIGPROF")
    if hasattr(signal, name)
)
_STOPS = frozenset(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
_WATCHED = _STOPS | frozenset(_SIGNALS)
_KILLS = frozenset({"os.kill", "os.killpg", "signal.pthread_kill"})
_REAL_RAISE = signal.raise_signal
_REAL_INTERRUPT = _thread.interrupt_main

_listening: list[StraySignals] = []
"""The hosts' catchers, latest last (several: a scenario's ``agents:``, one host each). The
audit hook reports to the one whose plugin's code runs on the sending thread (or started it)."""
_sent: dict[int, tuple[StraySignals, str]] = {}
"""Who sent the signals the catching handler will get (``sending``), by signal: the catcher of
the host whose plugin sent it, and what to say. The handler is set by the first catcher made,
whichever host's plugin sends the signal."""
_hooked_in: list[int] = []
"""The process the audit hook was added in (it cannot be removed: inert once none listens)."""


class RefusedStopError(PermissionError):
    """A stop a plugin's code sends adsim's process where adsim's stopper would not take it
    as the plugin's: raised in the plugin's call (``os.kill``, ``signal.raise_signal`` ...)."""


class StraySignals:
    """The signals above caught for a host (made and released on the main thread), and the
    stops a plugin's code sends adsim's process told apart; ``running``: whose code runs on
    the calling thread (``plugin crm: save``), None when none's does."""

    def __init__(
        self, report: Callable[[str], None], running: Callable[[], str | None] | None = None
    ) -> None:
        self._report = report
        self._running = running
        self._handler = self._caught
        self._installed: list[signal.Signals] = []
        _listen(self)
        if threading.current_thread() is not threading.main_thread():
            return  # only the main thread sets handlers: nothing to catch them with
        for signum in _SIGNALS:
            try:
                current = signal.getsignal(signum)
                if current is not signal.SIG_DFL and not _orphaned(current):
                    continue  # someone's own (a test runner's timeout): theirs
                signal.signal(signum, self._handler)
            except (OSError, ValueError):
                continue
            self._installed.append(signum)

    def _caught(self, signum: int, frame: FrameType | None) -> None:
        if self not in _listening:
            # Released off the main thread (a session closed while a handler hung), which could
            # not put its handler back: the signal was reported to the closed host, and lost.
            # The listening host takes it (and the handler); with none, said on stderr (the
            # default action would end adsim, a window still open, with no word).
            heir = _listening[0] if _listening else None
            if heir is None:
                line = (
                    f"adsim: signal {signal.Signals(signum).name} ({signum}) reached adsim's "
                    "process after the handler host that caught it had closed; adsim went on\n"
                )
                with contextlib.suppress(OSError):
                    os.write(2, line.encode("utf-8", "replace"))
                return
            signal.signal(signum, heir._handler)
            heir._installed.append(signal.Signals(signum))
            heir._caught(signum, frame)
            return
        name = signal.Signals(signum).name
        sent = _sent.pop(signum, None)
        target, sender = sent if sent is not None and sent[0] in _listening else (self, None)
        how = (
            f"{sender} in adsim's own process (thread isolation)"
            if sender is not None
            else "a plugin's signal.alarm, signal.setitimer or os.kill(os.getpid(), ...) in "
            "adsim's own process (thread isolation)"
        )
        target._report(
            f"signal {name} ({signum}) reached adsim's process, whose default action would "
            f"have ended adsim there with no summary: {how}; adsim went on (use process "
            "isolation, or set a handler of the plugin's own in register())"
        )

    def sending(self, call: str, signum: int, frame: FrameType | None) -> None:
        """``call`` (``os.kill``) on this thread is about to send adsim's process ``signum``:
        when a plugin's code sends it, say so (a stop: have it stop nothing when adsim's
        stopper is the one to get it; one caught here: ``_caught`` names the sender)."""
        code = exit_guard.plugin_code(frame)
        who = self._running() if self._running is not None else None
        if who is None and code is None:
            return  # adsim's own, a library's: a stop as any
        if who is None:
            who = f"plugin {code[0]}" if code is not None else "a plugin's code"
        where = f" at {code[1]}" if code is not None else ""
        name = signal.Signals(signum).name
        sent = f"{who} sent {name} ({signum}) to adsim's own process ({call}{where})"
        if signum not in _STOPS:
            if _catching(signum):
                _sent[signum] = (self, f"{who} sent it ({call}{where})")
            return
        if interrupts.sent_by_plugin(signum):
            self._report(
                f"{sent}; in adsim's own process (thread isolation) adsim took it as the "
                "plugin's, not as a stop, and went on (a process of the plugin's own ends: "
                "a crashed call)"
            )
            return
        with contextlib.suppress(OSError, ValueError):
            if signal.getsignal(signum) == signal.SIG_IGN:
                return  # ignored (``nohup``, a script's background job): it stops nothing
        # Where adsim's stopper is not the one to get it (under pytest, the window), taken it
        # stopped them as the user's Ctrl-C or SIGTERM does (pytest: "KeyboardInterrupt, no
        # tests ran", this line lost to its capture): refused, as a plugin's process's signal
        # to adsim's is (``child_signals``).
        self._report(
            f"{sent}; adsim refused it (a PermissionError there) and went on: where adsim's "
            "own handler of the stops is not in place (under pytest, the window) it stopped "
            "them as the user's stop does (to fail the call, raise)"
        )
        raise RefusedStopError(
            errno.EPERM,
            f"adsim refused {call}({name}): it reaches adsim's own process, which a plugin "
            "run in it (thread isolation) may not stop (to fail the call, raise)",
        )

    def running(self) -> bool:
        """Whether this host's plugins' code runs on the calling thread."""
        return self._running is not None and self._running() is not None

    def release(self) -> None:
        """Put the default action back where ours is still set, or, while another host's
        catcher listens (a scenario's ``agents:``, whose first host closes before the others),
        hand the signals to it: left to their default, the others' plugins' signals ended adsim
        again."""
        with contextlib.suppress(ValueError):
            _listening.remove(self)
        for signum in [signum for signum, (catcher, _said) in _sent.items() if catcher is self]:
            _sent.pop(signum, None)
        if threading.current_thread() is not threading.main_thread():
            return
        heir = _listening[0] if _listening else None
        for signum in self._installed:
            try:
                if signal.getsignal(signum) is not self._handler:
                    continue
                signal.signal(signum, signal.SIG_DFL if heir is None else heir._handler)
            except (OSError, ValueError):
                continue
            if heir is not None:
                heir._installed.append(signum)
        self._installed = []


def _orphaned(handler: object) -> bool:
    """Whether ``handler`` is a released catcher's (left set by a release off the main
    thread, which cannot set handlers): the next catcher takes its place."""
    owner = getattr(handler, "__self__", None)
    return isinstance(owner, StraySignals) and owner not in _listening


def _listen(catcher: StraySignals) -> None:
    _listening.append(catcher)
    if not _hooked_in:
        _hooked_in.append(os.getpid())
        sys.addaudithook(_audit)
        exit_guard.owner_finders.append(_running_here)
        signal.raise_signal = _raise_signal
        _thread.interrupt_main = _interrupt_main


def _raise_signal(signalnum: int, /) -> None:
    """``signal.raise_signal``, said as ``os.kill(os.getpid(), ...)`` is when a plugin's code
    calls it (``_audit``), then Python's."""
    _told("signal.raise_signal", signalnum, sys._getframe(1))
    _REAL_RAISE(signalnum)


def _interrupt_main(signum: int = signal.SIGINT, /) -> None:
    """``_thread.interrupt_main``: a Ctrl-C as Python's handler of it gets one, which a
    plugin's code calling it is not: said as ``signal.raise_signal`` is."""
    _told("_thread.interrupt_main", signum, sys._getframe(1))
    _REAL_INTERRUPT(signum)  # type: ignore[arg-type]


def _told(call: str, signum: int, frame: FrameType | None) -> None:
    try:
        if _listening and [os.getpid()] == _hooked_in and int(signum) in _WATCHED:
            _sender().sending(call, int(signum), frame)
    except RefusedStopError:
        raise
    except Exception:  # a report that failed must not fail the plugin's call
        pass


def _running_here() -> StraySignals | None:
    """The catcher of the host whose plugin's code runs on this thread, if any."""
    for catcher in reversed(_listening):
        if catcher.running():
            return catcher
    return None


def _sender() -> StraySignals:
    """The catcher of the host whose plugin's code is sending a signal on this thread: running
    on it, or having started it; the latest when none can be told (one host: that one)."""
    found = _running_here()
    if found is None:
        owner = exit_guard.started_for(threading.current_thread())
        found = owner if isinstance(owner, StraySignals) and owner in _listening else None
    return found if found is not None else _listening[-1]


def _catching(signum: int) -> bool:
    """Whether a catcher's handler of ``signum`` is in place (the first catcher's: one for the
    process, whichever host's plugin sends it)."""
    handler = signal.getsignal(signum)
    return any(handler == catcher._handler for catcher in _listening)


def _own(call: str, target: int) -> bool:
    """Whether ``call`` (``os.kill``, ``os.killpg``, ``signal.pthread_kill``) to ``target``
    reaches this process (a thread's signal is the process's, handled on its main thread): for
    ``pthread_kill``, a thread of it that is running. One to a thread that has ended delivers
    nothing: taken as coming, it made the user's next Ctrl-C or SIGTERM the plugin's (ignored)."""
    if call == "signal.pthread_kill":
        return target in sys._current_frames()
    if call == "os.kill":
        return target in (os.getpid(), 0) or target == -os.getpgrp()
    return target in (0, os.getpgrp())


def _audit(event: str, args: tuple[Any, ...]) -> None:
    """The audit hook: every audited event of the process passes here, so it is quick to
    return; it never raises (the raise would be the audited call's)."""
    if event not in _KILLS or not _listening:
        return
    try:
        target, signum = args
        if signum not in _WATCHED or [os.getpid()] != _hooked_in or not _own(event, target):
            return
        _sender().sending(event, signum, sys._getframe(1))
    except RefusedStopError:
        raise
    except Exception:  # a report that failed must not fail the plugin's call
        pass
