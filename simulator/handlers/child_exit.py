"""The end of a plugin's process (process isolation): its ``atexit`` functions run as Python runs
them at exit, bounded by the close's limit and named when they fail; Python's own helpers ended.

A plugin's process ends with ``os._exit`` (a thread it left running must not keep it alive), and
``os._exit`` runs no ``atexit`` function: a batch a plugin flushed to the CRM at exit was lost
without a word, while the same plugin in adsim's process (thread isolation) flushed it.
``ExitFunctions`` is ``atexit.register`` in a plugin's process, installed before anything of the
plugin's is imported (and before adsim's own import of ``logging``, whose ``shutdown`` it keeps
too: the last flush of the plugin's log handlers). At the close, after the plugin's ``close()``
and its threads' grace have been reported, the child's main thread runs them last-registered
first, as Python's exit does (a function may set a signal handler: only the main thread can),
and before each one tells adsim which it is and which are left after it (``("exiting", label,
[labels of the next five], how many)``; ``("exiting", None, [], 0)`` once all have returned).
So adsim can say which one:

- raised (``("exit_error", line)``): Python's "Exception ignored in atexit callback" becomes the
  plugin's error, its traceback on stderr; the next ones run, as Python runs them;
- ended the process (``atexit.register(os._exit, 0)``, a signal);
- had not returned when the close's limit ran out (``CLOSE_GRACE`` + 1 s of time the process
  could run, shared with ``close()``): the parent dumps its stacks and kills it.

(``simulator.handlers.close_report`` words each for the summary.)

Not run: ``multiprocessing``'s own exit function (``multiprocessing.util._exit_function``,
registered when the child imports ``multiprocessing.connection``, before any of this): it waits
for every process the plugin started and left running, where adsim kills them and names them
once the plugin's process has ended (``spawner.end_leftovers``). Nor any function in a process
that is killed (a handler past its timeout, a stop's grace, a load that failed) or that dies:
a fresh process registers its own again.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import sys
import threading
from collections.abc import Callable
from typing import Any

from simulator.handlers.limits import ERROR_LIMIT, TRACEBACK_LIMIT, clipped
from simulator.handlers.plugins import describe
from simulator.handlers.stacks import traceback_text

__all__ = ["ExitFunctions", "end_python_helpers", "label"]

Registration = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]

_NAMED = 5
"""The atexit functions left after one that is named at most, should it end the process."""
_OWN_PACKAGE = "adsim_handlers."
"""The package adsim imports plugin files as (``plugins._module_name``): not worth naming."""


def label(function: Any) -> str:
    """How a report names an atexit function: ``flush`` (the plugin's own), ``logging.shutdown``,
    ``os._exit``, ``Batch.flush``; nothing of the plugin's is called to find out."""
    while isinstance(function, functools.partial):
        function = function.func
    kind = type(function)
    if kind.__name__ not in ("function", "method", "builtin_function_or_method"):
        home = kind.__module__
        if home == "__main__" or home.startswith(_OWN_PACKAGE):
            return f"{kind.__qualname__}() of an object"
        return f"{home}.{kind.__qualname__}() of an object"
    name = getattr(function, "__qualname__", None) or getattr(function, "__name__", "?")
    module = getattr(function, "__module__", None)
    if module in ("posix", "nt"):  # ``os._exit`` is ``posix._exit``
        module = "os"
    if not isinstance(module, str) or module == "__main__" or module.startswith(_OWN_PACKAGE):
        return str(name)
    return f"{module}.{name}"


class ExitFunctions:
    """``atexit``'s registrations in a plugin's process (``install``), run at its end (``run``)."""

    def __init__(self) -> None:
        self._kept: list[Registration] = []
        self._lock = threading.Lock()
        self._python = (atexit._ncallbacks, atexit._clear, atexit._run_exitfuncs)
        """Python's own: counting, clearing and running what was registered before ``install``."""

    def install(self) -> None:
        """Take ``atexit``'s registrations from now on; its private ``_ncallbacks``,
        ``_clear`` and ``_run_exitfuncs`` (a plugin's test may call them) see them too."""
        for name, function in (
            ("register", self.register),
            ("unregister", self.unregister),
            ("_ncallbacks", self.count),
            ("_clear", self.clear),
            ("_run_exitfuncs", self.run_quietly),
        ):
            setattr(atexit, name, function)

    def register(self, func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        """``atexit.register``: ``func(*args, **kwargs)`` at the end of the plugin's process."""
        if not callable(func):
            raise TypeError("the first argument must be callable")
        with self._lock:
            self._kept.append((func, args, kwargs))
        return func

    def unregister(self, func: Callable[..., Any], /) -> None:
        """``atexit.unregister``: every registration of ``func`` (compared with ``==``)."""
        with self._lock:
            kept = list(self._kept)
        gone = {id(each) for each in kept if each[0] == func}  # its __eq__ may raise: raised
        with self._lock:
            self._kept = [each for each in self._kept if id(each) not in gone]

    def count(self) -> int:
        """``atexit._ncallbacks()``."""
        with self._lock:
            return len(self._kept) + self._python[0]()

    def clear(self) -> None:
        """``atexit._clear()``."""
        with self._lock:
            self._kept.clear()
        self._python[1]()

    def _take(self) -> list[Registration]:
        """Every registration so far, taken off (last-registered last): what Python's exit runs.
        One registered while they run is not run, as at Python's exit (a function registering
        itself again ran until the close's limit killed it)."""
        with self._lock:
            taken, self._kept = self._kept, []
        return taken

    def run(
        self,
        send: Callable[[tuple[Any, ...]], None],
        at: Callable[[BaseException], str | None] | None = None,
    ) -> None:
        """Run them, last-registered first, on this (the main) thread, each told to adsim
        first (``send``: the messages in the module docstring). One that raised (``SystemExit``
        too, which Python's exit passes over as well) is said, its traceback on stderr (``at``:
        where in the plugin's code), and the next runs. Each costs one short message, however
        many there are (a library may register one a client: thousands)."""
        kept = self._take()
        labels: dict[int, str] = {}

        def name(index: int) -> str:
            if index not in labels:
                labels[index] = label(kept[index][0])
            return labels[index]

        for index in range(len(kept) - 1, -1, -1):
            func, args, kwargs = kept[index]
            after = [name(each) for each in range(index - 1, max(index - 1 - _NAMED, -1), -1)]
            _told(send, ("exiting", name(index), after, index))
            try:
                func(*args, **kwargs)
            except BaseException as exc:
                where = at(exc) if at is not None else None
                line = f"its atexit function {name(index)} raised: "
                line += (f"{where}: " if where else "") + describe(exc)
                trace = traceback_text(exc, skip=1)
                with contextlib.suppress(Exception):
                    sys.stderr.write(clipped(trace, TRACEBACK_LIMIT, "traceback", lines=True))
                _told(send, ("exit_error", clipped(line, ERROR_LIMIT, "error", tail=True)))
        _told(send, ("exiting", None, [], 0))

    def run_quietly(self) -> None:
        """``atexit._run_exitfuncs()`` called by the plugin itself: them, as Python runs them
        (an exception said on stderr and passed over)."""
        for func, args, kwargs in reversed(self._take()):
            try:
                func(*args, **kwargs)
            except BaseException as exc:
                sys.unraisablehook(_Unraisable(exc, func))  # type: ignore[arg-type]
        self._python[2]()


def _told(send: Callable[[tuple[Any, ...]], None], message: tuple[Any, ...]) -> None:
    with contextlib.suppress(Exception):  # a pipe gone: the functions run all the same
        send(message)


class _Unraisable:
    """What ``sys.unraisablehook`` is given (``sys.UnraisableHookArgs`` cannot be made)."""

    def __init__(self, exc: BaseException, func: Any):
        self.exc_type = type(exc)
        self.exc_value = exc
        self.exc_traceback = exc.__traceback__
        self.err_msg = "Exception ignored in atexit callback"
        self.object = func


def end_python_helpers() -> None:
    """End ``multiprocessing``'s fork server and resource tracker (a ``spawn`` or
    ``forkserver`` pool starts them on its first use) as Python's own exit does: their pipe
    closed, each waited for. Left to this process's ``os._exit``, they were still running when
    adsim looked for what the plugin left behind, and were killed and named, failing a run whose
    plugin had shut its pool down. One a pool left open still holds does not end (its workers
    hold its pipe): the close waits for them one grace, then they are ended with the pool's
    workers, and named as before."""
    for module, holder in (
        ("multiprocessing.forkserver", "_forkserver"),
        ("multiprocessing.resource_tracker", "_resource_tracker"),
    ):
        stop = getattr(getattr(sys.modules.get(module), holder, None), "_stop", None)
        if callable(stop):
            with contextlib.suppress(Exception):
                stop()
