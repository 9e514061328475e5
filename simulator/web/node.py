"""JS handler modules run headless: a ``node`` subprocess speaking JSON lines on stdin/stdout.

``NodeHandler(host, "handler.mjs").start()`` starts ``node node-runner.mjs handler.mjs``: the
runner loads the same shim a page gets (``static/api.js``) with a stdio transport, imports the
module and calls its ``register(new AdApi(...))``. The module's console goes to our stderr.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import threading
from importlib.resources import files
from pathlib import Path
from typing import Any

from simulator.data import InputFileError
from simulator.handlers import HandlerHost
from simulator.web.endpoint import Packet, PageEndpoint

__all__ = [
    "STARTUP_TIMEOUT",
    "NodeHandler",
    "check_js_handlers",
    "find_node",
    "runner_path",
    "shim_path",
]

STARTUP_TIMEOUT = 15.0
"""Seconds a handler module has to load and register its handlers."""


def shim_path() -> Path:
    """The adApi shim served to pages and loaded by the Node runner."""
    return Path(str(files("simulator.web") / "static" / "api.js"))


def runner_path() -> Path:
    """The Node runner script."""
    return Path(str(files("simulator.web") / "static" / "node-runner.mjs"))


def find_node() -> str | None:
    """The ``node`` executable on PATH (``$ADSIM_NODE`` overrides), or None."""
    return shutil.which(os.environ.get("ADSIM_NODE", "node"))


def check_js_handlers(paths: list[Path]) -> str:
    """The ``node`` to run ``paths`` with; ``InputFileError`` when a file or ``node`` is
    missing."""
    for path in paths:
        if not Path(path).is_file():
            raise InputFileError(
                str(path), None, "no such JS handler file; check the --js-handler path"
            )
    found = find_node()
    if found is None:
        raise InputFileError(
            str(paths[0]) if paths else "--js-handler",
            None,
            "--js-handler needs Node.js but `node` is not on PATH; install Node 18 or later",
        )
    return found


class NodeHandler:
    """One JS handler module in its own ``node`` process, a plugin ``js:<file>`` of ``host``."""

    def __init__(
        self,
        host: HandlerHost,
        path: str | Path,
        *,
        node: str | None = None,
        options: dict[str, Any] | None = None,
    ):
        self.path = Path(path)
        found = node or check_js_handlers([self.path])
        self.host = host
        self._write_lock = threading.Lock()
        env = dict(os.environ)
        env["ADSIM_API_TIMEOUT_MS"] = str(round(host.timeout * 1000))
        env["ADSIM_ADAPI_OPTIONS"] = json.dumps(options or {})
        self.process = subprocess.Popen(
            [found, str(runner_path()), str(self.path.resolve())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None,
            env=env,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self.endpoint = PageEndpoint(
            host,
            self._send,
            name=f"js:{self.path.name}",
            source=str(self.path),
            close=self.close,
        )
        self._reader = threading.Thread(
            target=self._read_loop, name=f"adsim-node-{self.path.name}", daemon=True
        )
        self._reader.start()

    def _send(self, packet: Packet) -> None:
        stdin = self.process.stdin
        if stdin is None:
            return
        line = json.dumps(packet, separators=(",", ":"), ensure_ascii=False) + "\n"
        with self._write_lock:
            stdin.write(line)
            stdin.flush()

    def _read_loop(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        for line in stdout:
            text = line.strip()
            if not text:
                continue
            try:
                packet = json.loads(text)
            except ValueError:
                packet = None
            if not isinstance(packet, dict):
                # The module wrote to process.stdout itself: show it, as console output.
                print(f"[{self.path.name}] {text}", file=sys.stderr)
                continue
            self.endpoint.receive(packet)
        code = self.process.wait()
        self.endpoint.disconnect(f"the node process for {self.path.name} exited (code {code})")

    def start(self, timeout: float = STARTUP_TIMEOUT) -> NodeHandler:
        """Wait until the module registered its handlers and the handshake is done; a module
        that does not load raises ``InputFileError`` (``file:line: message``)."""
        done = self.endpoint.registered.wait(timeout) and self.endpoint.ready.wait(
            0 if self.endpoint.error else timeout
        )
        if self.endpoint.error is not None or not done:
            message = self.endpoint.error or (
                f"{self.path}:1: the module did not register its handlers within {timeout:g} s"
            )
            self.close()
            path, _, rest = message.partition(": ")
            raise InputFileError(path, None, rest or message)
        return self

    def close(self) -> None:
        """End the node process (stdin closed first, killed if it lingers)."""
        process = self.process
        if process.poll() is None:
            try:
                if process.stdin is not None:
                    with self._write_lock:
                        process.stdin.close()
            except OSError:
                pass
            try:
                process.wait(2.0)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(2.0)
        self.endpoint.close()
        if self._reader.is_alive() and self._reader is not threading.current_thread():
            self._reader.join(2.0)
        for stream in (process.stdout, process.stdin):
            if stream is not None and not stream.closed:
                with contextlib.suppress(OSError):
                    stream.close()
