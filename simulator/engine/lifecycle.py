"""How an interaction moves: by the transition table, into wrap-up, out of the desktop (its
activity record), and which one is active; leaving and switching.
"""

from __future__ import annotations

from simulator.contract import InteractionState, OperationResult
from simulator.engine.core import _COMPLETED, _DELIVERED, _STATE_CHANGE, DesktopCore, E, S
from simulator.engine.interaction import Interaction
from simulator.engine.tables import RELEASED, REMOVED, TRANSITIONS, Action

__all__ = ["Lifecycle"]


class Lifecycle(DesktopCore):
    """Interaction moves shared by every medium."""

    def _sync(self, inter: Interaction) -> None:
        """Emit ``ON_INTERACTION_STATE_CHANGE`` when the payload differs from the last one."""
        wire = inter.wire(self.settings.ivr_state_spelling)
        if wire != inter.last_wire:
            inter.last_wire = wire
            self._emit(_STATE_CHANGE, wire, interaction_id=inter.id)

    def _set_state(self, inter: Interaction, state: InteractionState) -> None:
        now = self._now()
        inter.state = state
        inter.history.append((now, state._value_))
        if state is _DELIVERED and inter.start_ms is None:
            inter.start_ms = now

    def _transition(self, inter: Interaction, action: Action) -> None:
        """Move ``inter`` by the table (the caller has checked the action is allowed)."""
        target = TRANSITIONS[(inter.state, action)]
        if target is RELEASED:
            self._release(inter)
        elif target is REMOVED or target is _COMPLETED:
            self._finish(inter)
        else:
            self._set_state(inter, target)
            self._sync(inter)

    def _end_call_data(self, inter: Interaction) -> None:
        """The call is gone: the widget reads ``callMuted`` from live call data
        (``callData.muted ?? false``), so a released call reports false unless the setting keeps
        the last value."""
        if self.settings.mute_after_call == "clear":
            inter.muted = False

    def _release(self, inter: Interaction) -> None:
        """The conversation is over: wrap-up with after-call work, else done."""
        self._unlink_consult(inter)
        self._end_call_data(inter)
        service = inter.service
        if service is not None and service.after_call_work:
            self._set_state(inter, S.wrap_up)
            inter.end_ms = self._now()
            self._sync(inter)
            if service.acw_timeout_seconds is not None:
                entered = inter.end_ms
                self._schedule(
                    service.acw_timeout_seconds,
                    lambda: self._acw_timeout(inter.id, entered),
                    "after-call work limit",
                )
        else:
            self._finish(inter)

    def _finish(self, inter: Interaction) -> None:
        """Completed: removed from the desktop, its activity record saved."""
        self._unlink_consult(inter)
        self._end_call_data(inter)
        if self.settings.emit_completed_state:
            self._set_state(inter, _COMPLETED)
            self._sync(inter)
            payload = inter.last_wire
        else:
            payload = inter.wire(self.settings.ivr_state_spelling)
            self._set_state(inter, _COMPLETED)
        del self._interactions[inter.id]
        if self.keep_finished:
            self.finished.append(inter)
        self._emit(E.ON_INTERACTION_REMOVED, payload, interaction_id=inter.id)
        self._emit(E.ON_SAVE_ACTIVITY_RECORD, payload, interaction_id=inter.id)
        if self._active == inter.id:
            remaining = list(self._interactions)
            self._switch_to(remaining[-1] if remaining else None)
        self._notice("removed", inter.id)

    def _unlink_consult(self, inter: Interaction) -> None:
        if inter.peer is not None or inter.guests:
            self._peer_gone(inter)
        if inter.consult_id is not None:
            other = self._interactions.get(inter.consult_id)
            if other is not None:
                other.consult_of = None
            inter.consult_id = None
        if inter.consult_of is not None:
            other = self._interactions.get(inter.consult_of)
            if other is not None:
                other.consult_id = None
            inter.consult_of = None

    def _switch_to(self, interaction_id: str | None) -> None:
        if interaction_id != self._active:
            self._active = interaction_id
            self._emit(E.ON_ACTIVE_INTERACTION_SWITCHED, interaction_id)
            # Rule 8: a saved CRM screen is replayed when its interaction becomes active again.
            inter = self._interactions.get(interaction_id) if interaction_id else None
            if inter is not None and inter.active_screen is not None:
                self._emit(
                    E.ON_SHOW_SCREEN,
                    dict(inter.active_screen),
                    interaction_id,
                    interaction_id=interaction_id,
                )

    def _announce(self, inter: Interaction) -> None:
        """First sight: ``ON_NEW_INTERACTION``, agent Busy, the new item active (6.3 order)."""
        self._interactions[inter.id] = inter
        inter.history.append((self._now(), inter.state._value_))
        wire = inter.wire(self.settings.ivr_state_spelling)
        inter.last_wire = wire
        self._emit(E.ON_NEW_INTERACTION, wire, interaction_id=inter.id)
        self._refresh_agent()
        self._switch_to(inter.id)
        self._notice("new", inter.id)

    def _acw_timeout(self, interaction_id: str, entered_ms: int) -> None:
        inter = self._interactions.get(interaction_id)
        if inter is None or not inter.in_wrap_up or inter.end_ms != entered_ms:
            return
        self._complete_checked(inter, Action.acw_timeout)
        self._refresh_agent()

    def _complete_checked(self, inter: Interaction, action: Action) -> None:
        """Complete ``inter`` (in wrap-up) by ``action``; a later version may first ask the
        integration whether its records are valid (``ApiVersionActions``)."""
        self._transition(inter, action)

    def leave_interaction(self, interaction_id: str | None = None) -> OperationResult:
        """``leaveInteraction``: hang up, close the chat or close the email."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.leave)
            self._transition(inter, Action.leave)
            self._refresh_agent()

        return self._perform("agent", "leave_interaction", {"interaction_id": interaction_id}, body)

    def switch_active_interaction(self, interaction_id: str) -> OperationResult:
        """``switchActiveInteraction``."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.switch_active)
            self._switch_to(inter.id)

        return self._perform(
            "agent", "switch_active_interaction", {"interaction_id": interaction_id}, body
        )
