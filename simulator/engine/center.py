"""The contact center: the tenant, one clock, one id stream, the service queue, and the agent
desktops that share them.

``Simulator(seed=...)`` is a center with one agent (the tenant's ``agent``); more desktops join
with ``sim.center.add_agent("omar")``: a team member of the tenant by first name, login id or
extension, or a new agent of a team (``add_agent("bob", team="T-SUPPORT")``). Every desktop has
its own session, interactions and adApi event stream; they share the clock, the timers, the ids
and the queue, so one action on one desktop (a transfer) can land on another, and the directory
(``getTeamMembers``) shows each simulated agent's live state.

Routing (``simulator.engine.routing``): an offer goes to a logged-in agent who can take it, of the
service's teams (``Service.teams``; every team when empty), the longest idle first (the earliest
``since`` of the agent's current state; ties in the order the agents joined); otherwise it waits
in the queue, never reported to adApi.
"""

from __future__ import annotations

import queue
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from simulator.contract import InteractionType
from simulator.data import AgentProfile, CustomerFactory, IdFactory, Tenant, load_tenant
from simulator.engine.clock import Clock, VirtualClock
from simulator.engine.records import QueuedOffer
from simulator.engine.settings import Settings
from simulator.engine.tables import AgentPhase
from simulator.engine.timers import TimerQueue

if TYPE_CHECKING:
    from simulator.engine.desktop import AgentDesktop

__all__ = ["ContactCenter", "Tick", "UnknownAgentError", "team_needed"]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class UnknownAgentError(ValueError):
    """An agent name that is neither a simulated agent nor someone of the tenant's teams."""

    teams: tuple[str, ...] = ()
    """For a new agent asked for without a team (``team_needed``): the tenant's team names."""


def team_needed(name: str, teams: Sequence[str], example: str | None = None) -> UnknownAgentError:
    """The error of a new agent (nobody of the tenant's teams) asked for without a team, showing
    how to give one: ``example``, ``add_agent``'s ``team=`` by default (a caller that takes the
    team in other words, ``--agent NAME@TEAM`` or a scenario's ``{name, team}``, gives its own)."""
    if example is None:
        example = f"add_agent({name.strip()!r}, team={teams[0]!r})"
    listed = ", ".join(repr(team) for team in teams)
    error = UnknownAgentError(
        f"{name!r} is nobody of the tenant's teams: give the new agent a team, as in {example} "
        f"(the teams: {listed})"
    )
    error.teams = tuple(teams)
    return error


@dataclass(slots=True)
class Tick:
    """The one action running across every desktop: its nesting depth and its frozen time."""

    depth: int = 0
    frozen_ms: int | None = None


