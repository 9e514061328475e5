"""The directory as the window shows it: the tenant's teams and members with live states.

A member who is a simulated agent of the contact center shows that agent's live state (``offline``
while logged out, as ``getTeamMembers`` answers); simulated agents the tenant file does not list
(a new agent of a team, the tenant's own agent seen from a colleague's desktop) join their team.
The desktop's own agent is never added, so a window with one agent lists exactly the tenant
file's members with the file's states. Qt-free: the model only shows these rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["DirectoryRow", "TeamRows", "live_state", "roster", "static_roster"]


@dataclass(frozen=True, slots=True)
class DirectoryRow:
    """One member as the directory shows it."""

    name: str
    extension: str
    state: str
    """A ``TeamMemberState`` value (``ready``, ``not_ready``, ``busy`` ... ``offline``)."""


@dataclass(frozen=True, slots=True)
class TeamRows:
    """A team and its members."""

    name: str
    members: tuple[DirectoryRow, ...]


def live_state(desktop: Any) -> str:
    """A simulated agent's state as the directory says it (``offline`` when logged out)."""
    agent = desktop.agent
    if not agent.logged_in:
        return "offline"
    return str(getattr(agent.phase, "value", agent.phase))


def static_roster(teams: Any) -> tuple[TeamRows, ...]:
    """The tenant file's teams and members with the file's states."""
    return tuple(
        TeamRows(
            team.name,
            tuple(
                DirectoryRow(
                    member.display_name,
                    member.extension,
                    str(getattr(member.state, "value", member.state)),
                )
                for member in team.members
            ),
        )
        for team in teams
    )


def roster(sim: Any) -> tuple[TeamRows, ...]:
    """``sim``'s tenant directory with the center's simulated agents' live states."""
    center = getattr(sim, "center", None)
    desktops = list(getattr(center, "desktops", ()) or ())
    teams = sim.tenant.teams
    if len(desktops) <= 1:
        return static_roster(teams)
    live = {desktop.profile.id: desktop for desktop in desktops}
    listed = {member.id for team in teams for member in team.members}
    own = sim.profile.id
    rows = []
    for team in teams:
        members = [
            DirectoryRow(
                desktop.profile.display_name, desktop.profile.extension, live_state(desktop)
            )
            for desktop in desktops
            if desktop.profile.team == team.id
            and desktop.profile.id not in listed
            and desktop.profile.id != own
        ]
        for member in team.members:
            desktop = live.get(member.id)
            state = (
                live_state(desktop)
                if desktop is not None
                else str(getattr(member.state, "value", member.state))
            )
            members.append(DirectoryRow(member.display_name, member.extension, state))
        rows.append(TeamRows(team.name, tuple(members)))
    return tuple(rows)
