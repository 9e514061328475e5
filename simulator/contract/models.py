"""The adApi 5.19 payload types as pydantic models (reference sections 4.1 and 4.4).

Python attributes are snake_case; the wire names are the vendor's exactly (``interactionId``,
``DNIS``, ``ANI``, ``isSMS``). Unset optional keys are omitted from the payload.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from pydantic import ConfigDict, Field

from simulator.contract.base import WireModel, omit_if_unset
from simulator.contract.enums import (
    AgentState,
    CallDirection,
    ChatPartyType,
    DispositionType,
    InteractionOrigination,
    InteractionState,
    InteractionType,
    PhoneDevice,
    TeamMemberState,
)
from simulator.contract.tenant_payloads import DIDNumber, WebScreenPop

__all__ = [
    "AgentStateData",
    "AttachedData",
    "CallParty",
    "ChatParty",
    "CustomTransferData",
    "DIDNumber",
    "DispositionData",
    "DispositionTarget",
    "InitiateResult",
    "InteractionAssociatedObject",
    "InteractionAssociatedObjectData",
    "InteractionAssociatedObjectsData",
    "InteractionData",
    "InteractionScreen",
    "InteractionsState",
    "LoginData",
    "LoginStateData",
    "PhoneCapabilities",
    "PhoneDeviceData",
    "RecordsValidationResult",
    "RescheduleData",
    "ScreenRecordingState",
    "ServerErrorData",
    "ServiceData",
    "Team",
    "TeamMember",
    "WebScreenPop",
]

AttachedData: TypeAlias = dict[str, str]
"""Scenario variables attached to the interaction."""

CustomTransferData: TypeAlias = dict[str, str | int | float | bool | None]
"""Free-form data an integration sends along with a transfer."""

InteractionScreen: TypeAlias = dict[str, str | int | float | bool | None]
"""CRM screen state saved with ``setInteractionActiveScreen``."""


class CallParty(WireModel):
    """A remote party of a voice call (the agent is not listed)."""

    id: str
    """The unique party id; ``removeFromCallConference`` takes it."""
    name: str
    """The party's display name."""
    phone: str
    """The phone number used."""
    user_id: str | None = omit_if_unset()
    """The ``TeamMember.id`` when the party is an internal user; absent otherwise."""


class ChatParty(WireModel):
    """A party of a chat (``InteractionData.chatParties`` from 2023-04; not in 5.19 payloads)."""

    id: str
    type: ChatPartyType
    name: str
    user_id: str | None = omit_if_unset()
    contact_id: str | None = omit_if_unset()
    email: str | None = omit_if_unset()
    phone: str | None = omit_if_unset()


def _custom_fields_optional(schema: dict[str, Any]) -> None:
    """``customFields?`` (reference 6.2): a record an integration or a scenario gives
    (``ON_OPEN_RECORD``'s, an answer to ``ON_REQUEST_RECORD_INFO``) may leave it out and reaches
    the wire as given; the records adsim makes itself always carry it."""
    required = schema.get("required")
    if isinstance(required, list) and "customFields" in required:
        required.remove("customFields")


class InteractionAssociatedObjectData(WireModel):
    """A CRM record associated with an interaction."""

    model_config = ConfigDict(json_schema_extra=_custom_fields_optional)

    id: str
    """The record id in the CRM."""
    type: str
    """The record type in the CRM (for example ``Contact``)."""
    display_name: str
    """The text the agent desktop shows for the record."""
    display_type: str
    """The type name the agent desktop shows."""
    custom_fields: dict[str, str] = Field(default_factory=dict)
    """Extra fields of the record."""


class InteractionAssociatedObject(InteractionAssociatedObjectData):
    """An associated record as the desktop stores it: with the integration key that added it."""

    model_config = ConfigDict(json_schema_extra=None)  # adsim's own: ``customFields`` always

    source: str
    """The ``integrationKey`` of the integration that added the record."""


class InteractionAssociatedObjectsData(WireModel):
    """The records associated with an interaction and the selected one (5.19 form)."""

    items: list[InteractionAssociatedObject] = Field(default_factory=list, alias="list")
    """All associated records."""
    selected: str | None = None
    """The id of the selected record, or ``null`` (a required key in 5.19)."""


