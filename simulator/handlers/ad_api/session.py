"""``ad_api`` methods of the agent's session and interactions: login, agent state, accepting,
leaving and completing interactions, starting a call, chat or email."""

from __future__ import annotations

from typing import Any

from simulator.contract import AgentState, OperationResult, ResultErrorCode
from simulator.handlers.ad_api.checks import wire
from simulator.handlers.ad_api.core import AdApiCore

__all__ = ["SessionMethods"]

Code = ResultErrorCode


class SessionMethods(AdApiCore):
    """Login, agent state, the interactions' life cycle."""

    # ------------------------------------------------------------------ session, agent state

    def get_login_state(self) -> OperationResult:
        """``getLoginState`` -> ``LoginStateData``."""
        return self._do("get_login_state", self._sim.get_login_state)

    def login(
        self, login_data: dict[str, Any] | None = None, force: bool = False
    ) -> OperationResult:
        """``login(loginData, force?)``: ``{username, password}`` (the tenant's agent when
        omitted)."""
        data = wire(login_data) or {}
        # Not an object (``adApi.login(1)`` from a page): the checks below refuse it.
        shown = (
            {k: v for k, v in data.items() if k != "password"} if isinstance(data, dict) else data
        )
        return self._do(
            "login",
            lambda: self._sim.login(data.get("username"), data.get("password")),
            shown,
            force,
            # Called from Python without loginData: the tenant's own agent (nothing to check).
            checked=(data, force) if login_data is not None else (),
        )

    def open_login(self) -> OperationResult:
        """``openLogin()`` (2026, replaces ``login``): opens the desktop's login form, where the
        simulated agent signs in with the tenant's credentials."""
        return self._do("open_login", self._sim.login)

    def logout(self) -> OperationResult:
        """``logout``."""
        return self._do("logout", self._sim.logout)

    def get_agent_state(self) -> OperationResult:
        """``getAgentState`` -> ``AgentStateData``."""
        return self._do("get_agent_state", self._sim.get_agent_state)

    def set_agent_state(
        self, state: AgentState | str, not_ready_reason: str | None = None
    ) -> OperationResult:
        """``setAgentState(state, notReadyReason?)``: not_ready needs a configured reason."""
        return self._do(
            "set_agent_state",
            lambda: self._sim.set_agent_state(state, not_ready_reason),
            state,
            not_ready_reason,
        )

    def get_agent_not_ready_reasons(self) -> OperationResult:
        """``getAgentNotReadyReasons`` -> ``string[]``."""
        return self._do("get_agent_not_ready_reasons", self._sim.get_agent_not_ready_reasons)

    # ------------------------------------------------------------------ interactions

    def accept_interaction(self, interaction_id: str | None = None) -> OperationResult:
        """``acceptInteraction(interactionId?)``: only while ``delivery_pending``."""
        return self._do(
            "accept_interaction",
            lambda: self._sim.accept_interaction(interaction_id),
            interaction_id,
        )

    def reject_interaction(self, interaction_id: str | None = None) -> OperationResult:
        """``rejectInteraction(interactionId?)``: only while ``delivery_pending``."""
        return self._do(
            "reject_interaction",
            lambda: self._sim.reject_interaction(interaction_id),
            interaction_id,
        )

    def leave_interaction(self, interaction_id: str | None = None) -> OperationResult:
        """``leaveInteraction(interactionId?)``: disconnect."""
        return self._do(
            "leave_interaction", lambda: self._sim.leave_interaction(interaction_id), interaction_id
        )

    def complete_interaction(self, interaction_id: str | None = None) -> OperationResult:
        """``completeInteraction(interactionId?)``: only in wrap-up."""
        return self._do(
            "complete_interaction",
            lambda: self._sim.complete_interaction(interaction_id),
            interaction_id,
        )

    def leave_and_complete_interaction(
        self,
        disposition: str | None = None,
        note: str | None = None,
        interaction_id: str | None = None,
    ) -> OperationResult:
        """``leaveAndCompleteInteraction(disposition?, note?, interactionId?)``."""
        return self._do(
            "leave_and_complete_interaction",
            lambda: self._sim.leave_and_complete_interaction(disposition, note, interaction_id),
            disposition,
            note,
            interaction_id,
        )

    def switch_active_interaction(self, interaction_id: str) -> OperationResult:
        """``switchActiveInteraction(interactionId)``."""
        return self._do(
            "switch_active_interaction",
            lambda: self._sim.switch_active_interaction(interaction_id),
            interaction_id,
        )

    def get_interactions_state(self) -> OperationResult:
        """``getInteractionsState`` (5.24.1) -> ``{activeInteractionId, interactions}``."""
        return self._do("get_interactions_state", self._sim.get_interactions_state)

    # ------------------------------------------------------------------ starting interactions

    def start_call(
        self,
        phone_number: str,
        initial_object: dict[str, Any] | list[dict[str, Any]] | None = None,
    ) -> OperationResult:
        """``startCall(phoneNumber, initialObject?)`` -> ``InitiateResult`` ``{id}``; from
        5.24.1 the second argument may be a list (``InitialObjects``)."""
        record = (
            [wire(item) for item in initial_object]
            if isinstance(initial_object, list)
            else wire(initial_object)
        )
        return self._do(
            "start_call",
            lambda: self._sim.start_call(phone_number, record, source=self.integration_key),
            phone_number,
            record,
        )

    def start_chat(
        self,
        channel: str,
        address: str,
        initial_object: dict[str, Any] | list[dict[str, Any]] | None = None,
    ) -> OperationResult:
        """``startChat(channel, address, initialObject?)``; from 5.24.1 the third argument may
        be a list (``InitialObjects``)."""
        record = (
            [wire(item) for item in initial_object]
            if isinstance(initial_object, list)
            else wire(initial_object)
        )
        return self._do(
            "start_chat",
            lambda: self._sim.start_chat(channel, address, record, source=self.integration_key),
            channel,
            address,
            record,
        )

    def start_email(
        self, email: str, initial_object: dict[str, Any] | None = None
    ) -> OperationResult:
        """``startEmail(email, initialObject?)`` (``api_method_not_implemented``, as the widget)."""
        record = wire(initial_object)
        return self._do("start_email", lambda: self._sim.start_email(email, record), email, record)
