"""The agents of a scenario (``agents:``): their desktops in one contact center, ``by: NAME``,
and what names and events mean on each desktop.

The tenant's agent is always the first desktop (``runner.sim``) and the default of every step and
expectation. A name given with ``as`` on one desktop means, on another, that desktop's item of the
same customer interaction (the same ``globalInteractionId``; the latest such item, leaving out
items that have a name of their own, such as a consult call that desktop dialled). With several
agents every event
carries its agent (``Event.agent``), and an expectation ``by: NAME`` sees only that agent's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import yaml

from simulator.engine import NOBODY, AgentDesktop, Event, Simulator
from simulator.engine.center import UnknownAgentError, team_needed
from simulator.scenarios import model as m

__all__ = ["ScenarioAgents", "UnknownStepAgentError", "held_elsewhere", "settle_hosts"]


class UnknownStepAgentError(LookupError):
    """``by: NAME`` names nobody of the scenario."""


class ScenarioAgents:
    """The desktops of a scenario's agents and their starting states."""

    def __init__(self, sim: Simulator, default_state: str, state_given: bool = False):
        self.sim = sim
        self.start_states: dict[str, str] = {sim.name: default_state}
        """How each agent starts: ``ready``, ``not_ready`` or ``logged_out``."""
        self._state_given = state_given
        """Whether the file wrote ``agent:`` (the tenant's agent's state) itself."""

    def add(
        self, agents: Sequence[m.AgentSpec], subscribe: Callable[[Event], Any]
    ) -> tuple[int, str] | None:
        """Join the listed agents to the center (the tenant's agent is there already; listing
        it with a ``state`` sets how it starts, as ``agent:`` does; by name alone it starts as
        ``agent:`` says); ``(index, message)`` of the first that cannot join."""
        center = self.sim.center
        for index, spec in enumerate(agents):
            try:
                profile = center.profile_for(spec.name, spec.team)
                if profile.id == self.sim.profile.id:
                    desk: AgentDesktop = self.sim
                else:
                    # This profile, not a second ``add_agent``: a new agent's id is drawn once,
                    # as ``center.add_agent("bob", team=...)`` draws it in Python.
                    desk = AgentDesktop(center, profile)
                    center.join(desk)
                    desk.subscribe(subscribe, NOBODY)
            except UnknownAgentError as exc:  # a team needed: said as a scenario gives it
                if not exc.teams:
                    return index, str(exc)
                example = _flow({"name": spec.name.strip(), "team": exc.teams[0]})
                return index, str(team_needed(spec.name, exc.teams, example))
            except ValueError as exc:
                return index, str(exc)
            if desk is self.sim:
                problem = self._tenant_agent_state(spec)
                if problem is not None:
                    return index, problem
                continue
            self.start_states[desk.name] = spec.state
        return None

    def _tenant_agent_state(self, spec: m.AgentSpec) -> str | None:
        """Take the listed tenant's agent's ``state`` when it gives one; a message when it
        disagrees with ``agent:``. Listed by name alone (``- jane``), the listing's default
        (ready) had overridden ``agent: not_ready``, silently."""
        if "state" not in spec.model_fields_set:
            return None
        written = self.start_states[self.sim.name]
        if self._state_given and spec.state != written:
            return (
                f"agent: {written} and this listing's state: {spec.state} say how "
                f"{self.sim.name}, the tenant's agent, starts, and disagree: keep one"
            )
        self.start_states[self.sim.name] = spec.state
        return None

    @property
    def several(self) -> bool:
        """True when the scenario has more than the tenant's agent."""
        return len(self.sim.center.desktops) > 1

    def others(self) -> list[AgentDesktop]:
        """The desktops other than the tenant's agent's."""
        return [desk for desk in self.sim.center.desktops if desk is not self.sim]

    def desk(self, name: str | None) -> AgentDesktop:
        """The desktop of ``name`` (``by:``); the tenant's agent for None."""
        if name is None:
            return self.sim
        try:
            return self.sim.center.agent(name)
        except ValueError:
            known = ", ".join(d.name for d in self.sim.center.desktops)
            raise UnknownStepAgentError(
                f"no agent `{name}` in this scenario (list it under agents:); the agents: {known}"
            ) from None

    def names_for(self, desk: AgentDesktop, names: Mapping[str, str]) -> Mapping[str, str]:
        """Interaction names as ``desk`` sees them (see the module doc)."""
        if not self.several:
            return names
        mine = [*desk.finished, *desk.interactions]
        own = {inter.id for inter in mine}
        giids = {
            inter.id: inter.global_interaction_id
            for other in self.sim.center.desktops
            for inter in (*other.finished, *other.interactions)
        }
        # An item of this desktop that has a name of its own (a consult it dialled) is not
        # another name's item too, though it carries the same customer's GIID.
        named = {iid for iid in names.values() if iid in own}
        seen: dict[str, str] = {}
        for name, iid in names.items():
            giid = giids.get(iid)
            if iid in own or giid is None:
                seen[name] = iid
                continue
            same = [
                inter.id
                for inter in mine
                if inter.global_interaction_id == giid and inter.id not in named
            ]
            seen[name] = same[-1] if same else iid
        return seen

    def events_of(
        self, desk: AgentDesktop, events: list[Event], *marks: int
    ) -> tuple[list[Event], list[int]]:
        """``desk``'s events, and each index of ``marks`` (into ``events``) moved into them."""
        if not self.several:
            return events, list(marks)
        mine = [i for i, event in enumerate(events) if event.agent == desk.name]
        moved = [sum(1 for i in mine if i < mark) for mark in marks]
        return [events[i] for i in mine], moved


def settle_hosts(hosts: Sequence[Any], sim: AgentDesktop) -> None:
    """Several agents with handlers: settle every host until no desktop emits more (a handler
    on one desktop may act on another; a transfer lands there)."""
    desks = sim.center.desktops
    for _ in range(10_000):
        before = sum(desk.bus.count for desk in desks)
        for host in hosts:
            settle = getattr(host, "settle", None)
            if settle is not None:
                settle()
            else:
                host.wait_idle()
        sim.drain_posted()
        if sum(desk.bus.count for desk in desks) == before:
            break


def held_elsewhere(desk: AgentDesktop, target: str) -> str | None:
    """The other agent whose desktop has or had the item ``target``, when ``desk`` never had
    it (a name ``by:`` an agent who never got that customer interaction); else None."""
    if not desk.keep_finished or any(inter.id == target for inter in desk.finished):
        return None
    for other in desk.center.desktops:
        if other is not desk and (
            other.interaction(target) is not None
            or any(inter.id == target for inter in other.finished)
        ):
            return other.name
    return None


def _flow(mapping: Mapping[str, str]) -> str:
    """``mapping`` as one line of flow-style YAML a scenario takes as written: a team's name
    such as ``Cards: EMEA, #1`` quoted (unquoted it would not be valid YAML)."""
    text: str = yaml.safe_dump(
        dict(mapping), default_flow_style=True, sort_keys=False, width=1_000_000
    )
    return text.strip()
