"""What a plugin in adsim's own process (thread isolation) does to the process's settings cannot
move adsim's relative paths or stop its timeouts: the current directory, a lowered recursion
limit and a raised thread switch interval are put back after its ``register()`` and each call,
and said."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

from simulator.data import load_tenant
from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from tests.unit.plugin_demo import demo_through

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "fixtures" / "scenarios" / "missed_call.yaml"

CHDIR_IN_REGISTER = """
import os


def register(ad_api):
    os.chdir({there!r})  # to find its own files
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
"""


def _cwd_line(who: str, there: Path, back: str) -> str:
    return (
        f"plugin crm: {who} changed adsim's current directory to {there} (os.chdir); in adsim's "
        "own process (thread isolation) every relative path opened later (the next scenario's "
        f"handlers and journal, a test's files) went there too: adsim put back {back} (open the "
        "plugin's files by absolute path, Path(__file__).parent / NAME, or use process isolation)"
    )


def test_a_plugin_changing_directory_in_register_gets_adsims_back(tmp_path, monkeypatch):
    there = tmp_path / "crm-data"
    there.mkdir()
    monkeypatch.chdir(tmp_path)  # back at the end whatever the plugin did
    before = os.getcwd()
    host = demo_through(tmp_path, CHDIR_IN_REGISTER.format(there=str(there)), "thread")
    assert os.getcwd() == before
    assert host.incidents == [_cwd_line("its register()", there, before)]


def test_a_handler_changing_directory_gets_adsims_back_and_its_own_chdir_block_is_none(
    tmp_path, monkeypatch
):
    there = tmp_path / "crm-data"
    there.mkdir()
    monkeypatch.chdir(tmp_path)
    source = f"""
import contextlib
import os


def save(activity):
    with contextlib.chdir({str(there)!r}):  # put back by the handler itself: no change
        pass
    os.chdir({str(there)!r})
    raise RuntimeError("the CRM is down")


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""
    before = os.getcwd()
    host = demo_through(tmp_path, source, "thread")
    assert os.getcwd() == before
    [outcome] = host.outcomes
    assert (outcome.status, outcome.error) == ("error", "RuntimeError: the CRM is down")
    assert host.incidents == [_cwd_line("save", there, before)]


def test_the_next_scenario_finds_its_relative_handler_and_journal_after_a_plugins_chdir(tmp_path):
    """``adsim run a.yaml b.yaml --handler crm.py --journal runs.db`` from the plugin's folder:
    the second scenario was refused ("no such handler file", exit 2) and its journal was made
    in the folder the plugin moved to."""
    there = tmp_path / "crm-data"
    there.mkdir()
    (tmp_path / "crm.py").write_text(CHDIR_IN_REGISTER.format(there=str(there)), encoding="utf-8")
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(SCENARIO.read_text(encoding="utf-8"), encoding="utf-8")
    argv = ["run", "a.yaml", "b.yaml", "--handler", "crm.py", "--handler-isolation", "thread"]
    result = subprocess.run(
        [sys.executable, "-m", "simulator", *argv, "--journal", "runs.db", "--no-entry-points"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr  # the incident; not 2
    assert "no such handler file" not in result.stderr, result.stderr
    assert result.stderr.count("changed adsim's current directory") == 2, result.stderr
    assert result.stdout.count("Missed call and an abandoned one") == 2, result.stdout
    assert (tmp_path / "runs.db").is_file()
    assert list(there.iterdir()) == []


RECURSION_LIMIT = """
import sys


def save(activity):
    sys.setrecursionlimit({limit})


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def test_a_lowered_recursion_limit_is_put_back_and_said(tmp_path):
    before = sys.getrecursionlimit()
    try:
        host = demo_through(tmp_path, RECURSION_LIMIT.format(limit=60), "thread")
        assert sys.getrecursionlimit() == before
    finally:
        sys.setrecursionlimit(before)  # pytest's own code runs out of 60
    assert [outcome.status for outcome in host.outcomes] == ["ok"]
    assert host.incidents == [
        "plugin crm: save lowered the recursion limit to 60 (sys.setrecursionlimit), which "
        "adsim's own code (all of adsim, in thread isolation) runs under: it ended in adsim's "
        f"own RecursionError; adsim put back {before} (raise it, never lower it, or use process "
        "isolation)"
    ]


def test_a_raised_recursion_limit_is_the_plugins_own(tmp_path):
    before = sys.getrecursionlimit()
    try:
        host = demo_through(tmp_path, RECURSION_LIMIT.format(limit=before + 1000), "thread")
        assert sys.getrecursionlimit() == before + 1000
    finally:
        sys.setrecursionlimit(before)
    assert host.incidents == []


def test_a_raised_switch_interval_is_put_back_before_a_handler_loops_past_its_timeout(tmp_path):
    source = """
import sys


def register(ad_api):
    sys.setswitchinterval(1000)  # a handler that loops would hold the GIL for 1000 s
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
"""
    before = sys.getswitchinterval()
    try:
        host = demo_through(tmp_path, source, "thread")
        assert sys.getswitchinterval() == before
    finally:
        sys.setswitchinterval(before)
    assert host.incidents == [
        "plugin crm: its register() raised the thread switch interval to 1000 s "
        "(sys.setswitchinterval); in adsim's own process (thread isolation) a handler that "
        "loops held adsim's threads back that long: its timeout and Ctrl-C waited for it; adsim "
        f"put back {before:g} s (use process isolation)"
    ]


def test_a_handler_that_ends_after_its_host_closed_puts_no_directory_back(tmp_path, monkeypatch):
    """A handler abandoned past its timeout may end after the run (under pytest, during the next
    test): the directory it found is no longer the one to put back."""
    host = HandlerHost(Simulator(load_tenant(), seed=7), isolation="thread")
    before = host._kept_now()
    host.close()
    monkeypatch.chdir(tmp_path)  # the next test's
    host._mend_kept("plugin slow: save", before)
    assert Path.cwd() == tmp_path
    assert host.incidents == []


def test_process_isolation_leaves_a_plugins_directory_to_its_process(tmp_path):
    there = tmp_path / "crm-data"
    there.mkdir()
    before = os.getcwd()
    with contextlib.chdir(tmp_path):
        host = demo_through(tmp_path, CHDIR_IN_REGISTER.format(there=str(there)), "process")
    assert os.getcwd() == before
    assert host.incidents == []
