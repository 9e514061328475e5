"""Ctrl-C, SIGTERM and SIGHUP: how an ``adsim`` command stops when it is asked to.

Each raises ``Interrupted`` (a ``KeyboardInterrupt``) in the main thread, so every ``finally`` on
the way out runs: plugin processes are ended (none is left running, not even one stuck in a
loop), the journal keeps what it committed and is closed, and the command exits with 128 + the
signal's number, as a shell reports a program the signal ended: 130 for SIGINT, 143 for SIGTERM,
129 for SIGHUP (the terminal closed). Without this, SIGTERM (what ``timeout``, ``docker stop``
and CI runners send) ended adsim on the spot and left a plugin process that was busy in a
handler running for ever.

The first signal says so on stderr at once, in one line: handlers still running get their
timeout to finish (their outcome is journaled), and no longer; a handler in a plugin's process
gets ``STOP_GRACE`` seconds from the stop, then its process is ended and named
(``simulator.handlers.host.delivery``). A second signal stops without
waiting for them (the line says so when handlers are loaded); one more while adsim ends after
that (its summary, ``atexit``) exits at once, with the stop's code (128 + the first signal).
Whatever the later signals are, the stop is the first one's: its exit code and its journaled end.
A signal while adsim ends after a run that ended by itself (its result known: ``result``) exits
at once too, with the run's own code and one line saying so: the run's report is complete, and
the signal cut only Python's exit (a Ctrl-C there printed a ``KeyboardInterrupt`` traceback, a
SIGTERM ended adsim killed by it, a pass reported as a kill). In the last moments of the exit,
after every ``atexit`` function, Python's own signal handling has ended: there such a signal is
ignored (``ignore_stops_once_ended``) and the exit code is the same.
A signal that comes inside a ``deferred`` block (an event being handed to a plugin's process)
raises at the block's end, so a stop never waits for a call that was counted and never written.

Python cannot pass on every exception: one raised in a finalizer (``__del__``, a weakref
callback, the garbage collector's work) is printed as "Exception ignored in ..." and dropped, and
one raised in a class's ``__set_name__`` (a signal during an import) comes out wrapped in a
``RuntimeError``. A stop that lands there is not lost: the first is kept, without the
traceback, and raised again at the next ``check`` (a load run's next repeat, a scenario's next
step); the second is told from a bug by ``stop_in``.

A stop a plugin's code sends adsim's own process (thread isolation: ``os.kill(os.getpid(),
signal.SIGTERM)``) is the plugin's, not the user's: ``sent_by_plugin`` says it is coming, and it
stops nothing (``simulator.handlers.stray_signals`` names the plugin).

Standard library only: it is in place before a command's imports.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import CodeType, FrameType
from typing import Any, NoReturn

from simulator.signal_order import in_turn, inside, on_stack

__all__ = [
    "STOP_GRACE",
    "Interrupted",
    "at_exit_end",
    "check",
    "deferred",
    "exit_code",
    "handlers_loaded",
    "held_off",
    "ignore_stops_once_ended",
    "in_turn",
    "inside",
    "keep_unraisable_first",
    "paused",
    "result",
    "sent_by_plugin",
    "shielded",
    "stop_in",
    "stop_on_signals",
    "stop_started",
    "stopped_again",
]

STOP_GRACE = 5.0
"""Seconds a handler still running in a plugin's process has after a stop before its process is
ended (a JS module's blocked event loop gets as long to answer its ping)."""


class Interrupted(KeyboardInterrupt):
    """The command was asked to stop by ``signum`` (SIGINT, SIGTERM or SIGHUP)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def exit_code(exc: KeyboardInterrupt) -> int:
    """128 + the signal's number: 130 for Ctrl-C (also a plain ``KeyboardInterrupt``), 143 for
    SIGTERM."""
    return 128 + getattr(exc, "signum", signal.SIGINT)


def stop_in(exc: BaseException) -> KeyboardInterrupt | None:
    """The stop (Ctrl-C, SIGTERM ...) ``exc`` is, or was caused by: Python wraps one raised in
    a class's ``__set_name__`` (a signal while a module is imported) in a ``RuntimeError``.
    Only the causes (``raise ... from``): an error raised while a stop was being handled has it
    as its context, and is a bug to show, not a stop. Or the stop under way that a C extension
    caught and made its own error's last line (``as_text``)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return current
        told = _as_text(current)
        if told is not None:
            return told
        seen.add(id(current))
        current = current.__cause__
    return None


def _as_text(exc: BaseException) -> Interrupted | None:
    """The stop under way, when ``exc`` is an error a C extension made of it: pydantic-core
    builds a model's serializer in Rust (at the import of a command's modules), and a signal
    that lands there comes out as its ``SchemaError``, whose last line is the stop as text
    (``Interrupted: 2``), with no cause to follow."""
    stopper = _ACTIVE[0] if _ACTIVE else None
    if stopper is None or stopper.stop_signum is None:
        return None
    last = str(exc).rstrip().rsplit("\n", 1)[-1].strip()
    if last == f"{Interrupted.__name__}: {stopper.stop_signum}":
        return Interrupted(stopper.stop_signum)
    return None


class _Stopper:
    """The signal handler: says what is happening once, then raises every time."""

    def __init__(self) -> None:
        self.stopping = False
        self.handlers = False
        """Handlers are loaded: the line says a second signal does not wait for them."""
        self.shields = 0
        """While above 0 a signal raises nothing: adsim is ending plugin processes."""
        self.critical = 0
        """While above 0 a signal raises at the end of the outermost ``deferred`` block."""
        self.deferred: int | None = None
        """The signal that came during a ``deferred`` block, to raise at its end."""
        self.replaced: dict[int, Any] = {}
        """The handlers this one replaced, by signal: put back at the end."""
        self.lost: int | None = None
        """A stop raised where Python drops exceptions (a finalizer), for ``check`` to raise."""
        self.hooked: Any = None
        """``sys.unraisablehook`` before this one's (put back at the end)."""
        self.plugins: set[int] = set()
        """Signals a plugin's code is sending adsim's process (``sent_by_plugin``): no stop."""
        self.exit_after = False
        """After a stop, a signal ends the process at once (the process is adsim: ``uninstall``)."""
        self.stop_signum: int | None = None
        """The signal of the stop (the first the user sent): the exit code is 128 + it."""
        self.stops = 0
        """How many stop signals the user sent (a second ends the waits: ``stopped_again``)."""
        self.stopped_at: float | None = None
        """When the stop came (``time.monotonic``): a stuck handler's grace counts from it."""
        self.result: int | None = None
        """The command's exit code, once it is known (``result``)."""
        self.later: list[int] = []
        """Signals whose handler Python ran inside this one's, to handle after it (``inside``)."""
        self.command: CodeType | None = None
        """The function whose frame is the command running (``stop_on_signals``): a signal
        after a stop, with none of its frames left on the stack, ends the process at once."""

    def unraisable(self, unraisable: Any) -> None:
        """``sys.unraisablehook``: a stop raised in a finalizer is kept, not printed."""
        value = unraisable.exc_value
        if isinstance(value, Interrupted):
            self.lost = value.signum
            return
        self.hooked(unraisable)

    def __call__(self, signum: int, _frame: FrameType | None) -> None:
        if inside(_frame, _HANDLER):
            # Python ran this inside the handler of a signal that came just before (from its
            # first line on): that one is first, this one comes after it (see ``inside``).
            self.later.append(signum)
            return
        stop = self._take(signum, _frame)
        while self.later:  # the signals that came while it was handled, in turn
            later, self.later = self.later, []
            for queued in later:
                stop = self._take(queued, _frame) or stop
        if stop is not None:
            raise stop

    def _take(self, signum: int, _frame: FrameType | None) -> Interrupted | None:
        """Handle one signal: the stop to raise, if any."""
        if signum in self.plugins:  # a plugin's (said where it sent it), not the user's
            self.plugins.discard(signum)
            return None
        # Another signal once the stop has left the command (on its way to the exit code,
        # before the handlers are switched): raised there, it escaped every handler of the
        # stop, and Python's ended adsim killed by it (-2) instead of 128 + the stop.
        command = self.command if self.exit_after and self.stop_signum is not None else None
        if command is not None and not on_stack(_frame, command):
            self._exit_now(signum, _frame)
        self.stops += 1
        if not self.stopping:
            self.stopping = True
            self.stop_signum = signum
            self.stopped_at = time.monotonic()
            name = signal.Signals(signum).name
            again = "Ctrl-C" if signum == signal.SIGINT else name
            line = f"adsim: interrupted ({name}): stopping"
            if self.handlers:
                line += f"; {again} again stops without waiting for a handler still running"
            line += "\n"
            with contextlib.suppress(OSError):
                # os.write, not print: the signal may come while the main thread is in the
                # middle of writing to sys.stderr, whose buffer is not re-entrant. On a line of
                # its own after the terminal's "^C" or a progress bar.
                os.write(2, (("\n" if os.isatty(2) else "") + line).encode("utf-8", "replace"))
        if self.shields == 0:
            # The stop's signal, whichever this one is: a second (SIGTERM after Ctrl-C) made
            # the exit code and the journal's end its own, or not, by when it came.
            stop = self.stop_signum if self.stop_signum is not None else signum
            if self.critical > 0:
                self.deferred = stop
                return None
            return Interrupted(stop)
        return None

    def install(self) -> None:
        for signum in self.replaced:
            signal.signal(signum, self)

    def uninstall(self, *, ending: bool = False) -> None:
        # Ending after a stop or with its result known, adsim is on its way out (summary,
        # ``atexit``): a signal then ends it at once with the stop's code or the result's, not
        # Python's KeyboardInterrupt or SIGTERM's default mid-way through its shutdown (killed
        # by the signal: -2, -15), and a hung ``atexit`` still ends. With neither (adsim's own
        # error on its way out, a traceback) Python's handlers are back.
        known = self.stop_signum is not None or self.result is not None
        quit_now = ending and self.exit_after and known
        for signum, handler in self.replaced.items():
            signal.signal(signum, self._exit_now if quit_now else handler)

    def _exit_now(self, signum: int, _frame: FrameType | None) -> None:
        """A signal while adsim ends: exit now with the stop's code (128 + its signal,
        whichever this one is) or, after a run that ended by itself, the run's own (said in one
        line), what it has written flushed (as far as a buffer the main thread may be writing
        to allows)."""
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        if self.stop_signum is not None or self.result is None:
            _exit(128 + (self.stop_signum or signum))
        code, said = self.result, "its own result"
        cut = ""
        for running in at_exit_running:  # a plugin's atexit function the signal cut off
            with contextlib.suppress(Exception):
                cut = running(_frame) or ""
                if cut:
                    if not code:  # unfinished: the plugin's failure, as the watch says it 5 s on
                        code, said = 1, "a plugin's atexit function did not finish"
                    break
        line = (
            f"adsim: {signal.Signals(signum).name} while adsim was ending, after the command "
            f"had ended: exit {code}, {said}" + (f"; {cut}" if cut else "")
        )
        with contextlib.suppress(OSError):
            text = ("\n" if os.isatty(2) else "") + line + "\n"
            os.write(2, text.encode("utf-8", "replace"))
        _exit(code)


def _exit(code: int) -> NoReturn:
    """End the process now: Python's ``os._exit``, not the one a plugin's guard put in its
    place (``simulator.handlers.exit_guard``), which took adsim's own exit, from a signal's
    handler run over a plugin's ``atexit`` function, for that plugin's ``os._exit``."""
    guard = sys.modules.get("simulator.handlers.exit_guard")
    real = getattr(guard, "real_exit", None)
    if callable(real):
        real(code)
    os._exit(code)


_HANDLER = _Stopper.__call__.__code__

_ACTIVE: list[_Stopper] = []
"""The installed handler, if any (signals belong to the process: one at a time)."""


@contextmanager
def stop_on_signals(
    *, exit_after_stop: bool = False, command: CodeType | None = None
) -> Iterator[None]:
    """While the block runs, SIGINT, SIGTERM and SIGHUP raise ``Interrupted`` (see the module
    docstring). Only on the main thread; a signal the parent set to be ignored (``nohup``, a
    shell's background job) stays ignored. ``exit_after_stop`` (the process is adsim, ending
    when the block does): once a stop came, a signal after the block exits at once with 128 +
    the signal; otherwise the handlers it replaced are put back. ``command`` (with it): the
    code of the function that runs the command; a signal after a stop, once none of its frames is
    on the stack, exits at once too (the stop is on its way out of the block)."""
    if threading.current_thread() is not threading.main_thread() or _ACTIVE:
        yield
        return
    stopper = _Stopper()
    stopper.exit_after = exit_after_stop
    stopper.command = command
    handled: list[tuple[int, Any]] = [
        (signal.SIGINT, signal.default_int_handler),
        (signal.SIGTERM, signal.SIG_DFL),
    ]
    if hasattr(signal, "SIGHUP"):  # the terminal went away (a closed ssh session): POSIX only
        handled.append((signal.SIGHUP, signal.SIG_DFL))
    for signum, default in handled:
        if signal.getsignal(signum) is default:
            stopper.replaced[signum] = default
    stopper.install()
    stopper.hooked, sys.unraisablehook = sys.unraisablehook, stopper.unraisable
    _ACTIVE.append(stopper)
    try:
        yield
    finally:
        _ACTIVE.clear()
        stopper.uninstall(ending=True)
        if sys.unraisablehook == stopper.unraisable:
            sys.unraisablehook = stopper.hooked


def result(code: int) -> None:
    """The command running in ``stop_on_signals(exit_after_stop=True)`` ended with ``code``: a
    signal while the process ends after the block exits at once with it (see the module
    docstring)."""
    if _ACTIVE:
        _ACTIVE[0].result = code


def ignore_stops_once_ended() -> None:
    """An ``atexit`` function, registered before any other of the command's so that it runs
    last: once adsim's exit code is known (a stop's or the result's: the handlers are
    ``_exit_now``), the stop signals are ignored for what is left of the exit. Python's
    finalization, after the last ``atexit``, puts the default action back in place of every
    handler of its own, and a signal in the milliseconds it then takes (its modules torn down)
    killed adsim (-15, -2) instead of ending it with its code."""
    for call in at_exit_end:
        with contextlib.suppress(Exception):
            call()
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in _STOP_SIGNALS:
        handler = signal.getsignal(signum)
        if getattr(handler, "__func__", None) is _Stopper._exit_now:
            signal.signal(signum, signal.SIG_IGN)


at_exit_running: list[Any] = []
"""Called (with the frame a signal interrupted) by a signal that ends adsim while it exits:
what of a plugin's was running then, as a clause (``simulator.handlers.exit_watch``), or None."""

at_exit_end: list[Any] = []
"""Called by ``ignore_stops_once_ended``, the last ``atexit`` function: every other has
returned (``simulator.handlers.exit_watch``)."""

_STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def check() -> None:
    """Raise the stop Python dropped (a signal that came while a finalizer ran: see the module
    docstring), if any: called where the next unit of work starts."""
    stopper = _ACTIVE[0] if _ACTIVE else None
    if (
        stopper is not None
        and stopper.lost is not None
        and stopper.shields == 0
        and stopper.critical == 0
        and threading.get_ident() == _MAIN_THREAD
    ):
        signum, stopper.lost = stopper.lost, None
        raise Interrupted(signum)


def keep_unraisable_first() -> None:
    """While ``stop_on_signals`` runs: if a plugin in adsim's own process (thread isolation)
    set a ``sys.unraisablehook`` of its own, which would print or drop a stop raised in a
    finalizer (a Ctrl-C lost), hook adsim's again in front of it: it gets everything else."""
    stopper = _ACTIVE[0] if _ACTIVE else None
    if stopper is None or sys.unraisablehook == stopper.unraisable:
        return
    hook = sys.unraisablehook
    stopper.hooked = hook if callable(hook) else sys.__unraisablehook__
    sys.unraisablehook = stopper.unraisable


@contextmanager
def paused() -> Iterator[None]:
    """Python's own handlers while the block runs: for the window and the ``--page`` driver,
    whose Qt event loop handles Ctrl-C itself when it finds Python's default there."""
    if not _ACTIVE or threading.current_thread() is not threading.main_thread():
        yield
        return
    stopper = _ACTIVE[0]
    stopper.uninstall()
    try:
        yield
    finally:
        stopper.install()


@contextmanager
def shielded() -> Iterator[None]:
    """No ``Interrupted`` while the block runs: for the short, bounded work of stopping (ending
    plugin processes, closing the journal), which another Ctrl-C must not cut half-way and leave
    a process running."""
    stopper = _ACTIVE[0] if _ACTIVE else None
    if stopper is None:
        yield
        return
    stopper.shields += 1
    try:
        yield
    finally:
        stopper.shields -= 1


@contextmanager
def held_off() -> Iterator[list[int]]:
    """Under pytest (Python's own SIGINT handler in place, on the main thread): a Ctrl-C that
    comes while the block runs is noted in the list it yields, not raised. For the short,
    bounded work of a stop already under way (the ``adsim`` teardown after a Ctrl-C: it waits
    for nothing), which a second Ctrl-C cut half-way: plugins were left unclosed and, raised
    out of pytest's session end, it skipped the step that ends a thread a plugin left running,
    and pytest waited for that thread for ever. A no-op elsewhere (``adsim``'s own commands
    have ``shielded``; a handler of the user's is theirs)."""
    came: list[int] = []
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield came
        return
    signal.signal(signal.SIGINT, lambda signum, _frame: came.append(signum))
    try:
        yield came
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def sent_by_plugin(signum: int) -> bool:
    """A plugin's code run in adsim's own process (thread isolation) is sending ``signum`` to
    it (``os.kill(os.getpid(), signal.SIGTERM)``, seen by ``simulator.handlers.stray_signals``,
    which says who): True when it will come to this module's handler, which then takes it as
    the plugin's and stops nothing, as it would stop only the plugin's own process (process
    isolation). Any thread may ask. A stop of the user's that comes before this one is handled
    (signals of one kind that arrive together are handled once) is taken as the plugin's."""
    if not _ACTIVE or signum not in _ACTIVE[0].replaced:
        return False
    stopper = _ACTIVE[0]
    plugins = stopper.plugins
    try:
        if signal.getsignal(signum) is not stopper:  # paused (the window's own): a stop
            return False
    except (OSError, ValueError):
        return False
    plugins.add(signum)
    return True


def stopping() -> bool:
    """Whether a stop (a signal the user sent) is under way: its waits are not lengthened by the
    machine's load, so that another Ctrl-C is never held up by it."""
    return bool(_ACTIVE) and _ACTIVE[0].stopping


def raise_stop() -> None:
    """Raise the stop under way, if any, outside a ``shielded`` block: for a command that
    finished, under a shield, work a stop must not cut (``adsim journal prune``'s deletes once
    committed) and said what it did, to stop now with the stop's exit code."""
    stopper = _ACTIVE[0] if _ACTIVE else None
    if stopper is not None and stopper.stop_signum is not None and stopper.shields == 0:
        raise Interrupted(stopper.stop_signum)


def stop_started() -> float | None:
    """When the stop under way came (``time.monotonic``); None when there is none."""
    return _ACTIVE[0].stopped_at if _ACTIVE and _ACTIVE[0].stopping else None


def stopped_again() -> bool:
    """Whether the user sent a second stop (Ctrl-C again, a SIGTERM after it): the waits for the
    handlers still running are over, and one that has not begun does not begin (a second signal
    back to back with the first was spent on the way to it, which then waited in full)."""
    # One Python ran inside the first's handler, as it ended, may still be queued there.
    return bool(_ACTIVE) and _ACTIVE[0].stops + len(_ACTIVE[0].later) >= 2


def handlers_loaded() -> None:
    """Handlers run from now on: a stop may wait for one still running, and the first signal's
    line says how not to."""
    if _ACTIVE:
        _ACTIVE[0].handlers = True


class deferred:  # noqa: N801 - used as ``with interrupts.deferred():``, as ``shielded``
    """A signal that comes while the block runs on the main thread raises ``Interrupted`` at the
    block's end rather than in its middle: for the few steps that must happen together (an event
    counted as in flight and its call written to the plugin's process), which an exception
    between them would leave half made, with a run waiting for an answer that never comes.

    A class, not a generator: the host enters one for every event a handler gets."""

    __slots__ = ("_stopper",)

    def __enter__(self) -> None:
        stopper = _ACTIVE[0] if _ACTIVE and threading.get_ident() == _MAIN_THREAD else None
        self._stopper = stopper
        if stopper is not None:
            stopper.critical += 1

    def __exit__(self, kind: type[BaseException] | None, *_rest: object) -> None:
        stopper = self._stopper
        if stopper is None:
            return
        stopper.critical -= 1
        if stopper.critical == 0 and stopper.deferred is not None and kind is None:
            signum, stopper.deferred = stopper.deferred, None
            raise Interrupted(signum)


_MAIN_THREAD = threading.main_thread().ident
"""Signals are handled on the main thread only: ``deferred`` blocks elsewhere change nothing."""
