"""A plugin's ``multiprocessing`` pool of the ``spawn`` (or ``forkserver``) kind runs the
plugin's own function: the pool's workers import the plugin's module (``adsim_handlers.
<name>``) from its file. They said "No module named 'adsim_handlers'" and the pool waited for
ever (the call's timeout); and, in a plugin's process, Python's resource tracker the pool started
was named as a process the plugin left running, failing the run."""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import pytest

from simulator.data import load_tenant
from simulator.demo import run_demo_call
from simulator.engine import Simulator
from simulator.handlers import HandlerHost

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="a fork server is POSIX")

PLUGIN = """
import multiprocessing


def square(x):
    return x * x


def on_new(interaction):
    with multiprocessing.get_context(KIND).Pool(1) as pool:
        return pool.map(square, [1, 2, 3])


def register(ad_api):
    ad_api.on("ON_NEW_INTERACTION", on_new)
"""


def _pooled_call(plugin: Path, isolation: str) -> HandlerHost:
    """``plugin`` loaded in a host of ``isolation`` whose ``ON_NEW_INTERACTION`` handler ran its
    pool and answered ``[1, 4, 9]``; the host, closed."""
    host = HandlerHost(Simulator(load_tenant(), seed=7), timeout=60.0, isolation=isolation)
    try:
        [status] = host.load(plugin)
        assert status.loaded, status.error
        run_demo_call(host.sim, after_step=host.settle)
        assert host.settle(timeout=60.0)
        [outcome] = [o for o in host.outcomes if o.event_name == "ON_NEW_INTERACTION"]
        assert (outcome.status, outcome.result) == ("ok", [1, 4, 9]), (plugin, outcome)
    finally:
        host.close()
    return host


@pytest.mark.parametrize("isolation", ["process", "thread"])
@pytest.mark.parametrize("kind", ["spawn", "forkserver"])
def test_a_spawn_pool_runs_the_plugin_s_own_function(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolation: str, kind: str
) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))  # the plugin's folder is appended
    plugin = tmp_path / "pooled.py"
    plugin.write_text(f"KIND = {kind!r}\n" + textwrap.dedent(PLUGIN), encoding="utf-8")
    host = _pooled_call(plugin, isolation)
    if isolation == "process":  # Python's own helpers are no process the plugin left running
        assert host.incidents == [], host.incidents


LEFT_OPEN = """
import multiprocessing

POOL = []


def square(x):
    return x * x


def on_new(interaction):
    POOL.append(multiprocessing.get_context("spawn").Pool(1))
    return POOL[0].map(square, [1, 2, 3])


def register(ad_api):
    ad_api.on("ON_NEW_INTERACTION", on_new)
"""


def test_a_spawn_pool_left_open_is_named_and_its_close_is_not_held_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its workers hold the resource tracker's pipe: the tracker cannot end before them, and
    # the close does not wait for it past its grace (it was said not to finish in time).
    monkeypatch.setattr(sys, "path", list(sys.path))
    plugin = tmp_path / "open_pool.py"
    plugin.write_text(textwrap.dedent(LEFT_OPEN), encoding="utf-8")
    host = HandlerHost(Simulator(load_tenant(), seed=7), timeout=60.0, isolation="process")
    try:
        [status] = host.load(plugin)
        assert status.loaded, status.error
        run_demo_call(host.sim, after_step=host.settle)
        assert host.settle(timeout=60.0)
    finally:
        host.close()
    assert len(host.incidents) == 1, host.incidents
    assert "still running when its process ended; they were killed" in host.incidents[0]


def test_a_plugin_loaded_after_the_fork_server_started_is_found_by_its_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fork server read the plugins' files from an environment variable once, when it
    started: a second plugin's pool (the next test of a session, the next scenario of an
    ``adsim run``) waited out its timeout on "No module named 'adsim_handlers.second_...'". The
    variable also grew with every plugin a session loaded, until no process could start."""
    monkeypatch.setattr(sys, "path", list(sys.path))
    environment = dict(os.environ)
    for name in ("first", "second"):
        folder = tmp_path / name
        folder.mkdir()
        plugin = folder / f"{name}.py"
        plugin.write_text('KIND = "forkserver"\n' + textwrap.dedent(PLUGIN), encoding="utf-8")
        _pooled_call(plugin, "thread")
    assert dict(os.environ) == environment, "nothing of adsim's is left in the environment"
