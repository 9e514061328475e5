"""Chat and email: messages both ways (a chat's lines reach every desktop in it), the email
reply, chats the agent starts (``startChat``), and ``startEmail`` (which the vendor leaves
unimplemented). Chat conferences and transfers: ``simulator.engine.chat_transfers``.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from simulator.contract import (
    ChatChannelType,
    InteractionOrigination,
    InteractionType,
    OperationResult,
)
from simulator.contract.enums import CHAT_CHANNEL_SINCE
from simulator.data import ServiceType, normalize_phone
from simulator.engine.core import Code, S
from simulator.engine.errors import ActionError
from simulator.engine.interaction import ChatMessage, Interaction
from simulator.engine.lifecycle import Lifecycle
from simulator.engine.tables import Action

__all__ = ["ChatEmail"]

_IN_CHAT = frozenset({S.delivery_pending, S.delivered})
"""States of a chat item that still takes the chat's lines."""

_PHONE_CHANNELS = frozenset(
    {ChatChannelType.sms, ChatChannelType.whatsapp, ChatChannelType.viber, ChatChannelType.nexmo}
)
"""Channels whose address is a phone number."""


def _since(channel: ChatChannelType) -> str:
    """The adApi version that has ``channel`` first."""
    return CHAT_CHANNEL_SINCE.get(channel, "5.19")


