"""The pytest plugin's adApi version: the ``adsim_api_version`` ini key and the marker."""

from __future__ import annotations

from pathlib import Path

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
NO_QT = ("-p", "no:pytest-qt", "-p", "no:cacheprovider")


def test_ini_api_version_and_marker(pytester):
    pytester.makeini(
        """
        [pytest]
        adsim_api_version = 5.24.1
        """
    )
    chat = ROOT / "fixtures" / "scenarios" / "chat.yaml"
    pytester.makepyfile(
        f"""
        import pytest

        def test_from_ini(adsim):
            assert adsim.sim.api_version.value == "5.24.1"
            assert adsim.sim.settings.api_version == "5.24.1"

        def test_scenarios_run_in_it(adsim_scenario):
            result = adsim_scenario({str(chat)!r})
            assert result.exit_code == 0
            new = [e for e in result.events if e.name.value == "ON_NEW_INTERACTION"]
            assert new[0].wire_args[0]["associatedObjects"]["selected"] == []

        @pytest.mark.adsim(api_version="2026")
        def test_marker_overrides(adsim):
            assert adsim.sim.api_version.value == "2026"
            assert adsim.sim.get_login_state().ok
        """
    )
    pytester.runpytest(*NO_QT, "--strict-markers").assert_outcomes(passed=3)


def test_a_bad_api_version_is_a_usage_error(pytester):
    pytester.makeini("[pytest]\nadsim_api_version = 5.3\n")
    pytester.makepyfile("def test_x(adsim):\n    pass\n")
    result = pytester.runpytest(*NO_QT)
    result.stdout.fnmatch_lines(["*adsim_api_version: '5.3' is not an adApi version*"])
    assert result.ret != 0
