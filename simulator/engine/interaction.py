"""One interaction as the simulated desktop holds it, and its ``InteractionData`` wire form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.contract import (
    CallDirection,
    InteractionOrigination,
    InteractionState,
    InteractionType,
)
from simulator.data import Customer, Service

__all__ = ["ChatMessage", "Interaction", "Party"]

# Enum class attributes are slow to look up on Python 3.11 (the metaclass has a __getattr__);
# the member the payload tests on every call is bound once here.
_VOICE = InteractionType.voice
_WRAP_UP_STATES = frozenset({InteractionState.wrap_up, InteractionState.wrap_up_hold})


@dataclass(slots=True)
class Party:
    """A remote party of a call."""

    id: str
    name: str
    phone: str
    user_id: str | None = None

    def wire(self) -> dict[str, Any]:
        """``CallParty`` on the wire."""
        data: dict[str, Any] = {"id": self.id, "name": self.name, "phone": self.phone}
        if self.user_id is not None:
            data["userId"] = self.user_id
        return data


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """A line of a chat transcript or an email of a thread."""

    time_ms: int
    sender: str
    """``agent`` or ``customer``."""
    text: str


@dataclass(slots=True)
class Interaction:
    """Everything the desktop knows about one interaction; ``wire()`` converts it for adApi."""

    id: str
    type: InteractionType
    state: InteractionState
    service: Service | None
    customer: Customer | None
    created_ms: int
    call_direction: CallDirection | None = None
    origination: InteractionOrigination | None = None
    phone_number: str | None = None
    email: str | None = None
    dnis: str | None = None
    ani: str | None = None
    global_interaction_id: str | None = None
    step_id: str | None = None
    """The scenario step id; ``recordingUrl`` points at it."""
    parties: list[Party] = field(default_factory=list)
    muted: bool = False
    recording: bool = False
    recording_muted: bool = False
    """``setCallRecordingMute`` (5.24.1): the recording is paused; ``callRecording`` is false."""
    ever_recorded: bool = False
    playback_url: str | None = None
    recording_url: str | None = None
    start_ms: int | None = None
    end_ms: int | None = None
    disposition: str | None = None
    notes: list[str] = field(default_factory=list)
    attached_data: dict[str, str] = field(default_factory=dict)
    associated: list[dict[str, Any]] = field(default_factory=list)
    selected_record: str | None = None
    active_screen: dict[str, Any] | None = None
    transcript: list[ChatMessage] = field(default_factory=list)
    voice_transcript: list[ChatMessage] = field(default_factory=list)
    """What speech recognition heard on a call (2026, ``ON_VOICE_TRANSCRIPT_MESSAGE``)."""
    subject_line: str = ""
    """The email's subject as the agent sees it (``InteractionData.subject`` stays ``""``)."""
    dtmf_sent: str = ""
    consult_of: str | None = None
    """For a consult call: the id of the call it consults about."""
    consult_id: str | None = None
    """For a call with a consult call: that call's id."""
    transfer_data: dict[str, Any] | None = None
    chat_parties: list[dict[str, Any]] = field(default_factory=list)
    """``ChatParty`` wire dicts of a chat: the customer, then colleagues invited to it."""
    show_chat_parties: bool = False
    """Whether the payload carries ``chatParties`` (2023-04; 5.19 leaves it out)."""
    screen_pop_suppressed: bool | None = None
    history: list[tuple[int, str]] = field(default_factory=list)
    """(time, state) each time the state changed: the window's timeline draws it."""
    last_wire: dict[str, Any] | None = None
    """The payload last reported to adApi (``ON_INTERACTION_STATE_CHANGE`` compares against it)."""
    offer: Any = None
    """The routed ``QueuedOffer`` it came from (offered to the next agent on reject)."""
    peer: Any = None
    """A call between two simulated desktops, or a chat a colleague invited this agent to:
    ``(the other desktop, its interaction id)``."""
    guests: Any = None
    """A conference host's (or a chat inviter's) colleagues on simulated desktops:
    ``{party id: (desktop, id)}``."""

    def wire(self, ivr_spelling: str = "ivr") -> dict[str, Any]:
        """``InteractionData`` as the widget posts it: vendor key order, unset keys omitted."""
        # Built on every change of every interaction, so written for speed: ``_value_`` rather
        # than the ``.value`` descriptor, no comprehension for the (usually empty) associated
        # records, and the voice-only keys tested once per group (their places in the vendor's
        # key order stay the same).
        state = self.state._value_
        if state == "ivr" and ivr_spelling == "IVR":
            state = "IVR"
        voice = self.type is _VOICE
        data: dict[str, Any] = {
            "interactionId": self.id,
            "state": state,
            "type": self.type._value_,
            "subject": "",
            "associatedObjects": {
                "list": [dict(record) for record in self.associated] if self.associated else [],
                "selected": self.selected_record,
            },
            "callParties": [party.wire() for party in self.parties] if voice else [],
        }
        if self.show_chat_parties:
            data["chatParties"] = [dict(party) for party in self.chat_parties]
        data["callMuted"] = self.muted if voice else False
        data["callRecording"] = (self.recording and not self.recording_muted) if voice else False
        data["attachedData"] = dict(self.attached_data)
        if voice:
            if self.phone_number is not None:
                data["phoneNumber"] = self.phone_number
            if self.call_direction is not None:
                data["callDirection"] = self.call_direction._value_
        else:
            # A chat the agent started to a phone channel (SMS ...) has the number.
            if self.phone_number is not None:
                data["phoneNumber"] = self.phone_number
            if self.email is not None:
                data["email"] = self.email
        if self.start_ms is not None:
            data["startTime"] = self.start_ms
        if self.end_ms is not None:
            data["endTime"] = self.end_ms
            duration = self.duration_seconds
            if duration:
                data["duration"] = duration
        if self.notes:
            data["description"] = "\n".join(self.notes)
        if self.disposition is not None:
            data["disposition"] = self.disposition
        if self.global_interaction_id is not None:
            data["globalInteractionId"] = self.global_interaction_id
        if self.service is not None:
            data["service"] = self.service.name
        if voice:
            if self.playback_url is not None:
                data["playbackUrl"] = self.playback_url
            if self.recording_url is not None:
                data["recordingUrl"] = self.recording_url
            if self.dnis is not None:
                data["DNIS"] = self.dnis
            if self.ani is not None:
                data["ANI"] = self.ani
        if self.origination is not None:
            data["origination"] = self.origination._value_
        return data

    @property
    def duration_seconds(self) -> int | None:
        """``floor((endTime - startTime) / 1000)``; None when either is missing (or it is 0)."""
        if self.start_ms is None or self.end_ms is None:
            return None
        return (self.end_ms - self.start_ms) // 1000 or None

    @property
    def is_live(self) -> bool:
        """True until the interaction is completed."""
        return self.state is not InteractionState.completed

    @property
    def in_wrap_up(self) -> bool:
        """True in after-call work."""
        return self.state in _WRAP_UP_STATES

    @property
    def display_name(self) -> str:
        """Who the interaction is with, for people."""
        if self.parties:
            return self.parties[0].name
        if self.customer is not None:
            return self.customer.name
        return self.phone_number or self.email or self.id