class ChatEmail(Lifecycle):
    """Chat lines and email replies."""

    def send_chat_message(self, message: str, interaction_id: str | None = None) -> OperationResult:
        """``sendChatMessage``: the agent writes in a chat."""
        return self._perform(
            "agent",
            "send_chat_message",
            {"message": message, "interaction_id": interaction_id},
            partial(self._write, "agent", Action.send_chat, message, interaction_id),
        )

    def customer_message(self, text: str, interaction_id: str | None = None) -> OperationResult:
        """The customer writes in a chat."""
        return self._perform(
            "customer",
            "customer_message",
            {"text": text, "interaction_id": interaction_id},
            partial(self._write, "customer", Action.customer_message, text, interaction_id),
        )

    def _write(self, sender: str, action: Action, text: str, interaction_id: str | None) -> None:
        """A line of ``sender`` (``agent`` or ``customer``) in a chat, by ``action``."""
        inter = self._get(interaction_id)
        self._check(inter, action)
        if not isinstance(text, str) or not text.strip():
            raise ActionError(Code.invalid_args, "a chat message needs some text")
        line = ChatMessage(self._now(), sender, text)
        inter.transcript.append(line)
        self._notice("chat_message", inter.id, text)
        self._echo(inter, line)

    def _echo(self, inter: Interaction, line: ChatMessage) -> None:
        """A line written in a chat several desktops are in reaches each of them."""
        if inter.peer is None and not inter.guests:
            return
        for desk, other in self._chat_room(inter):
            if other.state in _IN_CHAT:
                other.transcript.append(line)
                desk._notice("chat_message", other.id, line.text)

    def _chat_room(self, inter: Interaction) -> list[tuple[Any, Interaction]]:
        """The other desktops' items of the chat ``inter`` is in (colleagues it invited, the
        colleague who invited it, theirs in turn): ``(desktop, item)`` in the order met."""
        room: list[tuple[Any, Interaction]] = []
        seen = {inter.id}
        todo = [inter]
        while todo:
            item = todo.pop(0)
            links = [item.peer] if item.peer is not None else []
            links.extend((item.guests or {}).values())
            for desk, other_id in links:
                other = desk._interactions.get(other_id)
                if other is None or other.id in seen or other.type is not InteractionType.chat:
                    continue
                seen.add(other.id)
                room.append((desk, other))
                todo.append(other)
        return room

    def send_email_reply(
        self, body_text: str, interaction_id: str | None = None
    ) -> OperationResult:
        """Reply to an email (the agent desktop's reply editor); the email goes to wrap-up."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.send_email_reply)
            if not isinstance(body_text, str) or not body_text.strip():
                raise ActionError(Code.invalid_args, "a reply needs some text")
            inter.transcript.append(ChatMessage(self._now(), "agent", body_text))
            self._notice("email_reply", inter.id, body_text)
            self._transition(inter, Action.send_email_reply)
            self._refresh_agent()

        return self._perform(
            "agent",
            "send_email_reply",
            {"body_text": body_text, "interaction_id": interaction_id},
            body,
        )

    def start_chat(
        self,
        channel: str,
        address: str,
        initial_object: dict[str, Any] | list[dict[str, Any]] | None = None,
        *,
        source: str = "integration",
    ) -> OperationResult:
        """``startChat(channel, address, initialObject(s)?)``: the agent starts a chat on the
        selected service (``setService``; ``no_service`` without one, ``no_chat_in_service``
        when it is not a chat service). Phone channels (SMS, WhatsApp, Viber, Nexmo) take a
        valid number, and SMS needs an SMS-enabled DID when one is selected. ``data`` is
        ``InitiateResult`` ``{id}``; the chat appears in state ``unknown`` and is connected a
        second later. ``initial_object`` is one CRM record or, from 5.24.1, a list of them
        (``InitialObjects``, as ``startCall`` takes)."""

        def body() -> dict[str, Any]:
            self._require_login()
            kind = self._chat_channel(channel)
            if not isinstance(address, str) or not address.strip():
                raise ActionError(Code.empty_number, "startChat needs an address to write to")
            if self._service_name is None:
                raise ActionError(Code.no_service, "select a chat service first (setService)")
            service = self.tenant.service(self._service_name)
            assert service is not None
            if service.type is not ServiceType.chat:
                raise ActionError(Code.no_chat_in_service, f"{service.name} is not a chat service")
            phone = email = None
            if kind in _PHONE_CHANNELS:
                phone = normalize_phone(address.strip())
                if phone is None:
                    raise ActionError(Code.invalid_args, f"{address!r} is not a phone number")
                did = next((d for d in self.tenant.dids if d.id == self._did_id), None)
                if kind is ChatChannelType.sms and did is not None and not did.is_sms:
                    raise ActionError(
                        Code.no_permissions_did_sms,
                        f"DID {did.number} is not enabled for SMS: pick another (setDIDNumber)",
                    )
            elif "@" in address:
                email = address.strip()
            records = self._initial_records(initial_object, source, "startChat")
            inter = Interaction(
                id=self.ids.client_uuid(),
                type=InteractionType.chat,
                state=S.unknown,
                service=service,
                customer=None,
                created_ms=self._now(),
                origination=InteractionOrigination.integration_api,
                phone_number=phone,
                email=email,
                show_chat_parties=self.settings.chat_parties == "emit",
            )
            party: dict[str, Any] = {"id": self.ids.guid(), "type": "external"}
            party["name"] = address.strip()
            if phone is not None:
                party["phone"] = phone
            if email is not None:
                party["email"] = email
            inter.chat_parties.append(party)
            for record in records:
                inter.associated = [r for r in inter.associated if r["id"] != record["id"]]
                inter.associated.append(record)
            self._announce(inter)
            self._schedule(1, lambda: self._chat_connected(inter.id), "chat connected")
            return {"id": inter.id}

        return self._perform(
            "agent",
            "start_chat",
            {"channel": channel, "address": address, "initial_object": initial_object},
            body,
        )

    def _chat_channel(self, channel: Any) -> ChatChannelType:
        """``channel`` as a channel of this adApi version; ``invalid_args`` otherwise (a later
        version's channel says which version has it)."""
        version = self.api_version
        choices = ", ".join(c.value for c in ChatChannelType if version.has(_since(c)))
        try:
            kind = ChatChannelType(channel)
        except ValueError:
            kind = None
        if kind is None:
            raise ActionError(
                Code.invalid_args, f"{channel!r} is not a chat channel; one of: {choices}"
            )
        if not version.has(_since(kind)):
            raise ActionError(
                Code.invalid_args,
                f"{kind.value!r} is not a chat channel of adApi {version.value}: it appeared in "
                f"{_since(kind)}; one of: {choices}",
            )
        return kind

    def _chat_connected(self, interaction_id: str) -> None:
        inter = self._interactions.get(interaction_id)
        if inter is None or inter.state is not S.unknown:
            return
        if inter.global_interaction_id is None:
            inter.global_interaction_id = self.ids.guid()
        self._transition(inter, Action.remote_join)
        self._refresh_agent()

    def start_email(
        self, email: str, initial_object: dict[str, Any] | None = None
    ) -> OperationResult:
        """``startEmail``: the vendor's build answers ``api_method_not_implemented``; so do we."""
        return self._perform(
            "agent", "start_email", {"email": email}, lambda: self._not_implemented("startEmail")
        )

    def _not_implemented(self, method: str) -> None:
        self._require_login()
        raise ActionError(Code.api_method_not_implemented, f"{method} is not implemented")
