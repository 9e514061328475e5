"""JS handler modules run headless: a ``node`` subprocess speaking JSON lines, on its stdin and
on a pipe of its own (``node_pipes``: node's stdout is the module's output).

``NodeHandler(host, "handler.mjs").start()`` starts ``node node-runner.mjs handler.mjs``: the
runner loads the same shim a page gets (``static/api.js``) with a stdio transport, imports the
module and calls its ``register(new AdApi(...))``. The module's console goes to our stderr.

Each process has its reader thread, numbered by a generation: a reload starts a new generation
before the endpoint reopens, so a reader that outlives its process (``close`` waits for it only
2 s) can neither deliver the old process's packets nor report its exit to the new one.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

from simulator.data.errors import PluginLoadError
from simulator.handlers import HandlerHost
from simulator.handlers.spawner import OWN_GROUP, end_leftovers, popen, tied
from simulator.handlers.supervisor import CLOSE_GRACE
from simulator.one_line import one_line
from simulator.web.endpoint import LOOP_HINT, Packet, PageEndpoint
from simulator.web.last_words import LastWords, exit_words
from simulator.web.node_leftovers import MARK_ENV, end_marked, new_mark
from simulator.web.node_load import wait_loaded
from simulator.web.node_pipes import PacketPipe, copy_output, process_state
from simulator.web.node_program import (
    check_js_handlers,
    find_node,
    later_events,
    node_problem,
    runner_path,
    shim_path,
)

__all__ = [
    "STARTUP_TIMEOUT",
    "NodeHandler",
    "check_js_handlers",
    "find_node",
    "node_problem",
    "runner_path",
    "shim_path",
]

STARTUP_TIMEOUT = 15.0
"""Seconds a handler module has to load and register its handlers (the host's
``load_timeout``, ``--handler-load-timeout``, when that is longer)."""

_CLOSE_GRACE_S = 2.0
"""How long ``close`` waits for node to end once its stdin is closed and the grace of the work
its module left pending is over (``_end_grace``), before killing it."""
_LEFTOVERS_WAIT_S = 30.0
"""Bound of the wait for another thread ending what a module left running (a look through
``/proc``: milliseconds)."""


def _packet_tag() -> str:
    """A mark no other output has: the runner starts each packet line with it. Where the packets
    share node's stdout with the module's file descriptor 1 (not POSIX: ``fs.writeSync(1, ...)``,
    a child process started with ``stdio: "inherit"``), a line without the mark is that output,
    however much it looks like a packet, and text glued before a packet costs no packet."""
    return f"\x1eadsim-{secrets.token_hex(8)}:"


class NodeHandler:
    """One JS handler module in its own ``node`` process, a plugin ``js:<file>`` of ``host``.

    ``host.reload()`` ends the process and starts a new one for the module as it is on disk now,
    its handshake done before ``reload`` returns; a module that no longer loads shows its
    ``file:line: message`` in ``host.plugins`` (``loaded`` False) and the run goes on without it.
    ``host.close()`` ends the process.
    """

    def __init__(
        self,
        host: HandlerHost,
        path: str | Path,
        *,
        node: str | None = None,
        options: dict[str, Any] | None = None,
    ):
        self.path = Path(path)
        self.node = node or check_js_handlers([self.path])
        self.host = host
        self._options = options or {}
        self._write_lock = threading.Lock()
        self._process_lock = threading.Lock()
        # Held by a reader while it hands the endpoint a packet or its process's exit, and by a
        # reload while it makes the readers so far stale: one cannot slip into the other.
        self._reader_lock = threading.Lock()
        self._groups: dict[int, str] = {}
        """The process groups ``_spawn`` made (their leaders' pids) not yet looked through for
        what their module left running (``_end_leftovers``), each with the mark its node's
        environment carries (``node_leftovers``: what the module started detached)."""
        self._packets: dict[int, IO[str]] = {}
        """Each node process's pipe for packets (``node_pipes``), until its reader takes it."""
        self._output: dict[int, threading.Thread] = {}
        """Each node process's thread showing what its stdout carries (the module's output)."""
        self._last_words: dict[int, LastWords] = {}
        """Each node process's pipe for why it ends (``last_words``), until its reader reads it."""
        self._ending: dict[int, threading.Event] = {}
        """Set for each of those groups once what its module left running has been ended."""
        self._generation = 0
        self._reading = threading.local()  # ``reader``: on a reader thread (see ``_send``)
        self._ended: str | None = None
        """Why adsim ended the current process (its event loop blocked), or None."""
        self._attached_before = 0
        """The endpoint's AdApi instances before the current process started."""
        self._loaded = False
        """Whether the current process's module loaded (its exit is then worth a word)."""
        self._crash: str | None = None
        """What the current process's runner said ended it (``__crash__``), once read."""
        self._pending_said: set[int] = set()
        """The node processes whose work left pending at the end (``__pending__``) is said."""
        self._tag = _packet_tag()
        """What starts each packet line on node's stdout (the runner reads it from, and takes it
        out of, its environment: the module's child processes never see it)."""
        self.process = self._spawn()
        self.endpoint = PageEndpoint(
            host,
            self._send,
            name=f"js:{self.path.name}",
            source=str(self.path),
            close=self.close,
            reopen=self._reopen,
            blocked=self._blocked,
            blocked_ends=True,
            places=True,
            unready=f"js:{self.path.name} had not loaded when {{event}} came: its handlers did "
            "not run (NodeHandler(...).start() waits for its module to load)",
        )
        self._reader = self._start_reader(self.process, self._generation)

    def _spawn(self) -> subprocess.Popen[str]:
        env = dict(os.environ)
        env["ADSIM_API_TIMEOUT_MS"] = str(round(self.host.timeout * 1000))
        # What the runner's walk of a module's imports (a load error's place) must fit inside.
        env["ADSIM_LOAD_TIMEOUT_MS"] = str(round(self._load_timeout() * 1000))
        env["ADSIM_ADAPI_OPTIONS"] = json.dumps(self._options)
        env["ADSIM_AGENT"] = self.host.sim.name  # the module's adApi.agent (ad_api.agent's)
        # The Comm.Widget generation of the run's adApi version (2026: the 2.0 adapter class).
        env["ADSIM_WIDGET"] = self.host.sim.api_version.widget
        # The events it lacks: the module's adApi.on of one throws (ad_api.on's error).
        env["ADSIM_LATER_EVENTS"] = later_events(self.host.sim.api_version)
        env["ADSIM_PACKET_TAG"] = self._tag
        env["ADSIM_END_GRACE_MS"] = str(round(self._end_grace() * 1000))
        env[MARK_ENV] = mark = new_mark()
        words, packets = LastWords(), PacketPipe()
        env.update(words.env)
        env.update(packets.env)
        # Tied to adsim's life: a module stuck in a loop never outlives a killed adsim.
        try:
            process = popen(
                tied([self.node, str(runner_path()), str(self.path.resolve())]),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=None,
                env=env,
                text=True,
                encoding="utf-8",
                # What reaches node's stdout (a child process the module started with its
                # stdio, a write to fd 1) may not be UTF-8: a byte that is not killed the reader
                # (a traceback, every later packet lost).
                errors="replace",
                bufsize=1,
                pass_fds=words.pass_fds + packets.pass_fds,
                **OWN_GROUP,  # what the module starts ends with it (spawner.end_leftovers)
            )
        except BaseException:
            words.close()
            packets.close()
            raise
        finally:
            words.started()
        stream = packets.stream()
        with self._reader_lock:
            self._last_words[process.pid] = words
            if stream is not None:
                self._packets[process.pid] = stream
            if OWN_GROUP:
                self._groups[process.pid] = mark
        return process

    def _end_grace(self) -> float:
        """Seconds the module's pending work (a fetch not awaited, a timer) has to finish once
        its stdin has closed: the host's close grace, which a plugin's threads get."""
        grace = getattr(self.host, "close_grace", CLOSE_GRACE)
        return float(grace) if isinstance(grace, (int, float)) and grace >= 0 else CLOSE_GRACE

    def _say_pending(self, process: subprocess.Popen[str], packet: Packet) -> None:
        """The runner's word (``__pending__``) that work its module left was still pending after
        its grace at the end, and was dropped: an incident, once per process."""
        pid = getattr(process, "pid", -1)
        with self._reader_lock:
            if pid in self._pending_said:
                return
            self._pending_said.add(pid)
        what = one_line(str((packet.get("params") or ["?"])[0]))
        self.host.add_incident(
            f"js:{self.path.name}: work it left pending still running {self._end_grace():g} s "
            f"after the end: {what}; its node process was ended, that work with it"
        )

    def _start_reader(self, process: subprocess.Popen[str], generation: int) -> threading.Thread:
        with self._reader_lock:
            grouped = getattr(process, "pid", None) in self._groups
            packets = self._packets.pop(getattr(process, "pid", -1), None)
        reader = threading.Thread(
            target=self._read_loop,
            args=(process, generation, packets or process.stdout),
            name=f"adsim-node-{self.path.name}",
            daemon=True,
        )
        reader.start()
        if packets is not None and process.stdout is not None:  # stdout is the output alone
            output = threading.Thread(
                target=copy_output,
                args=(process.stdout, self.path.name),
                name=f"adsim-node-output-{self.path.name}",
                daemon=True,
            )
            output.start()
            with self._reader_lock:
                self._output[process.pid] = output
        if grouped:  # a group ``_spawn`` made: what the module leaves in it can be ended
            threading.Thread(
                target=self._watch_exit,
                args=(process,),
                name=f"adsim-node-exit-{self.path.name}",
                daemon=True,
            ).start()
        return reader

    def _watch_exit(self, process: subprocess.Popen[str]) -> None:
        """Once node has exited, end what its module left running: a process it started with
        its stdio (``stdio: "inherit"``) holds node's stdout open, so the reader never saw the
        exit, and each later event was a timeout, then a "blocked event loop", not the exit."""
        process.wait()
        self._end_leftovers(process)

    def _send(self, packet: Packet) -> None:
        stdin = self.process.stdin
        if stdin is None:
            return
        line = json.dumps(packet, separators=(",", ":"), ensure_ascii=False) + "\n"
        try:
            with self._write_lock:
                stdin.write(line)
                stdin.flush()
        except (OSError, ValueError):
            # Node has exited (or is exiting): its reader, once through what node wrote, says
            # why (a crash, an exit code, a load error); said first, it is the reason the
            # endpoint keeps, not "the page's transport is closed" (what a request's answer
            # found, racing the reader). The reader's own post (a hello to a node dead since)
            # fails unsaid: disconnected here, the load's wait ended before its error was read.
            if getattr(self._reading, "reader", False):
                return
            self._await_exit_report()
            raise

    def _await_exit_report(self) -> None:
        """Wait (bounded) for node's exit and its reader's report of it, off the reader."""
        with self._process_lock:
            process, reader = self.process, self._reader
        if reader is threading.current_thread():
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(_CLOSE_GRACE_S)
            reader.join(_LEFTOVERS_WAIT_S)

    def _read_loop(
        self, process: subprocess.Popen[str], generation: int, stream: IO[str] | None
    ) -> None:
        assert stream is not None
        self._reading.reader = True
        crash: str | None = None
        for line in stream:
            mark = line.find(self._tag)
            before = line if mark < 0 else line[:mark]
            if before.strip():
                # Not the runner's (the module's output on stdout, where the packets share it:
                # a packet follows when it wrote no newline): shown, never taken for a packet.
                print(f"[{self.path.name}] {before.rstrip()}", file=sys.stderr)
            if mark < 0:
                continue
            text = line[mark + len(self._tag) :]
            try:
                packet = json.loads(text)
            except ValueError:
                packet = None
            if not isinstance(packet, dict) or not isinstance(packet.get("type"), str):
                # Not the runner's (its packets are whole JSON objects with a type): shown.
                print(f"[{self.path.name}] {text.strip()}", file=sys.stderr)
                continue
            if packet["type"] == "__pending__":  # no pipe for last words (not POSIX)
                self._say_pending(process, packet)
                continue
            with self._reader_lock:
                if generation != self._generation:
                    continue  # a process a reload replaced: its packets are for nobody
                if packet["type"] == "__crash__":  # why node is about to end (the runner's)
                    crash = str((packet.get("params") or ["?"])[0])
                self.endpoint.receive(packet)
        if stream is not process.stdout:
            with contextlib.suppress(OSError):
                stream.close()
        code = process.wait()
        with self._reader_lock:
            if generation == self._generation:
                self._crash = crash
            words = self._last_words.pop(getattr(process, "pid", -1), None)
        for packet in words.packets(self._tag) if words is not None else ():
            if packet["type"] == "__pending__":  # ``close`` says it (it waits for no reader)
                continue
            with self._reader_lock:  # why node ended, once all it wrote on stdout is in
                if generation != self._generation:
                    break
                if packet["type"] == "__crash__":
                    crash = self._crash = str((packet.get("params") or ["?"])[0])
                self.endpoint.receive(packet)
        self._end_leftovers(process)
        with self._reader_lock:
            if generation == self._generation:  # not a process a reload has already replaced
                ended = self._ended
                self.endpoint.disconnect(
                    f"adsim ended the node process for {self.path.name} ({ended})"
                    if ended
                    else f"the node process for {self.path.name} {exit_words(code)}"
                    + (f" after {crash}" if crash else ""),
                    gone=True,
                )

    def _blocked(self, reason: str) -> str:
        """The module's event loop is stuck (``while (true) {}`` in a handler): end its process,
        which would never read another event nor exit, and burns a CPU meanwhile. The reason,
        truer when node was not looping but stopped (``process.kill(process.pid, "SIGSTOP")``)."""
        with self._process_lock:
            process = self.process
        state = process_state(process.pid)
        if state is not None and state in "Tt":
            how = "stopped by a debugger" if state == "t" else "stopped, by SIGSTOP or SIGTSTP"
            reason = f"{reason.removesuffix(LOOP_HINT)} (its node process was {how})"
        with self._process_lock:
            self._ended = reason
        with contextlib.suppress(OSError):
            process.kill()
        return reason

    def _wait_loaded(self, timeout: float) -> str | None:
        """Wait for the module's registration and handshake; why it did not load, or None."""
        return wait_loaded(
            self.host,
            self.endpoint,
            self.process,
            self.path,
            instances=self._attached_before,
            timeout=timeout,
        )

    def _load_timeout(self) -> float:
        # A longer --handler-load-timeout is for every plugin, JS modules too (one that fetches
        # its configuration while it loads); Node's own start needs the 15 s at least.
        return max(STARTUP_TIMEOUT, float(getattr(self.host, "load_timeout", 0.0)))

    def start(self, timeout: float | None = None) -> NodeHandler:
        """Wait until the module registered its handlers and the handshake is done (within
        ``timeout``, by default ``STARTUP_TIMEOUT`` or the host's longer ``load_timeout``); a
        module that does not load raises ``PluginLoadError`` (``file:line: message``; exit 1)."""
        message = self._wait_loaded(self._load_timeout() if timeout is None else timeout)
        if message is not None:
            self.close()
            path, _, rest = message.partition(": ")
            raise PluginLoadError(path, None, rest or message)
        self._loaded = True
        return self

    def _reopen(self) -> str | None:
        """The reload's restart, after ``close``: a new node process for the module as it is
        on disk now; why it did not load (``file:line: message``), or None."""
        if not self.path.is_file():
            return f"{self.path}:1: no such JS handler file any more; restore it and reload"
        with self._reader_lock:
            # Before the endpoint reopens: from here on the old reader, if ``close`` could not
            # wait it out, reports nothing (its process exiting would mark this one registered).
            self._generation += 1
            generation = self._generation
        self.endpoint.reopen()
        self._ended = None
        self._loaded, self._crash = False, None
        self._attached_before = self.endpoint.instances
        try:
            process = self._spawn()
        except OSError as exc:
            self.endpoint.close()
            return f"{self.path}:1: cannot start {self.node} ({exc.strerror or exc})"
        with self._process_lock:
            self.process = process
            self._reader = self._start_reader(process, generation)
        message = self._wait_loaded(self._load_timeout())
        if message is not None:
            self.close()
        self._loaded = message is None
        return message

    def _end_leftovers(self, process: subprocess.Popen[str]) -> None:
        """Once node has ended: kill what the module started and left running (a summary line;
        once per process, and only in a group ``_spawn`` made: its reader, its exit watcher and
        ``close`` may each call it, and each returns once the line is there, whoever wrote it:
        ``close`` returning first let the run's summary go out without it)."""
        with self._reader_lock:
            pid = getattr(process, "pid", None)
            if process.returncode is None or pid is None:
                return
            mark = self._groups.pop(pid, None)
            ending = self._ending.get(pid)
            if mark is not None:
                ending = self._ending[pid] = threading.Event()
        if ending is None:
            return
        if mark is None:  # another thread is at it: its line must be in first
            ending.wait(_LEFTOVERS_WAIT_S)
            return
        try:
            # Those it started detached (``{detached: true}``: a group of their own) too.
            left = end_leftovers(pid) + end_marked(mark, pid)
            if left:
                self.host.add_incident(
                    f"js:{self.path.name}: {left} process(es) it started still running when its "
                    "node process ended; they were killed"
                )
        finally:
            ending.set()

    def _say_unseen_exit(self, code: int, *, alive: bool) -> None:
        """A failed exit no handler outcome names (after the last event it was sent, on the way
        out) is an incident: an error thrown there, said only on node's stderr, passed the run."""
        if not alive and self.endpoint.gone_said:
            return  # the outcomes of the call in flight and the events after it name it
        crash = self._crash
        self.host.add_incident(
            f"js:{self.path.name}: its node process ended after the last event it was sent: "
            f"{exit_words(code)}" + (f" after {crash}" if crash else "")
        )

    def close(self) -> None:
        """End the node process (stdin closed first, killed if it lingers); idempotent."""
        with self._process_lock:
            process, reader = self.process, self._reader
        endpoint = self.endpoint
        # A module that had loaded and still runs (not one failing to load, nor one adsim ended).
        running = endpoint.error is None and endpoint.ready.is_set() and self._ended is None
        alive = killed = process.poll() is None
        with self._reader_lock:  # before its reader may take them: what it left pending
            words = self._last_words.get(getattr(process, "pid", -1))
        ending = self._end_grace() + _CLOSE_GRACE_S
        if alive:
            try:
                if process.stdin is not None:
                    with self._write_lock:
                        process.stdin.close()
            except OSError:
                pass
            try:
                # The module's pending work gets its grace, then node exits (node-runner.mjs).
                process.wait(ending)
                killed = False
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(_CLOSE_GRACE_S)
                if running:
                    # What the module did on the way out (a ``process.on("exit")`` hook that
                    # never returns) was cut short: an incident, as a Python plugin's close
                    # that does not finish is (it passed without a word).
                    self.host.add_incident(
                        f"js:{self.path.name}: its node process did not end within "
                        f"{ending:g} s of its stdin closing (a process.on('exit') hook "
                        "or a handler still running?); it was killed"
                    )
        if words is not None and process.returncode is not None:
            # Said here, not by the reader: the summary must not go out before it.
            for packet in words.packets(self._tag):
                if packet["type"] == "__pending__":
                    self._say_pending(process, packet)
        # Here too, not only when the reader sees the end of node's output: a process the module
        # started with its stdio (``stdio: "inherit"``) holds that output open.
        self._end_leftovers(process)
        self.endpoint.close()
        with self._reader_lock:
            output = self._output.pop(getattr(process, "pid", -1), None)
        if output is not None and process.returncode is not None:
            output.join(_LEFTOVERS_WAIT_S)  # the module's last lines, before the summary
            if output.is_alive():  # held open by a process beyond reach (``node_leftovers``)
                self.host.add_incident(
                    f"js:{self.path.name}: node's stdout still open {_LEFTOVERS_WAIT_S:g} s "
                    "after node ended (a process the module started holds it); adsim went on"
                )
        if reader.is_alive() and reader is not threading.current_thread():
            reader.join(2.0)
        with self._reader_lock:  # a reader that could not read it (stuck, or never started)
            words = self._last_words.pop(getattr(process, "pid", -1), None)
        if words is not None:
            words.close()
        # An error thrown in a process.on("exit") hook leaves process.exit's code 0: its crash
        # says it.
        if (
            self._loaded
            and not killed
            and self._ended is None
            and (process.returncode or self._crash)
        ):
            self._say_unseen_exit(process.returncode, alive=alive and running)
        self._loaded = False  # said once: ``close`` is called again by the host after a reload
        # The output's thread closes stdout itself (closing a file another thread reads waits
        # for that read).
        out = process.stdout if output is None else None
        for stream in (out, process.stdin):
            if stream is not None and not stream.closed:
                with contextlib.suppress(OSError):
                    stream.close()
