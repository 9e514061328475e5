"""For the tests of what a plugin does: one demo call through a handler plugin file
(``demo_through``), or an ``adsim`` command in a process of its own (``run_adsim``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from simulator.data import load_tenant
from simulator.demo import run_demo_call
from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.journal import Journal

ROOT = Path(__file__).resolve().parents[2]


def demo_through(
    folder: Path, source: str, isolation: str = "process", timeout: float = 60
) -> HandlerHost:
    """Write ``source`` as ``crm.py`` in ``folder``, load it (``isolation``) into a host with an
    in-memory journal, run the demo call and let its handlers finish; the closed host, its
    outcomes and incidents to read."""
    plugin = folder / "crm.py"
    plugin.write_text(source, encoding="utf-8")
    sim = Simulator(load_tenant(), seed=7)
    journal = Journal.open(":memory:")
    host = HandlerHost(sim, timeout=timeout, journal=journal, isolation=isolation)
    try:
        host.load(plugin)
        run_demo_call(sim, after_step=host.settle)
        host.settle()
    finally:
        host.close()
        journal.close()
    return host


def run_adsim(
    *argv: str, env: dict[str, str] | None = None, timeout: float = 120.0
) -> subprocess.CompletedProcess[str]:
    """``python -m simulator ARGV`` from the repository's root, its output captured as text,
    stdin empty; ``env`` on top of this process's; ``timeout`` guards a hang only."""
    return subprocess.run(
        [sys.executable, "-m", "simulator", *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        timeout=timeout,
        check=False,
    )


SAVE_RUNS = """
import os
import signal
import threading


def save(activity):
    {body}
    return "went on"


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""
"""A plugin whose ``ON_SAVE_ACTIVITY_RECORD`` handler runs ``{body}`` (line 8), then answers."""


def save_runs(tmp_path: Path, body: str) -> Path:
    """``SAVE_RUNS`` with ``body`` written to ``tmp_path / "crm.py"``; its path."""
    plugin = tmp_path / "crm.py"
    plugin.write_text(SAVE_RUNS.format(body=body), encoding="utf-8")
    return plugin
