"""Process isolation: each plugin in its own supervised child process.

``PluginProcess`` starts ``python -m simulator.handlers.child`` with two pipes and speaks pickled
tuples over them (``multiprocessing.connection.Connection``)::

    parent -> child   ("load", spec)                      import the plugin, call register()
                      ("call", id, index, args, pipelined) run handler ``index`` on the event
                      ("api_result", request, result)     the answer to an ad_api call
                      ("log", type, params)               a packet for injected loggers
                      ("close", grace)                    close hook, grace, then exit
    child -> parent   ("on", event, index, name) / ("remove", index)
                      ("loaded", error | None)
                      ("api", request, method, args, kwargs)
                      ("done", id, status, result, error, traceback, started)
                      ("logger",) / ("closed", [threads still running], close error)
                      ("exiting", atexit function | None, [next ones], how many)
                      ("exit_error", line)  an atexit function raised (child_exit)
                      ("incident", line)   outside any call: a thread or an asyncio task of
                                           the plugin raised, a descriptor it replaced ...

A pipelined call's start is not a message (one more wake-up of each side per call): the child
writes how many pipelined calls it has started and when the last one started (``time.monotonic``,
one clock for every process) into a 16-byte memory both processes map (``StartMarker``); the parent
reads it only when it needs to know (a deadline, a death, who makes an ``ad_api`` call).

The child unpickles its own copy of the event's arguments for each call: what a handler does to
them never reaches anyone else. An ``ad_api`` call is run by the parent
on the engine (``HandlerHost._call_on_engine``) and answered as in-process.

When the child dies (an exit, a signal) the call in flight ends ``crashed`` with the exit status
or the signal; when the host's watchdog gives up on a call (``timeout``) the child's stacks are
dumped (``SIGUSR1`` to faulthandler, which works even while the handler holds the GIL) and the
child is killed. Either way the next call to the plugin starts a fresh child, which registers
again; a ``register()`` that does not return within ``load_timeout`` is killed and the plugin is
not loaded. ``close`` gives the child a short grace to end its threads, then kills it. Events
that need no answer and go to this plugin only are sent without waiting (``Pipeline``). Writing
to the child (``_send``, ``send_now``, the close) is ``simulator.handlers.plugin_pipe``'s;
what the parent does with each message from the child, ``simulator.handlers.plugin_messages``'s.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
import tempfile
import threading
from typing import TYPE_CHECKING

from simulator.contract import EventName
from simulator.handlers import stacks
from simulator.handlers.close_report import close_lines
from simulator.handlers.leftover_processes import ended_within
from simulator.handlers.outcome import Reply
from simulator.handlers.pipeline import STOPPED_UNSTARTED, Pipeline, _Pending, wire_payload
from simulator.handlers.plugin_messages import PluginMessages, RemoteHandler
from simulator.handlers.plugin_pipe import Life
from simulator.handlers.plugins import Plugin
from simulator.handlers.spawner import OWN_GROUP, end_leftovers, popen
from simulator.handlers.stacks import describe_exit, dump_stacks, stuck_anywhere, stuck_at
from simulator.handlers.start_marker import StartMarker
from simulator.interrupts import stopping as stop

if TYPE_CHECKING:
    from simulator.engine import Event
    from simulator.handlers.ad_api import AdApi
    from simulator.handlers.host.loading import PluginLoading

__all__ = ["CLOSE_GRACE", "DEFAULT_LOAD_TIMEOUT", "PluginProcess", "RemoteHandler", "describe_exit"]

DEFAULT_LOAD_TIMEOUT = 10.0
"""Seconds a plugin's process has to import the plugin and return from ``register``."""
CLOSE_GRACE = 0.5
"""Seconds a plugin's threads have to end after its close hook before its process is killed."""

STOPPED_RUNNING = "api_not_answer: adsim stopped while this call was running; its process was ended"
"""The error of a call still running when adsim stopped (Ctrl-C, a signal, the window closed)."""

