"""What the adApi versions after 5.19 add to the desktop: ``setCallRecordingMute`` (5.24.1; 5.19
answers ``api_method_not_implemented``), the associated records validated before an interaction is
completed (``ON_VALIDATE_ASSOCIATED_RECORDS``, 5.24.1), ``getInteractionsState`` in the version's
shape, and the ``ActivityRecordInfo`` a 2026 ``ON_SAVE_ACTIVITY_RECORD`` handler answers.
"""

from __future__ import annotations

from typing import Any

from simulator.contract import (
    EventName,
    InteractionType,
    OperationResult,
    ResultErrorCode,
    fail,
    ok,
)
from simulator.engine.errors import ActionError
from simulator.engine.interaction import Interaction
from simulator.engine.lifecycle import Lifecycle
from simulator.engine.tables import Action

__all__ = ["ApiVersionActions"]


class ApiVersionActions(Lifecycle):
    """Actions and records of the versions after 5.19."""

    def set_call_recording_mute(
        self, state: bool, interaction_id: str | None = None
    ) -> OperationResult:
        """``setCallRecordingMute(state, interactionId? | 'all')`` (5.24.1): pause or resume an
        active recording; while muted the call reports ``callRecording: false``. An earlier
        version has no recording mute: ``api_method_not_implemented``, as its widget answers."""

        def body() -> None:
            self._require_method("setCallRecordingMute")
            if interaction_id == "all":
                self._require_login()
                self._require_boolean("setCallRecordingMute", state)
                targets = [
                    inter
                    for inter in self._interactions.values()
                    if inter.type is InteractionType.voice and inter.recording
                ]
            else:
                inter = self._get(interaction_id)
                self._require_boolean("setCallRecordingMute", state)
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
                inter.recording_muted = state
                self._sync(inter)

        return self._perform(
            "agent",
            "set_call_recording_mute",
            {"state": state, "interaction_id": interaction_id},
            body,
        )

    def complete_interaction(self, interaction_id: str | None = None) -> OperationResult:
        """``completeInteraction``; from 5.24.1 an interaction with associated records completes
        once the integration says they are valid (``ON_VALIDATE_ASSOCIATED_RECORDS``; the
        vendor's default answer is ``{valid: true}``). ``{valid: false, message}``: it stays in
        wrap-up and the agent sees the message (a ``records_invalid`` notice)."""
        if self._payload_edge is None:
            return super().complete_interaction(interaction_id)  # type: ignore[misc,no-any-return]
        inter = self._interactions.get(interaction_id or self._active or "")
        if inter is None or not inter.associated:
            return super().complete_interaction(interaction_id)  # type: ignore[misc,no-any-return]

        def body() -> None:
            self._check(inter, Action.complete)
            self._require_disposition(inter, inter.disposition is not None)  # type: ignore[attr-defined]
            self._validate_then(inter, Action.complete)

        return self._perform(
            "agent", "complete_interaction", {"interaction_id": interaction_id}, body
        )

    def _complete_checked(self, inter: Interaction, action: Action) -> None:
        """From 5.24.1 the records of an interaction that has some are validated before
        ``leaveAndCompleteInteraction`` completes it, and before the after-call-work limit does
        (unless ``acw_limit_validation: skip``)."""
        asks = (
            self._payload_edge is not None
            and inter.associated
            and (action is not Action.acw_timeout or self.settings.acw_limit_validation == "ask")
        )
        if not asks:
            super()._complete_checked(inter, action)
            return
        self._validate_then(inter, action)

    def _validate_then(self, inter: Interaction, action: Action) -> None:
        """Ask ``ON_VALIDATE_ASSOCIATED_RECORDS``; complete by ``action`` once the answer says
        the records are valid."""
        records = {
            "list": [dict(record) for record in inter.associated],
            "selected": [] if inter.selected_record is None else [inter.selected_record],
        }
        self._emit(
            EventName.ON_VALIDATE_ASSOCIATED_RECORDS,
            inter.id,
            records,
            interaction_id=inter.id,
            then=lambda answer: self._system(
                "records validated", lambda: self._complete_validated(inter, answer, action)
            ),
        )

    def _complete_validated(self, inter: Interaction, answer: Any, action: Action) -> None:
        valid = isinstance(answer, dict) and answer.get("valid") is not False
        if not inter.is_live or not inter.in_wrap_up:
            return  # completed meanwhile (after-call work limit)
        if not valid:
            message = answer.get("message") if isinstance(answer, dict) else None
            self._notice("records_invalid", inter.id, str(message or "the records are not valid"))
            return
        self._transition(inter, action)
        self._refresh_agent()

    def pop_crm_record(
        self, record_id: str, record_type: str, interaction_id: str | None = None
    ) -> OperationResult:
        """A Bright Pattern scenario's CRM screen pop of a record it knows only by id and type.

        From 5.24.1 the widget asks the integration for the record's display data
        (``ON_REQUEST_RECORD_INFO({id, type})``); with an answer the record is associated with
        the interaction (source ``scenario``) and opened (``ON_OPEN_RECORD(record, id,
        {inNewTab: false, source: "scenario"})``); ``null`` (not found, or nobody answers): a
        ``record_not_found`` notice and nothing else. 5.19 has no such question: the record is
        opened with its id as its name."""
        request = {"id": str(record_id), "type": str(record_type)}

        def body() -> None:
            inter = self._get(interaction_id)
            if self._payload_edge is None:
                record = {
                    "id": request["id"],
                    "type": request["type"],
                    "displayName": request["id"],
                    "displayType": request["type"],
                    "customFields": {},
                }
                self._open_popped(inter, record)
                return
            self._emit(
                EventName.ON_REQUEST_RECORD_INFO,
                request,
                interaction_id=inter.id,
                then=lambda answer: self._system(
                    "record info", lambda: self._open_popped(inter, answer, request)
                ),
            )

        return self._perform(
            "scenario",
            "pop_crm_record",
            {"record_id": record_id, "record_type": record_type, "interaction_id": interaction_id},
            body,
        )

    def _open_popped(
        self, inter: Interaction, record: Any, request: dict[str, str] | None = None
    ) -> None:
        if not isinstance(record, dict) or not inter.is_live:
            wanted = request or {}
            self._notice("record_not_found", inter.id, f"{wanted.get('type')} {wanted.get('id')}")
            return
        stored = self._associated_record(record, "scenario")
        inter.associated = [r for r in inter.associated if r["id"] != stored["id"]]
        inter.associated.append(stored)
        if inter.selected_record is None:
            inter.selected_record = stored["id"]
        self._sync(inter)
        opened = {key: value for key, value in stored.items() if key != "source"}
        self._emit(
            EventName.ON_OPEN_RECORD,
            opened,
            inter.id,
            {"inNewTab": False, "source": "scenario"},
            interaction_id=inter.id,
        )

    def get_interactions_state(self) -> OperationResult:
        """``getInteractionsState`` (5.24.1): the active id and every live interaction, in the
        run's version (``api_method_not_implemented`` in 5.19)."""
        try:
            self._require_method("getInteractionsState")
        except ActionError as exc:
            return fail(exc.code, exc.message)
        result: OperationResult = super().get_interactions_state()  # type: ignore[misc]
        edge = self._payload_edge
        if edge is None or not result.ok:
            return result
        data = result.data
        assert isinstance(data, dict)  # getInteractionsState's success always carries its data
        return ok({**data, "interactions": [edge.interaction(w) for w in data["interactions"]]})

    def activity_record_info(self, interaction_id: str) -> dict[str, Any] | None:
        """The ``ActivityRecordInfo`` the integration answered to the interaction's
        ``ON_SAVE_ACTIVITY_RECORD`` (2026), or None (no answer, an earlier version, or
        ``keep_finished`` off: load mode and ``adsim generate`` keep no records)."""
        event = self._saved_events.get(interaction_id)
        if event is None or event.response is None or event.response.pending:
            return None
        value = event.response.value
        return value if isinstance(value, dict) else None
