"""Every (state, action) pair: the table says whether it is allowed; the simulator agrees.

An allowed action succeeds and lands where the table says; anything else answers
``not_suitable_state`` and changes nothing (h11's test_state, for the interaction lifecycle).
"""

from __future__ import annotations

import itertools

import pytest

from simulator.contract import InteractionState, ResultErrorCode
from simulator.engine import Action, Simulator, is_allowed
from simulator.engine.tables import (
    AGENT_TRANSITIONS,
    RELEASED,
    REMOVED,
    TRANSITIONS,
    AgentAction,
    AgentPhase,
    allowed_actions,
)

from .flows import REACHABLE, drive_to, perform, snapshot

S = InteractionState

# Driven by timers or by the dialled number, tested on their own below.
_TIMER_OR_SPECIAL = {
    Action.ring_timeout,
    Action.acw_timeout,
    Action.remote_answer_ivr,
    Action.remote_join,
}
# Allowed by state, but with a further precondition the pair test does not meet.
_NEEDS_MORE = {
    Action.complete_transfer: "no consult call",
    Action.conference_remove: "no such party",
    Action.conference_destroy: "not a conference",
    Action.conference_merge: "one call: nothing to merge it with",
    Action.chat_remove: "no such party",
}
ACTIONS = [action for action in Action if action not in _TIMER_OR_SPECIAL]


@pytest.mark.parametrize(("media", "state"), REACHABLE, ids=str)
@pytest.mark.parametrize("action", ACTIONS, ids=str)
def test_every_state_action_pair(tenant, media, state, action):
    sim = Simulator(tenant, seed=3)
    iid = drive_to(sim, media, state)
    before = snapshot(sim)
    result = perform(sim, action, iid)
    allowed = is_allowed(state, media, action)
    if not allowed:
        assert not result.ok, f"{action} in {media}/{state} should be refused"
        assert result.error.code == ResultErrorCode.not_suitable_state
        assert result.error.message
        assert snapshot(sim) == before, "an illegal action changed something"
        return
    if action in _NEEDS_MORE:
        assert not result.ok
        assert result.error.code in (
            ResultErrorCode.not_suitable_state,
            ResultErrorCode.object_not_found,
        ), _NEEDS_MORE[action]
        assert snapshot(sim) == before
        return
    assert result.ok, f"{action} in {media}/{state}: {result}"
    target = TRANSITIONS.get((state, action))
    inter = sim.interaction(iid)
    if target is None:
        assert inter is not None
        assert inter.state is state or action in (Action.consult,), "a flag action moved state"
    elif target is REMOVED:
        assert inter is None
        assert sim.finished[-1].id == iid
    elif target is RELEASED:
        service = sim.finished[-1].service if inter is None else inter.service
        if service is not None and service.after_call_work:
            assert inter is not None
            assert inter.state is S.wrap_up
        else:
            assert inter is None
    elif target is S.completed:
        assert inter is None
    else:
        assert inter is not None
        assert inter.state is target


def test_completed_interactions_answer_no_interaction(ready):
    iid = ready.offer_call("Customer Support").data["id"]
    ready.accept_interaction(iid)
    ready.leave_interaction(iid)
    ready.complete_interaction(iid)
    for action in ACTIONS:
        if action in (Action.consult, Action.complete_transfer, Action.conference_merge):
            continue  # they act on the agent's calls, not on the id given
        result = perform(ready, action, iid)
        assert result.error.code == ResultErrorCode.no_interaction, action


def test_without_an_active_interaction_actions_answer_no_interaction(ready):
    assert ready.set_call_hold(True).error.code == ResultErrorCode.no_interaction
    assert ready.complete_interaction().error.code == ResultErrorCode.no_interaction
    assert ready.consult_call("2001").error.code == ResultErrorCode.no_interaction


def test_logged_out_actions_answer_not_logged_in(sim):
    for result in (
        sim.accept_interaction("x"),
        sim.set_agent_state("ready"),
        sim.start_call("+14155550134"),
        sim.logout(),
        sim.get_agent_state(),
        sim.get_teams(),
    ):
        assert result.error.code == ResultErrorCode.not_logged_in


def test_allowed_actions_matches_is_allowed():
    for media, state in REACHABLE:
        allowed = allowed_actions(state, media)
        for action in Action:
            assert (action in allowed) == is_allowed(state, media, action)


def test_every_transition_starts_from_a_reachable_state():
    reachable_states = {state for _media, state in REACHABLE} | {S.wrap_up_hold}
    for state, _action in TRANSITIONS:
        assert state in reachable_states


# ---------------------------------------------------------------- the agent's state table


def _phase_of(sim: Simulator, phase: AgentPhase) -> None:
    """Put the agent in ``phase``."""
    if phase is AgentPhase.logged_out:
        return
    sim.login()
    if phase is AgentPhase.ready:
        sim.set_agent_state("ready")
    elif phase is AgentPhase.supervising:
        sim.set_agent_state("supervising")
    elif phase is AgentPhase.not_ready:
        sim.set_agent_state("not_ready", "Lunch")
    elif phase is AgentPhase.busy:
        sim.set_agent_state("ready")
        sim.offer_call("Customer Support")
    elif phase is AgentPhase.after_call_work:
        sim.set_agent_state("ready")
        sim.offer_call("Customer Support")
        sim.accept_interaction()
        sim.leave_interaction()
    assert sim.agent.phase is phase


_SELECT = {
    AgentAction.select_ready: ("ready", None),
    AgentAction.select_not_ready: ("not_ready", "Break"),
    AgentAction.select_supervising: ("supervising", None),
}


@pytest.mark.parametrize("phase", list(AgentPhase), ids=str)
@pytest.mark.parametrize("action", [*_SELECT, AgentAction.login, AgentAction.logout], ids=str)
def test_every_agent_phase_and_choice(tenant, phase, action):
    sim = Simulator(tenant, seed=5)
    _phase_of(sim, phase)
    before = snapshot(sim)
    if action is AgentAction.login:
        result = sim.login()
    elif action is AgentAction.logout:
        result = sim.logout()
    else:
        result = sim.set_agent_state(*_SELECT[action])
    expected = AGENT_TRANSITIONS.get((phase, action), "refused")
    if phase is AgentPhase.logged_out and action is not AgentAction.login:
        assert result.error.code == ResultErrorCode.not_logged_in
        assert snapshot(sim) == before
    elif expected == "refused":
        assert result.error.code == ResultErrorCode.not_suitable_state
        assert snapshot(sim) == before
    else:
        assert result.ok
        assert sim.agent.phase is expected
        if phase in (AgentPhase.busy, AgentPhase.after_call_work) and action in _SELECT:
            assert sim.agent.chosen is not None


def test_agent_table_covers_every_phase_and_system_move():
    phases = {phase for phase, _ in AGENT_TRANSITIONS}
    assert phases == set(AgentPhase)
    for phase, action in itertools.product(
        (AgentPhase.busy, AgentPhase.after_call_work),
        (AgentAction.interaction_live, AgentAction.all_done),
    ):
        assert (phase, action) in AGENT_TRANSITIONS
