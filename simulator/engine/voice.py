"""Voice: hold, mute, recording, DTMF, and calls the agent places (dialling, the far end answering
or not).
"""

from __future__ import annotations

import re
from typing import Any

from simulator.contract import (
    CallDirection,
    InteractionOrigination,
    InteractionType,
    OperationResult,
)
from simulator.data import Service, digits_only, normalize_phone
from simulator.engine.core import Code, S
from simulator.engine.errors import ActionError
from simulator.engine.interaction import Interaction, Party
from simulator.engine.lifecycle import Lifecycle
from simulator.engine.tables import Action

_DTMF = re.compile(r"^[0-9*#A-Da-d,]+$")


def parse_origination(value: InteractionOrigination | str) -> InteractionOrigination:
    """The origination asked for; an unknown one is the caller's error, not a crash."""
    try:
        return InteractionOrigination(value)
    except ValueError:
        choices = ", ".join(o.value for o in InteractionOrigination)
        raise ActionError(
            Code.invalid_args, f"unknown origination {value!r}; one of: {choices}"
        ) from None


__all__ = ["Voice"]


class Voice(Lifecycle):
    """Call controls and agent-initiated calls."""

    def set_call_hold(self, state: bool, interaction_id: str | None = None) -> OperationResult:
        """``setCallHold``: true holds, false resumes."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._require_boolean("setCallHold", state)
            action = Action.hold if state else Action.resume
            self._check(inter, action)
            self._transition(inter, action)

        return self._perform(
            "agent", "set_call_hold", {"state": state, "interaction_id": interaction_id}, body
        )

    def set_call_mute(self, state: bool, interaction_id: str | None = None) -> OperationResult:
        """``setCallMute``: mute or unmute the agent's microphone (a flag, not a state)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._require_boolean("setCallMute", state)
            self._check(inter, Action.mute if state else Action.unmute)
            inter.muted = bool(state)
            self._sync(inter)

        return self._perform(
            "agent", "set_call_mute", {"state": state, "interaction_id": interaction_id}, body
        )

    def set_call_recording(self, state: bool, interaction_id: str | None = None) -> OperationResult:
        """``setCallRecording``: start or stop recording the call."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._require_boolean("setCallRecording", state)
            self._check(inter, Action.record_start if state else Action.record_stop)
            inter.recording = bool(state)
            inter.recording_muted = False
            if state:
                if inter.step_id is None:
                    self._scenario_data(inter)
                inter.ever_recorded = True
                if inter.playback_url is None:
                    inter.playback_url = self.ids.playback_url(
                        self.tenant.host, self.tenant.id, self._now()
                    )
                if inter.recording_url is None and inter.step_id is not None:
                    inter.recording_url = self.ids.recording_url(self.tenant.host, inter.step_id)
            self._sync(inter)

        return self._perform(
            "agent",
            "set_call_recording",
            {"state": state, "interaction_id": interaction_id},
            body,
        )

    def send_dtmf(self, dtmf: str, interaction_id: str | None = None) -> OperationResult:
        """``sendDtmf``: send tones on a connected call."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.dtmf)
            if not isinstance(dtmf, str) or not _DTMF.match(dtmf):
                raise ActionError(Code.invalid_args, f"not DTMF digits: {dtmf!r} (0-9 * # A-D ,)")
            inter.dtmf_sent += dtmf
            self._notice("dtmf", inter.id, dtmf)

        return self._perform(
            "agent", "send_dtmf", {"dtmf": dtmf, "interaction_id": interaction_id}, body
        )

    def customer_answer(self, interaction_id: str | None = None) -> OperationResult:
        """The far end of an agent-initiated call answers (an IVR number answers as ``ivr``)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._answer(inter)

        return self._perform(
            "customer", "customer_answer", {"interaction_id": interaction_id}, body
        )

    def _answer(self, inter: Interaction) -> None:
        action = Action.remote_answer
        if inter.phone_number in self.tenant.ivr_numbers:
            action = Action.remote_answer_ivr
        self._check(inter, action)
        self._scenario_data(inter)
        self._transition(inter, action)
        self._refresh_agent()

    def _dialled(self, phone: str) -> tuple[str, Party | None]:
        """Validate a dialled number: its digits, and the party when it is a team member."""
        if not isinstance(phone, str) or not phone.strip():
            raise ActionError(Code.empty_number, "dial a number")
        raw = phone.strip()
        if digits_only(raw) == self.profile.extension:
            raise ActionError(Code.self_call, "that is the agent's own extension")
        member = self.tenant.member_by_phone(digits_only(raw))
        if member is not None:
            _team, person = member
            return person.extension, Party(
                self.ids.guid(), person.display_name, person.extension, person.id
            )
        desktop = self.center.by_extension(digits_only(raw))
        if desktop is not None:
            # A simulated agent added to the center (not in the tenant's member lists).
            profile = desktop.profile
            return profile.extension, Party(
                self.ids.guid(), profile.display_name, profile.extension, profile.id
            )
        if digits_only(raw) in self.tenant.ivr_numbers:
            return digits_only(raw), None
        number = normalize_phone(raw)
        if number is None:
            raise ActionError(Code.invalid_args, f"{raw!r} is not a valid phone number")
        return number, None

    def _outbound_service(self) -> Service:
        if self._service_name is None:
            raise ActionError(Code.no_service, "select a service first (setService)")
        service = self.tenant.service(self._service_name)
        assert service is not None
        return service

    def _new_outbound(
        self,
        phone: str,
        origination: InteractionOrigination,
        service: Service | None,
        party: Party | None,
    ) -> Interaction:
        inter = Interaction(
            id=self.ids.client_uuid(),
            type=InteractionType.voice,
            state=S.unknown,
            service=service,
            customer=None,
            created_ms=self._now(),
            call_direction=CallDirection.outbound,
            origination=origination,
            phone_number=phone,
            dnis=phone,
        )
        internal = party is not None
        if party is None:
            party = Party(self.ids.guid(), phone, phone)
        inter.parties.append(party)
        if internal and self.settings.outbound_ani != "omit":
            # A call to a colleague is internal: it leaves from the agent's extension, not from
            # a DID (contact-center reference: ANI = sender's extension, DNIS = receiver's).
            inter.ani = self.profile.extension
        elif self.settings.outbound_ani == "did":
            did = self._selected_did()
            if did is not None:
                inter.ani = digits_only(did)
        elif self.settings.outbound_ani == "extension":
            inter.ani = self.profile.extension
        return inter

    def _selected_did(self) -> str | None:
        for did in self.tenant.dids:
            if did.id == self._did_id:
                return did.number
        return None

    def _dial(self, inter: Interaction) -> None:
        self._announce(inter)
        self._schedule(1, lambda: self._scenario_arrives(inter.id), "scenario data")
        answer_after = self.settings.outbound_answer_seconds
        if answer_after is not None:
            self._schedule(answer_after, lambda: self._remote_answers(inter.id), "remote answer")
        self._schedule(
            self.settings.outbound_no_answer_seconds,
            lambda: self._remote_no_answer(inter.id),
            "no answer",
        )

    def _scenario_data(self, inter: Interaction) -> None:
        if inter.global_interaction_id is None:
            inter.global_interaction_id = self.ids.guid()
        if inter.step_id is None:
            inter.step_id = self.ids.guid()
            if self.settings.recording_url == "always" or inter.ever_recorded:
                inter.recording_url = self.ids.recording_url(self.tenant.host, inter.step_id)

    def _scenario_arrives(self, interaction_id: str) -> None:
        inter = self._interactions.get(interaction_id)
        if inter is None or inter.state is not S.unknown:
            return
        self._scenario_data(inter)
        self._sync(inter)

    def _remote_answers(self, interaction_id: str) -> None:
        inter = self._interactions.get(interaction_id)
        if inter is None or inter.state is not S.unknown:
            return
        self._answer(inter)

    def _remote_no_answer(self, interaction_id: str) -> None:
        inter = self._interactions.get(interaction_id)
        if inter is None or inter.state is not S.unknown:
            return
        self._scenario_data(inter)
        self._transition(inter, Action.ring_timeout)
        self._refresh_agent()

    def cancel_dial(self, interaction_id: str | None = None) -> OperationResult:
        """The agent hangs up a call of theirs that is still dialling (the desktop's Hang up,
        as a real agent desktop cancels a dial): it ends as one nobody answered, in wrap-up
        with no ``startTime`` when its service has after-call work. adApi's
        ``leaveInteraction`` (``leave_interaction``) refuses such a call, as the vendor's does
        (only delivered, hold, delivery_pending, IVR)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.cancel_dial)
            self._scenario_data(inter)
            self._transition(inter, Action.cancel_dial)
            self._refresh_agent()

        return self._perform("agent", "cancel_dial", {"interaction_id": interaction_id}, body)

    def _no_connected_call(self) -> None:
        for inter in self._interactions.values():
            if inter.type is InteractionType.voice and inter.state in (S.delivered, S.unknown):
                raise ActionError(
                    Code.not_suitable_state,
                    "there is a call in progress: hold it or hang up first",
                )
            if inter.type is InteractionType.voice and inter.state is S.delivery_pending:
                raise ActionError(Code.not_suitable_state, "answer or reject the ringing call")

    def _initial_records(
        self,
        initial: dict[str, Any] | list[dict[str, Any]] | None,
        source: str,
        method: str = "startCall",
    ) -> list[dict[str, Any]]:
        """The records ``startCall``'s second argument (``startChat``'s third) associates: one
        object, or from 5.24.1 (``InitialObjects``) a list of objects."""
        if isinstance(initial, list):
            if not self.api_version.has("5.24.1"):
                raise ActionError(
                    Code.invalid_args,
                    f"{method} takes one initial object in adApi {self.api_version.value}: "
                    "a list (InitialObjects) needs 5.24.1 or later",
                )
            if not all(isinstance(item, dict) for item in initial):
                raise ActionError(
                    Code.invalid_args, "InitialObjects: every item must be an associated object"
                )
            return [self._associated_record(item, source) for item in initial]
        return [self._associated_record(initial, source)] if initial else []

    def start_call(
        self,
        phone_number: str,
        initial_object: dict[str, Any] | list[dict[str, Any]] | None = None,
        *,
        origination: InteractionOrigination | str = InteractionOrigination.integration_api,
        source: str = "integration",
    ) -> OperationResult:
        """``startCall``: dial a number; ``data`` is ``InitiateResult`` ``{id}``.

        ``initial_object`` is one CRM record (5.19's ``initialObject``) or, from 5.24.1, a list
        of them (``InitialObjects``): each is associated with the call."""

        def body() -> dict[str, Any]:
            self._require_login()
            origin = parse_origination(origination)
            number, party = self._dialled(phone_number)
            service = self._outbound_service() if party is None else None
            did = next((d for d in self.tenant.dids if d.id == self._did_id), None)
            if party is None and did is not None and not did.is_voice:
                raise ActionError(
                    Code.no_permissions_did_call,
                    f"DID {did.number} is not enabled for calls: pick another (setDIDNumber)",
                )
            self._no_connected_call()
            records = self._initial_records(initial_object, source)
            inter = self._new_outbound(number, origin, service, party)
            for record in records:
                inter.associated = [r for r in inter.associated if r["id"] != record["id"]]
                inter.associated.append(record)
            self._dial(inter)
            return {"id": inter.id}

        return self._perform(
            "agent",
            "start_call",
            {
                "phone_number": phone_number,
                "initial_object": initial_object,
                "origination": str(InteractionOrigination(origination).value)
                if origination in InteractionOrigination._value2member_map_
                or isinstance(origination, InteractionOrigination)
                else str(origination),
            },
            body,
        )
