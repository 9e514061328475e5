"""The child side of process isolation: one plugin in its own Python process.

``python -m simulator.handlers.child READ_FD WRITE_FD`` is started by
``simulator.handlers.supervisor.PluginProcess``. It reads pickled messages (the protocol is
described there), loads the plugin the first message names with the same loader the in-process
host uses (so load errors read the same ``file:line: message``), calls its ``register`` with an
``ad_api`` whose methods are sent to the parent and answered by the engine there
(``simulator.handlers.child_ad_api``), and then runs
one handler call at a time on its main thread. The parent's messages are read by whichever thread
needs the next one (``simulator.handlers.child_mail``). ``SIGUSR1`` dumps every thread's stack to
a file the parent names (faulthandler works even while a handler holds the GIL), so a handler the
parent gives up on can be reported with where it was stuck.
"""

from __future__ import annotations

import contextlib
import faulthandler
import inspect
import itertools
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from simulator.contract import EventName, ResultErrorCode, fail
from simulator.engine.payloads import prepare, typed_args
from simulator.handlers import background_errors, kept_builtins, leftover_threads
from simulator.handlers.child_ad_api import RemoteAdApi
from simulator.handlers.child_exit import ExitFunctions, end_python_helpers
from simulator.handlers.child_fds import EndedLines, KeptPipe
from simulator.handlers.child_mail import Mail
from simulator.handlers.child_signals import refuse_signals_to
from simulator.handlers.limits import ERROR_LIMIT, TRACEBACK_LIMIT, clipped
from simulator.handlers.outcome import kept_result
from simulator.handlers.plugins import Plugin, file_plugin, register_plugin
from simulator.handlers.registry import HandlerRegistry, Registration
from simulator.handlers.spawner import PARENT_ENV, die_with_parent
from simulator.handlers.stacks import traceback_text
from simulator.handlers.start_marker import StartMarker
from simulator.one_line import exception_text

if TYPE_CHECKING:
    import asyncio
    import logging

__all__ = ["main"]


def _crossing(value: Any) -> Any:
    """An ``ad_api`` call's arguments (a JSON tree: ``not_a_tree`` found nothing) as they go to
    adsim's process: plain JSON data (models dumped to their wire JSON: an object of the
    plugin's own classes cannot be rebuilt there), NaN and the infinities kept, and each value
    JSON has no form for a ``Foreign`` naming it, so that the method checks them there as it
    does with thread isolation (``addNote: note must be a string, not bytes.``)."""
    try:
        return json.loads(json.dumps(value, default=_dumped))
    except (TypeError, ValueError):
        return _walked(value)


def _walked(value: Any) -> Any:
    """``_crossing`` of a tree JSON cannot write whole: each leaf on its own."""
    if isinstance(value, dict):
        return {_walked_key(key): _walked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_walked(item) for item in value]
    try:
        return json.loads(json.dumps(value, default=_dumped))
    except (TypeError, ValueError):
        from simulator.contract.methods import Foreign
        from simulator.stable_text import stable_repr

        return Foreign(type(value).__name__, stable_repr(value))


def _walked_key(key: Any) -> Any:
    """A dict key as JSON writes it (a number as its text); ``not_a_tree`` refused others."""
    return next(iter(json.loads(json.dumps({key: 0}))))


def _dumped(item: Any) -> Any:
    from pydantic import BaseModel

    if isinstance(item, BaseModel):
        return item.model_dump(mode="json")
    raise TypeError(f"{type(item).__name__} is not JSON data")


_PLAIN = (type(None), str, int, bool)
"""JSON as they are (these exact types: a float may be NaN, a subclass may not pickle there)."""


