"""``payload``, ``present``, ``absent`` and ``satisfies`` read the fields of an event's first
argument: of an event whose first argument is never a mapping (``ON_AGENT_STATE_CHANGE``'s is
the state's name) they matched no event, so ``count: 0`` passed every run, whatever came. That
is bad input at the key, naming the arguments to match with ``args:``."""

from __future__ import annotations

import pytest

from simulator.scenarios import ScenarioFileError, ScenarioRunner, parse_scenario

READY = "agent: not_ready\nsteps:\n  - set_state: ready\n"


def _problems(text: str) -> list[str]:
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(text, "s.yaml")
    return [str(problem) for problem in caught.value.problems]


def test_a_payload_of_the_agents_state_is_refused_naming_its_arguments():
    text = READY + "  - expect: {event: ON_AGENT_STATE_CHANGE, payload: {state: ready}, count: 0}\n"
    (message,) = _problems(text)
    assert message == (
        "s.yaml:4:53: payload: reads the fields of the event's first argument, and "
        "ON_AGENT_STATE_CHANGE has none: its first argument (state) is never a mapping, so "
        "this never matches (count: 0 always true); match its arguments with args: [state, "
        "notReadyReason]"
    )
    # What it says to write checks it: the agent went ready, so count: 0 fails.
    hinted = READY + "  - expect: {event: ON_AGENT_STATE_CHANGE, args: [ready], count: 0}\n"
    assert not ScenarioRunner(parse_scenario(hinted, "s.yaml")).run().passed


@pytest.mark.parametrize(
    ("expect", "key", "tail"),
    [
        ("{event: ON_LOGOUT, absent: [reason], count: 0}", "absent", "it has no argument"),
        (
            '{event: ON_SEARCH_KNOWLEDGE_BASE, satisfies: "len(query) > 3", count: 0}',
            "satisfies",
            "its first argument (query) is never a mapping",
        ),
        (
            "{event: ON_LOAD_TRANSFER_DATA, present: [caseId]}",
            "present",
            "its first argument (interactionId) is never a mapping",
        ),
    ],
)
def test_fields_of_a_first_argument_that_is_no_mapping_are_refused(expect, key, tail):
    (message,) = _problems(f"steps:\n  - expect: {expect}\n")
    assert message.startswith("s.yaml:2:"), message
    assert f"{key}: reads the fields of the event's first argument" in message
    assert tail in message


@pytest.mark.parametrize(
    "expect",
    [
        "{event: ON_LOGIN, payload: {agentId: {present: true}}, count: 0}",
        "{event: ON_SERVER_ERROR, payload: {code: 109}, count: 0}",
        "{event: ON_OPEN_RECORD, payload: {id: '1'}, count: 0}",
        "{event: ON_LOAD_TRANSFER_DATA, args: [{present: true}, {caseId: '42'}], count: 0}",
    ],
)
def test_events_with_a_mapping_first_or_args_are_taken(expect):
    parse_scenario(f"steps:\n  - expect: {expect}\n", "s.yaml")


@pytest.mark.parametrize(
    ("expect", "at", "message"),
    [
        (
            "{event: ON_SERVER_ERROR, payload: {Code: 109}, count: 0}",
            "2:48",
            "`Code` is not a key of ON_SERVER_ERROR's first argument (ServerErrorData) (did you "
            "mean `code`?); keys: code, message, name, timestamp",
        ),
        (
            "{event: ON_SERVER_ERROR, absent: [mesage]}",
            "2:47",
            "`mesage` is not a key of ON_SERVER_ERROR's first argument (ServerErrorData) (did "
            "you mean `message`?); keys: code, message, name, timestamp",
        ),
        (
            "{event: ON_LOGIN, args: [{agentid: {present: false}}]}",
            "2:39",
            "`agentid` is not a key of ON_LOGIN's first argument (LoginStateData) (did you mean "
            "`agentId`?); keys: agentId, isLoggedIn, sessionId, username",
        ),
        (
            "{event: ON_SAVE_ACTIVITY_RECORD, args: [{dispositon: X}], count: 0}",
            "2:54",
            "`dispositon` is not a key of InteractionData (did you mean `disposition`?); keys: ",
        ),
        (
            '{event: ON_SUMMARY_GENERATION_COMPLETED, satisfies: "len(topic) > 0"}',
            "2:70",
            "satisfies: `topic` is not a key of ON_SUMMARY_GENERATION_COMPLETED's first argument "
            "(the result) (did you mean `topics`?)",
        ),
    ],
)
def test_a_key_the_first_argument_never_has_is_refused_at_it(expect, at, message):
    # A misspelt key was never there: payload {Code: 109} with count: 0 passed while a 109 came.
    (problem,) = _problems(f"steps:\n  - expect: {expect}\n")
    assert problem.startswith(f"s.yaml:{at}: {message}"), problem


def test_a_transcript_lines_time_is_a_moment():
    text = (
        'api_version: "2026"\nsteps:\n  - expect:\n      event: ON_VOICE_TRANSCRIPT_MESSAGE\n'
        "      payload: {time: {at_least: 30}}\n"
    )
    (problem,) = _problems(text)
    assert "`time` is a moment in epoch milliseconds, and 30 is 1970-01-01" in problem
