"""A plugin's ``atexit`` functions run in its own process (``--handler-isolation process``, the
default) at its end, on its main thread, within the close's limit, and are reported when they
raise, end the process or do not return.

Before: its process ended with ``os._exit`` after its ``close()``, which runs no ``atexit``
function: a plugin that batched its CRM writes and flushed them at exit lost them, and the run
passed (exit 0); with thread isolation the same plugin flushed them.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from simulator.handlers.child_exit import ExitFunctions, label
from tests.unit.plugin_demo import demo_through, run_adsim

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="signals, os._exit: POSIX")

SCENARIO = "fixtures/scenarios/inbound_acw_disposition.yaml"

BATCHED = """
import atexit
import json
import os

BATCH = []


def save(activity):
    BATCH.append(activity.interaction_id)


@atexit.register
def flush():
    with open(OUT, "a", encoding="utf-8") as out:
        out.write(json.dumps({"pid": os.getpid(), "batch": BATCH}) + "\\n")
    print(f"flushed {len(BATCH)} record(s)")


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def _source(out: Path, body: str) -> str:
    return f"OUT = {str(out)!r}\n" + textwrap.dedent(body)


def _flushed(out: Path) -> list[dict[str, object]]:
    if not out.exists():
        return []
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


def test_a_batch_flushed_at_exit_reaches_the_crm_in_adsim_run(tmp_path):
    out = tmp_path / "crm.jsonl"
    plugin = tmp_path / "crm.py"
    plugin.write_text(_source(out, BATCHED), encoding="utf-8")
    result = run_adsim("run", SCENARIO, "--handler", str(plugin), "--journal", ":memory:")
    assert result.returncode == 0, result.stderr
    [flushed] = _flushed(out)
    assert len(flushed["batch"]) == 1, flushed  # type: ignore[arg-type]
    # Its print is the plugin's output as any other: on adsim's stderr, stdout left to data.
    assert "flushed 1 record(s)\n" in result.stderr
    assert "flushed" not in result.stdout


def test_an_atexit_function_runs_on_the_main_thread_and_may_set_a_signal_handler(tmp_path):
    out = tmp_path / "crm.jsonl"
    host = demo_through(
        tmp_path,
        _source(
            out,
            """
            import atexit
            import json
            import signal
            import threading


            def restore():
                signal.signal(signal.SIGTERM, signal.SIG_DFL)  # ValueError off the main thread
                main = threading.current_thread() is threading.main_thread()
                with open(OUT, "a", encoding="utf-8") as out:
                    out.write(json.dumps({"main": main}) + "\\n")


            def register(ad_api):
                atexit.register(restore)
                ad_api.on("ON_SAVE_ACTIVITY_RECORD", print)
            """,
        ),
    )
    assert host.incidents == []
    assert _flushed(out) == [{"main": True}]


def test_one_that_never_returns_is_named_killed_and_the_leftover_thread_still_said(tmp_path):
    out = tmp_path / "crm.jsonl"
    host = demo_through(
        tmp_path,
        _source(
            out,
            """
            import atexit
            import threading


            def earlier():
                open(OUT, "a").close()


            def hang():
                threading.Event().wait()


            atexit.register(earlier)
            atexit.register(hang)


            def register(ad_api):
                threading.Thread(target=threading.Event().wait, name="crm-worker").start()
                ad_api.on("ON_SAVE_ACTIVITY_RECORD", print)
            """,
        ),
    )
    plugin = tmp_path / "crm.py"
    line = plugin.read_text("utf-8").splitlines().index("    threading.Event().wait()") + 1
    assert host.incidents == [
        "plugin crm: thread(s) crm-worker still running 0.5 s after the end; its process was ended",
        f"plugin crm: its atexit function hang was still running when its close's 1.5 s ran "
        f"out, at {plugin}:{line} in hang; its process was killed (earlier and logging.shutdown, "
        "registered before it, did not run)",
    ]
    assert not out.exists(), "the ones registered before it never ran"