class InteractionData(WireModel):
    """Everything about one interaction: the payload of the interaction events and of
    ``ON_SAVE_ACTIVITY_RECORD`` in 5.19. Keys are in the order of the vendor's page."""

    interaction_id: str
    """The interaction's id: the server item id for routed items, a client UUID v4 for
    agent-initiated ones."""
    state: InteractionState
    """The item state."""
    type: InteractionType
    """The media type."""
    subject: str = ""
    """Always ``""`` at runtime."""
    associated_objects: InteractionAssociatedObjectsData = Field(
        default_factory=InteractionAssociatedObjectsData
    )
    """CRM records associated with the interaction."""
    call_parties: list[CallParty] = Field(default_factory=list)
    """Remote parties of a voice call; ``[]`` for chat and email."""
    chat_parties: list[ChatParty] | None = omit_if_unset()
    """Parties of a chat (2023-04, with chat conferences): left out of 5.19 payloads unless the
    engine setting ``chat_parties: emit`` asks for it."""
    call_muted: bool = False
    """Whether the agent's microphone is muted; always false for chat and email."""
    call_recording: bool = False
    """Whether call recording is active; always false for chat and email."""
    attached_data: AttachedData = Field(default_factory=dict)
    """Scenario variables attached to the interaction."""
    phone_number: str | None = omit_if_unset()
    """The other side's number, digits only (voice)."""
    email: str | None = omit_if_unset()
    """The customer's email address (email, and chat when the customer gave one)."""
    call_direction: CallDirection | None = omit_if_unset()
    """``inbound`` or ``outbound`` (voice)."""
    start_time: int | None = omit_if_unset()
    """Epoch milliseconds when the interaction was connected (answered); absent before."""
    end_time: int | None = omit_if_unset()
    """Epoch milliseconds when wrap-up started; absent if it never passed through wrap-up."""
    duration: int | None = omit_if_unset()
    """Whole seconds from ``startTime`` to ``endTime`` (floor); absent if either is missing or
    the difference is 0."""
    description: str | None = omit_if_unset()
    """All notes, joined by a newline."""
    disposition: str | None = omit_if_unset()
    """The *name* of the selected disposition."""
    global_interaction_id: str | None = omit_if_unset()
    """The global interaction id (GIID); absent until the scenario data arrives."""
    service: str | None = omit_if_unset()
    """The service *name*."""
    playback_url: str | None = omit_if_unset()
    """Where the recording can be played back (voice, once something was recorded)."""
    recording_url: str | None = omit_if_unset()
    """Link to the interaction in the admin console (voice)."""
    dnis: str | None = omit_if_unset(alias="DNIS")
    """The dialled number, digits only (voice)."""
    ani: str | None = omit_if_unset(alias="ANI")
    """The caller's number, digits only (voice)."""
    origination: InteractionOrigination | None = omit_if_unset()
    """How the interaction was initiated."""


class LoginStateData(WireModel):
    """Login state (``getLoginState``, ``ON_LOGIN``)."""

    is_logged_in: bool
    agent_id: str | None = omit_if_unset()
    """The agent's user id."""
    username: str | None = omit_if_unset()
    """The agent's login id."""
    session_id: str | None = omit_if_unset()


class LoginData(WireModel):
    """Credentials for ``login``."""

    username: str
    password: str
    tenant: str | None = omit_if_unset()


class AgentStateData(WireModel):
    """The agent's state (``getAgentState``)."""

    state: AgentState
    reserved_for_incoming_interaction: bool = False
    not_ready_reason: str | None = omit_if_unset()
    """Present only in ``not_ready``."""


class TeamMember(WireModel):
    """A user of a team (``getTeamMembers``)."""

    id: str
    team_id: str
    first_name: str
    last_name: str
    phone: str
    """The user's extension."""
    state: TeamMemberState


class Team(WireModel):
    """A team (``getTeams``)."""

    id: str
    display_name: str
    is_supervised: bool
    users_count: int | None = omit_if_unset()


class ServiceData(WireModel):
    """A service (``getServicesList``)."""

    id: str
    name: str
    use_dispositions: bool
    require_disposition: bool


class DispositionTarget(WireModel):
    """Whose dispositions ``getDispositionsList`` lists."""

    service: str | None = omit_if_unset()
    interaction_id: str | None = omit_if_unset()


class DispositionData(WireModel):
    """A disposition of a service."""

    id: str
    code: str
    name: str
    type: DispositionType


class InitiateResult(WireModel):
    """Result of ``startCall``/``startChat``/``startEmail``."""

    id: str | None
    """The new interaction's id, or ``null`` when dialling is deferred."""
    error: str | None = omit_if_unset()


class RescheduleData(WireModel):
    """A reschedule window for a campaign record. The times are strings (the vendor's types; the
    reference app's form sends ``"YYYY-MM-DD HH24:MM:SS"``, local to ``timezoneCode``)."""

    number_to_dial: str
    from_time: str
    until_time: str
    timezone_code: str | None = omit_if_unset()


class PhoneDeviceData(WireModel):
    """The agent's phone device."""

    type: PhoneDevice
    phone: str | None = omit_if_unset()


class ScreenRecordingState(WireModel):
    """Screen recording state."""

    allowed: bool
    active: bool
    muted: bool


class PhoneCapabilities(WireModel):
    """What the phone can do now (``ON_PHONE_CAPABILITIES_CHANGE``)."""

    can_dial: bool
    can_answer: bool
    can_hold: bool
    can_retrieve: bool


class ServerErrorData(WireModel):
    """Payload of ``ON_SERVER_ERROR``."""

    code: int
    name: str
    timestamp: int
    """``Date.now()`` when the error happened."""
    message: str | None = omit_if_unset()


class RecordsValidationResult(WireModel):
    """Answer to ``ON_VALIDATE_ASSOCIATED_RECORDS``."""

    valid: bool
    message: str | None = omit_if_unset()


class InteractionsState(WireModel):
    """Result of ``getInteractionsState`` (5.24.1)."""

    active_interaction_id: str | None
    interactions: list[InteractionData]
