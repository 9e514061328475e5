"""An action the engine refuses fails the test at its line (``ActionRefusedError``) instead of
returning an envelope nobody reads: a test that forgot ``set_agent_state("ready")`` went on
without its call, and one that checked only ``adsim.failures == []`` passed with the handler
never run."""

from __future__ import annotations

import pytest

from simulator.contract import OperationError, OperationSuccess
from simulator.testing import ActionRefusedError, AdsimHarness

pytest_plugins = ["pytester"]

NO_QT = ("-p", "no:pytest-qt", "-p", "no:cacheprovider")


def test_a_refused_action_raises_with_the_vendors_error_and_what_is_allowed():
    with AdsimHarness(seed=1) as adsim:
        adsim.login()
        adsim.set_agent_state("ready")
        adsim.offer_call("Sales")
        adsim.accept_interaction()
        before = [e.name.value for e in adsim.events]
        with pytest.raises(ActionRefusedError) as info:
            adsim.complete_interaction()  # a call in progress: hang up first
        refusal = info.value
        assert refusal.action == "complete_interaction"
        assert isinstance(refusal.result, OperationError)
        assert refusal.code == refusal.result.error.name
        text = str(refusal)
        assert text.startswith(f"adsim.complete_interaction() was refused: {refusal.code} (")
        allowed = text.split("the actions that state allows: ", 1)[1].split(" (to test", 1)[0]
        assert ". Its interaction is a voice in state delivered; " in text
        assert "leave" in allowed.split(", ")  # the agent's own hang-up
        assert "complete" not in allowed.split(", ")
        assert "pytest.raises(ActionRefusedError)" in text
        assert [e.name.value for e in adsim.events] == before  # the refusal changed nothing


def test_a_refusal_with_no_interaction_and_the_raw_envelope():
    with AdsimHarness(seed=1) as adsim:
        adsim.login()
        with pytest.raises(ActionRefusedError, match=r"adsim\.accept_interaction\(\) was refused"):
            adsim.accept_interaction()
        # The simulator itself still answers with the envelope, as the adApi does.
        envelope = adsim.sim.accept_interaction()
        assert isinstance(envelope, OperationError) and not envelope.ok


def test_successes_and_other_methods_return_what_they_did():
    with AdsimHarness(seed=1) as adsim:
        assert isinstance(adsim.login(), OperationSuccess)
        assert adsim.allowed() is not None  # not an envelope: returned as it is
        assert adsim.interaction("no-such-id") is None


def test_another_agents_desktop_raises_the_same_and_names_it():
    with AdsimHarness(seed=1) as adsim:
        omar = adsim.agent("omar")
        with pytest.raises(ActionRefusedError) as info:
            omar.set_agent_state("ready")  # not logged in
        text = str(info.value)
        assert text.startswith("adsim.agent('omar').set_agent_state() was refused: ")
        assert "adsim.agent('omar').sim.set_agent_state() returns the envelope" in text


def test_an_unknown_interaction_id_describes_no_other_interaction():
    """It described the active interaction, so ``hold`` looked allowed on a call the test
    never named."""
    with AdsimHarness(seed=1) as adsim:
        adsim.login()
        adsim.set_agent_state("ready")
        adsim.offer_call("Sales")
        adsim.accept_interaction()
        with pytest.raises(ActionRefusedError) as info:
            adsim.set_call_hold(True, "no-such-id")
        assert "Its interaction is" not in str(info.value)


def test_the_test_fails_at_its_own_line(pytester):
    pytester.makepyfile(
        """
        def test_forgot_ready(adsim):
            adsim.login()
            adsim.offer_call("Sales")
            adsim.accept_interaction()
            assert adsim.failures == []
        """
    )
    result = pytester.runpytest_subprocess(*NO_QT)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            ">       adsim.accept_interaction()",
            "E       simulator.testing.refusals.ActionRefusedError: adsim.accept_interaction() "
            "was refused: *",
        ]
    )
    assert "harness.py" not in result.stdout.str()  # the harness's frames are hidden