class ContactCenter:
    """The tenant's contact center: shared clock, ids, timers, queue, and the agent desktops."""

    def __init__(
        self,
        tenant: Tenant | None = None,
        *,
        seed: int = 0,
        clock: Clock | None = None,
        settings: Settings | None = None,
    ):
        self.tenant = tenant if tenant is not None else load_tenant()
        self.settings = settings if settings is not None else Settings()
        self.seed = seed
        self.clock: Clock = (
            clock if clock is not None else VirtualClock(self.settings.start_time_ms)
        )
        self.started_ms = self.clock.now_ms()
        self.ids = IdFactory(random.Random(seed))
        self.customers = CustomerFactory(seed)
        self.timers = TimerQueue()
        self.queue: list[QueuedOffer] = []
        """Offers waiting for an agent, oldest first (every service's queue in one list)."""
        self.posted: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self.tick = Tick()
        self.desktops: list[AgentDesktop] = []
        """The simulated agents' desktops, in the order they joined."""
        self.actions_recorded = 0
        """Actions recorded on every desktop so far (``ActionRecord.order`` of the last)."""

    # ------------------------------------------------------------------ agents

    def join(self, desktop: AgentDesktop) -> None:
        """Add a desktop built on this center (``add_agent`` and ``Simulator`` call this)."""
        if any(other.name == desktop.name for other in self.desktops):
            raise ValueError(f"there is already an agent named {desktop.name!r}")
        self.desktops.append(desktop)
        if len(self.desktops) > 1:
            # Several agents: every event says whose desktop it came from.
            for each in self.desktops:
                each.bus.agent = each.name
                each._several = True

    def agent(self, name: str) -> AgentDesktop:
        """The desktop of a simulated agent, by name, login id or extension."""
        key = name.strip().lower()
        for desktop in self.desktops:
            profile = desktop.profile
            if key in (desktop.name, profile.login_id.lower(), profile.extension):
                return desktop
        names = ", ".join(desktop.name for desktop in self.desktops)
        raise UnknownAgentError(f"no simulated agent {name!r}; the agents are: {names}")

    def by_extension(self, extension: str) -> AgentDesktop | None:
        """The simulated agent whose extension this is, or None."""
        for desktop in self.desktops:
            if desktop.profile.extension == extension:
                return desktop
        return None

    def add_agent(self, name: str | None = None, *, team: str | None = None) -> AgentDesktop:
        """Log a desktop into the center (logged out until ``login``): the tenant's agent when
        ``name`` is None, else a team member by first name, login id or extension, else a new
        agent of ``team``."""
        from simulator.engine.desktop import AgentDesktop

        profile = self.profile_for(name, team)
        desktop = AgentDesktop(self, profile)
        self.join(desktop)
        return desktop

    def profile_for(self, name: str | None, team: str | None = None) -> AgentProfile:
        """The profile of the agent ``name`` names (see ``add_agent``)."""
        tenant = self.tenant
        if name is None:
            return tenant.agent
        key = name.strip().lower()
        agent = tenant.agent
        if key in (agent.first_name.lower(), agent.login_id.lower(), agent.extension):
            return agent
        for definition in tenant.teams:
            for member in definition.members:
                login = f"{member.first_name}.{member.last_name}".lower().replace(" ", "")
                if key in (member.first_name.lower(), login, member.extension):
                    return AgentProfile(
                        id=member.id,
                        login_id=login,
                        first_name=member.first_name,
                        last_name=member.last_name,
                        extension=member.extension,
                        team=definition.id,
                    )
        # The name first: a team given to a name that cannot be one would be refused next.
        if not _NAME.match(name.strip()):
            raise UnknownAgentError(f"{name!r} is not a usable agent name (letters, digits, . _ -)")
        if team is None:
            raise team_needed(name, [t.name for t in tenant.teams])
        found = tenant.team(team)
        if found is None:
            teams = ", ".join(repr(t.name) for t in tenant.teams)
            raise UnknownAgentError(f"no team {team!r}; one of: {teams} (a name or an id)")
        taken = [agent.extension] + [m.extension for t in tenant.teams for m in t.members]
        taken += [d.profile.extension for d in self.desktops]
        extension = str(max((int(e) for e in taken if e.isdigit()), default=1000) + 1)
        first = name.strip().capitalize()
        return AgentProfile(
            id=self.ids.guid(),
            login_id=key,
            first_name=first,
            last_name="Agent",
            extension=extension,
            team=found.id,
        )

    # ------------------------------------------------------------------ routing

    def route(self, offer: QueuedOffer) -> AgentDesktop | None:
        """The agent ``offer`` goes to now: of those who may take it, the longest idle (the
        earliest start of their current state; the first to join on a tie), or None. A call
        goes to a Ready agent before one Busy with chats or emails (``calls_with_chats``): that
        agent is not idle, however early their Busy began."""
        desktops = self.desktops
        if len(desktops) == 1:
            only = desktops[0]
            return only if only._takes(offer) else None
        voice = offer.type is InteractionType.voice
        best: AgentDesktop | None = None
        best_key: tuple[bool, int] = (True, 0)
        for desktop in desktops:
            if not desktop._takes(offer):
                continue
            key = (voice and desktop._phase is not AgentPhase.ready, desktop._since_ms)
            if best is None or key < best_key:
                best, best_key = desktop, key
        return best

    def could_take(self, offer: QueuedOffer, declined: tuple[str, ...]) -> bool:
        """Whether a logged-in agent of the offer's teams, not one of ``declined``, exists."""
        teams = offer.service.teams
        return any(
            desktop.name not in declined
            and desktop.agent.logged_in
            and (not teams or desktop.profile.team in teams)
            for desktop in self.desktops
        )

    # ------------------------------------------------------------------ delivery

    def flush(self) -> None:
        """Deliver every desktop's queued events and notices (in the order they joined)."""
        for desktop in self.desktops:
            desktop._flush_own()
