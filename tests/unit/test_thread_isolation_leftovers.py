"""With ``--handler-isolation thread`` a plugin's threads left running at the end get the grace
a plugin's process gives them, then the summary names them and the command exits 1.

Before: a thread that ``register()`` started (not a daemon) kept ``adsim`` from exiting after
its summary, for ever; a thread a handler started (a daemon, as the host's thread that started
it) was cut off at exit without a word, exit 0: an upload it was doing never happened."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.unit.plugin_demo import run_adsim

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = str(ROOT / "fixtures" / "scenarios" / "inbound_acw_disposition.yaml")
LIMIT = 120.0  # a guard: a hang fails the test rather than the suite

WORKER = """
import queue
import threading

WORK = queue.Queue()


def work():
    while True:
        WORK.get()


def register(ad_api):
    threading.Thread(target=work, name="crm-worker").start()  # not a daemon
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", WORK.put)
"""

UPLOADER = """
import threading

NEVER = threading.Event()


def save(activity):
    # Started on the host's thread: a daemon, as that thread is.
    threading.Thread(target=NEVER.wait, name="crm-uploader").start()


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""

QUICK = """
import threading

DONE = []


def save(activity):
    thread = threading.Thread(target=DONE.append, args=(activity.interaction_id,), name="quick")
    thread.start()


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


POOL = """
import concurrent.futures

POOL = concurrent.futures.ThreadPoolExecutor(thread_name_prefix="crm-pool")
DONE = []


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: POOL.submit(DONE.append, 1))
"""

DAEMON_ON_PURPOSE = """
import threading

NEVER = threading.Event()


def register(ad_api):
    threading.Thread(target=NEVER.wait, name="crm-telemetry", daemon=True).start()
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
"""


def _adsim(*argv: str) -> subprocess.CompletedProcess[str]:
    return run_adsim(*argv, env={"PYTHONDONTWRITEBYTECODE": "1"}, timeout=LIMIT)


def _plugin(tmp_path: Path, name: str, source: str) -> str:
    path = tmp_path / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    return str(path)


LINE = (
    "adsim:   thread(s) {name} that a plugin started still running 0.5 s after the end; adsim "
    "ended them with itself (--handler-isolation thread), whatever they were doing"
)


@pytest.mark.parametrize(
    ("source", "name"),
    [(WORKER, "crm-worker"), (UPLOADER, "crm-uploader")],
    ids=["register", "handler"],
)
@pytest.mark.parametrize("command", ["demo", "run", "load"])
def test_a_thread_left_running_is_named_and_the_command_exits_1(tmp_path, source, name, command):
    plugin = _plugin(tmp_path, "plugin", source)
    common = ["--journal", ":memory:", "--handler", plugin, "--handler-isolation", "thread"]
    argv = {
        "demo": ["demo", *common],
        "run": ["run", SCENARIO, *common],
        "load": ["run", SCENARIO, "--repeat", "3", *common],
    }[command]
    result = _adsim(*argv)  # before: `demo` and `run` with WORKER never exited
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    left = f"{name} (3)" if command == "load" and source is UPLOADER else name  # one a repeat
    assert LINE.format(name=left) in lines, result.stderr
    assert any(
        line.startswith("adsim: handlers: 0 of ") and line.endswith("1 plugin problem(s)")
        for line in lines
    ), result.stderr


def test_a_thread_that_ends_in_time_is_no_problem(tmp_path):
    plugin = _plugin(tmp_path, "quick", QUICK)
    result = _adsim(
        "demo", "--journal", ":memory:", "--handler", plugin, "--handler-isolation", "thread"
    )
    assert result.returncode == 0, result.stderr
    assert "still running" not in result.stderr


CLOSE_HANGS = """
import threading


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)


def close():
    threading.Event().wait()  # never returns
"""


@pytest.mark.parametrize("command", ["demo", "load"])
def test_a_close_hook_that_never_returns_is_named_and_the_command_ends(tmp_path, command):
    """It hung ``adsim`` at the end of the run for ever (its process would be killed)."""
    plugin = _plugin(tmp_path, "closehang", CLOSE_HANGS)
    common = ["--journal", ":memory:", "--handler", plugin, "--handler-isolation", "thread"]
    argv = ["demo", *common] if command == "demo" else ["run", SCENARIO, "--repeat", "2", *common]
    result = _adsim(*argv)
    assert result.returncode == 1, result.stderr
    assert (
        "adsim:   plugin closehang: its close did not finish within 1.5 s; adsim went on without "
        "it (in adsim's process it cannot be stopped)"
    ) in result.stderr.splitlines(), result.stderr


def test_only_a_plugins_own_close_is_bounded_on_a_thread_of_its_own():
    """adsim's own plugins (the webhook, a JS module whose node gets 2 s to exit) bound their
    close themselves: the 1.5 s limit named a JS module's slow exit "in adsim's process" and
    failed a run that passed."""
    import threading

    from simulator.engine import Simulator
    from simulator.handlers import HandlerHost

    ran_on: dict[str, str] = {}

    def closer(name: str):
        return lambda: ran_on.setdefault(name, threading.current_thread().name)

    host = HandlerHost(Simulator(seed=1), isolation="thread")
    host.add_plugin("theirs", lambda api: None, close=closer("theirs"))
    host.add_plugin("ours", lambda api: None, close=closer("ours"), own=True)
    host.close()
    assert ran_on == {"theirs": "adsim-close-theirs", "ours": threading.current_thread().name}


@pytest.mark.parametrize(
    "source", [POOL, DAEMON_ON_PURPOSE], ids=["thread-pool", "daemon-from-register"]
)
def test_threads_that_keep_nothing_from_exiting_are_no_problem(tmp_path, source):
    """A thread pool's workers (Python ends them at exit, their work done) and a daemon
    ``register()`` started on purpose (a plugin's process leaves those too) failed the run."""
    plugin = _plugin(tmp_path, "fine", source)
    argv = ["--journal", ":memory:", "--handler", plugin, "--handler-isolation", "thread"]
    result = _adsim("demo", *argv)
    assert result.returncode == 0, result.stderr
    assert "still running" not in result.stderr


def test_every_thread_adsim_starts_is_named_as_adsims():
    """A plugin's leftover threads are told from adsim's own by name (``adsim-...``): a thread
    of adsim's without that name would be reported as the plugin's. A threading server's
    connections too (the tenant server's: a page's connection left open was one)."""
    import ast

    def own_name(call: ast.Call) -> bool:
        for keyword in call.keywords:
            if keyword.arg in ("name", "thread_name_prefix"):
                value = keyword.value
                if isinstance(value, ast.JoinedStr) and value.values:
                    value = value.values[0]
                return isinstance(value, ast.Constant) and str(value.value).startswith("adsim-")
        return False

    unnamed = []
    for path in sorted((ROOT / "simulator").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Call):
                called = ast.unparse(node.func)
                if called in ("threading.Thread", "ThreadPoolExecutor") and not own_name(node):
                    unnamed.append(f"{where}:{node.lineno}")
                if called == "threading.Timer" and '.name = "adsim-' not in text:
                    unnamed.append(f"{where}:{node.lineno}")  # named by an assignment after it
            elif isinstance(node, ast.ClassDef) and any(
                "Threading" in ast.unparse(base) for base in node.bases
            ):  # a threading server names none of its connections' threads
                methods = {item.name for item in node.body if isinstance(item, ast.FunctionDef)}
                if "process_request" not in methods:
                    unnamed.append(f"{where}:{node.lineno}")
    assert not unnamed, unnamed
