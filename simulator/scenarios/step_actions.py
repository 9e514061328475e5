"""What each step that acts does to the simulator: ``_ACTIONS`` maps a step's name to a
function ``(runner, value, interaction id) -> OperationResult``.

A new step is a model in ``simulator.scenarios.steps`` and an entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from simulator.contract import (
    InteractionOrigination,
    InteractionType,
    OperationResult,
    ResultErrorCode,
    fail,
    ok,
)
from simulator.data import digits_only, normalize_phone
from simulator.engine import Action
from simulator.engine import widget_requests as requests
from simulator.scenarios import model as m
from simulator.scenarios.result import StepRefusedError
from simulator.scenarios.version_steps import sends_nothing

if TYPE_CHECKING:
    from simulator.scenarios.runner import ScenarioRunner


def _error(outcome: OperationResult) -> str:
    error = outcome.error
    assert error is not None
    message = error.message or ""
    if len(message) > 1000:  # it quotes the file's value: a 1 MB service name was a 1 MB line
        message = f"{message[:997]}..."
    return f"{error.name} ({error.code})" + (f": {message}" if message else "")


def _customer(spec: m.CustomerSpec | None) -> dict[str, Any] | None:
    if spec is None:
        return None
    return spec.model_dump(exclude_none=True)


def _origination(value: InteractionOrigination | None) -> dict[str, Any]:
    return {} if value is None else {"origination": value}


def _call(r: ScenarioRunner, v: m.CallSpec | None, _iid: str | None) -> OperationResult:
    v = v or m.CallSpec()
    return r.sim.offer_call(
        v.service,
        _customer(v.customer),
        attached_data=dict(v.attached_data) or None,
        transfer_data=v.transfer_data,
        direct=v.direct,
    )


def _chat(r: ScenarioRunner, v: m.ChatSpec | None, _iid: str | None) -> OperationResult:
    v = v or m.ChatSpec()
    return r.sim.offer_chat(
        v.service, _customer(v.customer), v.message, attached_data=dict(v.attached_data) or None
    )


def _email(r: ScenarioRunner, v: m.EmailSpec | None, _iid: str | None) -> OperationResult:
    v = v or m.EmailSpec()
    return r.sim.offer_email(
        v.service,
        _customer(v.customer),
        v.subject,
        v.body,
        attached_data=dict(v.attached_data) or None,
    )


def _record(r: ScenarioRunner, v: Any, iid: str | None) -> OperationResult:
    on = v is None or v is True or v == "start"
    return r.sim.set_call_recording(on, iid)


def _note(r: ScenarioRunner, v: m.NoteSpec, iid: str | None) -> OperationResult:
    method = {"add": r.sim.add_note, "update": r.sim.update_note, "replace": r.sim.replace_note}
    return method[v.mode](v.text, iid)


def _switch(r: ScenarioRunner, v: str, _iid: str | None) -> OperationResult:
    target = r.agents.names_for(r.sim, r.names).get(v)
    if target is None:
        raise StepRefusedError(f"`{v}` was never created (the step that names it failed)")
    return r.sim.switch_active_interaction(target)


def _hang_up(r: ScenarioRunner, v: str | None, iid: str | None) -> OperationResult:
    if v == "customer":
        return r.sim.customer_hang_up(iid)
    # The agent's Hang up: a call still dialling is cancelled (``leave`` refuses it, as
    # adApi's leaveInteraction does).
    inter = r.sim.interaction(iid or r.sim.active_interaction_id or "")
    if inter is not None and Action.cancel_dial in r.sim.allowed(inter.id):
        return r.sim.cancel_dial(inter.id)
    return r.sim.leave_interaction(iid)


def _leave_and_complete(
    r: ScenarioRunner, v: m.LeaveAndCompleteSpec | None, iid: str | None
) -> OperationResult:
    v = v or m.LeaveAndCompleteSpec()
    return r.sim.leave_and_complete_interaction(v.disposition, v.note, iid)


def _login(r: ScenarioRunner, v: m.LoginSpec | None, _iid: str | None) -> OperationResult:
    v = v or m.LoginSpec()
    return r.sim.login(v.username, v.password)


def _panel(ask: Callable[[ScenarioRunner, Any, str | None], Any]) -> _Action:
    """A step that sends an event from one of the agent's panels (logged in only)."""

    def act(r: ScenarioRunner, v: Any, iid: str | None) -> OperationResult:
        if not r.sim.agent.logged_in:
            return fail(ResultErrorCode.not_logged_in, "log in first (login)")
        ask(r, v, iid)
        return ok()

    return act


def _validate_records(r: ScenarioRunner, _v: Any, iid: str | None) -> OperationResult:
    if sends_nothing("validate_records", r.sim.api_version.value):
        return ok()  # a later version's file run under this one on purpose: nothing to ask
    state = r.sim.get_interactions_state()
    data = state.data
    if not state.ok or data is None:  # (an answer that is ok always has the state)
        return state
    target = iid or data["activeInteractionId"]
    for payload in data["interactions"]:
        if payload["interactionId"] == target:
            requests.validate_associated_records(r.sim, target, payload["associatedObjects"])
            return ok()
    return fail(ResultErrorCode.no_interaction, "there is no active interaction; pass on:")


_Action = Callable[["ScenarioRunner", Any, "str | None"], OperationResult]


