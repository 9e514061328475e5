"""An integrator's ordinary slips with the ``adsim`` fixture, each said at the test's line in
one sentence: a customer key the engine does not know (it drew a random customer and the
test's CRM lookup by phone failed for no visible reason), ``advance("2m")`` (a ``TypeError``
from the clock's insides), an ``accept_interaction()`` while the call waits in the queue for
an agent who is not ready, and ``assert_no_handler_failures(adsim.events)``."""

from __future__ import annotations

import math

import pytest

from simulator.testing import ActionRefusedError, AdsimHarness, assert_no_handler_failures

pytest_plugins = ["pytester"]

NO_QT = ("-p", "no:pytest-qt", "-p", "no:cacheprovider")


@pytest.mark.parametrize("action", ["offer_call", "offer_chat", "offer_email"])
def test_a_customer_key_the_engine_does_not_know_is_refused_naming_it(action):
    with AdsimHarness(seed=1) as adsim:
        adsim.login()
        adsim.set_agent_state("ready")
        before = len(adsim.events)
        with pytest.raises(ActionRefusedError) as info:
            getattr(adsim, action)(None, {"first_name": "Ann", "phone_number": "+14155550134"})
        text = str(info.value)
        assert "invalid_args" in text
        assert "'phone_number'" in text and "did you mean `phone`?" in text
        assert "first_name, last_name, phone, email, company" in text
        assert len(adsim.events) == before  # refused: nothing arrived
        assert adsim.queued == []


def test_a_customers_name_in_one_key_says_the_two_it_takes():
    with AdsimHarness(seed=1) as adsim:
        adsim.login()
        with pytest.raises(ActionRefusedError, match=r"no key 'name' \(a name is first_name and "):
            adsim.offer_call("Sales", {"name": "Ann Lee"})


def test_the_customer_keys_the_engine_knows_are_taken_as_before():
    with AdsimHarness(seed=1) as adsim:
        adsim.login()
        adsim.set_agent_state("ready")
        customer = {
            "first_name": "Ann",
            "last_name": "Lee",
            "phone": "+1 415 555 0134",
            "email": "ann@example.com",
            "company": "Acme",
        }
        adsim.offer_call("Sales", customer)
        [inter] = adsim.interactions
        assert inter.ani == "14155550134"


@pytest.mark.parametrize(
    ("seconds", "said"),
    [
        ("2m", "advance('2m'): seconds as a number"),
        (-5, "advance(-5): the virtual clock does not go back"),
        (math.inf, "advance(inf): a finite number of seconds"),
        (math.nan, "advance(nan): a finite number of seconds"),
        (True, "advance(True): seconds as a number"),
        (None, "advance(None): seconds as a number"),
    ],
)
def test_advance_with_no_number_of_seconds_says_so(seconds, said):
    with AdsimHarness(seed=1) as adsim:
        adsim.login()
        before = adsim.sim.clock.now_ms()
        with pytest.raises((TypeError, ValueError)) as info:
            adsim.advance(seconds)
        assert str(info.value).startswith(said)
        assert adsim.sim.clock.now_ms() == before
        adsim.advance(0.25)  # still works, in virtual seconds
        assert adsim.sim.clock.now_ms() == before + 250


def test_advance_with_a_text_fails_at_the_tests_line_not_in_the_engine(pytester):
    pytester.makepyfile(
        """
        def test_wait(adsim):
            adsim.login()
            adsim.advance("2m")
        """
    )
    result = pytester.runpytest_subprocess(*NO_QT)
    result.assert_outcomes(failed=1)
    out = result.stdout.str()
    assert "TypeError: advance('2m'): seconds as a number (advance(120) for 2m)" in out
    assert "test_advance_with_a_text_fails_at_the_tests_line_not_in_the_engine.py:3" in out
    assert "core.py" not in out and "clock.py" not in out


def test_accepting_a_call_that_waits_for_an_agent_not_ready_says_so():
    with AdsimHarness(seed=1) as adsim:
        adsim.login()  # not_ready after login: set_agent_state("ready") forgotten
        assert adsim.offer_call("Sales").data["queued"] is True
        with pytest.raises(ActionRefusedError) as info:
            adsim.accept_interaction()
        text = str(info.value)
        assert text.startswith("adsim.accept_interaction() was refused: no_interaction (13)")
        assert (
            "Nothing was delivered to this desktop: the voice offered to Sales waits in the "
            'queue while the agent is not_ready (adsim.set_agent_state("ready") delivers it)'
        ) in text


def test_a_refusal_with_nothing_queued_says_nothing_of_a_queue():
    with AdsimHarness(seed=1) as adsim:
        adsim.login()
        with pytest.raises(ActionRefusedError) as info:
            adsim.accept_interaction()
        assert "queue" not in str(info.value)


def test_assert_no_handler_failures_given_the_events_names_what_it_takes():
    with AdsimHarness(seed=1) as adsim:
        adsim.login()
        with pytest.raises(TypeError, match=r"takes handler outcomes \(adsim\.outcomes\)"):
            assert_no_handler_failures(adsim.events)
        assert_no_handler_failures(adsim.outcomes)
        assert_no_handler_failures([])


def test_a_customer_that_is_no_dict_is_refused_naming_what_it_takes():
    with AdsimHarness(seed=1) as adsim:
        adsim.login()
        adsim.set_agent_state("ready")
        with pytest.raises(ActionRefusedError) as info:
            adsim.offer_call("Sales", "Ann Lee")
        text = str(info.value)
        assert "invalid_args" in text
        assert "the customer is a dict of first_name, last_name, phone, email, company" in text
        assert "not str 'Ann Lee'" in text
        assert adsim.queued == [] and adsim.interactions == []


def test_a_misspelt_action_on_adsim_names_the_action_meant():
    with AdsimHarness(seed=1) as adsim:
        with pytest.raises(AttributeError) as info:
            adsim.hang_up_customer()
        assert str(info.value).startswith(
            "adsim has no action or attribute 'hang_up_customer' (did you mean customer_hang_up?)"
        )
        with pytest.raises(AttributeError, match=r"^adsim has no action or attribute 'xyzzy'$"):
            adsim.xyzzy  # noqa: B018
        assert not hasattr(adsim, "_private_thing")
