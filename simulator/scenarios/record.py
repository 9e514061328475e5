"""Saving an engine session as a scenario file that replays to the same events.

``record_session(sim)`` turns ``sim.actions`` (what the agent, the customer and the window asked
for, in order, with the simulated time of each) into scenario YAML: one step per action, ``wait``
steps from the time between them, the seed, the settings and the tenant. Customers are written
out in full (the engine records them), so a replay does not depend on drawing the same ones.

Actions that handlers took while handling an event (``by_subscriber``) are left out: replay with
the same handlers loaded and they take them again. Actions that failed are kept, with
``expect_error``: a refused action can still draw ids and must happen again to match.

Interactions get names (``call1``, ``chat1``, ``dial1`` ...) instead of their ids: the ids are
learnt by replaying the actions on a shadow simulator while converting.

In a contact center of several agents every desktop's actions are saved, interleaved in the
order they happened (``ActionRecord.order``): the other agents are listed in ``agents:`` (logged
out: their ``login`` is a step too) and their steps say ``by: NAME``; a name on another desktop
means that desktop's item of the same customer interaction, as in a hand-written scenario.

On the virtual clock the replay is byte-identical. A window session (wall clock) replays to the
same events in the same order; timers fire at their exact due time in the replay, where the
window fired them at its next poll, so their times may differ by a few milliseconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import yaml
from pydantic import TypeAdapter, ValidationError

from simulator.data import Tenant, load_tenant
from simulator.engine import ActionRecord, AgentDesktop, Settings, Simulator, VirtualClock
from simulator.engine.center import UnknownAgentError
from simulator.scenarios.model import AgentSpec, Scenario, Step, step_key
from simulator.scenarios.runner import ScenarioRunner, StepRefusedError
from simulator.scenarios.source import MarkedDict, scenario_resolvers
from simulator.scenarios.version_steps import sends_nothing

__all__ = ["record_session", "session_steps"]

_CREATES = {
    "offer_call": "call",
    "offer_chat": "chat",
    "offer_email": "email",
    "start_call": "dial",
    "consult_call": "consult",
    "start_chat": "started_chat",
}
_STEP: TypeAdapter[Any] = TypeAdapter(Step)
_SKIPPED = frozenset({"start_email"})
"""Not implemented by the engine: they change nothing and emit nothing."""


def _start_ms(sim: Simulator, actions: list[ActionRecord]) -> int:
    started = getattr(sim, "started_ms", None)
    if started is not None:
        return int(started)
    if isinstance(sim.clock, VirtualClock) or not actions:
        return sim.settings.start_time_ms
    return actions[0].time_ms


def _customer(args: dict[str, Any]) -> dict[str, Any] | None:
    customer = args.get("customer")
    if not isinstance(customer, dict):
        return None
    out = {key: value for key, value in customer.items() if value not in (None, "")}
    phone = out.get("phone")
    if isinstance(phone, str) and phone.isdigit():
        out["phone"] = "+" + phone
    return out


def _without_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


class _Converter:
    """Turns action records into step mappings, naming the interactions they create."""

    def __init__(self, sim: Simulator):
        from simulator.scenarios.loader import ScenarioFile

        self.sim = sim
        self.logged_in: dict[str, bool] = {}
        self.counts: dict[str, int] = {}
        self.notes: list[str] = []
        self.desk: AgentDesktop = sim
        """The desktop of the action being converted."""
        shadow_file = ScenarioFile(
            "<recording>",
            Scenario(
                seed=sim.seed,
                settings=_settings(sim),
                agent="logged_out",
                agents=_agent_specs(sim),
            ),
            MarkedDict(),
            sim.tenant,
        )
        self.shadow = ScenarioRunner(shadow_file)
        """A replay run alongside the conversion: it learns the ids the steps create."""

    def name_for(self, iid: Any) -> str | None:
        names: Mapping[str, str] = self.shadow.names
        if self.desk is not self.sim:
            names = self.shadow.agents.names_for(self.shadow.desk(self.desk.name), names)
        for name, known in names.items():
            if known == iid:
                return name
        return None

    def step(self, record: ActionRecord, desk: AgentDesktop) -> dict[str, Any] | str | None:
        """The step that performs ``record`` (an action of ``desk``) again (None: none)."""
        self.desk = desk
        step = self._convert(record)
        if step is None:
            return None
        if desk is not self.sim:
            step = {step: None} if isinstance(step, str) else step
            step["by"] = desk.name
        iid = record.args.get("interaction_id")
        on = self.name_for(iid) if record.name != "switch_active_interaction" else None
        if iid is not None and on is None and record.name != "switch_active_interaction":
            self.notes.append(
                f"{record.name} acted on an interaction the recording cannot name ({iid}); "
                "it replays on the active one"
            )
        creates = record.name in _CREATES and record.ok
        if isinstance(step, str) and (on or creates or not record.ok):
            step = {step: None}
        if isinstance(step, dict):
            if on:
                step["on"] = on
            if creates:
                kind = _CREATES[record.name]
                self.counts[kind] = self.counts.get(kind, 0) + 1
                step["as"] = f"{kind}{self.counts[kind]}"
            if not record.ok:
                step["expect_error"] = getattr(record, "error", None) or "any"
        if record.name == "login" and record.ok:
            self.logged_in[desk.name] = True
        elif record.name == "logout" and record.ok:
            self.logged_in[desk.name] = False
        return step

    def replay(self, step: dict[str, Any] | str, at_ms: int) -> None:
        """Perform ``step`` on the shadow at ``at_ms`` (names it creates become known)."""
        shadow = self.shadow
        if at_ms > shadow.sim.now_ms:
            shadow.sim.advance_ms(at_ms - shadow.sim.now_ms)
        model = _STEP.validate_python(step)
        try:
            outcome = shadow._act(model, shadow.desk(getattr(model, "by", None)))
        except StepRefusedError:
            return
        given = model.name_given
        if outcome.ok and given and isinstance(outcome.data, dict) and "id" in outcome.data:
            shadow.names[given] = outcome.data["id"]

    def _convert(self, record: ActionRecord) -> dict[str, Any] | str | None:
        a = record.args
        name = record.name
        if name == "login":
            spec = _without_none({"username": a.get("username")})
            if not record.ok and not self.logged_in.get(self.desk.name):
                spec["password"] = "(a wrong password)"
            return {"login": spec or None} if spec else "login"
        if name == "logout":
            return "logout"
        if name == "set_agent_state":
            state = a.get("state")
            reason = a.get("not_ready_reason") if state == "not_ready" else None  # else dropped
            return {"set_state": _without_none({"state": state, "reason": reason})}
        if name in ("offer_call", "offer_chat", "offer_email"):
            spec = {"service": a.get("service"), "customer": _customer(a)}
            if a.get("attached_data"):
                spec["attached_data"] = dict(a["attached_data"])
            if name == "offer_call":
                if a.get("transfer_data") is not None:
                    spec["transfer_data"] = a["transfer_data"]
                if a.get("direct"):
                    spec["direct"] = True
                return {"call": _without_none(spec)}
            if name == "offer_chat":
                spec["message"] = a.get("body", "")
                return {"chat": _without_none(spec)}
            spec["subject"] = a.get("subject", "")
            spec["body"] = a.get("body", "")
            return {"email": _without_none(spec)}
        simple = {
            "customer_answer": "answer",
            "accept_interaction": "accept",
            "reject_interaction": "reject",
            "leave_interaction": "leave",
            "cancel_dial": "hang_up" if record.ok else None,  # refused: drew nothing, left out
            "complete_interaction": "complete",
            "destroy_call_conference": None,
        }
        if name in simple and simple[name] is not None:
            return simple[name]
        if name in _BOOLEAN_STATE and not isinstance(a.get("state"), bool):
            return None  # refused (``"false"``): no step holds a state that is not true/false
        table: dict[str, Any] = {
            "customer_hang_up": lambda: {"hang_up": "customer"},
            "customer_message": lambda: {"customer_says": a.get("text")},
            "set_call_hold": lambda: "hold" if a.get("state") else "resume",
            "set_call_mute": lambda: "mute" if a.get("state") else "unmute",
            "set_call_recording": lambda: {"record": "start" if a.get("state") else "stop"},
            "send_dtmf": lambda: {"dtmf": a.get("dtmf")},
            "start_call": lambda: {
                "dial": _without_none(
                    {
                        "phone": a.get("phone_number"),
                        "origination": a.get("origination"),
                        "initial_object": a.get("initial_object"),
                    }
                )
            },
            "consult_call": lambda: {
                "consult": _without_none(
                    {"phone": a.get("phone"), "origination": a.get("origination")}
                )
            },
            "transfer": lambda: (
                {"transfer": {"data": a["custom_transfer_data"]}}
                if a.get("custom_transfer_data") is not None
                else "transfer"
            ),
            "blind_transfer": lambda: {
                "blind_transfer": _without_none(
                    {"to": a.get("phone"), "data": a.get("custom_transfer_data")}
                )
            },
            "invite_to_call_conference": lambda: {
                "conference": _without_none(
                    {"invite": a.get("phone"), "data": a.get("custom_transfer_data")}
                )
            },
            "remove_from_call_conference": lambda: {"conference": {"remove": a.get("party_id")}},
            "destroy_call_conference": lambda: {"conference": {"end": True}},
            "merge_all_calls_into_conference": lambda: (
                {"merge": {"data": a["custom_transfer_data"]}}
                if a.get("custom_transfer_data") is not None
                else "merge"
            ),
            "send_chat_message": lambda: {"agent_says": a.get("message")},
            "start_chat": lambda: {
                "start_chat": _without_none(
                    {
                        "channel": a.get("channel"),
                        "address": a.get("address"),
                        "initial_object": a.get("initial_object"),
                    }
                )
            },
            "invite_to_chat_conference": lambda: (
                # With data it is the ``conference`` step (on a chat: a chat conference).
                {"conference": {"invite": a.get("party_id"), "data": a["custom_transfer_data"]}}
                if a.get("custom_transfer_data") is not None
                else {"chat_conference": {"invite": a.get("party_id")}}
            ),
            "remove_from_chat_conference": lambda: {
                "chat_conference": {"remove": a.get("party_id")}
            },
            "send_email_reply": lambda: {"reply": a.get("body_text")},
            "set_disposition": lambda: {"disposition": a.get("disposition")},
            "add_note": lambda: {"note": a.get("note")},
            "update_note": lambda: {"note": {"text": a.get("note"), "mode": "update"}},
            "replace_note": lambda: {"note": {"text": a.get("note"), "mode": "replace"}},
            "set_variable": lambda: {"variable": {"name": a.get("key"), "value": a.get("value")}},
            "add_interaction_associated_object": lambda: {
                "associate": dict(a.get("associated_object") or {})
            },
            "set_interaction_active_screen": lambda: {"screen": dict(a.get("screen") or {})},
            "leave_and_complete_interaction": lambda: (
                {
                    "leave_and_complete": _without_none(
                        {"disposition": a.get("disposition"), "note": a.get("note")}
                    )
                }
                if a.get("disposition") is not None or a.get("note") is not None
                else "leave_and_complete"
            ),
            "set_call_recording_mute": lambda: {"record_mute": bool(a.get("state"))},
            "pop_crm_record": lambda: {
                "crm_pop": {"id": a.get("record_id"), "type": a.get("record_type")}
            },
            "generate_summary": lambda: {
                "summary": _without_none(
                    {
                        "topics": a.get("topics"),
                        "error": a.get("error"),
                        "seconds": a.get("seconds"),
                    }
                )
            },
            "voice_transcript": lambda: {
                "transcript": {"text": a.get("text"), "party": a.get("party")}
            },
            "set_service": lambda: {"set_service": a.get("service")},
            "set_did_number": lambda: {"set_did": a.get("did")},
            "switch_active_interaction": lambda: {
                "switch": self.name_for(a.get("interaction_id")) or str(a.get("interaction_id"))
            },
        }
        make = table.get(name)
        return make() if make is not None else None


def _settings(sim: Simulator) -> Settings:
    return sim.settings.model_copy(update={"start_time_ms": _start_ms(sim, sim.actions)})


def _agent_specs(sim: Simulator) -> list[AgentSpec]:
    """The center's other agents, logged out (the recording logs them in when they did)."""
    specs = []
    for desk in sim.center.desktops:
        if desk is sim:
            continue
        try:
            sim.center.profile_for(desk.name)
            team = None
        except UnknownAgentError:  # not of the tenant's teams: a new agent of its team
            team = desk.profile.team
        specs.append(AgentSpec(name=desk.name, team=team, state="logged_out"))
    return specs


