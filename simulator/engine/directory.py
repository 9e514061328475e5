"""Directory queries: teams and their members, services, DIDs, dispositions, configuration and
the interactions' state; the service and DID agent-initiated calls use.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.contract import OperationResult, fail, ok
from simulator.data import Service
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

    def get_teams(self) -> OperationResult:
        """``getTeams``."""
        own = self.tenant.agent.team
        return self._logged(
            lambda: [
                team.to_wire(extra_members=1 if team.id == own else 0).wire()
                for team in self.tenant.teams
            ]
        )

    def get_team_members(self, team_id: str) -> OperationResult:
        """``getTeamMembers``: the members with their states (``object_not_found`` for an
        unknown team)."""

        def produce() -> list[dict[str, Any]]:
            team = self.tenant.team(team_id)
            if team is None:
                raise ActionError(Code.object_not_found, f"no team {team_id!r}")
            members = [team.member_to_wire(member).wire() for member in team.members]
            if team.id == self.tenant.agent.team:
                agent = self.tenant.agent
                members.insert(
                    0,
                    {
                        "id": agent.id,
                        "teamId": team.id,
                        "firstName": agent.first_name,
                        "lastName": agent.last_name,
                        "phone": agent.extension,
                        "state": self._agent_member_state(),
                    },
                )
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
