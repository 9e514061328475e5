"""Directory queries: teams and their members, services, DIDs, dispositions, configuration and
the interactions' state; the service and DID agent-initiated calls use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.contract import OperationResult, fail, ok
from simulator.data import AgentProfile, Service
from simulator.engine.core import Code, DesktopCore
from simulator.engine.errors import ActionError
from simulator.engine.tables import AgentPhase

__all__ = ["Directory"]


class Directory(DesktopCore):
    """What the desktop answers about the tenant."""

    def _logged(self, produce: Callable[[], Any]) -> OperationResult:
        if self._phase is AgentPhase.logged_out:
            return fail(Code.not_logged_in, "log in first (login)")
        try:
            return ok(produce())
        except ActionError as exc:
            return fail(exc.code, exc.message)

    def _agent_member_state(self) -> str:
        if self._phase is AgentPhase.logged_out:
            return "offline"
        return self._phase.value

    def _extra_members(self, team_id: str) -> list[tuple[AgentProfile, str]]:
        """People of a team who are not in the tenant's member list, with their live states:
        the tenant's agent first, then agents added to the center (``add_agent``)."""
        listed = {member.id for team in self.tenant.teams for member in team.members}
        desktops = {desktop.profile.id: desktop for desktop in self._desktops}
        agent = self.tenant.agent
        extras: list[tuple[AgentProfile, str]] = []
        if agent.team == team_id:
            desk = desktops.get(agent.id)
            extras.append((agent, desk._agent_member_state() if desk else "offline"))
        for desktop in self._desktops:
            profile = desktop.profile
            if profile.team == team_id and profile.id != agent.id and profile.id not in listed:
                extras.append((profile, desktop._agent_member_state()))
        return extras

    def get_teams(self) -> OperationResult:
        """``getTeams``."""
        return self._logged(
            lambda: [
                team.to_wire(extra_members=len(self._extra_members(team.id))).wire()
                for team in self.tenant.teams
            ]
        )

    def get_team_members(self, team_id: str) -> OperationResult:
        """``getTeamMembers``: the members with their states (``object_not_found`` for an
        unknown team); a simulated agent's state is its live one (``offline`` when logged
        out), the others' come from the tenant file."""

        def produce() -> list[dict[str, Any]]:
            team = self.tenant.team(team_id)
            if team is None:
                raise ActionError(Code.object_not_found, f"no team {team_id!r}")
            live = {desktop.profile.id: desktop for desktop in self._desktops}
            members = [
                {
                    "id": profile.id,
                    "teamId": team.id,
                    "firstName": profile.first_name,
                    "lastName": profile.last_name,
                    "phone": profile.extension,
                    "state": state,
                }
                for profile, state in self._extra_members(team.id)
            ]
            for member in team.members:
                wire = team.member_to_wire(member).wire()
                desktop = live.get(member.id)
                if desktop is not None:
                    wire["state"] = desktop._agent_member_state()
                members.append(wire)
            return members

        return self._logged(produce)

    def get_services_list(self) -> OperationResult:
        """``getServicesList``."""
        return self._logged(lambda: [s.to_wire().wire() for s in self.tenant.services])

    def get_service(self) -> OperationResult:
        """``getService``: the service agent-initiated calls use, or null."""

        def produce() -> dict[str, Any] | None:
            if self._service_name is None:
                return None
            service = self.tenant.service(self._service_name)
            return service.to_wire().wire() if service else None

        return self._logged(produce)

    def set_service(self, service: str | None) -> OperationResult:
        """``setService``: by id or name, or null for none."""

        def body() -> None:
            self._require_login()
            if service is None:
                self._service_name = None
                return
            found = self.tenant.service(service)
            if found is None:
                raise ActionError(Code.object_not_found, f"no service {service!r}")
            self._service_name = found.name

        return self._perform("agent", "set_service", {"service": service}, body)

    def get_did_numbers_list(self) -> OperationResult:
        """``getDIDNumbersList``."""
        return self._logged(lambda: [did.wire() for did in self.tenant.dids])

    def get_did_number(self) -> OperationResult:
        """``getDIDNumber``: the selected DID, or null."""
        return self._logged(
            lambda: next((d.wire() for d in self.tenant.dids if d.id == self._did_id), None)
        )

    def set_did_number(self, did: str | None) -> OperationResult:
        """``setDIDNumber``: by id or number, or null."""

        def body() -> None:
            self._require_login()
            if did is None:
                self._did_id = None
                return
            found = next((d for d in self.tenant.dids if did in (d.id, d.number)), None)
            if found is None:
                raise ActionError(Code.object_not_found, f"no DID {did!r}")
            self._did_id = found.id

        return self._perform("agent", "set_did_number", {"did": did}, body)

    def get_dispositions_list(self, target: dict[str, str] | None = None) -> OperationResult:
        """``getDispositionsList``: of a service (id or name) or of an interaction's service."""

        def produce() -> list[dict[str, Any]]:
            wanted = target or {}
            service: Service | None
            if wanted.get("interactionId"):
                service = self._get(wanted["interactionId"]).service
            elif wanted.get("service"):
                service = self.tenant.service(wanted["service"])
                if service is None:
                    raise ActionError(Code.object_not_found, f"no service {wanted['service']!r}")
            elif self._active is not None:
                service = self._interactions[self._active].service
            else:
                raise ActionError(Code.invalid_args, "give a service or an interactionId")
            if service is None or not service.use_dispositions:
                return []
            return [d.to_wire().wire() for d in service.dispositions]

        return self._logged(produce)

    def get_config(self) -> OperationResult:
        """``getConfig``: the integration's configuration (``{}`` for custom integrations)."""
        return ok({})

    def get_interactions_state(self) -> OperationResult:
        """``getInteractionsState`` (5.24.1): the active id and every interaction's payload."""
        return self._logged(
            lambda: {
                "activeInteractionId": self._active,
                "interactions": [
                    inter.wire(self.settings.ivr_state_spelling)
                    for inter in self._interactions.values()
                ],
            }
        )