def _center_actions(sim: Simulator) -> list[tuple[AgentDesktop, ActionRecord]]:
    """Every desktop's own actions (not a handler's), in the order they happened."""
    desks = [sim, *(desk for desk in sim.center.desktops if desk is not sim)]
    actions = [
        (desk, record) for desk in desks for record in desk.actions if not record.by_subscriber
    ]
    if len(desks) > 1:
        actions.sort(key=lambda pair: pair[1].order)
    return actions


_BOOLEAN_STATE = frozenset(
    {"set_call_hold", "set_call_mute", "set_call_recording", "set_call_recording_mute"}
)
"""Actions whose ``state`` is a boolean (anything else was refused ``invalid_args``)."""


def session_steps(sim: Simulator) -> tuple[list[Any], list[str]]:
    """The steps that replay ``sim``'s session (and, in a center of several agents, the other
    desktops'), and notes on what could not be kept exactly."""
    actions = _center_actions(sim)
    converter = _Converter(sim)
    steps: list[Any] = []
    now = _start_ms(sim, [record for _desk, record in actions])
    for desk, record in actions:
        if record.name in _SKIPPED:
            continue
        step = converter.step(record, desk)
        if step is not None and sends_nothing(step_key(step) or "", sim.api_version.value):
            continue  # it did nothing in this version, and a replay of it would be refused
        if step is None:
            converter.notes.append(f"not replayable: {record.name} {record.args!r}")
            continue
        try:  # a call a step cannot hold (refused: set_variable's value not a string)
            _STEP.validate_python(step)
        except ValidationError:
            converter.notes.append(
                f"not replayable: {record.name} {record.args!r} (no step holds its arguments)"
            )
            continue
        if record.time_ms > now:
            steps.append(_Block({"wait": _duration(record.time_ms - now)}))
            now = record.time_ms
        converter.replay(step, record.time_ms)
        steps.append(_tidy(step))
    if sim.now_ms > now:
        steps.append(_Block({"wait": _duration(sim.now_ms - now)}))
    return steps, converter.notes