class _Child:
    def __init__(
        self,
        read: Connection,
        write: Connection,
        marker: StartMarker | None = None,
        lines: EndedLines | None = None,
        exits: ExitFunctions | None = None,
    ):
        self.read = read
        self.exits = exits
        """The plugin's ``atexit`` functions, run at the close (``handlers.child_exit``)."""
        self.write = write
        self.name = ""
        self.lines = lines
        """This process's stdout and stderr, whose open line each call's end ends."""
        self.kept = KeptPipe(read.fileno(), write.fileno())
        self.running = "its import and register()"
        self.builtins = kept_builtins.now()
        self.thread_hook = self._thread_error
        """``threading.excepthook`` here: what the plugin's threads raise is said."""
        self.their_hook: Callable[[threading.ExceptHookArgs], Any] | None = None
        """A hook the plugin set itself, called by ``thread_hook`` (it stays first)."""
        """The builtins before the plugin loaded: adsim's code here uses them too."""
        """Who runs on the main thread (for naming who replaced the pipe's descriptors)."""
        self.registry = HandlerRegistry()
        self.handlers: list[Registration] = []
        self.loggers: list[Callable[[str, list[Any]], Any]] = []
        self.plugin: Plugin | None = None
        self.mail = Mail(read, self._to_loggers, self.mend)
        self._send_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._loop: asyncio.AbstractEventLoop | None = None
        self.marker = marker
        """Where pipelined calls' starts are marked for the parent."""
        self.started = 0
        """Pipelined calls started so far."""
        self.pid = os.getpid()
        """This process: a handler's ``os.fork()`` makes a copy with another pid."""

    def send(self, message: Any) -> None:
        if os.getpid() != self.pid:  # a copy os.fork() made: the pipe is the plugin's process's
            return
        self.mend()
        with self._send_lock:
            self.write.send(message)

    def mend(self) -> bool:
        """Put back the pipe's descriptors if the plugin replaced or closed one (``os.dup2``
        over it, ``os.close`` of a wrong number): its answers went nowhere and the call waited
        for its timeout. An incident names who ran meanwhile; True when one was put back."""
        mended = self.kept.mend()
        if not mended:
            return False
        who = self.running
        if threading.current_thread() is not threading.main_thread():
            who = f"its thread {threading.current_thread().name}"
        numbers = " and ".join(str(fd) for fd in sorted(mended))
        self.incident(
            f"{who} replaced or closed descriptor(s) {numbers} of its process, which it talks "
            "to adsim on (os.dup2, os.close); adsim put it back and the run went on (leave "
            "descriptors the plugin did not open alone)"
        )
        return True

    def incident(self, line: str, trace: str | None = None) -> None:
        """A failure outside any call (the run's summary, exit 1); ``trace`` on stderr."""
        if trace is not None:
            background_errors.print_trace(trace)
        with contextlib.suppress(Exception), self._send_lock:
            self.write.send(("incident", line))

    def _thread_error(self, args: threading.ExceptHookArgs) -> None:
        """``threading.excepthook``: a thread the plugin started ended in an exception."""
        exc, thread = args.exc_value, args.thread
        if exc is None or isinstance(exc, SystemExit) or os.getpid() != self.pid:
            threading.__excepthook__(args)
            return
        name = thread.name if thread is not None else "?"
        with contextlib.suppress(Exception):  # the plugin's hook, or Python's own lines
            (self.their_hook or background_errors.python_lines)(args)
        self.incident(background_errors.thread_error_line(name, exc, self._files()))

    def own_loop_error(self, record: logging.LogRecord) -> None:
        """What Python's default asyncio exception handler said of an event loop the plugin
        made itself (``background_errors.watch_own_loops``): an incident too."""
        if os.getpid() != self.pid:
            return
        line = background_errors.own_loop_error_line(record, self._files())
        if line is not None:
            self.incident(line)

    def _files(self) -> list[str]:
        file = self.plugin.file if self.plugin is not None else None
        return [os.path.realpath(file)] if file else []

    def api(self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if os.getpid() != self.pid:  # a copy os.fork() made: the pipe is the plugin's process's
            return fail(
                ResultErrorCode.api_not_answer,
                f"{method}: not run: called in a process the plugin forked (pid {os.getpid()}); "
                "only the plugin's own process talks to adsim",
            )
        from simulator.handlers.ad_api.checks import not_a_tree, request_message

        # Before JSON walks them: the same sentence as with thread isolation, not json's own
        # "Circular reference detected" or a RecursionError.
        shape, _ = not_a_tree(request_message(method), (*args, *kwargs.values()))
        if shape is not None:
            return fail(ResultErrorCode.invalid_args, shape)
        request = next(self._ids)
        slot = self.mail.expect(request)
        try:
            # Plain JSON only: an object of the plugin's own classes cannot be rebuilt there.
            args, kwargs = _crossing(list(args)), _crossing(kwargs)
            self.send(("api", request, method, tuple(args), kwargs))
        except Exception as exc:  # arguments that cannot cross: as the widget, invalid_args
            self.mail.forget(request)
            return fail(ResultErrorCode.invalid_args, f"{method}: {exception_text(exc)}")
        if not self.mail.wait(lambda: slot[0]):
            return fail(ResultErrorCode.api_not_answer, f"{method}: the simulator has stopped")
        return slot[1]

    def _to_loggers(self, packet_type: str, params: list[Any]) -> None:
        for logger in tuple(self.loggers):
            try:
                logger(packet_type, params)
            except Exception:
                continue

    def keep_reading(self) -> None:
        """Read the parent's messages whenever no other thread does, so that packets reach the
        loggers while a handler runs (started with the first logger)."""
        self.mail.wait(lambda: False)

    def load(self, spec: dict[str, Any]) -> None:
        self.name = spec["name"]
        for entry in reversed(spec["sys_path"]):
            if entry not in sys.path:
                sys.path.insert(0, entry)
        kind = spec["kind"]
        if kind == "file":
            plugin = file_plugin(Path(spec["path"]))
        else:
            import importlib.metadata  # only an entry point needs it (email.*, zipfile: ~10 ms)

            from simulator.handlers.entry_points import entry_point_plugin

            entry = importlib.metadata.EntryPoint(spec["entry"], spec["value"], spec["group"])
            plugin = entry_point_plugin(entry, again=False, dist=spec.get("dist"))
        plugin.name = self.name
        self.plugin = plugin
        api = RemoteAdApi(self, spec["integration_key"], spec.get("agent"))
        for name, value in spec.get("attributes", {}).items():
            setattr(api, name, value)
        register_plugin(plugin, api, self.registry)
        if os.getpid() != self.pid:
            self.forked_copy("register()")
        self.keep_builtins()
        self.end_lines()
        self.send(("loaded", plugin.error))
        if plugin.error is None and self.registry.events():
            # The payload models, before the first call (its duration is the handler's own).
            self.running = "adsim's own start-up (the payload models)"
            version = spec.get("attributes", {}).get("api_version", "5.19")
            with contextlib.suppress(Exception):  # a failed build fails the call, said there
                prepare(str(version), self.registry.events())
        self.running = "its code between calls"

    def call(
        self,
        call_id: int,
        index: int,
        payload: tuple[str, tuple[Any, ...], str],
        pipelined: bool = False,
    ) -> None:
        started = time.monotonic()
        if pipelined and self.marker is not None:  # its timeout counts from now
            self.started += 1
            self.marker.mark(self.started, started)
        registration = self.handlers[index]
        self.running = registration.name
        try:
            # The wire values were unpickled for this call alone, and the models are built
            # from them here: what the handler does to its arguments stays in this call.
            name, wire_args, version = payload
            args = registration.arguments(typed_args(EventName(name), wire_args, version))
            result = registration.handler(*args)
            if inspect.isawaitable(result):
                if self._loop is None:  # asyncio only for a coroutine handler: ~13 ms
                    self._loop = background_errors.new_loop(self.incident, self._files)
                result = self._loop.run_until_complete(result)
            if os.getpid() != self.pid:
                self.forked_copy(registration.name)
            self.keep_builtins()
            # JSON data crosses (a value over ANSWER_LIMIT as its size and its first
            # characters); anything else (the plugin's own objects) as its repr. In the try:
            # what the plugin's value does when looked at is the handler's error.
            if type(result) not in _PLAIN or type(result) is str:  # most handlers return None
                result = kept_result(result, copy=True)
        except BaseException as exc:
            if os.getpid() != self.pid:
                self.forked_copy(registration.name)
            self.keep_builtins()  # before the traceback is written: it uses them
            # Cut here (a 50 MB message is no 100 MB message to pickle and pipe), as the
            # parent's outcome would cut it; ``exception_text`` even if its __str__ raises.
            error = clipped(exception_text(exc), ERROR_LIMIT, "error", tail=True)
            trace = traceback_text(exc)
            trace = clipped(trace, TRACEBACK_LIMIT, "traceback", tail=True, lines=True)
            self.end_lines()
            self.reply(registration, ("done", call_id, "error", None, error, trace, started))
            return
        self.end_lines()
        self.reply(registration, ("done", call_id, "ok", result, None, None, started))

    def keep_builtins(self) -> None:
        """Put back the builtins the plugin replaced or deleted (``simulator.handlers.
        kept_builtins``): this process's answers to adsim are written with them."""
        changed = kept_builtins.mend_builtins(self.builtins)
        if changed:
            self.incident(kept_builtins.builtins_line(self.running, changed, "in its process"))
        if threading.excepthook is not self.thread_hook:  # the plugin set its own: called by ours
            self.their_hook = threading.excepthook
            threading.excepthook = self.thread_hook

    def end_lines(self) -> None:
        """End a line the plugin's output left open: before the reply, so before any other
        plugin prints (``simulator.handlers.child_fds``)."""
        if self.lines is not None:
            self.lines.end()

    def reply(self, registration: Registration, message: Any) -> None:
        """Send a call's outcome. A handler that closed or replaced the pipe's descriptors
        (``os.closerange(3, ...)``, ``os.dup2``) left this process no way to answer: one line
        says so, not adsim's own traceback, and the process ends (the call is ``crashed``)."""
        try:
            self.send(message)
            self.running = "its code between calls"
        except OSError as exc:
            line = (
                f"adsim: plugin {self.name}: after {registration.name}, its process cannot "
                f"answer adsim ({exc.strerror}): a handler closed or replaced the descriptors "
                "it talks to adsim on (os.closerange, os.dup2); the process ends here\n"
            )
            with contextlib.suppress(OSError):
                os.write(2, line.encode("utf-8", "backslashreplace"))
            os._exit(1)

    def forked_copy(self, function: str) -> NoReturn:
        """In a copy of this process that ``os.fork()`` made in a handler or ``register()``,
        back from it (a forked child that did not end with ``os._exit``): were it to answer and
        serve the pipe, it would take the plugin's next calls and its close from it. It says
        so, then waits: once the plugin's process ends it is killed with what the plugin left
        running (a summary line, exit 1); it ends by itself once adsim is gone."""
        line = (
            f"adsim: plugin {self.name}: the process {function} forked (os.fork(), "
            f"pid {os.getpid()}) returned from it; it would take the plugin's calls "
            "from it, so it waits here and is killed when the plugin's process ends (end a "
            "forked child with os._exit)\n"
        )
        with contextlib.suppress(OSError):  # not sys.stderr: a lock held at the fork is held
            os.write(2, line.encode("utf-8", "backslashreplace"))
        adsim = os.environ.get(PARENT_ENV, "")
        while True:
            time.sleep(1.0)
            if adsim.isdigit():
                try:
                    os.kill(int(adsim), 0)
                except ProcessLookupError:
                    os._exit(1)
                except OSError:
                    continue

    def close(self, grace: float) -> None:
        """The plugin's close hook, a short grace for its threads, its atexit functions, then
        this process ends whatever threads are left (a non-daemon one must not keep it alive)."""
        self.running = "its close()"
        failure = self.plugin.close() if self.plugin is not None else None
        if failure is not None:  # its traceback here (adsim's stderr), the line in the summary
            with contextlib.suppress(Exception):
                sys.stderr.write(failure[1])
        deadline = time.monotonic() + grace
        if self._loop is not None:  # what a coroutine handler left pending: the same grace
            tasks = background_errors.finish_tasks(self._loop, grace)
            if tasks:
                self.incident(background_errors.tasks_left_line(tasks, grace))
        left, pooled = [], leftover_threads.pool_workers()
        for thread in threading.enumerate():  # of time it could run (a loaded machine's wait)
            if thread in pooled:  # idle: Python's exit ends it; busy: Python's exit waits
                if not leftover_threads.idle_within(thread, grace, deadline - grace):
                    left.append(leftover_threads.shown_name(thread, pooled))
            elif thread is threading.main_thread() or thread.daemon:
                continue
            elif not leftover_threads.join_within(thread, grace, deadline - grace):
                left.append(thread.name)
        with contextlib.suppress(Exception):
            self.send(("closed", left, None if failure is None else failure[0]))
        if self.exits is not None:  # on this, the main thread, as at Python's exit
            self.running = "its atexit functions"
            self.exits.run(self.send, self.plugin.at if self.plugin is not None else None)
        # Bounded: a pool left open still holds the tracker's pipe (its workers are named).
        helpers = threading.Thread(
            target=end_python_helpers, name="adsim-python-helpers", daemon=True
        )
        helpers.start()
        helpers.join(grace)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        if self.lines is not None:
            self.lines.end()
        os._exit(0)

    def serve(self) -> None:
        inbox = self.mail.inbox
        while True:
            self.mail.wait(lambda: bool(inbox))  # the end of the pipe puts a close there
            message = inbox.popleft()
            kind = message[0]
            if kind == "load":
                self.load(message[1])
            elif kind == "call":
                self.call(*message[1:])
            elif kind == "close":
                self.close(message[1])


def main(argv: list[str]) -> None:
    """Serve one plugin over the two inherited pipe descriptors ``argv = [read, write, dump,
    marker]`` (the file for stack dumps, the descriptor of the start marker)."""
    # Before anything registers one (adsim's import of logging, the plugin's): run at the close.
    exits = ExitFunctions()
    exits.install()
    # Ctrl-C is adsim's to handle: it ends this process through the protocol (or kills it).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()  # a stuck plugin never outlives a killed adsim
    # The plugin's print goes to adsim's stderr (the parent hands this process its stderr as
    # stdout: adsim's stdout carries data), each line whole beside adsim's own, and text the
    # locale cannot encode is escaped, not a UnicodeEncodeError in the plugin's handler.
    # A line it leaves open is ended at each call's end (simulator.handlers.child_fds).
    lines = EndedLines()
    read = Connection(int(argv[0]), writable=False)
    write = Connection(int(argv[1]), readable=False)
    if len(argv) > 2 and hasattr(signal, "SIGUSR1"):
        dump = open(argv[2], "w", encoding="utf-8")  # noqa: SIM115 - lives as long as we do
        faulthandler.register(signal.SIGUSR1, file=dump, all_threads=True)
    marker = StartMarker.attach(int(argv[3])) if len(argv) > 3 else None
    child = _Child(read, write, marker, lines, exits)
    threading.excepthook = child.thread_hook  # a thread of the plugin's that raised: said
    background_errors.watch_own_loops(child.own_loop_error)  # its own asyncio.run's tasks too
    adsim = os.environ.get(PARENT_ENV, "")
    if adsim.isdigit():  # its os.kill(os.getppid(), SIGTERM) stopped the run as the user's
        refuse_signals_to(int(adsim), lambda: child.running, child._files, child.incident)
    child.send(("hello",))  # started: the load timeout counts from here, not from the fork
    child.serve()


if __name__ == "__main__":
    main(sys.argv[1:])
