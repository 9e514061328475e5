"""The end of a JS handler module's run: the work it left pending (a fetch it did not await, a
timer) gets a grace to finish before its node process ends; what is still pending after it is
named in the summary and fails the run. Node used to exit as soon as its stdin closed: that work
was dropped, and nothing said so."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import select
import shlex
import shutil
import signal
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.data import load_tenant
from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.web import NodeHandler, find_node

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "fixtures" / "scenarios"
needs_node = pytest.mark.skipif(find_node() is None, reason="node is not installed (Node 18+)")
WAIT_S = 60.0


class _CrmServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    release: threading.Event


class _Crm(http.server.BaseHTTPRequestHandler):
    """A CRM answering ``POST /save`` once ``/release`` has been asked for (or at once when no
    release is awaited), keeping its connections alive (HTTP/1.1)."""

    protocol_version = "HTTP/1.1"
    server: _CrmServer

    def _answer(self, text: str) -> None:
        body = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/release":
            self.server.release.set()
        self._answer("ok")

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/save-after-release":
            self.server.release.wait(WAIT_S)
        self._answer("saved")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def crm() -> Iterator[str]:
    server = _CrmServer(("127.0.0.1", 0), _Crm)
    server.release = threading.Event()
    thread = threading.Thread(target=server.serve_forever, name="test-crm", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _chat(host: HandlerHost, module: Path) -> None:
    """``module`` under node in ``host``: the agent ready, one chat offered, everything handled."""
    NodeHandler(host, module).start()
    host.sim.login()
    host.sim.set_agent_state("ready")
    host.sim.offer_chat("Web Chat", None, "Hello")
    assert host.settle(timeout=120)


def _run(module: Path, *, close_grace: float) -> HandlerHost:
    host = HandlerHost(Simulator(load_tenant(), seed=3), timeout=30, close_grace=close_grace)
    try:
        _chat(host, module)
    finally:
        host.close(timeout=30)
    return host


@needs_node
def test_a_post_the_module_did_not_await_finishes_within_its_grace(
    tmp_path: Path, crm: str
) -> None:
    """The CRM answers the POST only once the run has ended (the module's stdin closed): node
    exited at that moment, and the activity record never reached the CRM."""
    marker = tmp_path / "saved.txt"
    module = tmp_path / "crm.mjs"
    module.write_text(
        'import { writeFileSync } from "node:fs";\n'
        "export function register(adApi) {\n"
        "  adApi.on('ON_NEW_INTERACTION', (interaction) => {\n"
        f"    fetch('{crm}/save-after-release',\n"
        "      {method: 'POST', body: JSON.stringify(interaction)})\n"
        "      .then((r) => r.text())\n"
        f"      .then((text) => writeFileSync({json.dumps(str(marker))}, text));\n"
        "  });\n"
        f"  process.stdin.on('end', () => fetch('{crm}/release').then((r) => r.text()));\n"
        "}\n",
        encoding="utf-8",
    )
    host = _run(module, close_grace=WAIT_S)
    assert marker.read_text(encoding="utf-8") == "saved"
    ended = [text for text in host.incidents if "pending" in text or "did not end" in text]
    assert not ended, host.incidents


@needs_node
def test_work_still_pending_after_the_grace_is_named_and_fails_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A timer and a request nobody answers, left by a handler: node was ended with them at the
    end of the run, and the run passed."""
    silent = socket.socket()  # connections are taken (the backlog) and never answered
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    port = silent.getsockname()[1]
    module = tmp_path / "pending.mjs"
    module.write_text(
        "export function register(adApi) {\n"
        "  adApi.on('ON_NEW_INTERACTION', () => {\n"
        "    setTimeout(() => {}, 600000);\n"
        f"    fetch('http://127.0.0.1:{port}/save', {{method: 'POST', body: '{{}}'}})\n"
        "      .catch(() => {});\n"
        "  });\n"
        "}\n",
        encoding="utf-8",
    )
    try:
        argv = ["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module)]
        code = main([*argv, "--journal", ":memory:"])
    finally:
        silent.close()
    err = capsys.readouterr().err
    assert code == 1, err
    [line] = [line for line in err.splitlines() if "js:pending.mjs:" in line]
    assert line.startswith(
        "adsim:   js:pending.mjs: work it left pending still running 0.5 s after the end: "
    ), line
    assert line.endswith("; its node process was ended, that work with it"), line
    assert "Timeout (timer)" in line, line
    assert "TCPSocketWrap (socket: a fetch or connection)" in line, line


@needs_node
def test_idle_sockets_unref_timers_and_the_runners_own_pipes_are_no_pending_work(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], crm: str
) -> None:
    """What keeps nothing running is not named: the idle keep-alive socket of an awaited fetch,
    an ``unref()``'d interval, node's stdio. A call made once the run has ended is
    ``api_not_answer`` at once (nobody is left to answer), not a timer pending for the whole
    API timeout."""
    marker = tmp_path / "late.json"
    module = tmp_path / "tidy.mjs"
    module.write_text(
        'import { writeFileSync } from "node:fs";\n'
        "export function register(adApi) {\n"
        "  setInterval(() => {}, 1000).unref();\n"
        "  adApi.on('ON_SAVE_ACTIVITY_RECORD', async (activity) => {\n"
        f"    const saved = await fetch('{crm}/save', {{method: 'POST', body: 'x'}});\n"
        "    console.log('crm said', await saved.text());\n"
        "    process.stdout.write('done\\n');\n"
        "  });\n"
        "  process.stdin.on('end', async () => {\n"
        "    const state = await adApi.getAgentState();\n"
        f"    writeFileSync({json.dumps(str(marker))}, JSON.stringify(state));\n"
        "  });\n"
        "}\n",
        encoding="utf-8",
    )
    argv = ["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module)]
    code = main([*argv, "--journal", ":memory:", "--handler-timeout", "60"])
    err = capfd.readouterr().err
    assert code == 0, err
    assert "crm said saved" in err
    late = json.loads(marker.read_text(encoding="utf-8"))
    assert late["status"] == "error", late
    assert late["error"]["name"] == "api_not_answer", late


def _said_by_module(server: socket.socket) -> str:
    """What the module sent to ``server`` on one connection (bounded waits, no sleeps)."""
    server.settimeout(WAIT_S)
    conn, _ = server.accept()
    with conn:
        conn.settimeout(WAIT_S)
        data = b""
        while chunk := conn.recv(4096):
            data += chunk
    return data.decode()


@needs_node
def test_what_the_module_writes_to_fd_1_is_whole_though_adsim_reads_its_packets_behind(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Node's stdout carried the packets and was non-blocking: with adsim's reader behind (here
    held at a request), a module's ``fs.writeSync(1, ...)`` of 100 KB wrote what fitted the pipe
    and returned (or threw ``EAGAIN``), the rest of its output lost. Its output now has node's
    stdout to itself, blocking as a terminal is, and the packets a pipe of their own."""
    told = socket.create_server(("127.0.0.1", 0))
    module = tmp_path / "writes.mjs"
    module.write_text(
        'import { writeSync } from "node:fs";\n'
        'import { connect } from "node:net";\n'
        "export function register(adApi) {\n"
        "  adApi.on('ON_LOGIN', () => {\n"
        "    adApi.getAgentState(); // the test holds adsim's reader at this request\n"
        "    let wrote;\n"
        "    try {\n"
        "      wrote = String(writeSync(1, 'z'.repeat(100000) + '\\n'));\n"
        "    } catch (error) {\n"
        "      wrote = error.code;\n"
        "    }\n"
        f"    connect({told.getsockname()[1]}, '127.0.0.1').end(wrote);\n"
        "  });\n"
        "}\n",
        encoding="utf-8",
    )
    host = HandlerHost(Simulator(load_tenant(), seed=3), timeout=30)
    held, release = threading.Event(), threading.Event()

    def hold(direction: str, packet: dict[str, object]) -> None:
        if direction == "in" and packet.get("type") == "GET_AGENT_STATE":
            held.set()
            release.wait(WAIT_S)

    try:
        handler = NodeHandler(host, module).start()
        handler.endpoint.subscribe_packets(hold)
        host.sim.login()
        assert held.wait(WAIT_S), "the module's request never came"
        wrote = _said_by_module(told)
        release.set()
        assert host.settle(timeout=120)
    finally:
        release.set()
        told.close()
        host.close(timeout=30)
    assert wrote == "100001"
    err = capfd.readouterr().err
    assert f"[writes.mjs] {'z' * 100000}" in err.splitlines()
    assert [o.status for o in host.outcomes] == ["ok"] * len(host.outcomes), host.outcomes


LINGERS = "['-e', 'setTimeout(() => {}, 600000)']"
"""A node child's arguments: it runs 10 minutes unless killed."""


@needs_node
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="leftovers are found in /proc")
@pytest.mark.parametrize(
    "start",
    [
        # Detached, with an environment of its own.
        "const child = spawn(process.execPath, LINGERS,"
        " {detached: true, stdio: 'ignore', env: {}}); child.unref(); return child.pid;",
        # A sync call with an environment of its own, whose child leaves one detached.
        "return execFileSync(process.execPath, ['-e', `const c = require('child_process')"
        ".spawn(process.execPath, ${JSON.stringify(LINGERS)}, {detached: true, stdio: 'ignore'});"
        " c.unref(); process.stdout.write(String(c.pid));`], {env: {}}).toString();",
    ],
)
def test_a_process_started_with_an_environment_of_its_own_ends_with_its_node(
    tmp_path: Path, start: str
) -> None:
    """``spawn(..., {detached: true, env: {}})``: the child had neither node's process group nor
    the mark in node's environment by which adsim finds the others: it ran on after the run,
    unsaid."""
    pid_file = tmp_path / "child.pid"
    module = tmp_path / "detaches.mjs"
    module.write_text(
        'import { execFileSync, spawn } from "node:child_process";\n'
        'import { writeFileSync } from "node:fs";\n'
        f"const LINGERS = {LINGERS};\n"
        f"function start() {{ {start} }}\n"
        "export function register(adApi) {\n"
        "  adApi.on('ON_NEW_INTERACTION', () => {\n"
        f"    writeFileSync({json.dumps(str(pid_file))}, String(start()));\n"
        "  });\n"
        "}\n",
        encoding="utf-8",
    )
    host = HandlerHost(Simulator(load_tenant(), seed=3), timeout=30)
    try:
        _chat(host, module)
        assert [o.status for o in host.outcomes] == ["ok"] * len(host.outcomes), host.outcomes
        child = os.pidfd_open(int(pid_file.read_text(encoding="utf-8")))
    finally:
        host.close(timeout=30)
    try:
        ended, _, _ = select.select([child], [], [], WAIT_S)  # readable once it has ended
        assert ended, "the child still runs after the run"
    finally:
        os.close(child)
    assert any("1 process(es) it started still running" in text for text in host.incidents)


@needs_node
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="leftovers are found in /proc")
def test_stdout_held_open_by_a_process_beyond_reach_is_said_not_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A process that left node's group and cleared its environment itself (``env -i``), node's
    stdout its own: adsim cannot find it, and node's output never ends. The wait for the
    module's last lines is bounded, and said."""
    monkeypatch.setattr("simulator.web.node._LEFTOVERS_WAIT_S", 2.0)
    pid_file = tmp_path / "child.pid"
    setsid = shutil.which("setsid")
    if setsid is None:
        pytest.skip("no setsid")
    module = tmp_path / "escapes.mjs"
    script = (
        f"env -i {setsid} {sys.executable} -c 'import threading; threading.Event().wait(600)' & "
        f"echo $! > {shlex.quote(str(pid_file))}"
    )
    module.write_text(
        'import { execFileSync } from "node:child_process";\n'
        "export function register(adApi) {\n"
        "  adApi.on('ON_NEW_INTERACTION', () => {\n"
        f"    execFileSync('/bin/sh', ['-c', {json.dumps(script)}], {{stdio: 'inherit'}});\n"
        "  });\n"
        "}\n",
        encoding="utf-8",
    )
    host = HandlerHost(Simulator(load_tenant(), seed=3), timeout=30)
    try:
        _chat(host, module)
    finally:
        host.close(timeout=30)
        if pid_file.exists():
            with contextlib.suppress(OSError, ValueError):
                os.kill(int(pid_file.read_text(encoding="utf-8")), signal.SIGKILL)
    assert (
        "js:escapes.mjs: node's stdout still open 2 s after node ended (a process the module "
        "started holds it); adsim went on"
    ) in host.incidents, host.incidents
