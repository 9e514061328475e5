"""A plugin in adsim's own process (thread isolation) that calls ``os._exit`` ends adsim with
it, never as a pass: a line on stderr names the plugin and where, and the status is the one
asked for, 1 for 0 (it was a silent exit 0: no summary, and CI saw a pass). Process isolation
is untouched, and so is an ``os._exit`` that is not a plugin's (a forked child's)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

pytest_plugins = ["pytester"]

ADSIM = [sys.executable, "-m", "simulator"]
SAID = "in adsim's own process (thread isolation) its exit ends adsim with it"


def _demo(tmp_path, source: str, isolation: str = "thread") -> subprocess.CompletedProcess[str]:
    plugin = tmp_path / "crm.py"
    plugin.write_text(textwrap.dedent(source), encoding="utf-8")
    return _run(tmp_path, "demo", "--handler", str(plugin), isolation=isolation)


def _run(cwd, *argv: str, isolation: str = "thread") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ADSIM, *argv, "--handler-isolation", isolation, "--journal", ":memory:"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "PYTHONUTF8": "1"},
        check=False,
    )


def test_an_exit_0_in_a_handler_is_said_and_exits_1(tmp_path):
    done = _demo(
        tmp_path,
        """
        import os

        def register(ad_api):
            ad_api.on("ON_NEW_INTERACTION", lambda *args: os._exit(0))
        """,
    )
    assert done.returncode == 1, done.stderr
    assert (
        f"adsim: plugin crm called os._exit(0) at {tmp_path / 'crm.py'}:5: {SAID}, before the "
        "run's end; exit 1 (process isolation, adsim's default, reports it as a crash and goes "
        "on)"
    ) in done.stderr


def test_an_exit_while_the_plugin_is_imported_is_said(tmp_path):
    done = _demo(
        tmp_path,
        """
        import os
        os._exit(0)

        def register(ad_api):
            pass
        """,
    )
    assert done.returncode == 1, done.stderr
    assert f"called os._exit(0) at {tmp_path / 'crm.py'}:3: {SAID}" in done.stderr


def test_an_exit_from_a_thread_the_plugin_started_keeps_its_status(tmp_path):
    done = _demo(
        tmp_path,
        """
        import os, threading

        def work():
            os._exit(3)

        def register(ad_api):
            ad_api.on("ON_NEW_INTERACTION", lambda *a: threading.Thread(target=work).start())
        """,
    )
    assert done.returncode == 3, done.stderr
    assert f"adsim: plugin crm called os._exit(3) at {tmp_path / 'crm.py'}:5: {SAID}" in (
        done.stderr
    )


def test_a_forked_childs_exit_is_its_own(tmp_path):
    done = _demo(
        tmp_path,
        """
        import os

        def fork(*args):
            pid = os.fork()
            if pid == 0:
                os._exit(0)
            os.waitpid(pid, 0)

        def register(ad_api):
            ad_api.on("ON_NEW_INTERACTION", fork)
        """,
    )
    assert done.returncode == 0, done.stderr
    assert "os._exit" not in done.stderr
    assert '"interactionId"' in done.stdout  # the run went on to its record


def test_process_isolation_reports_it_as_a_crash(tmp_path):
    done = _demo(
        tmp_path,
        """
        import os

        def register(ad_api):
            ad_api.on("ON_NEW_INTERACTION", lambda *args: os._exit(0))
        """,
        isolation="process",
    )
    assert done.returncode == 1, done.stderr
    assert "crashed" in done.stderr
    assert SAID not in done.stderr


def test_a_pytest_run_whose_handler_exits_does_not_pass(pytester):
    pytester.makepyfile(
        crm_exits="""
        import os

        def register(ad_api):
            ad_api.on("ON_NEW_INTERACTION", lambda *args: os._exit(0))
        """,
        test_sale="""
        import pytest

        @pytest.mark.adsim(handlers=["crm_exits.py"])
        def test_a_call(adsim):
            adsim.login()
            adsim.set_agent_state("ready")
            adsim.offer_call("Sales")
        """,
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == 1
    where = "*crm_exits.py:4 during test_sale.py::test_a_call"
    result.stderr.fnmatch_lines([f"adsim: plugin crm_exits called os._exit(0) at {where}: {SAID}*"])
    # Its way out is the marker's (it said "process isolation, adsim's default": not in pytest).
    result.stderr.fnmatch_lines(
        [
            '*exit 1 (handler_isolation="process" (the adsim marker, or the '
            "adsim_handler_isolation ini option) reports it as a crash that fails the test, and "
            "the session goes on)"
        ]
    )


def test_exit_256_is_not_a_pass(tmp_path):
    """The shell sees 256 as 0."""
    done = _demo(
        tmp_path,
        """
        import os

        def register(ad_api):
            ad_api.on("ON_NEW_INTERACTION", lambda *args: os._exit(256))
        """,
    )
    assert done.returncode == 1, done.stderr
    assert "called os._exit(256)" in done.stderr


def test_an_exit_on_a_timer_the_plugin_started_is_said(tmp_path):
    """No frame of the plugin is on a ``threading.Timer``'s stack when it calls ``os._exit``:
    it was a silent exit 0. The thread is the plugin's because its code started it."""
    done = _demo(
        tmp_path,
        """
        import os, threading

        def register(ad_api):
            ad_api.on("ON_NEW_INTERACTION", lambda *args: threading.Timer(0, os._exit, [0]).start())
        """,
    )
    assert done.returncode == 1, done.stderr
    assert (
        f"adsim: plugin crm called os._exit(0) at {tmp_path / 'crm.py'}:5 (on a thread started "
        f"there): {SAID}"
    ) in done.stderr


