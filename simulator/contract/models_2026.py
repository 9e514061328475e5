"""The adApi 2026 payload types (Comm.Widget 2.0): what changed from 5.24.1 (reference 4.1-4.4).

- ``InteractionData`` adds ``internal`` (a call between users) and ``interactionKind``;
- ``InteractionActivityData`` adds ``formValues`` (the activity form's values by integration
  field) and ``contactName``;
- the ``ON_SAVE_ACTIVITY_RECORD`` handler may answer an ``ActivityRecordInfo`` (where the
  integration saved the activity);
- origination: ``dialpad-search`` dropped; ``internal-chat-page``, ``topbar``,
  ``supervisor-screen``, ``transfer-panel`` added; ``ChatChannelType`` adds ``ms_teams``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from simulator.contract.base import WireModel, omit_if_unset
from simulator.contract.models import CallParty, ChatParty
from simulator.contract.models_5_24_1 import InteractionData as InteractionData5241

__all__ = [
    "ORIGINATIONS",
    "ActivityRecordInfo",
    "InteractionActivityData",
    "InteractionData",
    "InteractionKind",
    "InteractionsState",
]

ORIGINATIONS = (
    "chat-center",
    "dialpad",
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
    "internal-chat-page",
    "topbar",
    "supervisor-screen",
    "transfer-panel",
)
"""``JSAPI_InteractionOrigination`` in 2026 (``dialpad-search`` is gone)."""


class InteractionKind(StrEnum):
    """What started an interaction (2026)."""

    unknown = "unknown"
    direct_call = "direct_call"
    outbound = "outbound"
    scenario = "scenario"
    chat = "chat"


class InteractionData(InteractionData5241):
    """``InteractionData`` in 2026: 5.24.1's keys plus ``internal`` and ``interactionKind``."""

    origination: Literal[ORIGINATIONS] | None = omit_if_unset()  # type: ignore[valid-type]
    internal: bool = False
    """True for a call or chat between users of the tenant."""
    interaction_kind: InteractionKind | None = omit_if_unset()
    """What started the interaction."""


class InteractionActivityData(InteractionData):
    """The payload of ``ON_SAVE_ACTIVITY_RECORD`` in 2026."""

    call_parties: list[CallParty] = Field(default_factory=list, max_length=0)
    chat_parties: list[ChatParty] = Field(default_factory=list, max_length=0)
    call_muted: Literal[False] = False
    call_recording: Literal[False] = False
    subject: Literal[""] = ""
    form_values: dict[str, str | bool] | None = omit_if_unset()
    """The activity form's values, by the fields' integration names."""
    contact_name: str = ""
    """The name of the contact the interaction was with."""


class ActivityRecordInfo(WireModel):
    """What the ``ON_SAVE_ACTIVITY_RECORD`` handler answers in 2026: the saved record."""

    id: str | None
    """The activity record's id in the CRM, or ``null`` when it was not saved."""
    case_id: str | None = omit_if_unset()
    contact_id: str | None = omit_if_unset()


class InteractionsState(WireModel):
    """Result of ``getInteractionsState`` in 2026."""

    active_interaction_id: str | None
    interactions: list[InteractionData]
