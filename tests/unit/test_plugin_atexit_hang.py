"""A plugin's ``atexit`` function that never returns, with ``--handler-isolation thread``: it
runs as adsim exits, after its summary, and held adsim's exit for ever after a ``PASS`` (CI
waited out its own timeout). Now it has ``exit_watch.GRACE`` seconds, then one line names it,
the plugin and where it was stuck, and adsim ends with exit 1. ``run_adsim``'s timeout trips
only on the failure (a hang)."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from simulator.handlers import exit_watch

from .plugin_demo import ROOT, run_adsim

pytest_plugins = ["pytester"]

PLUGIN = """
    import atexit
    import threading


    def spin():
        while True:
            pass


    def register(ad_api):
        {body}
        ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
"""


def _run(tmp_path: Path, body: str):
    plugin = tmp_path / "crm.py"
    plugin.write_text(textwrap.dedent(PLUGIN.format(body=body)), encoding="utf-8")
    return run_adsim(
        "run",
        "fixtures/scenarios/inbound_acw_disposition.yaml",
        *("--handler", str(plugin), "--handler-isolation", "thread", "--journal", ":memory:"),
    )


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (
            "atexit.register(spin)",
            "plugin crm's atexit function spin (registered at {plugin}:12) was still running "
            "{grace:g} s after adsim's report, at {plugin}:7 in spin: in adsim's own process "
            "(thread isolation) it held the process's exit;",
        ),
        (
            "atexit.register(threading.Event().wait)",
            "plugin crm's atexit function Event.wait (registered at {plugin}:12) was still "
            "running {grace:g} s after adsim's report, at ",
        ),
    ],
)
def test_an_atexit_function_that_never_returns_ends_in_one_line(tmp_path, body, said):
    done = _run(tmp_path, body)
    assert done.returncode == 1, done.stderr
    assert "PASS" in done.stdout + done.stderr
    lines = [line for line in done.stderr.splitlines() if "atexit function" in line]
    assert len(lines) == 1, done.stderr
    expected = said.format(plugin=tmp_path / "crm.py", grace=exit_watch.GRACE)
    assert lines[0].startswith(f"adsim: {expected}"), lines[0]
    assert lines[0].endswith(
        "(with process isolation, adsim's default, it runs in the plugin's process, within its "
        "close's limit); exit 1"
    ), lines[0]


def test_an_atexit_function_that_returns_changes_nothing(tmp_path):
    done = _run(tmp_path, "atexit.register(print, 'flushed')")
    assert done.returncode == 0, done.stderr
    assert "flushed" in done.stdout
    assert "atexit" not in done.stderr


TEST = """
def test_login(adsim):
    adsim.login()
"""


def test_under_pytest_the_session_ends_too(pytester):
    """The pytest fixtures run plugins in pytest's process: the session hung after its
    summary, ``2 passed``."""
    pytester.makepyfile(
        crm=textwrap.dedent(PLUGIN.format(body="atexit.register(spin)")), test_crm=TEST
    )
    pytester.makeini("[pytest]\nadsim_handlers = crm.py\n")
    result = pytester.runpytest_subprocess(
        "-p", "no:pytest-qt", "-p", "no:cacheprovider", timeout=120.0
    )  # a guard: before, it never returned
    assert result.ret == 1, result.stderr.str()
    result.stdout.fnmatch_lines(["*1 passed*"])
    result.stderr.fnmatch_lines(
        [
            "adsim: plugin crm's atexit function spin (registered at *crm.py:11) was still "
            "running * s after pytest's report, at *crm.py:6 in spin: *; exit 1"
        ]
    )


AT_IMPORT = """
import atexit
import sys
import threading


def flush():
    print("flushing", file=sys.stderr, flush=True)
    threading.Event().wait()


atexit.register(flush)


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
"""


def test_one_registered_at_import_is_named_as_the_summary_names_the_plugin(tmp_path):
    """Registered by the module's body, it was named by its file (``plugin /tmp/crm.py's``,
    where every other line says ``plugin crm``), and placed at ``threading.py:327 in wait``,
    the innermost frame, rather than in the plugin's own code."""
    plugin = tmp_path / "crm.py"
    plugin.write_text(AT_IMPORT, encoding="utf-8")
    argv = ["--handler", str(plugin), "--handler-isolation", "thread", "--journal", ":memory:"]
    done = run_adsim("demo", *argv)
    assert done.returncode == 1, done.stderr
    [line] = [line for line in done.stderr.splitlines() if "atexit function" in line]
    assert line.startswith(
        f"adsim: plugin crm's atexit function flush (registered at {plugin}:12) was still "
        f"running {exit_watch.GRACE:g} s after adsim's report, at {plugin}:9 in flush: "
    ), line


@pytest.mark.usefixtures("sigint_heard")
def test_a_ctrl_c_over_it_is_the_users_stop_not_the_plugins_exit(tmp_path):
    """Ctrl-C while it hung was said as ``plugin crm called os._exit(0) at crm.py:9 ...``,
    exit 1: adsim's own exit, from the signal's handler run over the plugin's frame, was taken
    for the plugin's. Now the line says the signal ended it, with the command's own result."""
    plugin = tmp_path / "crm.py"
    plugin.write_text(AT_IMPORT, encoding="utf-8")
    argv = ["--handler", str(plugin), "--handler-isolation", "thread", "--journal", ":memory:"]
    with subprocess.Popen(
        [sys.executable, "-m", "simulator", "demo", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    ) as adsim:
        assert adsim.stderr is not None
        before = []
        for line in adsim.stderr:  # the atexit function has begun: Ctrl-C
            before.append(line)
            if line.strip() == "flushing":
                adsim.send_signal(signal.SIGINT)
                break
        else:
            pytest.fail("".join(before))
        try:
            rest = adsim.stderr.read()
            code = adsim.wait(120.0)  # a guard: the watch would end it 5 s on
        finally:
            adsim.kill()
    assert code == 1, rest  # unfinished: the plugin's failure, as the watch says it 5 s on
    assert "os._exit" not in rest, rest
    said = (
        "adsim: SIGINT while adsim was ending, after the command had ended: exit 1, a plugin's "
        "atexit function did not finish; plugin crm's atexit function flush (registered at "
        f"{plugin}:12) was still running, at {{at}} in flush, and did not finish\n"
    )
    # At its wait, or still at the print that said it had begun (flushed, not yet returned).
    at = (f"{plugin}:9", f"{plugin}:8")
    assert any(said.format(at=where) in rest for where in at), rest