@pytest.mark.parametrize(
    ("registered", "name", "how"),
    [
        ("atexit.register(os._exit, 0)", "os._exit", "exited with status 0"),
        ("atexit.register(os._exit, 3)", "os._exit", "exited with status 3"),
        (
            "atexit.register(os.kill, os.getpid(), signal.SIGKILL)",
            "os.kill",
            "was killed by signal SIGKILL (9)",
        ),
    ],
    ids=["exit-0", "exit-3", "sigkill"],
)
def test_one_that_ends_its_process_is_said_with_what_it_skipped(tmp_path, registered, name, how):
    out = tmp_path / "crm.jsonl"
    body = BATCHED + f"\nimport signal\n{registered}\n"
    host = demo_through(tmp_path, _source(out, body))
    assert host.failures == [], "no call crashed: every one was answered before the close"
    assert host.incidents == [
        f"plugin crm: its atexit function {name} ended its process: it {how} (flush and "
        "logging.shutdown, registered before it, did not run)"
    ]
    assert _flushed(out) == []


def test_one_that_raises_is_the_plugin_s_error_with_its_traceback_and_the_next_runs(tmp_path):
    out = tmp_path / "crm.jsonl"
    plugin = tmp_path / "crm.py"
    body = BATCHED + '\n\n@atexit.register\ndef boom():\n    raise ValueError("CRM said no")\n'
    plugin.write_text(_source(out, body), encoding="utf-8")
    result = run_adsim("run", SCENARIO, "--handler", str(plugin), "--journal", ":memory:")
    assert result.returncode == 1, result.stderr
    line = plugin.read_text("utf-8").splitlines().index('    raise ValueError("CRM said no")') + 1
    assert (
        f"adsim:   plugin crm: its atexit function boom raised: {plugin}:{line}: ValueError: "
        "CRM said no\n"
    ) in result.stderr
    assert f'File "{plugin}", line {line}, in boom\n' in result.stderr
    assert "Exception ignored in atexit callback" not in result.stderr
    assert len(_flushed(out)) == 1, "flush, registered before it, ran after it"
    assert "flushed 1 record(s)\n" in result.stderr


def test_logging_s_last_flush_runs(tmp_path):
    """``logging.shutdown`` (registered by adsim's import of logging) flushes the plugin's
    buffering handler, as Python's exit does."""
    log = tmp_path / "crm.log"
    host = demo_through(
        tmp_path,
        f"""
import logging
import logging.handlers

handler = logging.handlers.MemoryHandler(1000, target=logging.FileHandler({str(log)!r}))
logger = logging.getLogger("crm")
logger.addHandler(handler)
logger.setLevel(logging.INFO)


def save(activity):
    logger.info("saved %s", activity.interaction_id)


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
""",
    )
    assert host.incidents == []
    assert log.read_text("utf-8").startswith("saved "), "buffered until logging's shutdown"


def test_a_process_killed_at_a_timeout_runs_none_its_fresh_one_runs_its_own(tmp_path):
    out = tmp_path / "crm.jsonl"
    stuck = tmp_path / "stuck.txt"
    body = (
        BATCHED
        + f"""

import threading


def hang(interaction):
    with open({str(stuck)!r}, "w", encoding="utf-8") as note:
        note.write(str(os.getpid()))
    threading.Event().wait()


_register = register


def register(ad_api):
    _register(ad_api)
    ad_api.on("ON_NEW_INTERACTION", hang)
"""
    )
    host = demo_through(tmp_path, _source(out, body), timeout=1.5)
    [failure] = host.failures
    assert (failure.event_name, failure.status) == ("ON_NEW_INTERACTION", "timeout")
    [flushed] = _flushed(out)
    assert flushed["pid"] != int(stuck.read_text("utf-8")), "the killed process flushed nothing"
    assert len(flushed["batch"]) == 1, flushed  # type: ignore[arg-type]
    assert host.incidents == []


