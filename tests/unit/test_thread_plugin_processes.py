"""Processes a plugin in adsim's own process (thread isolation) started and left running are
killed at the end, with what they started, and named in the summary (exit 1): they outlived
adsim, holding its output open (``adsim run ... | tee log`` waited for them), and the run said
nothing. A plugin that ends its processes in ``close()`` is not named."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc: Linux")

ADSIM = [sys.executable, "-m", "simulator"]
SCENARIO = Path(__file__).resolve().parents[2] / "fixtures/scenarios/inbound_acw_disposition.yaml"


def _adsim(tmp_path: Path, source: str, *command: str) -> subprocess.CompletedProcess[str]:
    plugin = tmp_path / "crm.py"
    plugin.write_text(textwrap.dedent(source), encoding="utf-8")
    argv = [*ADSIM, *command, "--handler", str(plugin), "--handler-isolation", "thread"]
    return subprocess.run(
        [*argv, "--journal", ":memory:"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def test_a_process_left_running_is_killed_and_named(tmp_path):
    done = _adsim(
        tmp_path,
        """
        import subprocess

        def register(ad_api):
            child = subprocess.Popen(["sleep", "300"])
            open("child.pid", "w").write(str(child.pid))
            ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
        """,
        "demo",
    )
    pid = int((tmp_path / "child.pid").read_text())
    assert done.returncode == 1, done.stderr
    assert (
        f"adsim:   process(es) sleep (pid {pid}) that a plugin started still running 0.5 s after "
        "the end; adsim killed them and what they started (--handler-isolation thread): left "
        "running, they would outlive adsim, holding its output open"
    ) in done.stderr
    assert not _alive(pid)


def test_what_the_process_started_is_killed_too(tmp_path):
    done = _adsim(
        tmp_path,
        """
        import subprocess

        def save(activity):
            subprocess.Popen(["sh", "-c", "sleep 300 & echo $! > grandchild.pid; wait"])

        def register(ad_api):
            ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
        """,
        "run",
        str(SCENARIO),
        "--repeat",
        "2",
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("process(es) sh (pid ") == 1  # one line: both runs' shells
    assert done.stderr.count("sh (pid") == 2
    grandchild = int((tmp_path / "grandchild.pid").read_text())
    assert not _alive(grandchild)


def test_a_process_the_plugin_ends_in_close_is_not_named(tmp_path):
    done = _adsim(
        tmp_path,
        """
        import subprocess

        children = []

        def register(ad_api):
            children.append(subprocess.Popen(["sleep", "300"]))
            ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)

        def close():
            for child in children:
                child.terminate()
        """,
        "demo",
    )
    assert done.returncode == 0, done.stderr
    assert "process(es)" not in done.stderr


def test_a_process_running_before_the_plugins_is_left_alone(tmp_path):
    """In a process that had children before (adsim's ``main`` called from a test), only the
    children started since the host was built are the plugins'."""
    from simulator.handlers import leftover_processes

    before = subprocess.Popen(["sleep", "300"])
    try:
        snapshot = leftover_processes.snapshot()
        assert before.pid in snapshot
        assert leftover_processes.left_running(snapshot, set(), 0.0) == []
        assert before.poll() is None
    finally:
        before.kill()
        before.wait()
    assert os.getpid() not in snapshot


def test_a_spawn_pool_shut_down_in_close_ends_clean(tmp_path):
    """multiprocessing's resource tracker (started with a spawn pool's first semaphore, living
    until its process ends) was taken for a process the plugin left running: killed, named (exit
    1, though the plugin shut its pool down), and found dead at exit, after the summary
    (``resource_tracker: process died unexpectedly, relaunching. Some resources might leak.``)."""
    done = _adsim(
        tmp_path,
        """
        import concurrent.futures
        import multiprocessing

        POOL = None

        def save(activity):
            return POOL.submit(abs, -42).result()

        def register(ad_api):
            global POOL
            spawn = multiprocessing.get_context("spawn")
            POOL = concurrent.futures.ProcessPoolExecutor(1, mp_context=spawn)
            ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)

        def close():
            POOL.shutdown()
        """,
        "demo",
    )
    assert done.returncode == 0, done.stderr
    assert "process(es)" not in done.stderr
    assert "resource_tracker" not in done.stderr
    assert "Traceback" not in done.stderr


def test_a_multiprocessing_pool_left_open_is_ended_as_pythons_exit_would(tmp_path):
    """Its workers were killed among the leftover processes; one killed holding the pool's task
    queue lock left Python's own end of the pool at exit waiting for ever: adsim hung after its
    summary. Now the pool is terminated first (its finalizer, what Python's exit runs)."""
    done = _adsim(
        tmp_path,
        """
        import multiprocessing

        POOL = None

        def save(activity):
            return POOL.apply(abs, (-42,))

        def register(ad_api):
            global POOL
            POOL = multiprocessing.get_context("spawn").Pool(2)
            ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
        """,
        "demo",
    )
    assert done.returncode == 0, done.stderr
    assert "process(es)" not in done.stderr
    assert "Traceback" not in done.stderr
    assert "resource_tracker" not in done.stderr


def test_a_pool_whose_worker_ignores_sigterm_does_not_hang_adsim(tmp_path):
    """Ending a pool (its terminate) joins its workers after a SIGTERM, for ever when one is busy
    and ignores it: the end waits the close's grace, then the worker is killed and named as any
    process a plugin left running."""
    done = _adsim(
        tmp_path,
        """
        import multiprocessing
        import os
        import signal

        POOL = None

        def register(ad_api):
            global POOL
            context = multiprocessing.get_context("spawn")
            ignored = (signal.SIGTERM, signal.SIG_IGN)
            POOL = context.Pool(1, initializer=signal.signal, initargs=ignored)
            # Busy for ever (no sentinel ends it), once it has begun: a task still queued at
            # the end is taken back, and the worker ends by itself. The FIFO's read returns
            # once the task has written to it.
            os.mkfifo("begun")
            POOL.apply_async(os.system, ("echo begun > begun && exec sleep 3600",))
            with open("begun", encoding="utf-8") as begun:
                begun.read()
            ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
        """,
        "demo",
    )
    assert done.returncode == 1, done.stderr
    assert "process(es)" in done.stderr
    assert "Traceback" not in done.stderr