def test_an_exit_on_a_thread_a_plugins_thread_started_is_said(tmp_path):
    """A thread the plugin started starts another from library code (``threading``'s own
    frames only): that one is the plugin's too."""
    done = _demo(
        tmp_path,
        """
        import os, threading

        def later(*args):
            timer = threading.Timer(0, os._exit, [3])
            threading.Thread(target=timer.start).start()

        def register(ad_api):
            ad_api.on("ON_NEW_INTERACTION", later)
        """,
    )
    assert done.returncode == 3, done.stderr
    where = f"{tmp_path / 'crm.py'}:6 (on a thread started there)"
    assert f"adsim: plugin crm called os._exit(3) at {where}: {SAID}" in done.stderr


def test_the_plugin_that_exits_is_named_and_found_through_its_helpers(tmp_path):
    """A helper module in a folder below the plugins exits on a thread of its own: it is found
    (as the code of the plugins of that folder), and a relative --handler path and an
    os.chdir do not hide it."""
    folder = tmp_path / "handlers"
    (folder / "crmlib").mkdir(parents=True)
    (folder / "audit.py").write_text("def register(ad_api):\n    pass\n", encoding="utf-8")
    (folder / "crmlib" / "__init__.py").write_text("", encoding="utf-8")
    (folder / "crmlib" / "client.py").write_text(
        "import os, threading\n\n\ndef upload():\n    threading.Thread(target=os._exit, "
        "args=(0,)).start()\n\n\ndef later():\n    os._exit(0)\n",
        encoding="utf-8",
    )
    (folder / "crm.py").write_text(
        textwrap.dedent(
            """
            import os, sys, threading
            sys.path.insert(0, os.path.dirname(__file__))
            from crmlib import client

            def save(*args):
                os.chdir("/")
                threading.Thread(target=client.later).start()

            def register(ad_api):
                ad_api.on("ON_NEW_INTERACTION", save)
            """
        ),
        encoding="utf-8",
    )
    done = _run(tmp_path, "demo", "--handler", "handlers")
    assert done.returncode == 1, done.stderr
    # Its helper is in the folder of both: either may have imported it.
    assert "adsim: plugin audit or crm called os._exit(0) at " in done.stderr
    assert "crmlib/client.py:9" in done.stderr


def test_adsims_own_exit_is_not_a_plugins(tmp_path):
    """A plugin in the working directory that leaves a thread running: adsim's own exit past
    it (run from ``<frozen runpy>``) is not the plugin's."""
    (tmp_path / "crm.py").write_text(
        textwrap.dedent(
            """
            import threading, time

            def register(ad_api):
                threading.Thread(target=time.sleep, args=(300,), name="crm-worker").start()
                ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
            """
        ),
        encoding="utf-8",
    )
    done = _run(tmp_path, "demo", "--handler", "crm.py")
    assert done.returncode == 1, done.stderr
    assert "crm-worker" in done.stderr
    assert "os._exit" not in done.stderr


def test_a_conftest_beside_the_handler_exits_as_it_likes(pytester):
    """Code beside a plugin that is not the plugin's (a conftest.py that ends the session with
    os._exit) is not blamed: the run passed."""
    pytester.makepyfile(
        crm="""
        def register(ad_api):
            ad_api.on("ON_NEW_INTERACTION", lambda *args: None)
        """,
        test_sale="""
        import pytest

        @pytest.mark.adsim(handlers=["crm.py"])
        def test_a_call(adsim):
            adsim.login()
        """,
    )
    pytester.makeconftest(
        """
        import os, sys

        def pytest_unconfigure(config):
            sys.stdout.flush()
            os._exit(0)
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret == 0
    assert "os._exit" not in result.stderr.str()


def test_a_plugin_module_is_not_kept_alive_for_its_exit():
    """A pytest session loads a loose handler file afresh for each test: the guard must not
    keep every copy (and what it holds) alive for the session."""
    import gc
    import types
    import weakref

    from simulator.handlers import exit_guard

    module = types.ModuleType("crm_copy")
    exec("def register(ad_api):\n    pass\n", module.__dict__)
    exit_guard.watch("crm", module.register, [])
    gone = weakref.ref(module.register)  # lives as long as its module's globals
    del module
    gc.collect()
    assert gone() is None
    exit_guard.watch("other", None, [])  # forgets the copies that are gone
    assert all(exit_guard._globals(held) is not None for held, _ in exit_guard._plugins.values())


def test_an_atexit_function_that_is_os_exit_itself_is_said_and_exits_1(tmp_path):
    """``atexit.register(os._exit, 0)``: called with no Python code on the stack, the guard
    failed in its own traceback ("call stack is not deep enough")."""
    done = _demo(
        tmp_path,
        """
        import atexit, os

        def register(ad_api):
            atexit.register(os._exit, 0)
        """,
    )
    assert done.returncode == 1, done.stderr
    assert "call stack is not deep enough" not in done.stderr
    assert (
        "adsim: os._exit(0) was a plugin's atexit function (atexit.register(os._exit, ...)), "
        "run as adsim exits after its report: in adsim's own process (thread isolation) its "
        "status would be adsim's; exit 1"
    ) in done.stderr
