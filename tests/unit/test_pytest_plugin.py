"""The pytest plugin, tested with pytester: fixtures, options, ini keys, marker, assertions."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.testing import assert_event_sequence, assert_record_matches

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
# pytest-qt is switched off in the inner runs: this suite also runs with no Qt binding at all.
NO_QT = ("-p", "no:pytest-qt", "-p", "no:cacheprovider")

HANDLER = """
saved = []

def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: saved.append(activity))
    ad_api.on("ON_REQUEST_TRANSFER_DATA", lambda interaction_id: {"caseId": "C-7"})
"""


def test_plugin_is_registered_and_imports_no_qt(pytester):
    pytester.makepyfile(
        """
        import sys

        def test_loaded(request):
            assert request.config.pluginmanager.has_plugin("adsim")
            assert not [m for m in sys.modules if m.startswith("PySide6")]
        """
    )
    # In a subprocess: this process has imported Qt already (pytest-qt, the window tests).
    pytester.runpytest_subprocess(*NO_QT).assert_outcomes(passed=1)


def test_adsim_fixture_with_a_handler_from_the_command_line(pytester):
    pytester.makepyfile(my_handler=HANDLER)
    pytester.makepyfile(
        """
        from simulator.testing import assert_event_sequence, assert_record_matches

        def test_call(adsim):
            adsim.login()
            adsim.set_agent_state("ready")
            adsim.offer_call("Sales")
            adsim.accept_interaction()
            adsim.advance(130)
            adsim.blind_transfer("2001")
            adsim.set_disposition("Product sold")
            adsim.complete_interaction()
            assert_event_sequence(
                adsim.events,
                ["ON_NEW_INTERACTION", "ON_REQUEST_TRANSFER_DATA", "ON_SAVE_ACTIVITY_RECORD"],
            )
            assert_record_matches(
                adsim.records[0], {"disposition": "Product sold", "duration": {"at_least": 120}}
            )
            assert [o.status for o in adsim.outcomes] == ["ok", "ok"]
            assert adsim.interaction is not None
        """
    )
    result = pytester.runpytest(*NO_QT, "--adsim-handler", "my_handler.py")
    result.assert_outcomes(passed=1)


def test_ini_handlers_seed_and_marker(pytester):
    pytester.makepyfile(my_handler=HANDLER)
    pytester.makeini(
        """
        [pytest]
        adsim_handlers = my_handler.py
        adsim_seed = 5
        """
    )
    pytester.makepyfile(
        """
        import pytest

        def test_from_ini(adsim):
            assert adsim.seed == 5
            assert len(adsim.host.plugins) == 1

        @pytest.mark.adsim(seed=9, handlers=[], settings={"ivr_state_spelling": "IVR"})
        def test_marker_overrides(adsim):
            assert adsim.seed == 9
            assert adsim.host.plugins == []
            assert adsim.sim.settings.ivr_state_spelling == "IVR"
        """
    )
    pytester.runpytest(*NO_QT, "--strict-markers").assert_outcomes(passed=2)


def test_a_broken_handler_fails_the_test_with_file_and_line(pytester):
    pytester.makepyfile(
        broken="def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVTY_RECORD', print)\n"
    )
    pytester.makepyfile("def test_x(adsim):\n    pass\n")
    result = pytester.runpytest(*NO_QT, "--adsim-handler", "broken.py")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*broken.py:2*ON_SAVE_ACTIVITY_RECORD*"])


def test_adsim_scenario_fixture_runs_a_fixture_scenario(pytester):
    scenario = ROOT / "fixtures" / "scenarios" / "inbound_acw_disposition.yaml"
    pytester.makepyfile(
        f"""
        def test_scenario(adsim_scenario):
            result = adsim_scenario({str(scenario)!r})
            assert result.passed, result.failures
            assert result.events
        """
    )
    pytester.runpytest(*NO_QT).assert_outcomes(passed=1)


def test_assert_event_sequence_explains_what_came():
    with pytest.raises(AssertionError) as caught:
        assert_event_sequence(["ON_LOGIN", "ON_AGENT_STATE_CHANGE"], ["ON_LOGIN", "ON_LOGOUT"])
    message = str(caught.value)
    assert "ON_LOGOUT (expected #2) never came" in message
    assert "ON_AGENT_STATE_CHANGE" in message
    assert_event_sequence(["A", "B", "C"], ["A", "C"])
    with pytest.raises(AssertionError, match="exactly"):
        assert_event_sequence(["A", "B", "C"], ["A", "C"], exact=True)


def test_assert_record_matches_lists_each_difference():
    record = {"disposition": "Offer rejected", "duration": 30, "state": "completed"}
    with pytest.raises(AssertionError) as caught:
        assert_record_matches(
            record, {"disposition": "Product sold", "duration": {"at_least": 120}}
        )
    message = str(caught.value)
    assert "disposition" in message
    assert "duration" in message
    assert '"state": "completed"' in message
    assert_record_matches(record, {"state": "completed", "duration": {"at_most": 30}})


def test_handlers_run_in_a_process_of_their_own_one_marker_away(pytester):
    pytester.makepyfile(
        crashes="import os\n\ndef register(ad_api):\n"
        "    ad_api.on('ON_NEW_INTERACTION', lambda interaction: os._exit(3))\n"
    )
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.adsim(handlers=["crashes.py"], handler_isolation="process")
        def test_call(adsim):
            adsim.login()
            adsim.set_agent_state("ready")
            adsim.offer_call("Sales")
            [failure] = adsim.failures
            assert failure.status == "crashed"
            assert "exited with status 3" in failure.error
        """
    )
    pytester.runpytest(*NO_QT).assert_outcomes(passed=1)
