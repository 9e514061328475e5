"""A ``concurrent.futures.ThreadPoolExecutor`` a plugin leaves open, in both isolations.

Idle (its workers waiting for work), Python's exit ends it: with process isolation it was
named as a thread ``still running 0.5 s after the end; its process was ended`` (exit 1), which
read as a plugin that hung, while thread isolation passed the same plugin. A worker busy with a
task that never returns is named as such in both; with thread isolation it was said nothing of,
and adsim waited for it after its summary (for ever, were it stuck). So is a worker stuck in its
pool's ``initializer`` of C code: it was taken for an idle one (the pool's loop its innermost
Python frame, as while it waits for work), said nothing of, and thread isolation hung after
the summary."""

from __future__ import annotations

import concurrent.futures
import threading
from pathlib import Path

import pytest

from simulator.handlers import leftover_threads
from tests.unit.plugin_demo import run_adsim

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"
LIMIT = 120.0  # a guard: a hang fails the test rather than the suite

IDLE = """
import concurrent.futures

POOL = concurrent.futures.ThreadPoolExecutor(max_workers=2)


def save(activity):
    POOL.submit(print, "saved").result()


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""

STUCK = """
import concurrent.futures
import threading

POOL = concurrent.futures.ThreadPoolExecutor(thread_name_prefix="crm-pool")
NEVER = threading.Event()


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: POOL.submit(NEVER.wait))
"""

STUCK_IN_INITIALIZER = """
import concurrent.futures
import threading

HELD = threading.Lock()
HELD.acquire()
# Lock.acquire is C code: the worker's innermost Python frame is the pool's own loop.
POOL = concurrent.futures.ThreadPoolExecutor(
    thread_name_prefix="crm-pool", initializer=HELD.acquire
)


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: POOL.submit(print, "saved"))
"""


def _demo(tmp_path: Path, source: str, isolation: str):
    plugin = tmp_path / "crm.py"
    plugin.write_text(source, encoding="utf-8")
    argv = ["--journal", ":memory:", "--handler", str(plugin), "--handler-isolation", isolation]
    return run_adsim("demo", *argv, env={"PYTHONDONTWRITEBYTECODE": "1"}, timeout=LIMIT)


@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_an_idle_pool_left_open_is_no_problem(tmp_path, isolation):
    result = _demo(tmp_path, IDLE, isolation)
    assert result.returncode == 0, result.stderr
    assert "still running" not in result.stderr


@pytest.mark.parametrize("isolation", ["process", "thread"])
@pytest.mark.parametrize(
    ("plugin", "busy"),
    # In its initializer of C code the pool's loop is its innermost frame, as while it waits
    # for work: it was taken for idle (nothing said; thread isolation hung after the summary).
    [(STUCK, "task"), (STUCK_IN_INITIALIZER, "initializer")],
    ids=["task", "initializer"],
)
def test_a_busy_pool_worker_is_named_with_what_it_is_busy_with(tmp_path, isolation, plugin, busy):
    result = _demo(tmp_path, plugin, isolation)
    assert result.returncode == 1, result.stderr
    assert (
        f"thread(s) crm-pool_0 (a worker of a concurrent.futures thread pool, its {busy} not "
        "done)" in result.stderr
    ), result.stderr


def test_a_worker_in_a_c_initializer_is_busy_until_it_waits_for_work():
    """Only a worker waiting in its queue's ``get`` is idle, not one in another C call of the
    pool's loop (the line tells them apart, read from this Python's bytecode)."""
    held = threading.Lock()
    held.acquire()
    pool = concurrent.futures.ThreadPoolExecutor(initializer=held.acquire)
    try:
        pool.submit(int)
        (worker,) = pool._threads
        assert not leftover_threads.idle_within(worker, 0.5)  # it never gets past the lock
        assert leftover_threads.shown_name(worker, {worker}).endswith(
            "(a worker of a concurrent.futures thread pool, its initializer not done)"
        )
        held.release()
        assert leftover_threads.idle_within(worker, 30.0)
    finally:
        if held.locked():
            held.release()
        pool.shutdown()


def test_a_pool_works_on_in_the_next_scenario_file(tmp_path):
    """The end of one scenario file's run changes no pool: ending them (Python's own shutdown
    of every pool) failed each later file's ``submit`` ("cannot schedule new futures after
    interpreter shutdown")."""
    plugin = tmp_path / "crm.py"
    plugin.write_text(IDLE, encoding="utf-8")
    scenario = str(SCENARIOS / "inbound_acw_disposition.yaml")
    argv = ["--journal", ":memory:", "--handler", str(plugin), "--handler-isolation", "thread"]
    result = run_adsim("run", scenario, scenario, *argv, timeout=LIMIT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("PASS") == 2, result.stdout
