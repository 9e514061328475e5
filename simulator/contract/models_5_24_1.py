"""The adApi 5.24.1 payload types: what changed from 5.19 (reference sections 4.1-4.4).

- ``associatedObjects.selected`` is a list of record ids (``[]`` when none is selected);
- ``InteractionData`` has ``chatParties`` (the chat's parties; ``[]`` for voice and email);
- ``ON_SAVE_ACTIVITY_RECORD`` carries ``InteractionActivityData``: the same keys, with the
  deprecated ``callParties``, ``callMuted``, ``callRecording``, ``chatParties`` and ``subject``
  sent as the widget's converter sends them: ``[]``, ``false``, ``false``, ``[]``, ``""``;
- ``AgentState`` adds ``reserved`` and ``ringing``; origination adds ``chat-center``;
  ``startCall`` takes ``InitialObjects`` (one record or a list).

Every other type is 5.19's (``simulator.contract.models``).
"""

from __future__ import annotations

from typing import Literal, TypeAlias

from pydantic import Field

from simulator.contract.base import WireModel, omit_if_unset
from simulator.contract.enums import CallDirection, InteractionState, InteractionType
from simulator.contract.models import (
    AttachedData,
    CallParty,
    ChatParty,
    InteractionAssociatedObject,
    InteractionAssociatedObjectData,
)

__all__ = [
    "AGENT_STATES",
    "ORIGINATIONS",
    "AgentStateData",
    "InitialObjects",
    "InteractionActivityData",
    "InteractionAssociatedObjectsData",
    "InteractionData",
    "InteractionsState",
]

ORIGINATIONS = (
    "dialpad",
    "dialpad-search",
    "directory",
    "recent",
    "favorites",
    "workitem",
    "interaction",
    "contact-profile",
    "help",
    "conference",
    "auto",
    "integration-api",
    "chat-center",
)
"""``InteractionOrigination`` in 5.24.1: 5.19's list plus ``chat-center``."""
Origination = Literal[ORIGINATIONS]  # type: ignore[valid-type]

AGENT_STATES = (
    "ready",
    "not_ready",
    "busy",
    "after_call_work",
    "supervising",
    "reserved",
    "ringing",
)
"""``AgentState`` in 5.24.1: adds ``reserved`` and ``ringing``."""

InitialObjects: TypeAlias = InteractionAssociatedObjectData | list[InteractionAssociatedObjectData]
"""``startCall``/``startChat``/``startEmail``'s records: one, or several."""


class InteractionAssociatedObjectsData(WireModel):
    """The records associated with an interaction and the selected ones (5.24.1 form)."""

    items: list[InteractionAssociatedObject] = Field(default_factory=list, alias="list")
    """All associated records."""
    selected: list[str] = Field(default_factory=list)
    """The ids of the selected records (``[]`` when none is)."""


class InteractionData(WireModel):
    """``InteractionData`` in 5.24.1: 5.19's keys, ``selected`` a list, plus ``chatParties``."""

    interaction_id: str
    state: InteractionState
    type: InteractionType
    subject: str = ""
    """Deprecated; always ``""``."""
    associated_objects: InteractionAssociatedObjectsData = Field(
        default_factory=InteractionAssociatedObjectsData
    )
    call_parties: list[CallParty] = Field(default_factory=list)
    chat_parties: list[ChatParty] = Field(default_factory=list)
    """The chat's parties (``[]`` for voice and email)."""
    call_muted: bool = False
    call_recording: bool = False
    attached_data: AttachedData = Field(default_factory=dict)
    phone_number: str | None = omit_if_unset()
    email: str | None = omit_if_unset()
    call_direction: CallDirection | None = omit_if_unset()
    start_time: int | None = omit_if_unset()
    end_time: int | None = omit_if_unset()
    duration: int | None = omit_if_unset()
    description: str | None = omit_if_unset()
    disposition: str | None = omit_if_unset()
    global_interaction_id: str | None = omit_if_unset()
    service: str | None = omit_if_unset()
    playback_url: str | None = omit_if_unset()
    recording_url: str | None = omit_if_unset()
    dnis: str | None = omit_if_unset(alias="DNIS")
    ani: str | None = omit_if_unset(alias="ANI")
    origination: Origination | None = omit_if_unset()  # type: ignore[valid-type]


class InteractionActivityData(InteractionData):
    """The payload of ``ON_SAVE_ACTIVITY_RECORD`` from 5.24.1: ``InteractionData``'s keys with
    the deprecated ones at the converter's defaults."""

    call_parties: list[CallParty] = Field(default_factory=list, max_length=0)
    """Deprecated: always ``[]``."""
    chat_parties: list[ChatParty] = Field(default_factory=list, max_length=0)
    """Deprecated: always ``[]``."""
    call_muted: Literal[False] = False
    """Deprecated: always ``false``."""
    call_recording: Literal[False] = False
    """Deprecated: always ``false``."""
    subject: Literal[""] = ""
    """Deprecated: always ``""``."""


class AgentStateData(WireModel):
    """The agent's state (``getAgentState``) in 5.24.1."""

    state: Literal[AGENT_STATES]  # type: ignore[valid-type]
    reserved_for_incoming_interaction: bool = False
    not_ready_reason: str | None = omit_if_unset()


class InteractionsState(WireModel):
    """Result of ``getInteractionsState``: the active interaction and every live one."""

    active_interaction_id: str | None
    interactions: list[InteractionData]
