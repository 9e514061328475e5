"""A JS module's load error said as its node dies, against adsim's reader running behind."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path
from typing import IO, Any

import pytest

from simulator.cli import main
from simulator.web import find_node, node
from simulator.web.endpoint import PageEndpoint
from simulator.web.node import NodeHandler

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "fixtures" / "scenarios"
needs_node = pytest.mark.skipif(find_node() is None, reason="node is not installed (Node 18+)")

_BOUND_S = 60.0
"""How long a step of the forced order waits at most (each comes at once unless adsim hangs)."""


@needs_node
def test_a_load_error_is_said_when_adsim_read_behind_node(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A loaded machine's order, forced: node sends ``__attach__``, its register's timer throws
    and node dies before adsim's reader takes the ``__attach__``; the ``hello`` it answered found
    node's stdin closed. That ended the wait for the module with "node exited (code 1) before
    the handshake" when the load waited before the reader read node's last words (its error):
    the error was lost, once in a while under load (-n 2 beside a CPU hog)."""
    read_loop = NodeHandler._read_loop
    loaded = threading.Event()

    def read_behind(
        self: NodeHandler, process: subprocess.Popen[str], generation: int, stream: IO[str]
    ) -> None:
        process.wait(_BOUND_S)  # what node wrote waits in its pipes
        read_loop(self, process, generation, stream)

    disconnect = PageEndpoint.disconnect

    def disconnect_then_wait(self: PageEndpoint, reason: str, *, gone: bool = False) -> None:
        disconnect(self, reason, gone=gone)
        if reason == "the page's transport is closed":  # the failed hello's: let the load look
            loaded.wait(_BOUND_S)

    wait_loaded = node.wait_loaded

    def wait_then_say(*args: Any, **kwargs: Any) -> str | None:
        try:
            return wait_loaded(*args, **kwargs)
        finally:
            loaded.set()

    monkeypatch.setattr(NodeHandler, "_read_loop", read_behind)
    monkeypatch.setattr(PageEndpoint, "disconnect", disconnect_then_wait)
    monkeypatch.setattr(node, "wait_loaded", wait_then_say)
    module = tmp_path / "broken.mjs"
    module.write_text(
        "export async function register(a) {\n"
        "  await new Promise(() => setTimeout(() => { throw new Error('late'); }, 0));\n}\n",
        encoding="utf-8",
    )
    code = main(["run", str(SCENARIOS / "chat.yaml"), "--js-handler", str(module)])
    err = capsys.readouterr().err.strip().splitlines()
    assert (code, err) == (1, [f"adsim: {module}:2: Error: late (thrown outside any handler)"])
