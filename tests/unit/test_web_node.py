"""``NodeHandler`` without Node: fake processes to pin the reload's reader hand-over."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from queue import SimpleQueue
from typing import Any

import pytest

from simulator.handlers import HandlerHost
from simulator.web import NodeHandler

WAIT = 10.0
"""Generous bound for waits on threads (never reached when things work)."""
TAG = "\x1eadsim-test:"
"""The mark the runner starts each packet line with (each handler draws its own)."""


@pytest.fixture(autouse=True)
def _fixed_tag(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("simulator.web.node._packet_tag", lambda: TAG)


class _Stdout:
    """A process's stdout: the lines the test feeds, until ``end``."""

    def __init__(self) -> None:
        self._lines: SimpleQueue[str | None] = SimpleQueue()
        self.closed = False

    def feed(self, packet: dict[str, Any]) -> None:
        self._lines.put(TAG + json.dumps(packet) + "\n")

    def end(self) -> None:
        self._lines.put(None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines.get, None)

    def close(self) -> None:
        self.closed = True


class FakeProcess:
    """A ``node`` process stand-in: its stdout is what the test feeds; it exits when told to or
    when its stdin is closed and it is waited on (as the runner does at EOF)."""

    def __init__(self, *packets: dict[str, Any]) -> None:
        self.stdout = _Stdout()
        self.stdin = io.StringIO()
        self.returncode: int | None = None
        for packet in packets:
            self.stdout.feed(packet)

    def exit(self, code: int = 0) -> None:
        if self.returncode is None:
            self.returncode = code
            self.stdout.end()

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        self.exit()
        assert self.returncode is not None
        return self.returncode

    def kill(self) -> None:
        self.exit(-9)


@pytest.fixture
def module(tmp_path: Path) -> Path:
    """A handler module file (its code never runs: the processes are fakes)."""
    path = tmp_path / "handler.mjs"
    path.write_text("export function register(adApi) {}\n", encoding="utf-8")
    return path


HANDSHAKE = (
    {"uid": "p1", "type": "__attach__", "params": ["simulator"]},
    {"uid": "p2", "type": "hi", "params": ["simulator", "", ""]},
    {"uid": "runner", "type": "__registered__", "params": []},
)
"""What the runner sends once its module registered: attach, hi, registered."""


def test_a_reader_outliving_its_process_does_not_touch_the_reloaded_one(
    sim, module: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = FakeProcess(), FakeProcess(*HANDSHAKE)
    seen: list[bool] = []

    def spawn(handler: NodeHandler) -> Any:
        if not hasattr(handler, "endpoint"):
            return first  # the constructor's process
        # The reload's new process is being started: the endpoint has reopened, and only now
        # does the first process's reader (which ``close`` could not wait out) see its exit.
        stale = handler._reader
        first.exit(1)
        stale.join(WAIT)
        assert not stale.is_alive()
        seen.append(handler.endpoint.registered.is_set())
        return second

    monkeypatch.setattr(NodeHandler, "_spawn", spawn)
    host = HandlerHost(sim, timeout=WAIT)
    try:
        handler = NodeHandler(host, module, node="node")
        # ``close`` as a reload runs it, minus the first process's exit (the reader lingers).
        handler.endpoint.close()
        assert handler._reopen() is None
        assert seen == [False], "the stale reader marked the new process registered"
        assert handler.process is second
        assert handler.endpoint.ready.is_set(), "the new process's handshake went through"
        assert second.stdin.getvalue().count('"type":"ready"') == 1
    finally:
        host.close(timeout=WAIT)
    assert second.returncode == 0, "host.close ended the new process"


def test_packets_from_a_replaced_process_reach_nobody(
    sim, module: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = FakeProcess(), FakeProcess(*HANDSHAKE)
    late_registered: list[bool] = []

    def spawn(handler: NodeHandler) -> Any:
        if not hasattr(handler, "endpoint"):
            return first
        # Buffered output of the old process, read after the reload began.
        stale = handler._reader
        first.stdout.feed({"uid": "runner", "type": "__registered__", "params": []})
        first.exit(1)
        stale.join(WAIT)
        late_registered.append(handler.endpoint.registered.is_set())
        return second

    monkeypatch.setattr(NodeHandler, "_spawn", spawn)
    host = HandlerHost(sim, timeout=WAIT)
    try:
        handler = NodeHandler(host, module, node="node")
        handler.endpoint.close()
        assert handler._reopen() is None
        assert late_registered == [False]
    finally:
        host.close(timeout=WAIT)


def test_the_current_process_exiting_still_disconnects(
    sim, module: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    process = FakeProcess(*HANDSHAKE)
    monkeypatch.setattr(NodeHandler, "_spawn", lambda handler: process)
    host = HandlerHost(sim, timeout=WAIT)
    try:
        handler = NodeHandler(host, module, node="node").start(timeout=WAIT)
        assert handler.endpoint.ready.is_set()
        reader = handler._reader
        process.exit(3)
        reader.join(WAIT)
        assert not handler.endpoint.ready.is_set(), "the page is gone: nothing is sent to it"
    finally:
        host.close(timeout=WAIT)
