"""``ad_api`` methods of calls: DTMF, consult, blind and consult transfer with their transfer
data, conferences, hold, mute, recording, the voice transcript."""

from __future__ import annotations

from typing import Any

from simulator.contract import OperationResult
from simulator.handlers.ad_api.core import AdApiCore

__all__ = ["CallMethods"]


class CallMethods(AdApiCore):
    """Calls: transfers, conferences, hold, mute, recording."""

    # ------------------------------------------------------------------ calls

    def send_dtmf(self, dtmf: str, interaction_id: str | None = None) -> OperationResult:
        """``sendDtmf(dtmf, interactionId?)``: on a connected call."""
        return self._do(
            "send_dtmf", lambda: self._sim.send_dtmf(dtmf, interaction_id), dtmf, interaction_id
        )

    def consult_call(self, phone: str) -> OperationResult:
        """``consultCall(phone)``: hold the active call and dial a second one."""
        return self._do("consult_call", lambda: self._sim.consult_call(phone), phone)

    def blind_transfer(
        self,
        phone: str,
        custom_transfer_data: dict[str, Any] | None = None,
        interaction_id: str | None = None,
    ) -> OperationResult:
        """``blindTransfer(phone, customTransferData?, interactionId?)``."""
        return self._do(
            "blind_transfer",
            lambda: self._sim.blind_transfer(phone, custom_transfer_data, interaction_id),
            phone,
            custom_transfer_data,
            interaction_id,
            checked=self._data_checked(phone, custom_transfer_data, interaction_id),
        )

    def transfer(self, custom_transfer_data: dict[str, Any] | None = None) -> OperationResult:
        """``transfer(customTransferData?)``: complete a consult transfer."""
        return self._do(
            "transfer",
            lambda: self._sim.transfer(custom_transfer_data),
            custom_transfer_data,
            checked=self._data_checked(custom_transfer_data),
        )

    def invite_to_call_conference(
        self,
        phone: str,
        custom_transfer_data: dict[str, Any] | None = None,
        interaction_id: str | None = None,
    ) -> OperationResult:
        """``inviteToCallConference(phone, customTransferData?, interactionId?)``."""
        return self._do(
            "invite_to_call_conference",
            lambda: self._sim.invite_to_call_conference(
                phone, custom_transfer_data, interaction_id
            ),
            phone,
            custom_transfer_data,
            interaction_id,
            checked=self._data_checked(phone, custom_transfer_data, interaction_id),
        )

    def _data_checked(self, *params: Any) -> tuple[Any, ...] | None:
        """What ``_do`` checks of a transfer's arguments: all of them (``CustomTransferData``
        is a flat object), or, with ``transfer_data_shape: "any"``, all but the data (the
        engine takes any JSON then)."""
        if self._sim.settings.transfer_data_shape != "any":
            return None
        return tuple(p if not isinstance(p, dict) else None for p in params)

    def remove_from_call_conference(
        self, party_id: str, interaction_id: str | None = None
    ) -> OperationResult:
        """``removeFromCallConference(partyId, interactionId?)``."""
        return self._do(
            "remove_from_call_conference",
            lambda: self._sim.remove_from_call_conference(party_id, interaction_id),
            party_id,
            interaction_id,
        )

    def destroy_call_conference(self, interaction_id: str | None = None) -> OperationResult:
        """``destroyCallConference(interactionId?)``."""
        return self._do(
            "destroy_call_conference",
            lambda: self._sim.destroy_call_conference(interaction_id),
            interaction_id,
        )

    def merge_all_calls_into_conference(
        self, custom_transfer_data: dict[str, Any] | None = None
    ) -> OperationResult:
        """``mergeAllCallsIntoConference(customTransferData?)`` (5.19.99): merge the agent's calls
        (a held customer and a consult call) into one conference the agent hosts."""
        return self._do(
            "merge_all_calls_into_conference",
            lambda: self._sim.merge_all_calls_into_conference(custom_transfer_data),
            custom_transfer_data,
            checked=self._data_checked(custom_transfer_data),
        )

    def set_call_hold(self, state: bool, interaction_id: str | None = None) -> OperationResult:
        """``setCallHold(state, interactionId?)``: true holds, false resumes."""
        return self._do(
            "set_call_hold",
            lambda: self._sim.set_call_hold(state, interaction_id),
            state,
            interaction_id,
        )

    def set_call_mute(self, state: bool, interaction_id: str | None = None) -> OperationResult:
        """``setCallMute(state, interactionId?)``."""
        return self._do(
            "set_call_mute",
            lambda: self._sim.set_call_mute(state, interaction_id),
            state,
            interaction_id,
        )

    def set_call_recording(self, state: bool, interaction_id: str | None = None) -> OperationResult:
        """``setCallRecording(state, interactionId?)``."""
        return self._do(
            "set_call_recording",
            lambda: self._sim.set_call_recording(state, interaction_id),
            state,
            interaction_id,
        )

    def set_call_recording_mute(
        self, state: bool, interaction_id: str | None = None
    ) -> OperationResult:
        """``setCallRecordingMute(state, interactionId? | 'all')`` (5.24.1): pause or resume the
        call's recording (``callRecording`` reads false while it is muted)."""
        return self._do(
            "set_call_recording_mute",
            lambda: self._sim.set_call_recording_mute(state, interaction_id),
            state,
            interaction_id,
        )

    def get_voice_transcript(self, interaction_id: str | None = None) -> OperationResult:
        """``getVoiceTranscript(interactionId?)`` (2026) -> what speech recognition heard on the
        call so far, ``[{party, text, time}]`` (the scenario's ``transcript`` steps)."""
        return self._do(
            "get_voice_transcript",
            lambda: self._sim.get_voice_transcript(interaction_id),
            interaction_id,
        )
