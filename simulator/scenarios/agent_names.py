"""The agents a scenario lists (``agents:``) and the names ``by:`` gives, checked when the file
is loaded: a second listing of the same agent and a ``by:`` that names nobody of the scenario
are refused at their place before any step runs (they stopped the run at that step, after the
steps before it had run).

Names resolve as the contact center resolves them (``Center.profile_for`` for a listing,
``Center.agent`` for ``by:``): a first name, a login id or an extension, in any case. Nothing
here draws an id or builds a desktop: the run's events are the same with the check or without.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.data import Tenant
from simulator.scenarios.model import Scenario
from simulator.scenarios.source import MarkedDict, locate
from simulator.scenarios.wording import _suggest

__all__ = ["check_agent_names"]


@dataclass(frozen=True)
class _Agent:
    """One desktop of the scenario, as ``by:`` finds it."""

    identity: str
    """The tenant's agent, a team member's id, or a new agent's name."""
    name: str
    """The desktop's name (the first name, in lower case)."""
    login_id: str
    extension: str

    def answers_to(self, key: str) -> bool:
        return key in (self.name, self.login_id, self.extension)


def _resolve(tenant: Tenant, written: str, extensions: list[str]) -> _Agent:
    """The agent a listing names: the tenant's agent, a team member, else a new agent (its
    extension the next free one, as the center gives it)."""
    key = written.strip().lower()
    agent = tenant.agent
    if key in (agent.first_name.lower(), agent.login_id.lower(), agent.extension):
        return _Agent("", agent.first_name.lower(), agent.login_id.lower(), agent.extension)
    for team in tenant.teams:
        for member in team.members:
            login = f"{member.first_name}.{member.last_name}".lower().replace(" ", "")
            if key in (member.first_name.lower(), login, member.extension):
                return _Agent(member.id, member.first_name.lower(), login, member.extension)
    taken = [agent.extension] + [m.extension for t in tenant.teams for m in t.members]
    taken += extensions
    extension = str(max((int(e) for e in taken if e.isdigit()), default=1000) + 1)
    return _Agent(f"new:{key}", key, key, extension)


def check_agent_names(scenario: Scenario, raw: MarkedDict, tenant: Tenant, problem: Any) -> None:
    """Refuse a second listing of an agent under ``agents:`` and a ``by:`` naming nobody."""
    tenant_agent = _resolve(tenant, tenant.agent.first_name, [])
    desks = [tenant_agent]
    listed: dict[str, int] = {}
    for index, spec in enumerate(scenario.agents):
        agent = _resolve(tenant, spec.name, [d.extension for d in desks])
        if agent.identity in listed:
            first = listed[agent.identity]
            mark = locate(raw, ("agents", first))
            at = f"at {mark.line}:{mark.column}" if mark else "above"
            written = scenario.agents[first].name
            if written.strip().lower() == spec.name.strip().lower():
                said = f"`{spec.name}` is listed already, {at}"
            else:
                said = f"`{spec.name}` is {agent.name}, listed already as `{written}` {at}"
            problem(locate(raw, ("agents", index)), f"{said}: list each agent once")
            continue
        listed[agent.identity] = index
        if agent.identity:
            desks.append(agent)
    names = [desk.name for desk in desks]
    for path, by in _by_names(scenario):
        if not any(desk.answers_to(by.strip().lower()) for desk in desks):
            problem(
                locate(raw, (*path, "by")),
                f"by: no agent `{by}` in this scenario{_suggest(by, names)}: list it under "
                f"agents:, or name one of the agents: {', '.join(names)}",
            )


def _by_names(scenario: Scenario) -> list[tuple[tuple[Any, ...], str]]:
    """Each ``by:`` of the file, with the path of the mapping that holds it."""
    found: list[tuple[tuple[Any, ...], str]] = []
    for index, step in enumerate(scenario.steps):
        at = ("steps", index)
        if step.key == "expect":
            many = isinstance(step.value, list)
            specs = step.value if many else [step.value]
            for number, spec in enumerate(specs):
                if spec.by is not None:
                    found.append(((*at, "expect", number) if many else (*at, "expect"), spec.by))
        else:
            by = getattr(step, "by", None)  # the action steps' (``_ActionStep``)
            if by is not None:
                found.append((at, by))
    return found
