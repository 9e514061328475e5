"""A plugin whose ``close()`` raises is a plugin problem, said where the run's result is.

Before: its traceback went to stderr and nothing else happened: ``adsim run`` exited 0 and a
pytest test passed, while the integration's last writes (a flush in ``close()``) had failed.
Now the summary names it with file:line (exit 1) in both isolations, and the ``adsim`` fixture
fails the test at its teardown."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.unit.plugin_demo import run_adsim

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = str(ROOT / "fixtures" / "scenarios" / "inbound_acw_disposition.yaml")
NO_QT = ("-p", "no:pytest-qt", "-p", "no:cacheprovider")

pytest_plugins = ["pytester"]

FLUSH_FAILS = """
SAVED = []


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", SAVED.append)


def close():
    raise OSError(f"crm flush failed: {len(SAVED)} record(s) not sent")
"""


def _adsim(*argv: str) -> subprocess.CompletedProcess[str]:
    return run_adsim(*argv, env={"PYTHONDONTWRITEBYTECODE": "1"})


@pytest.mark.parametrize("isolation", ["process", "thread"])
@pytest.mark.parametrize("command", ["run", "load", "demo"])
def test_a_close_that_raises_is_in_the_summary_and_exits_1(tmp_path, isolation, command):
    plugin = tmp_path / "crm_flush.py"
    plugin.write_text(FLUSH_FAILS, encoding="utf-8")
    common = ["--journal", ":memory:", "--handler", str(plugin), "--handler-isolation", isolation]
    argv = {
        "run": ["run", SCENARIO, *common],
        "load": ["run", SCENARIO, "--repeat", "3", *common],
        "demo": ["demo", *common],
    }[command]
    result = _adsim(*argv)
    assert result.returncode == 1, result.stdout + result.stderr
    saved = 3 if command == "load" else 1  # load mode: one process, its state kept across repeats
    line = (
        f"adsim:   plugin crm_flush: its close() raised: {plugin}:10: OSError: crm flush failed: "
        f"{saved} record(s) not sent"
    )
    assert line in result.stderr.splitlines(), result.stderr
    # Its traceback is there too, once, for the details.
    assert result.stderr.count("Traceback (most recent call last)") == 1, result.stderr


def test_a_close_that_returns_is_no_problem(tmp_path):
    plugin = tmp_path / "crm_flush.py"
    plugin.write_text(FLUSH_FAILS.replace("raise OSError", "print"), encoding="utf-8")
    result = _adsim("run", SCENARIO, "--journal", ":memory:", "--handler", str(plugin))
    assert result.returncode == 0, result.stderr
    assert "close()" not in result.stderr


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_the_adsim_fixture_fails_the_test_whose_plugin_close_raised(pytester, isolation):
    pytester.makepyfile(crm_flush=FLUSH_FAILS)  # its first, empty line stripped: line 9
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.adsim(handlers=["crm_flush.py"], handler_isolation="{isolation}")
        def test_a(adsim):
            adsim.login()
            assert adsim.incidents == []
        """
    )
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_a*",
            "adsim: a handler plugin's end went wrong after this test:",
            "  plugin crm_flush: its close() raised: *crm_flush.py:9: OSError: crm flush "
            "failed: 0 record(s) not sent",
        ]
    )
    assert "During handling of the above exception" not in result.stdout.str()


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_a_close_that_raised_is_said_once_at_the_teardown(pytester, isolation):
    """A test that never read ``adsim.incidents`` got the close's line twice: as the end that
    went wrong, then again as a failure outside any call it did not check."""
    pytester.makepyfile(crm_flush=FLUSH_FAILS)
    pytester.makepyfile(
        f"""
        import pytest

        @pytest.mark.adsim(handlers=["crm_flush.py"], handler_isolation="{isolation}")
        def test_a(adsim):
            adsim.login()
        """
    )
    result = pytester.runpytest(*NO_QT)
    result.assert_outcomes(passed=1, errors=1)
    # pytest's short summary echoes the message whole when CI is set: "once" is the report's.
    report = result.stdout.str().partition("short test summary info")[0]
    assert report.count("its close() raised") == 1, report
    assert "outside any call during this test" not in report


def test_incidents_during_a_test_are_listed(tmp_path):
    """``adsim.incidents`` is what the summary of a run would list outside the calls."""
    from simulator.testing import AdsimHarness

    plugin = tmp_path / "crm_flush.py"
    plugin.write_text(FLUSH_FAILS, encoding="utf-8")
    harness = AdsimHarness(handlers=[plugin], handler_isolation="thread")
    harness.host.reload()  # the plugin's close runs before it is read again
    assert harness.incidents == [
        f"plugin crm_flush: its close() raised: {plugin}:10: OSError: crm flush failed: "
        "0 record(s) not sent"
    ]
    with pytest.raises(Exception, match="its close\\(\\) raised") as info:
        harness.close()
    assert type(info.value).__name__ == "PluginCloseError"
