"""The runner: steps on the virtual clock, expectations, refused steps, handler hosts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from simulator.engine import Event, Simulator
from simulator.scenarios import ScenarioRunner, parse_scenario
from simulator.scenarios.model import STEP_TYPES
from simulator.scenarios.runner import _ACTIONS, EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK


def run(text: str, **kwargs: Any):
    return ScenarioRunner(parse_scenario(text, "s.yaml"), **kwargs).run()


def messages(result) -> list[str]:
    return [str(f) for f in result.failures]


def test_every_action_step_has_an_action():
    actions = {key for key, model in STEP_TYPES.items() if model.is_action}
    assert actions == set(_ACTIONS)


def test_a_passing_run():
    result = run(
        "steps:\n  - call: Sales\n    as: c\n  - wait: 4s\n  - accept\n  - wait: 2m\n"
        "  - hang_up\n  - disposition: Product sold\n  - complete\n"
        "  - expect: {event: ON_SAVE_ACTIVITY_RECORD, on: c, payload: {duration: 120}}\n"
    )
    assert result.exit_code == EXIT_OK
    assert result.passed
    assert result.interactions == 1
    assert result.expectations == 1
    assert result.simulated_ms == 124_000
    assert result.steps_run == 8


@pytest.mark.parametrize(("version", "checked"), [("5.19", 1), ("5.24.1", 2), ("2026", 1)])
def test_only_the_expectations_of_the_run_s_version_are_counted_as_checked(version, checked):
    # An expectation of another adApi version is skipped: the summary counted it as checked
    # ("2 expectations checked" in a run that checked none).
    result = run(
        f"api_version: '{version}'\nsteps:\n  - call: Sales\n"
        "  - expect:\n    - {event: ON_NEW_INTERACTION, count: 5, api_version: ['2026']}\n"
        "    - {event: ON_NEW_INTERACTION, api_version: ['5.24.1']}\n"
        "  - expect: {event: ON_NEW_INTERACTION, api_version: ['5.19', '5.24.1']}\n"
    )
    assert result.expectations == checked
    assert result.passed is (version != "2026")


def test_should_stop_ends_the_run_before_the_next_step():
    runner = ScenarioRunner(
        parse_scenario("steps:\n  - call: Sales\n  - wait: 4s\n  - accept\n", "s.yaml")
    )
    asked: list[int] = []

    def stop() -> bool:
        asked.append(len(runner.sim.interactions))
        return len(asked) > 1  # after the first step

    runner.should_stop = stop
    result = runner.run()
    assert result.steps_run == 1
    assert asked == [0, 1]
    assert result.simulated_ms == 0  # the wait never ran


def test_agent_start_states():
    assert run("agent: logged_out\nsteps:\n  - expect: {event: ON_LOGIN, count: 0}\n").passed
    assert run("agent: not_ready\nsteps:\n  - expect: {agent: not_ready}\n").passed
    assert run("steps:\n  - expect: {agent: ready}\n").passed


def test_failed_expectation_names_the_closest_event():
    result = run(
        "steps:\n  - call: Sales\n  - accept\n  - hang_up\n  - disposition: Product sold\n"
        "  - complete\n  - expect:\n      event: ON_SAVE_ACTIVITY_RECORD\n"
        "      payload: {disposition: Offer rejected, state: completed}\n"
    )
    assert result.exit_code == EXIT_FAILED
    (message,) = messages(result)
    assert message.startswith(
        "s.yaml:7:5: expected at least 1 ON_SAVE_ACTIVITY_RECORD with disposition "
        '"Offer rejected", state "completed"; 0 came. Closest: ON_SAVE_ACTIVITY_RECORD #'
    )
    assert message.endswith('disposition: expected "Offer rejected", was "Product sold"')


def test_missing_event_lists_what_came():
    (message,) = messages(run("steps:\n  - expect: {event: ON_LOGOUT}\n"))
    assert "No ON_LOGOUT at all; came: ON_LOGIN x1, ON_AGENT_STATE_CHANGE x2" in message


def test_counts():
    text = "steps:\n  - call\n  - accept\n  - hold\n  - resume\n  - expect: {event: %s}\n"
    assert run(text % "ON_INTERACTION_STATE_CHANGE, count: 3").passed
    assert run(text % "ON_INTERACTION_STATE_CHANGE, count: {at_least: 2, at_most: 3}").passed
    (message,) = messages(run(text % "ON_INTERACTION_STATE_CHANGE, count: 2"))
    assert "expected exactly 2 ON_INTERACTION_STATE_CHANGE; 3 came: #" in message


def test_last_and_since():
    text = (
        "steps:\n  - call\n  - accept\n  - hold\n  - expect: {event: ON_INTERACTION_STATE_CHANGE, "
        "payload: {state: hold}, since: last_step}\n  - resume\n"
        "  - expect: {event: ON_INTERACTION_STATE_CHANGE, payload: {state: hold}, last: true}\n"
        "  - expect: {event: ON_INTERACTION_STATE_CHANGE, payload: {state: hold}, "
        "since: last_expect}\n"
        "  - expect: {event: ON_INTERACTION_STATE_CHANGE, payload: {state: hold}}\n"
    )
    found = messages(run(text))
    assert [m.split(":")[1] for m in found] == ["7", "8"]


def test_order():
    ok = "steps:\n  - call\n  - accept\n  - expect: {order: [ON_LOGIN, ON_NEW_INTERACTION]}\n"
    assert run(ok).passed
    bad = "steps:\n  - call\n  - expect: {order: [ON_NEW_INTERACTION, ON_LOGIN]}\n"
    (message,) = messages(run(bad))
    assert "after ON_NEW_INTERACTION #" in message
    assert "no ON_LOGIN came" in message


def test_state_and_agent_expectations():
    (state, agent) = messages(
        run("steps:\n  - call:\n    as: c\n  - expect: [{state: hold, on: c}, {agent: ready}]\n")
    )
    assert state.endswith("expected `c` in state hold, it is delivery_pending")
    assert agent.endswith("expected the agent ready, the agent is busy")
    assert run("steps:\n  - call:\n    as: c\n  - reject\n  - expect: {state: completed, on: c}\n")
    queued = run(
        "agent: not_ready\nsteps:\n  - call:\n    as: c\n  - expect: {state: queued, on: c}\n"
    )
    assert (
        messages(queued) == ["s.yaml:5:5: expected `c` in state queued, it is queued"]
        or queued.passed
    )


def test_refused_step_stops_the_run_with_exit_2():
    result = run("steps:\n  - call\n  - hold\n  - expect: {event: ON_LOGOUT}\n")
    assert result.exit_code == EXIT_BAD_INPUT
    assert result.steps_run == 1
    assert str(result.error) == (
        "s.yaml:3:5: `hold` was refused: not_suitable_state (15): cannot hold a voice "
        "interaction in state delivery_pending. The active interaction is a voice in state "
        "delivery_pending; allowed now: accept, customer_hang_up, disposition, leave, note, "
        "reject, set_data, switch_active (add expect_error: CODE to the step if that is the point)"
    )


def test_a_refused_action_is_not_listed_as_allowed_now():
    # Sales requires a disposition: `complete` is allowed by state in wrap-up, and refused.
    steps = "  - call: {service: Sales}\n  - wait: 4s\n  - accept\n  - hang_up: customer\n"
    result = run(f"steps:\n{steps}  - complete\n")
    assert result.exit_code == EXIT_BAD_INPUT
    message = str(result.error)
    assert "`complete` was refused: no_disposition (16)" in message
    allowed = (
        message.split("allowed now: ")[1].split(" (add expect_error", maxsplit=1)[0].split(", ")
    )
    assert "complete" not in allowed
    assert "disposition" in allowed


def _allowed_now(message: str) -> list[str]:
    return message.split("allowed now: ")[1].split(" (add expect_error", maxsplit=1)[0].split(", ")


@pytest.mark.parametrize(
    ("step", "error"),
    [
        ("consult: abc", "invalid_args (3)"),
        ("consult: ''", "empty_number (10)"),
        ("consult: '1001'", "self_call (12)"),
        ("dtmf: xyz", "invalid_args (3)"),
        ("disposition: Nope", "object_not_found (17)"),
    ],
)
def test_an_action_refused_for_its_arguments_is_listed_as_allowed_now(step, error):
    # `consult: abc` listed every action but consult: the refused step was left out whatever
    # refused it, though with another number it is allowed now.
    result = run(f"steps:\n  - call: Customer Support\n  - accept\n  - {step}\n")
    assert result.exit_code == EXIT_BAD_INPUT
    message = str(result.error)
    key = step.split(":", maxsplit=1)[0]
    assert f"`{key}` was refused: {error}" in message
    assert key in _allowed_now(message)


def test_refusal_names_interactions_by_their_names():
    result = run("steps:\n  - call:\n    as: c\n  - reject\n  - accept:\n    on: c\n")
    assert "no interaction `c`" in str(result.error)


def test_expect_error():
    assert run("steps:\n  - hold:\n    expect_error: no_interaction\n").passed
    assert run("steps:\n  - hold:\n    expect_error: any\n").passed
    (message,) = messages(run("steps:\n  - hold:\n    expect_error: not_suitable_state\n"))
    assert "expected `hold` to fail with not_suitable_state; no_interaction (13)" in message
    (message,) = messages(run("steps:\n  - call\n    \n  - accept:\n    expect_error: any\n"))
    assert message == "s.yaml:4:5: expected `accept` to fail with any; it succeeded"


def test_a_name_whose_step_failed():
    result = run(
        "steps:\n  - call: {service: Nope}\n    as: c\n    expect_error: no_service\n"
        "  - accept:\n    on: c\n"
    )
    assert str(result.error) == "s.yaml:5:5: `c` was never created (the step that names it failed)"


def test_conference_remove_by_number_or_party_id():
    result = run(
        "steps:\n  - call\n  - accept\n  - conference: '2001'\n  - conference: '+1 415 555 0177'\n"
        "  - conference: {remove: '+14155550177'}\n  - conference: {remove: '2001'}\n"
        "  - expect: {event: ON_INTERACTION_STATE_CHANGE, last: true, "
        "payload: {callParties: {length: 1}}}\n"
    )
    assert result.passed, messages(result) or result.error


def test_every_step_runs():
    """Each step kind once, through the engine (the library covers the flows)."""
    result = run(
        "settings: {outbound_answer_seconds: null}\nsteps:\n"
        "  - set_service: Outbound Calls\n  - set_did: 6EE74DDE-72C1-513A-96D3-A052DACCB5C2\n"
        "  - dial: {phone: '+1 415 555 0134', origination: dialpad, "
        "initial_object: {id: '1', type: Contact, displayName: Ann, displayType: Contact}}\n"
        "    as: d\n"
        "  - answer\n  - mute\n  - unmute\n  - record\n  - record: stop\n  - dtmf: '1'\n"
        "  - variable: {name: order, value: '42'}\n"
        "  - associate: {id: '2', type: Case, displayName: Case 2, displayType: Case}\n"
        "  - screen: {url: https://crm.example.com/2}\n"
        "  - note: a\n  - note: {text: b, mode: update}\n  - note: {text: c, mode: replace}\n"
        "  - leave\n  - complete\n  - chat\n    \n  - accept\n  - customer_says: hi\n"
        "  - agent_says: hello\n  - leave_and_complete: {disposition: Spam, note: bye}\n"
        "  - email\n  - accept\n  - reply: done\n  - complete\n  - logout\n  - login\n"
        "  - expect: {event: ON_SAVE_ACTIVITY_RECORD, count: 3}\n"
    )
    assert result.passed, (messages(result), result.error)
    record = next(e.wire_args[0] for e in result.events if e.name == "ON_SAVE_ACTIVITY_RECORD")
    assert record["description"] == "c"
    assert record["attachedData"] == {"order": "42"}
    assert record["origination"] == "dialpad"


def test_customer_data_is_used():
    result = run(
        "steps:\n  - call: {customer: {first_name: Ann, last_name: Lee, "
        "phone: '+44 20 7946 0958'}}\n"
        "  - expect: {event: ON_NEW_INTERACTION, payload: {phoneNumber: '442079460958', "
        "callParties: [{name: Ann Lee}]}}\n"
    )
    assert result.passed, messages(result)


@dataclass
class Outcome:
    """What the fake host records (the fields of HandlerOutcome the runner reads)."""

    event_seq: int
    event_name: str
    interaction_id: str | None
    handler: str
    plugin: str
    duration_ms: float
    status: str
    result: Any = None
    error: str | None = None


class FakeHost:
    """A host that handles synchronously and answers transfer-data requests when waited on."""

    def __init__(self, sim: Simulator, fail_on: str | None = None):
        self.sim = sim
        self.outcomes: list[Outcome] = []
        self.pending: list[Any] = []
        self.waits = 0
        self.closed = False
        self.fail_on = fail_on
        sim.subscribe(self._on_event)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status != "ok"]

    def _on_event(self, event: Event) -> None:
        status = "error" if event.name == self.fail_on else "ok"
        result = None
        if event.name == "ON_REQUEST_TRANSFER_DATA":
            self.pending.append(event.response.defer())
            result = {"case": "42"}
        self.outcomes.append(
            Outcome(
                event.seq,
                event.name.value,
                event.interaction_id,
                "crm.on_event",
                "crm",
                1.5,
                status,
                result,
                "boom" if status == "error" else None,
            )
        )

    def wait_idle(self, timeout: float | None = None) -> bool:
        self.waits += 1
        while self.pending:
            self.pending.pop(0)({"case": "42"})
        return True

    def close(self) -> None:
        self.closed = True


def test_a_host_is_waited_on_after_every_step_and_its_answers_run():
    source = parse_scenario(
        "steps:\n  - call:\n    as: c\n  - accept\n  - blind_transfer: '2001'\n"
        "  - expect: {state: wrap_up, on: c}\n"
        "  - expect: {handler: {event: ON_REQUEST_TRANSFER_DATA, result: {case: '42'}}}\n"
        "  - expect: {handler: {status: error, count: 0}}\n"
        "  - expect: {handler: {handler: on_event, plugin: crm, count: {at_least: 5}}}\n",
        "s.yaml",
    )
    hosts: list[FakeHost] = []

    def factory(sim: Simulator) -> FakeHost:
        hosts.append(FakeHost(sim))
        return hosts[-1]

    result = ScenarioRunner(source, host_factory=factory).run()
    assert result.passed, messages(result)
    (host,) = hosts
    assert host.closed
    assert host.waits >= 3
    assert len(result.outcomes) == len(result.events)


def test_handler_failures_fail_the_run_unless_allowed():
    text = "steps:\n  - call\n"
    result = ScenarioRunner(
        parse_scenario(text, "s.yaml"), host_factory=lambda sim: FakeHost(sim, "ON_NEW_INTERACTION")
    ).run()
    assert result.exit_code == EXIT_FAILED
    assert len(result.handler_failures) == 1
    allowed = ScenarioRunner(
        parse_scenario("allow_handler_errors: true\n" + text, "s.yaml"),
        host_factory=lambda sim: FakeHost(sim, "ON_NEW_INTERACTION"),
    ).run()
    assert allowed.exit_code == EXIT_OK


def test_handler_expectation_without_a_host():
    (message,) = messages(run("steps:\n  - expect: {handler: {status: ok}}\n"))
    assert "run with --handler" in message


def test_handler_expectation_failure_shows_the_closest_outcome():
    source = parse_scenario(
        "steps:\n  - call\n  - expect: {handler: {event: ON_NEW_INTERACTION, status: error}}\n",
        "s.yaml",
    )
    result = ScenarioRunner(source, host_factory=FakeHost).run()
    (message,) = messages(result)
    assert "Closest: crm.on_event on ON_NEW_INTERACTION #" in message
    assert "status was ok" in message


def test_waits_step_timer_by_timer_with_a_host():
    source = parse_scenario(
        "settings: {ring_timeout_seconds: 5}\nsteps:\n  - call\n  - wait: 1h\n"
        "  - expect: {agent: {state: not_ready, reason: No Answer}}\n",
        "s.yaml",
    )
    hosts: list[FakeHost] = []
    result = ScenarioRunner(
        source, host_factory=lambda s: hosts.append(FakeHost(s)) or hosts[-1]
    ).run()
    assert result.passed
    assert result.simulated_ms == 3_600_000


@pytest.mark.parametrize("seed", [0, 1, 99])
def test_runs_are_reproducible(seed):
    text = "steps:\n  - call\n  - accept\n  - wait: 1m\n  - hang_up: customer\n  - complete\n"
    assert run(text, seed=seed).jsonl() == run(text, seed=seed).jsonl()


def test_an_unknown_origination_is_refused_not_a_crash():
    """Engine fix: ``start_call``/``consult_call`` with an unknown origination used to raise
    ValueError out of the action; now they answer invalid_args and change nothing."""
    sim = Simulator(seed=1)
    sim.login()
    outcome = sim.start_call("2001", origination="telepathy")
    assert not outcome.ok
    assert outcome.error.name == "invalid_args"
    assert sim.interactions == []


def test_a_queued_chat_comes_in_when_a_chat_slot_frees():
    """Engine fix: a chat queued while the agent was busy at max_concurrent_chats used to wait
    until every interaction was done; it now comes in as soon as a slot frees."""
    result = run(
        "settings: {max_concurrent_chats: 2}\nsteps:\n  - chat:\n    as: a\n  - accept\n"
        "  - chat:\n    as: b\n  - accept\n  - chat:\n    as: c\n"
        "  - expect: {event: ON_NEW_INTERACTION, on: c, count: 0}\n"
        "  - leave_and_complete:\n    on: a\n"
        "  - expect: {event: ON_NEW_INTERACTION, on: c}\n"
    )
    assert result.passed, messages(result)


def test_a_refusal_that_ends_a_sentence_gets_one_full_stop():
    result = run("name: s\nsteps:\n  - call: Sales\n  - wait: 2s\n  - accept\n  - note: ''\n")
    assert result.exit_code == EXIT_BAD_INPUT
    said = str(result.error)
    assert "a note needs some text. The active interaction is a voice" in said
    assert ".." not in said


_EMAIL_BESIDE_A_CHAT = (
    "steps:\n  - chat:\n    as: chat\n  - accept\n"
    "  - email: {subject: First}\n    as: first\n"
    "  - email: {subject: Second}\n    as: second\n"
    "  - expect: {event: ON_NEW_INTERACTION, on: first, count: %d}\n"
    "  - leave_and_complete:\n    on: chat\n"
    "  - expect: {event: ON_NEW_INTERACTION, on: first}\n"
    "  - expect: {event: ON_NEW_INTERACTION, on: second, count: %d}\n"
)


def test_an_email_waits_until_the_agent_has_no_chat():
    """The vendor's capacity: an email needs 100 % free, so it waits while a chat is open (it
    came beside the chat), and the queued emails then come one at a time, in queue order."""
    result = run(_EMAIL_BESIDE_A_CHAT % (0, 0))
    assert result.passed, messages(result)
    routed = run("settings: {emails_with_chats: route}\n" + _EMAIL_BESIDE_A_CHAT % (1, 1))
    assert routed.passed, messages(routed)