_START_TIMEOUT = 60.0
_READER_LIMIT = 30.0
"""Seconds ``close`` waits for the reader of a process that has ended (its pipe's end)."""


class PluginProcess(PluginMessages):
    """One plugin in a supervised child process (see the module docstring)."""

    def __init__(
        self,
        host: PluginLoading,
        plugin: Plugin,
        *,
        load_timeout: float = DEFAULT_LOAD_TIMEOUT,
        grace: float = CLOSE_GRACE,
    ):
        self.host = host
        self.plugin = plugin
        self.name = plugin.name
        self.load_timeout = load_timeout
        self.grace = grace
        self.api: AdApi = host.ad_api(plugin.name)
        self.registrations: list[tuple[EventName, str]] = []
        self._life: Life | None = None
        self._lock = threading.Lock()
        self._restart_lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._closed = False
        self._logging = False
        self._restart_error: str | None = None
        self.pipeline = Pipeline(self, host.timeout)
        """Calls sent without waiting (``simulator.handlers.pipeline``)."""

    # ------------------------------------------------------------------ life

    def _spawn(self, restart: bool) -> Life:
        # Imported with the first plugin process, not with the host: a run without plugins
        # (adsim demo) has no use for multiprocessing or subprocess (~7 ms of its start).
        import subprocess
        from multiprocessing.connection import Connection

        parent_read, child_write = os.pipe()
        child_read, parent_write = os.pipe()
        fd, dump_path = tempfile.mkstemp(prefix="adsim-stacks-", suffix=".txt")
        os.close(fd)
        marker = StartMarker()
        try:
            process = popen(  # on the spawner thread, tied to our life: spawner.py
                [
                    sys.executable,
                    "-m",
                    "simulator.handlers.child",
                    str(child_read),
                    str(child_write),
                    dump_path,
                    str(marker.fd),  # an int until release()
                ],
                pass_fds=(child_read, child_write, marker.fd),
                stdin=subprocess.DEVNULL,
                # A plugin's print goes to adsim's stderr: adsim's stdout carries data (the
                # events as JSON lines with --output -) that a debugging print would corrupt.
                stdout=2,
                **OWN_GROUP,  # what it starts ends with it (end_leftovers)
            )
        except BaseException:
            for descriptor in (parent_read, parent_write):
                os.close(descriptor)
            raise
        finally:
            os.close(child_read)
            os.close(child_write)
            marker.release()
        os.set_blocking(parent_write, False)  # see simulator.handlers.frames
        life = Life(
            process,
            Connection(parent_read, writable=False),
            Connection(parent_write, readable=False),
            dump_path,
            restart,
            marker,
        )
        life.reader = threading.Thread(
            target=self._read_loop, args=(life,), name=f"adsim-plugin-{self.name}", daemon=True
        )
        life.reader.start()
        return life

    def start(self) -> str | None:
        """Start the child and load the plugin; why it did not load (``file:line: ...``) or
        None. On the simulation thread the plugin's ``ad_api`` calls are run meanwhile."""
        return self._load(restart=False)

    def _load(self, restart: bool) -> str | None:
        from simulator.handlers.ad_api import AdApi  # loaded with the plugin's (self.api)

        where = self.plugin.at_line()  # no line an entry point's package does not have
        try:
            life = self._spawn(restart)
        except OSError as exc:
            return f"{where}: cannot start a process for it ({exc.strerror or exc})"
        with self._lock:
            self._life = life
        spec = {
            **(self.plugin.locator or {}),
            "name": self.name,
            "integration_key": self.host.integration_key,
            "agent": getattr(self.api, "agent", None),
            # Every read-only value of ``AdApi`` (agent, api_version ...), as of this load.
            "attributes": {
                name: getattr(self.api, name)
                for name in dir(AdApi)
                if not name.startswith("_") and isinstance(getattr(AdApi, name), property)
            },
            "sys_path": list(sys.path),
        }
        # The interpreter's own start-up is not the plugin's: on a busy machine it can take
        # seconds, and only importing the plugin and its register() count against the timeout.
        if not life.started.wait(max(_START_TIMEOUT, self.load_timeout)) or life.dead:
            self._kill(life, dump=False)
            code = life.process.poll()
            return f"{where}: its process did not start ({describe_exit(code)})"
        self._send(life, ("load", spec))
        if threading.get_ident() == self.host._engine_thread:
            done = self.host.wait_for(life.loaded, self.load_timeout)
        else:
            done = life.loaded.wait(self.load_timeout)
        if not done:
            dump = self._kill(life)
            stuck = stuck_at(dump, self.plugin.file)
            line = None
            if stuck and self.plugin.file and stuck.startswith(f"{self.plugin.file}:"):
                line = int(stuck[len(self.plugin.file) + 1 :].split(" ", 1)[0])
            at = f"; stuck at {stuck}" if stuck else ""
            what = (
                "register(ad_api) did not return"
                if stacks.registering(dump)
                else "its import did not end"
            )
            where = self.plugin.at_line(line)
            return f"{where}: {what} within {self.load_timeout:g} s{at}; its process was killed"
        if life.load_error is not None:
            self._kill(life, dump=False)
            return life.load_error
        if life.dead:
            return f"{where}: its process {describe_exit(life.process.returncode)} while loading"
        return None

    def ensure_started(self) -> None:
        """Start a fresh child now if the last one died or was killed: the host calls it before
        a call's deadline starts, so a restart's load time never counts as handler time."""
        self._alive()

    def _alive(self) -> tuple[Life | None, str | None]:
        """The running child, started afresh if the last one died or was killed (once: a
        plugin that cannot start again stays down)."""
        with self._restart_lock:
            life = self._life
            if life is not None and not life.dead and not life.killed:
                return life, None
            if self._closed:
                return None, "the simulator has stopped"
            if self._restart_error is None:
                self._restart_error = self._load(restart=True)
            if self._restart_error is not None:
                return None, self._restart_error
            return self._life, None

    def _end_leftovers(self, life: Life) -> None:
        """Once its process has ended: kill what the plugin started and left running."""
        with self._lock:
            if life.ended_leftovers or not OWN_GROUP:
                return
            life.ended_leftovers = True
        left = end_leftovers(life.process.pid)
        if left:
            self.host.add_incident(
                f"plugin {self.name}: {left} process(es) it started still running when its "
                "process ended; they were killed"
            )

    def _kill(self, life: Life, dump: bool = True) -> str | None:
        """Kill ``life``'s process (its stacks dumped first when ``dump``); the dump or None."""
        life.killed = True
        stacks = dump_stacks(life.process, life.dump_path) if dump else None
        if life.process.poll() is None:
            life.process.kill()
        return stacks

    # ------------------------------------------------------------------ messages

    def _read_loop(self, life: Life) -> None:
        while True:
            try:
                message = life.read.recv()
            except (EOFError, OSError):
                break
            except Exception:  # a message that does not unpickle: the child is not ours
                continue
            self._receive(life, message)
        code = life.process.wait()
        self._end_leftovers(life)
        with self._lock:
            life.dead = True
            pending = list(life.pending.values())
            life.pending.clear()
        reply: Reply = (
            "crashed",
            None,
            f"crashed: the plugin's process {describe_exit(code)} during this call; "
            "a fresh process takes its next calls",
            None,
        )
        if self._closed and life.killed:  # adsim is stopping and ended it: no crash of its own
            reply = ("timeout", None, STOPPED_RUNNING, life.stop_dump)
        for call in sorted(pending, key=lambda c: c.id):
            if call.done is not None:
                call.reply = reply
                call.done.set()
            elif self.started(call) is None:
                self.pipeline.orphan(call)  # never ran: the fresh process gets it
            else:
                self.pipeline.finished(call, reply)
        # Dead before it said it loaded: the load says so ("... while loading"), once; it never
        # served a call, so "between calls" and "a fresh process" would be untrue.
        had_loaded = life.loaded.is_set()
        life.started.set()
        life.loaded.set()
        if (
            had_loaded
            and not pending
            and not life.killed
            and not life.closing
            and life.load_error is None
        ):
            self.host.add_incident(
                f"plugin {self.name}: its process {describe_exit(code)} between calls; "
                "a fresh process takes its next calls"
            )
        for connection in (life.read, life.write):
            connection.close()
        if not life.closing:
            with contextlib.suppress(OSError):
                os.unlink(life.dump_path)

    # ------------------------------------------------------------------ calls

    def call(self, index: int, event: Event) -> Reply:
        """Run handler ``index`` on ``event`` in the child: (status, result, error, traceback);
        ``crashed`` when the process died during the call or could not be started again."""
        life, error = self._alive()
        if life is None:
            if self._closed:  # adsim stopped before it could run (no crash of the plugin's)
                return "timeout", None, STOPPED_UNSTARTED, None
            return (
                "crashed",
                None,
                f"crashed: its process could not be started again ({error})",
                None,
            )
        done = threading.Event()
        call = _Pending(done=done)
        if index < len(self.registrations):  # who is running, should a stop end it
            call.label = (event.name.value, self.registrations[index][1])
        call_id = next(self._ids)
        with self._lock:
            dead = life.dead
            if not dead:
                life.pending[call_id] = call
        if dead:
            code = life.process.returncode
            return "crashed", None, f"crashed: its process {describe_exit(code)}", None
        self._send(life, ("call", call_id, index, wire_payload(event)))
        done.wait()
        if call.reply is None:  # set before ``done`` by every path that sets ``done``
            return "crashed", None, "crashed: the call ended without a reply", None
        return call.reply

    def _dispatch(self, life: Life, call: _Pending) -> None:
        """Send a pipelined call (``Pipeline``) to ``life``."""
        if not call.id:
            call.id = next(self._ids)
        with self._lock:
            dead = life.dead
            if not dead:
                life.pending[call.id] = call
        if dead:
            self.pipeline.orphan(call)
            return
        self.pipeline.sending(call)
        self._send(life, ("call", call.id, call.index, call.args, True), call)

    def started(self, call: _Pending) -> float | None:
        """When the pipelined ``call`` started in its process (``time.monotonic``), as far as
        is known now; None while it has not (``StartMarker``)."""
        if call.started is None and call.ordinal and call.life is not None:
            count, at = call.life.marker.read()
            if count >= call.ordinal:
                # ``at`` is its start, or a later call's when it has ended already (its reply
                # on its way): a deadline counted from that is never early.
                call.started = at
        return call.started

    def abandon(self) -> str | None:
        """Give up on the call in flight (the host's timeout): dump where the child is, kill
        it; the next call starts a fresh one. Returns where it was stuck (or None). Read under
        the lock ``_load`` replaces it under; one still loading (a restart, the last process
        having died meanwhile) runs no call yet and has a load timeout of its own: left alone."""
        with self._lock:
            life = self._life
            if life is None or life.dead or not life.loaded.is_set():
                return None
        return self._kill(life)

    def end_on_stop(self, grace: float) -> str | None:
        """A stop's grace (``grace`` s: ``interrupts.STOP_GRACE``) is over: if a call is still
        in this plugin's process, its stacks are dumped and it is ended (no fresh one: its
        calls are ``timeout``, adsim stopped). Returns the line that says so, naming the
        handler, its event and where it was; None when it was running none."""
        with self._restart_lock:
            life = self._life
            if life is None or life.dead or life.killed or not life.pending:
                return None
            self._closed = True  # no fresh process: the calls left never run
        return self._end_running(life, f"{grace:g} s after adsim stopped", only_running=True)

    def _end_running(self, life: Life, when: str, *, only_running: bool = False) -> str | None:
        """End ``life``, its stacks dumped first (its calls' trace); the line naming the call
        it was running ``when`` (None when it was running none). ``only_running``: left alone
        when its call ended meanwhile (a handler done just as the stop's grace ran out: its
        process closes as any, its ``close()`` run)."""
        with self._lock:
            pending = life.pending[min(life.pending)] if life.pending else None
            if pending is None and only_running:
                return None
            life.killed = True
        dump = life.stop_dump = dump_stacks(life.process, life.dump_path)
        if life.process.poll() is None:
            life.process.kill()
        if pending is None:
            return None
        event, handler = self.pipeline.running() or pending.label
        where = self.where(dump) or self.where_any(dump)
        return (
            f"adsim: plugin {self.name}: its handler {handler} of {event} was still running "
            + when
            + (f", at {where}" if where else "")
            + "; its process was ended"
        )

    def _running_call(self, life: Life) -> tuple[str, str] | None:
        """(event, handler) of the call ``life`` is running, if it started one that has not
        ended."""
        with self._lock:
            pending = life.pending[min(life.pending)] if life.pending else None
        if pending is None or (pending.done is None and self.started(pending) is None):
            return None
        return self.pipeline.running() or pending.label

    def where(self, dump: str | None) -> str | None:
        """``file:line in function`` of a dump, this plugin's file first."""
        return stuck_at(dump, self.plugin.file)

    def where_any(self, dump: str | None) -> str | None:
        """Where in this plugin's file any thread of a dump was (a call that never started)."""
        return stuck_anywhere(dump, self.plugin.file)

    def say(self, line: str | None) -> None:
        """A stop's line on stderr (no summary follows a stop), masked as every plugin text."""
        if line is not None:
            with contextlib.suppress(OSError, ValueError):
                print(self.host.secrets.text(line) or line, file=sys.stderr, flush=True)

    def close(self) -> None:
        """Run the plugin's close hook in the child, give its threads ``grace`` seconds, run its
        atexit functions, then end the process whatever is left (within ``grace`` + 1 s of time
        it could run, or it is killed); the summary says what went wrong (``close_report``)."""
        with self._restart_lock:
            self._closed = True
            life = self._life
        self.pipeline.close()
        if life is None:
            return
        late: str | None = None  # its stacks when the close's limit ran out (then killed)
        running: tuple[str, str] | None = None  # a call still running then: what did not end
        if not life.dead and not life.killed:
            life.closing = True
            if not self._send_close(life):
                # Its stacks dumped before the kill: where it was stuck, said below, and the
                # trace of the call it was running (the kill alone said no "where").
                said = self._end_running(life, "when adsim stopped")
                if stop():
                    self.say(said)
                where = self.where(life.stop_dump) or self.where_any(life.stop_dump)
                self.host.add_incident(
                    f"plugin {self.name}: its process took nothing from its pipe for "
                    f"{self.grace:g} s (a handler still running"
                    + (f", at {where}" if where else "")
                    + "); its process was killed"
                )
            if not ended_within(life.process, self.grace + 1.0):  # of time it could run
                if stop():
                    self.say(self._end_running(life, "when adsim stopped"))
                    late = life.stop_dump or ""
                else:
                    running = self._running_call(life)
                    # Where it was, before the kill: for the line below, and the trace of the
                    # call it was running (its outcome, ``STOPPED_RUNNING``, from its reader).
                    life.stop_dump = dump_stacks(life.process, life.dump_path)
                    late = life.stop_dump or ""
                    self._kill(life, dump=False)
        elif life.process.poll() is None:
            life.process.kill()
        life.process.wait()
        self._end_leftovers(life)  # one holding the pipe from its process keeps the reader waiting
        if life.reader is not None and life.reader is not threading.current_thread():
            # What its reader has left to do (the close's own word, the calls in flight ended
            # and their outcomes) is waited for however slow the machine: 2 s was not, under
            # load, and a close that went well was said to have ended the process early. Only
            # a process of the plugin's that left its group holding the pipe keeps it longer.
            life.reader.join(_READER_LIMIT)
        for line in close_lines(
            life, self.grace, late, self.where, self.plugin.file, running=running
        ):
            self.host.add_incident(f"plugin {self.name}: {line}")
        with contextlib.suppress(OSError):
            os.unlink(life.dump_path)