def _conference(r: ScenarioRunner, value: m.ConferenceSpec, iid: str | None) -> OperationResult:
    sim = r.sim
    chat = sim.interaction(iid or sim.active_interaction_id or "")
    if chat is not None and chat.type is InteractionType.chat and not value.end:
        # On a chat a conference is a chat conference (a colleague joins the chat).
        if value.invite is not None:
            return sim.invite_to_chat_conference(value.invite, iid, custom_transfer_data=value.data)
        return sim.remove_from_chat_conference(value.remove or "", iid)
    if value.invite is not None:
        return sim.invite_to_call_conference(value.invite, value.data, iid)
    if value.end:
        return sim.destroy_call_conference(iid)
    assert value.remove is not None
    party_id = value.remove
    inter = sim.interaction(iid or sim.active_interaction_id or "")
    if inter is not None:
        wanted = {value.remove, digits_only(value.remove)}
        normal = normalize_phone(value.remove)
        if normal:
            wanted.add(normal)
        for party in inter.parties:
            if party.id == value.remove or party.phone in wanted:
                party_id = party.id
                break
    return sim.remove_from_call_conference(party_id, iid)


_ACTIONS: dict[str, _Action] = {
    "login": _login,
    "logout": lambda r, v, i: r.sim.logout(),
    "set_state": lambda r, v, i: r.sim.set_agent_state(v.state, v.reason),
    "call": _call,
    "chat": _chat,
    "email": _email,
    "hang_up": _hang_up,
    "answer": lambda r, v, i: r.sim.customer_answer(i),
    "customer_says": lambda r, v, i: r.sim.customer_message(v, i),
    "accept": lambda r, v, i: r.sim.accept_interaction(i),
    "reject": lambda r, v, i: r.sim.reject_interaction(i),
    "leave": lambda r, v, i: r.sim.leave_interaction(i),
    "hold": lambda r, v, i: r.sim.set_call_hold(True, i),
    "resume": lambda r, v, i: r.sim.set_call_hold(False, i),
    "mute": lambda r, v, i: r.sim.set_call_mute(True, i),
    "unmute": lambda r, v, i: r.sim.set_call_mute(False, i),
    "record": _record,
    "dtmf": lambda r, v, i: r.sim.send_dtmf(v, i),
    "dial": lambda r, v, i: r.sim.start_call(
        v.phone, v.initial_object, **_origination(v.origination)
    ),
    "consult": lambda r, v, i: r.sim.consult_call(v.phone, **_origination(v.origination)),
    "transfer": lambda r, v, i: r.sim.transfer(v.data if v is not None else None),
    "blind_transfer": lambda r, v, i: r.sim.blind_transfer(v.to, v.data, i),
    "conference": _conference,
    "merge": lambda r, v, i: r.sim.merge_all_calls_into_conference(
        v.data if v is not None else None
    ),
    "agent_says": lambda r, v, i: r.sim.send_chat_message(v, i),
    "start_chat": lambda r, v, i: r.sim.start_chat(v.channel, v.address, v.initial_object),
    "chat_conference": lambda r, v, i: (
        r.sim.invite_to_chat_conference(v.invite, i)
        if v.invite is not None
        else r.sim.remove_from_chat_conference(v.remove or "", i)
    ),
    "reply": lambda r, v, i: r.sim.send_email_reply(v, i),
    "disposition": lambda r, v, i: r.sim.set_disposition(v, i),
    "note": _note,
    "variable": lambda r, v, i: r.sim.set_variable(v.name, v.value, i),
    "associate": lambda r, v, i: r.sim.add_interaction_associated_object(dict(v), i),
    "screen": lambda r, v, i: r.sim.set_interaction_active_screen(dict(v), i),
    "crm_pop": lambda r, v, i: r.sim.pop_crm_record(v.id, v.type, i),
    "record_mute": lambda r, v, i: r.sim.set_call_recording_mute(v is not False, i),
    "summary": lambda r, v, i: (
        r.sim.generate_summary(i, v.topics, v.error, v.seconds)
        if v is not None
        else r.sim.generate_summary(i)
    ),
    "transcript": lambda r, v, i: r.sim.voice_transcript(v.text, v.party, i),
    "switch": _switch,
    "complete": lambda r, v, i: r.sim.complete_interaction(i),
    "leave_and_complete": _leave_and_complete,
    "set_service": lambda r, v, i: r.sim.set_service(v),
    "set_did": lambda r, v, i: r.sim.set_did_number(v),
    "kb_search": _panel(
        lambda r, v, i: requests.search_knowledge_base(r.sim, v.query, v.language, v.folder_id)
    ),
    "kb_article": _panel(lambda r, v, i: requests.get_knowledge_base_article(r.sim, v)),
    "kb_folder": _panel(
        lambda r, v, i: requests.get_knowledge_base_folder(
            r.sim, v.language if v else None, v.folder_id if v else None
        )
    ),
    "validate_records": _validate_records,
    "record_info": _panel(lambda r, v, i: requests.request_record_info(r.sim, v.id, v.type)),
    "record_on_screen": _panel(lambda r, v, i: requests.request_record_on_screen(r.sim)),
    "open_record": _panel(
        lambda r, v, i: requests.open_record(r.sim, dict(v.record), i, v.in_new_tab, v.source)
    ),
    "search_records": _panel(
        lambda r, v, i: requests.search_records(r.sim, v.text, list(v.types), i)
    ),
}
