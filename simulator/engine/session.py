"""The agent's session and ACD states: login, logout, Ready / Not Ready, and the system moves
(Busy, After Call Work) derived from the interactions the agent has.
"""

from __future__ import annotations

from typing import Any

from simulator.contract import AgentState, OperationResult, ServerErrorCode, fail, ok
from simulator.engine.core import (
    _AGENT_STATE_CHANGE,
    _IDLE_PHASES,
    _LOGGED_OUT,
    _NOT_READY,
    _WORKING_PHASES,
    Code,
    E,
)
from simulator.engine.errors import ActionError
from simulator.engine.lifecycle import Lifecycle
from simulator.engine.tables import AGENT_SELECTABLE, AGENT_TRANSITIONS, AgentAction, AgentPhase

__all__ = ["AgentSession"]


class AgentSession(Lifecycle):
    """Login, logout and the agent's state."""

    def _apply_agent(self, action: AgentAction) -> AgentPhase | None:
        try:
            return AGENT_TRANSITIONS[(self._phase, action)]
        except KeyError:
            raise ActionError(
                Code.not_suitable_state,
                f"cannot {action.value.replace('_', ' ')} while {self._phase.value}",
            ) from None

    def _set_agent(self, phase: AgentPhase, reason: str | None) -> None:
        if phase is not _NOT_READY:
            reason = None
        if phase == self._phase and reason == self._reason:
            return
        self._phase, self._reason = phase, reason
        self._since_ms = self._now()
        if phase is _LOGGED_OUT:
            return
        state = phase._value_
        if reason is not None:
            self._emit(_AGENT_STATE_CHANGE, state, reason)
        else:
            self._emit(_AGENT_STATE_CHANGE, state)
        self._notice("agent_state", None, state)

    def _refresh_agent(self) -> None:
        """Derive the system moves of 6.2 from the interactions the agent has."""
        if self._phase is _LOGGED_OUT:
            return
        if not self._interactions:
            if self._phase not in _WORKING_PHASES:
                return
            action = AgentAction.all_done
        else:
            # A loop rather than all(): this runs after every change of an interaction.
            action = AgentAction.all_in_wrap_up
            for inter in self._interactions.values():
                if not inter.in_wrap_up:
                    action = AgentAction.interaction_live
                    break
        if self._phase in _IDLE_PHASES:
            self._before_work = (self._phase, self._reason)
        target = self._apply_agent(action)
        if target is None:
            phase, reason = self._after_work_state()
            self._chosen = None
            self._set_agent(phase, reason)
            self._deliver_queued()
        else:
            self._set_agent(target, self._reason)
            if self._queue and self._phase is AgentPhase.busy:
                # A chat slot freed while busy with other chats: the next queued chat comes in.
                self._deliver_queued()

    def _after_work_state(self) -> tuple[AgentPhase, str | None]:
        if self._chosen is not None:
            state, reason = self._chosen
            return AgentPhase(state.value), reason
        if self.settings.after_call_state == "ready":
            return AgentPhase.ready, None
        if self.settings.after_call_state == "not_ready":
            return AgentPhase.not_ready, self.tenant.after_call_break_reason
        return self._before_work

    def login(self, username: str | None = None, password: str | None = None) -> OperationResult:
        """``login``: start the agent's session (tenant credentials by default)."""
        profile = self.profile

        def body() -> None:
            if self._phase is not AgentPhase.logged_out:
                raise ActionError(Code.not_suitable_state, "already logged in")
            if (username or profile.login_id, password or profile.password) != (
                profile.login_id,
                profile.password,
            ):
                self._emit(
                    E.ON_SERVER_ERROR,
                    {
                        "code": int(ServerErrorCode.invalid_credentials),
                        "name": ServerErrorCode.invalid_credentials.name,
                        "timestamp": self._now(),
                        "message": "wrong username or password",
                    },
                )
                self.bus.flush()
                raise ActionError(Code.invalid_args, "wrong username or password")
            self._apply_agent(AgentAction.login)
            self._session_id = self.ids.guid()
            self._phase = AgentPhase.not_ready
            self._reason = None
            self._since_ms = self._now()
            self._emit(E.ON_LOGIN, self._login_state())
            self._emit(E.ON_AGENT_STATE_CHANGE, AgentState.not_ready.value)
            self._notice("agent_state", None, "not_ready")
            if self._queue:
                # A direct call offered while logged out rings once the agent is logged in (it
                # waited until an unrelated later offer read the queue again).
                self._deliver_queued()

        return self._perform("agent", "login", {"username": username}, body)

    def logout(self) -> OperationResult:
        """``logout``: end the session (only with no interactions left)."""

        def body() -> None:
            self._require_login()
            if self._interactions:
                raise ActionError(
                    Code.not_suitable_state,
                    "finish your interactions before logging out",
                )
            self._apply_agent(AgentAction.logout)
            self._set_agent(AgentPhase.logged_out, None)
            self._session_id = None
            self._emit(E.ON_LOGOUT)
            self._notice("agent_state", None, "logged_out")

        return self._perform("agent", "logout", {}, body)

    def _login_state(self) -> dict[str, Any]:
        if self._phase is AgentPhase.logged_out:
            return {"isLoggedIn": False}
        return {
            "isLoggedIn": True,
            "agentId": self.profile.id,
            "username": self.profile.login_id,
            "sessionId": self._session_id,
        }

    def get_login_state(self) -> OperationResult:
        """``getLoginState``."""
        return ok(self._login_state())

    def get_agent_state(self) -> OperationResult:
        """``getAgentState``: ``{state, reservedForIncomingInteraction, notReadyReason?}``."""
        if self._phase is AgentPhase.logged_out:
            return fail(Code.not_logged_in, "log in first (login)")
        data: dict[str, Any] = {
            "state": self._phase.value,
            "reservedForIncomingInteraction": False,
        }
        if self._reason is not None:
            data["notReadyReason"] = self._reason
        return ok(data)

    def get_agent_not_ready_reasons(self) -> OperationResult:
        """``getAgentNotReadyReasons``: the tenant's custom reasons."""
        if self._phase is AgentPhase.logged_out:
            return fail(Code.not_logged_in, "log in first (login)")
        return ok(list(self.tenant.not_ready_reasons))

    def set_agent_state(
        self, state: AgentState | str, not_ready_reason: str | None = None
    ) -> OperationResult:
        """``setAgentState``: Ready, Not Ready with a configured reason, or Supervising.

        While busy the choice is remembered and applied when the work is done.
        """

        def body() -> None:
            self._require_login()
            try:
                wanted = AgentState(state)
            except ValueError:
                from simulator.data.model_wording import suggest  # only for a wrong word

                hint = suggest(state, [s.value for s in AGENT_SELECTABLE])
                raise ActionError(
                    Code.invalid_args, f"unknown agent state {state!r}{hint}"
                ) from None
            if wanted not in AGENT_SELECTABLE:
                raise ActionError(
                    Code.invalid_args, f"{wanted.value} is set by the system, not chosen"
                )
            reason = not_ready_reason
            if wanted is AgentState.not_ready:
                if reason not in self.tenant.not_ready_reasons:
                    choices = ", ".join(self.tenant.not_ready_reasons)
                    if reason is None:
                        problem = "not_ready needs a reason"
                    else:
                        problem = f"{reason!r} is not a Not Ready reason of the tenant"
                    raise ActionError(Code.invalid_args, f"{problem}, one of: {choices}")
            else:
                reason = None
            action = {
                AgentState.ready: AgentAction.select_ready,
                AgentState.not_ready: AgentAction.select_not_ready,
                AgentState.supervising: AgentAction.select_supervising,
            }[wanted]
            target = self._apply_agent(action)
            if self._phase in (AgentPhase.busy, AgentPhase.after_call_work):
                self._chosen = (wanted, reason)
                self._notice("agent_state", None, f"after work: {wanted.value}")
                return
            assert target is not None
            self._set_agent(target, reason)
            self._deliver_queued()

        return self._perform(
            "agent",
            "set_agent_state",
            {"state": str(state), "not_ready_reason": not_ready_reason},
            body,
        )
