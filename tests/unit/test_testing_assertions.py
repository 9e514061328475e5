"""The pytest helpers' failures name what went wrong.

``assert_record_matches(adsim.record_models[0], ...)`` (a model where the wire dict was meant)
failed with "Object of type InteractionActivityData is not JSON serializable" from building its
own message; an event name with a typo "never came", as if the engine had not sent it; one name
as a string (``"ON_SAVE_ACTIVITY_RECORD"``) was read letter by letter ("O never came")."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from simulator.testing import assert_event_sequence, assert_record_matches, assertions
from simulator.testing.harness import AdsimHarness


@pytest.fixture
def sale():
    with AdsimHarness() as adsim:
        adsim.login()
        adsim.set_agent_state("ready")
        adsim.offer_call("Sales")
        adsim.accept_interaction()
        adsim.advance(130)
        adsim.customer_hang_up()
        adsim.set_disposition("Product sold")
        adsim.complete_interaction()
        yield adsim


def test_a_record_model_is_compared_as_its_wire_json(sale):
    model = sale.record_models[0]
    assert_record_matches(model, {"disposition": "Product sold", "interactionId": {"present": 1}})
    with pytest.raises(AssertionError) as caught:
        assert_record_matches(model, {"disposition": "Nothing sold"})
    message = str(caught.value)
    assert 'disposition: expected "Nothing sold", was "Product sold"' in message
    assert '"interactionId": ' in message  # the record shown, as wire JSON


def test_an_unknown_event_name_says_so(sale):
    with pytest.raises(AssertionError) as caught:
        assert_event_sequence(sale.events, ["ON_NEW_INTERACTION", "ON_SAVE_ACTIVTY_RECORD"])
    first = str(caught.value).splitlines()[0]
    assert first == (
        "event sequence mismatch: ON_SAVE_ACTIVTY_RECORD (expected #2) is not an event name "
        "(did you mean ON_SAVE_ACTIVITY_RECORD?)"
    )


def test_one_name_as_a_string_is_refused(sale):
    with pytest.raises(TypeError, match=r"a list of event names, not one string: \['ON_SAVE"):
        assert_event_sequence(sale.events, "ON_SAVE_ACTIVITY_RECORD")


def test_the_harness_takes_one_handler_as_a_string(tmp_path):
    """``AdsimHarness(handlers="save.py")`` was read letter by letter, as the marker was."""
    (tmp_path / "save.py").write_text(
        "def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVITY_RECORD', lambda r: None)\n"
    )
    with AdsimHarness(handlers=str(tmp_path / "save.py")) as adsim:
        assert [plugin.name for plugin in adsim.host.plugins] == ["save"]


def test_an_empty_expectation_checks_nothing_and_says_so(sale):
    # Both passed whatever came: a test asserting nothing passed as if it had.
    with pytest.raises(ValueError, match="an empty list of names checks nothing"):
        assert_event_sequence(sale.events, [])
    with pytest.raises(ValueError, match="no fields to check"):
        assert_record_matches(sale.records[0], {})
    with pytest.raises(AssertionError, match="event sequence mismatch"):
        assert_event_sequence(sale.events, [], exact=True)  # "nothing came": a check


def test_an_event_that_came_before_the_one_expected_first_is_not_said_never_to_have_come(sale):
    """``["ON_SAVE_ACTIVITY_RECORD", "ON_NEW_INTERACTION"]`` (the order reversed) failed with
    "ON_NEW_INTERACTION (expected #2) never came", though it had: it came before."""
    names = [event.name.value for event in sale.events]
    new, save = names.index("ON_NEW_INTERACTION"), names.index("ON_SAVE_ACTIVITY_RECORD")
    with pytest.raises(AssertionError) as caught:
        assert_event_sequence(sale.events, ["ON_SAVE_ACTIVITY_RECORD", "ON_NEW_INTERACTION"])
    message = str(caught.value)
    assert "never came" not in message
    assert (
        f"ON_NEW_INTERACTION (expected #2) did not come after ON_SAVE_ACTIVITY_RECORD "
        f"(expected #1, event {save + 1}); it came before it (event {new + 1})"
    ) in message
    # An event that came only once, and before, in a list of names too.
    with pytest.raises(AssertionError, match=r"ON_LOGIN \(expected #2\) did not come after "):
        assert_event_sequence(["ON_LOGIN", "ON_LOGOUT"], ["ON_LOGOUT", "ON_LOGIN"])


def test_a_plugin_process_stack_is_cut_below_the_integrations_outermost_frame():
    """A process-isolated handler's timeout has faulthandler's stack (most recent call first):
    a test's report showed adsim's ``child.py`` and ``runpy`` under the handler's line, where a
    thread-isolated one's starts at the integration's code."""
    from simulator.testing.assertions import their_traceback

    child = str(Path(assertions.__file__).resolve().parents[1] / "handlers" / "child.py")
    dump = (
        "Current thread 0x00007f319f842b80 (most recent call first):\n"
        f'  File "{sysconfig.get_path("stdlib")}/socket.py", line 10 in recv\n'
        '  File "/ci/crm.py", line 3 in slow\n'
        f'  File "{child}", line 343 in call\n'
        f'  File "{child}", line 476 in serve\n'
        '  File "<frozen runpy>", line 88 in _run_code\n'
    )
    assert their_traceback(dump) == "\n".join(dump.splitlines()[:3])
    only_ours = f'Current thread 0x1 (most recent call first):\n  File "{child}", line 1 in x\n'
    assert their_traceback(only_ours) == only_ours.rstrip()


@pytest.mark.parametrize("given", [None, "adsim"], ids=["none", "the-harness"])
def test_assert_scenario_passed_given_no_run_result_says_what_it_takes(given, tmp_path):
    """``assert_scenario_passed(adsim)`` said ``adsim has no action or attribute 'passed'``,
    and ``None`` (a helper that forgot to return the result) ``'NoneType' object has no
    attribute 'passed'``."""
    from simulator.testing import assert_scenario_passed

    with AdsimHarness() as adsim:
        what = adsim if given == "adsim" else None
        with pytest.raises(TypeError) as raised:
            assert_scenario_passed(what)
    name = "AdsimHarness" if given == "adsim" else "NoneType"
    assert str(raised.value) == (
        "assert_scenario_passed takes a scenario run's result (result = adsim_scenario(path)), "
        f"not {name}"
    )
