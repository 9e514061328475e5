"""A plugin's ``atexit`` function that never returns, with ``--handler-isolation thread``: it
runs as adsim exits, after its summary, and held adsim's exit for ever after a ``PASS`` (CI
waited out its own timeout). Now it has ``exit_watch.GRACE`` seconds, then one line names it,
the plugin and where it was stuck, and adsim ends with exit 1. ``run_adsim``'s timeout trips
only on the failure (a hang)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from simulator.handlers import exit_watch

from .plugin_demo import run_adsim

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
