"""The emission edge: the engine's 5.19 event payloads turned into what a later version emits.

The engine produces every event in the 5.19 form. ``PayloadEdge`` is the one place that maps an
event to the run's version: it drops the events that version lacks and reshapes the payloads
(reference sections 4.1-4.4):

- 5.24.1 and later: ``associatedObjects.selected`` a list (``[]`` or ``[id]``), ``chatParties``
  after ``callParties`` (the chat's customer, ``[]`` otherwise), and ``ON_SAVE_ACTIVITY_RECORD``
  as ``InteractionActivityData`` with the deprecated keys at the converter's defaults
  (``callParties: []``, ``chatParties: []``, ``callMuted: false``, ``callRecording: false``,
  ``subject: ""``);
- 2026: ``internal`` and ``interactionKind`` in every interaction, and ``contactName`` and
  ``formValues`` in the activity.

Where the vendor is silent the choices are documented (docs/contract.md, "API versions"):
``interactionKind`` is ``chat`` for chats, ``outbound`` for agent-initiated calls,
``direct_call`` for a call that rings the agent directly (a direct offer, or a colleague's call:
a consult, transfer or conference landing on the agent's extension), ``scenario`` for everything
routed through a service; ``internal`` is true when every call party is a user of the tenant;
``contactName`` is the customer's name (the first call party, else the chat's customer, else the
email address or number); ``formValues`` maps the activity form's integration fields to keys of
the activity (``form_fields``; by default ``disposition`` and ``description``).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from simulator.contract.events import EventName
from simulator.contract.versions import ApiVersion, events_for

__all__ = ["DEFAULT_FORM_FIELDS", "PayloadEdge", "chat_party_id"]

DEFAULT_FORM_FIELDS: Mapping[str, str] = {"disposition": "disposition", "notes": "description"}
"""The simulated activity form: integration field -> the activity key whose value it holds."""

_INTERACTION_EVENTS = frozenset(
    {
        EventName.ON_NEW_INTERACTION,
        EventName.ON_INTERACTION_STATE_CHANGE,
        EventName.ON_INTERACTION_REMOVED,
    }
)
_NAMESPACE = uuid.UUID("6f1c3f0e-8d0b-4d5e-9a53-0a7d5e0c2b10")


def chat_party_id(interaction_id: str) -> str:
    """The customer's ``ChatParty.id`` in a chat: derived from the interaction, so it is the same
    in every version and takes nothing from the seeded id stream."""
    return str(uuid.uuid5(_NAMESPACE, f"{interaction_id}/customer")).upper()


class PayloadEdge:
    """Maps ``(event, 5.19 wire args)`` to the version's, or None for an event it lacks.

    ``remember(interaction_id, name)`` tells the edge the customer's name of an interaction when
    it is first emitted (the payload has no name for chats); it is forgotten after the activity
    record.
    """

    def __init__(self, version: ApiVersion | str, form_fields: Mapping[str, str] | None = None):
        self.version = ApiVersion(version)
        self.events = events_for(self.version)
        self.form_fields = dict(DEFAULT_FORM_FIELDS if form_fields is None else form_fields)
        self._names: dict[str, str] = {}
        self._direct: set[str] = set()
        self._v2026 = self.version is ApiVersion.v2026

    def remember(self, interaction_id: str, customer_name: str | None) -> None:
        """The customer of ``interaction_id`` (for ``chatParties`` and ``contactName``)."""
        if customer_name:
            self._names[interaction_id] = customer_name

    def remember_direct(self, interaction_id: str) -> None:
        """``interaction_id`` is a call that rang the agent directly (``direct_call``)."""
        self._direct.add(interaction_id)

    def convert(self, name: EventName, args: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """The event's arguments in this version, or None when the version never fires it."""
        if name not in self.events:
            return None
        if name in _INTERACTION_EVENTS and args and isinstance(args[0], dict):
            return (self.interaction(args[0]), *args[1:])
        if name is EventName.ON_VALIDATE_ASSOCIATED_RECORDS and len(args) > 1:
            records = args[1]
            if isinstance(records, dict) and not isinstance(records.get("selected", []), list):
                selected = records.get("selected")
                records = {**records, "selected": [] if selected is None else [selected]}
            return (args[0], records, *args[2:])
        if name is EventName.ON_SAVE_ACTIVITY_RECORD and args and isinstance(args[0], dict):
            activity = self.activity(args[0])
            self._names.pop(args[0].get("interactionId", ""), None)
            self._direct.discard(args[0].get("interactionId", ""))
            return (activity, *args[1:])
        return args

    def interaction(self, wire: dict[str, Any]) -> dict[str, Any]:
        """5.19 ``InteractionData`` -> this version's."""
        # Built for every interaction event, so: copy the keys up to callParties, add
        # chatParties after it (the vendor's key order), take the rest in one update.
        out: dict[str, Any] = {}
        items = iter(wire.items())
        for key, value in items:
            out[key] = value
            if key == "callParties":
                out["chatParties"] = self._chat_parties(wire) if wire["type"] == "chat" else []
                break
        out.update(items)
        objects = wire.get("associatedObjects")
        if objects is not None:
            selected = objects.get("selected")
            out["associatedObjects"] = {
                "list": objects.get("list", []),
                "selected": [] if selected is None else [selected],
            }
        if self._v2026:
            out["internal"] = self._internal(wire)
            out["interactionKind"] = self._kind(wire)
        return out

    def activity(self, wire: dict[str, Any]) -> dict[str, Any]:
        """5.19 SAVE payload (``InteractionData``) -> this version's ``InteractionActivityData``."""
        contact = self._contact_name(wire)
        out = self.interaction(wire)
        out["subject"] = ""
        out["callParties"] = []
        out["chatParties"] = []
        out["callMuted"] = False
        out["callRecording"] = False
        if self._v2026:
            values = {
                field: out[key]
                for field, key in self.form_fields.items()
                if isinstance(out.get(key), str | bool)
            }
            out["formValues"] = values
            out["contactName"] = contact
        return out

    # ------------------------------------------------------------------ derived fields

    def _chat_parties(self, wire: dict[str, Any]) -> list[dict[str, Any]]:
        iid = wire.get("interactionId", "")
        party: dict[str, Any] = {
            "id": chat_party_id(iid),
            "type": "external",
            "name": self._names.get(iid) or wire.get("email") or "",
        }
        if "email" in wire:
            party["email"] = wire["email"]
        return [party]

    def _contact_name(self, wire: dict[str, Any]) -> str:
        parties = wire.get("callParties") or []
        if parties:
            return str(parties[0].get("name", ""))
        iid = wire.get("interactionId", "")
        return self._names.get(iid) or wire.get("email") or wire.get("phoneNumber") or ""

    @staticmethod
    def _internal(wire: dict[str, Any]) -> bool:
        parties = wire.get("callParties") or []
        return bool(parties) and all("userId" in party for party in parties)

    def _kind(self, wire: dict[str, Any]) -> str:
        kind = wire.get("type")
        if kind == "chat":
            return "chat"
        if kind == "voice" and wire.get("callDirection") == "outbound":
            return "outbound"
        if kind == "voice" and wire.get("interactionId") in self._direct:
            return "direct_call"
        return "scenario"