def test_the_plugin_process_s_imports_register_no_atexit_function_but_multiprocessing_s():
    """``ExitFunctions`` is installed first thing in the child's ``main()``: one registered by
    a module ``child`` imports before that would not run at the plugin's end (only
    ``multiprocessing``'s own may be there: it is left out on purpose)."""
    probe = (
        "import atexit, sys\n"
        "import simulator.handlers.child\n"
        "print(atexit._ncallbacks(), 'multiprocessing.util' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.split() == ["1", "True"]


def _nothing() -> None:
    """Registered in the tests below."""


def test_the_names_reports_give_them():
    import posix  # not os._exit: a thread-isolated plugin of an earlier test guards it here

    assert label(posix._exit) == "os._exit"
    assert label(logging.shutdown) == "logging.shutdown"
    assert label(functools.partial(os.kill, 1)) == "os.kill"
    assert label(ExitFunctions().clear) == "simulator.handlers.child_exit.ExitFunctions.clear"
    assert label(_nothing) == "tests.unit.test_plugin_atexit._nothing"
    assert label(ExitFunctions()) == ("simulator.handlers.child_exit.ExitFunctions() of an object")
    own = type(_nothing)(_nothing.__code__, {"__name__": "adsim_handlers.crm_0123abcd"})
    assert label(own) == "_nothing", "a plugin file's own: its name alone"
    flusher = type("Flusher", (), {"__module__": "adsim_handlers.crm_0123abcd"})
    assert label(flusher()) == "Flusher() of an object", "a plugin file's own class too"


def test_register_unregister_and_the_count_are_atexit_s():
    exits = ExitFunctions()
    ran: list[object] = []
    before = exits.count()
    add = ran.append
    assert exits.register(add, 1) is add  # a decorator, as atexit.register
    exits.register(_nothing)
    exits.register(ran.append, 2)
    exits.register(_nothing)
    assert exits.count() == before + 4
    exits.unregister(_nothing)  # every registration of it
    assert exits.count() == before + 2
    with pytest.raises(TypeError, match="must be callable"):
        exits.register(3)  # type: ignore[arg-type]
    said: list[tuple[object, ...]] = []
    exits.run(said.append)
    assert ran == [2, 1], "last registered first"
    assert said == [
        ("exiting", "list.append", ["list.append"], 1),
        ("exiting", "list.append", [], 0),
        ("exiting", None, [], 0),
    ]


def test_a_close_that_never_returns_is_said_with_where_it_was(tmp_path):
    """The same limit for a ``close()`` of its own: where it was is said too (it was not)."""
    host = demo_through(
        tmp_path,
        """
import threading


def close():
    threading.Event().wait()


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", print)
""",
    )
    plugin = tmp_path / "crm.py"
    assert host.incidents == [
        f"plugin crm: its close did not finish within 1.5 s, at {plugin}:6 in close; its process "
        "was killed"
    ]


def test_one_registered_while_they_run_is_not_run_as_at_python_s_exit():
    """Python's exit runs the functions registered before it began: one a function registers
    meanwhile is not run (a function registering itself again ran until the close's limit
    killed it, reported as stuck)."""
    exits = ExitFunctions()
    ran: list[int] = []

    def again() -> None:
        ran.append(len(ran))
        if len(ran) < 5:  # bounded here: the test fails rather than loops
            exits.register(again)

    exits.register(again)
    said: list[tuple[object, ...]] = []
    exits.run(said.append)
    assert ran == [0]
    assert said[-1] == ("exiting", None, [], 0)


MANY = """
import atexit


def noop():
    pass


for _ in range(20_000):  # a library registering one a client, over a long series
    atexit.register(noop)


@atexit.register
def flush():
    print("flushed after 20000 registered")


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
"""


def test_twenty_thousand_registered_run_within_the_close_s_limit(tmp_path):
    """Each one told adsim of all those left after it (a list rebuilt a function: 20,000 took
    ~3 s and the process was killed as stuck in ``noop``); now one short message each."""
    plugin = tmp_path / "many.py"
    plugin.write_text(textwrap.dedent(MANY), encoding="utf-8")
    result = run_adsim("run", SCENARIO, "--handler", str(plugin), "--journal", ":memory:")
    assert result.returncode == 0, result.stderr
    assert "flushed after 20000 registered\n" in result.stderr
    assert "atexit" not in result.stderr, result.stderr
