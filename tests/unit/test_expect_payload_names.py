"""A name a payload key never holds (``state: conected``, ``type: vioce``) never matched: with
``count: 0`` the expectation passed whatever came, and without, it failed as if the flow were
wrong. It is bad input at the name, with the names there are."""

from __future__ import annotations

import pytest

from simulator.scenarios import ScenarioFileError, parse_scenario


def _problems(text: str) -> list[str]:
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(text, "s.yaml")
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(
    ("payload", "column", "message"),
    [
        (
            "{state: conected}",
            "67",
            "`state` is one of IVR, completed, delivered, delivery_pending, hold, ivr, queued, "
            "unknown, wrap_up, wrap_up_hold, never `conected`",
        ),
        ("{type: {not: vioce}}", "72", "`type` is one of chat, email, voice, never `vioce`"),
        (
            "{callDirection: {one_of: [outbound, inbund]}}",
            "95",
            "`callDirection` is one of inbound, outbound, never `inbund` (did you mean "
            "`inbound`?): this is decided before any run",
        ),
    ],
)
def test_a_name_the_key_never_holds_is_refused_at_it(payload, column, message):
    text = (
        "steps:\n  - expect: {event: ON_INTERACTION_STATE_CHANGE, "
        f"payload: {payload}, count: 0}}\n"
    )
    (problem,) = _problems(text)
    assert problem.startswith(f"s.yaml:2:{column}: {message}"), problem


def test_the_first_argument_is_the_same_payload():
    text = "steps:\n  - expect: {event: ON_NEW_INTERACTION, args: [{type: Voice}], count: 0}\n"
    (problem,) = _problems(text)
    assert "`type` is one of chat, email, voice, never `Voice`" in problem


@pytest.mark.parametrize(
    "payload",
    [
        "{state: IVR}",  # the ivr_state_spelling setting's
        "{state: {one_of: [delivered, hold]}, type: voice, callDirection: inbound}",
        "{origination: anything}",  # free text from 5.24.1
        "{state: {matches: '^wrap'}}",
    ],
)
def test_names_the_key_holds_are_taken(payload):
    text = f"steps:\n  - expect: {{event: ON_SAVE_ACTIVITY_RECORD, payload: {payload}}}\n"
    parse_scenario(text, "s.yaml")
