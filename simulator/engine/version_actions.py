"""What the adApi versions after 5.19 add to the desktop: ``setCallRecordingMute`` (5.24.1) and
the ``ActivityRecordInfo`` a 2026 ``ON_SAVE_ACTIVITY_RECORD`` handler answers.
"""

from __future__ import annotations

from typing import Any

from simulator.contract import InteractionType, OperationResult, ResultErrorCode, ok
from simulator.engine.errors import ActionError
from simulator.engine.lifecycle import Lifecycle

__all__ = ["ApiVersionActions"]


class ApiVersionActions(Lifecycle):
    """Actions and records of the versions after 5.19."""

    def set_call_recording_mute(
        self, state: bool, interaction_id: str | None = None
    ) -> OperationResult:
        """``setCallRecordingMute(state, interactionId? | 'all')`` (5.24.1): pause or resume an
        active recording; while muted the call reports ``callRecording: false``."""

        def body() -> None:
            if interaction_id == "all":
                self._require_login()
                targets = [
                    inter
                    for inter in self._interactions.values()
                    if inter.type is InteractionType.voice and inter.recording
                ]
            else:
                inter = self._get(interaction_id)
                if inter.type is not InteractionType.voice:
                    raise ActionError(
                        ResultErrorCode.not_suitable_state, "only a call's recording can be muted"
                    )
                if not inter.recording:
                    raise ActionError(
                        ResultErrorCode.not_suitable_state,
                        "the call is not being recorded (setCallRecording(true) first)",
                    )
                targets = [inter]
            for inter in targets:
                inter.recording_muted = bool(state)
                self._sync(inter)

        return self._perform(
            "agent",
            "set_call_recording_mute",
            {"state": bool(state), "interaction_id": interaction_id},
            body,
        )

    def get_interactions_state(self) -> OperationResult:
        """``getInteractionsState`` (5.24.1): the active id and every live interaction, in the
        run's version."""
        result = super().get_interactions_state()  # type: ignore[misc]
        edge = self._payload_edge
        if edge is None or not result.ok:
            return result
        data = result.data
        return ok({**data, "interactions": [edge.interaction(w) for w in data["interactions"]]})

    def activity_record_info(self, interaction_id: str) -> dict[str, Any] | None:
        """The ``ActivityRecordInfo`` the integration answered to the interaction's
        ``ON_SAVE_ACTIVITY_RECORD`` (2026), or None (no answer, or an earlier version)."""
        event = self._saved_events.get(interaction_id)
        if event is None or event.response is None or event.response.pending:
            return None
        value = event.response.value
        return value if isinstance(value, dict) else None