def _duration(ms: int) -> str:
    if ms % 1000 == 0:
        seconds = ms // 1000
        minutes, rest = divmod(seconds, 60)
        if minutes and not rest:
            return f"{minutes}m"
        if minutes:
            return f"{minutes}m{rest}s"
        return f"{seconds}s"
    return f"{ms}ms"


class _Dumper(yaml.SafeDumper):
    """Writes scenario YAML the way people do: lists indented under their key, steps in block
    style with short values inline, ``- accept:`` rather than ``accept: null``, and plain
    scalars wherever the scenario loader (YAML 1.2 scalars) reads them back the same."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


_Dumper.yaml_implicit_resolvers = scenario_resolvers()


class _Block(dict):
    """A mapping written in block style (a step, the document)."""


def _represent_block(dumper: yaml.SafeDumper, data: _Block) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=False)


def _represent_none(dumper: yaml.SafeDumper, _data: None) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:null", "")


_UNICODE_BREAKS = ("\x85", "\u2028", "\u2029")
"""Line breaks to YAML besides CR and LF: in any style but double quotes PyYAML writes them as
they are, and a reader folds a lone one into a space (U+0085 is also cp1252's ``…`` read as
Latin-1, so pasted text has it)."""


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    if any(brk in data for brk in _UNICODE_BREAKS):
        # Double quotes escape them (``\N``, ``\L``, ``\P``): read back exactly.
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')
    return dumper.represent_str(data)


_Dumper.add_representer(_Block, _represent_block)
_Dumper.add_representer(type(None), _represent_none)
_Dumper.add_representer(str, _represent_str)


def _tidy(step: dict[str, Any] | str) -> dict[str, Any] | str:
    """Short forms where they say the same: ``set_state: ready``, ``consult: "2002"``."""
    if isinstance(step, str):
        return step
    key = next(iter(step))
    value = step[key]
    if isinstance(value, dict):
        if key in ("dial", "consult") and value.get("origination") == "integration-api":
            value.pop("origination")
        short = {"set_state": "state", "dial": "phone", "consult": "phone", "blind_transfer": "to"}
        if key in short and list(value) == [short[key]]:
            step[key] = value[short[key]]
        if key == "note" and value.get("mode") == "add":
            step[key] = value["text"]
    return _Block(step)


def _tenant_value(tenant: Tenant, path: str | None) -> Any:
    if path is not None:
        return path
    if tenant == load_tenant():
        return None
    return tenant.model_dump(mode="json", exclude_defaults=True)


def record_session(
    sim: Simulator, *, name: str | None = None, tenant_path: str | None = None
) -> str:
    """Scenario YAML that replays ``sim``'s session (``tenant_path``: refer to the tenant file
    instead of writing a non-default tenant inline). In a center of several agents it is the
    center's session, whichever desktop ``sim`` is: a scenario's own agent is the center's
    first (a colleague's took its place, and the replay stopped: ``already logged in``)."""
    sim = cast("Simulator", sim.center.desktops[0]) if sim.center.desktops else sim
    steps, notes = session_steps(sim)
    document: dict[str, Any] = _Block(
        {
            "name": name or "Recorded session",
            "description": "Saved from a simulator session; replays to the same events.",
            "seed": sim.seed,
            "agent": "logged_out",
        }
    )
    agents = _agent_specs(sim)
    if agents:
        document["agents"] = [
            _Block(spec.model_dump(mode="json", exclude_none=True)) for spec in agents
        ]
    tenant = _tenant_value(sim.tenant, tenant_path)
    if tenant is not None:
        document["tenant"] = tenant
    settings = _settings(sim).model_dump(mode="json", exclude_defaults=True)
    if settings:
        document["settings"] = settings
    document["steps"] = steps
    header = "# Recorded by adsim (simulator.scenarios.record_session).\n"
    header += "".join(f"# {note}\n" for note in notes)
    body = yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=100,
    )
    return header + body
