"""Chats between desktops: chat conferences with colleagues and chat transfers.

The vendor's widget transfers a chat by adding an agent (or a service queue) to it and leaving it;
through the API that is ``inviteToChatConference(partyId)`` then ``leaveInteraction`` (reference
``contact-center.md`` section 3, "Chat transfer": the sender leaves the chat, the receiver joins
the chat session). As for calls between desktops (``simulator.engine.landing``):

- a colleague invited who is a logged-in simulated agent gets a chat item of its own: a new
  ``interactionId``, the same ``globalInteractionId``, ``delivery_pending`` until accepted (the
  chat offer timeout rings it out), no ``origination``, the chat's lines so far, its parties (the
  customer, the inviter, the other colleagues in it) and the inviter's associated records; then
  ``ON_LOAD_TRANSFER_DATA(its own id, data)``, once, when there is transfer data;
- a line written afterwards, by the customer or an agent, reaches every desktop in the chat;
- the inviter leaving keeps the colleague with the customer (that is the transfer); the colleague
  leaving, rejecting or ringing out drops the colleague from the inviter's parties; the inviter
  removing the colleague ends the colleague's item (and the colleague removing the inviter, the
  inviter's); the customer leaving ends it on every desktop;
- the desktop's blind transfer of a chat (a scenario step, the window) does the transfer in one
  action: the colleague is added (or the chat goes to a chat service's queue, routed again, never
  back to this agent), then the agent leaves. The ``blindTransfer`` API method on a chat answers
  success and sends nothing, as the vendor's 2024 widget does (``Settings.chat_blind_transfer``:
  ``transfer`` makes it do the desktop's transfer).

Each side produces its own events and saves its own activity record once. Transfer data is asked
as for calls (``ON_REQUEST_TRANSFER_DATA`` unless the action carries it), only when the chat
reaches another simulated desktop or a service.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

from simulator.contract import InteractionType, OperationResult
from simulator.contract.json_tree import copied
from simulator.data import Service, ServiceType
from simulator.engine.chat_email import ChatEmail
from simulator.engine.core import Code, E, S
from simulator.engine.errors import ActionError
from simulator.engine.interaction import Interaction
from simulator.engine.tables import Action, is_allowed
from simulator.engine.transfers import Transfers

if TYPE_CHECKING:
    from simulator.engine.desktop import AgentDesktop

__all__ = ["ChatTransfers"]

_CHAT = InteractionType.chat


class _Colleague(NamedTuple):
    """Someone of the directory a chat can go to."""

    user_id: str
    name: str
    desk: AgentDesktop | None
    """Their desktop when they are a logged-in simulated agent (else the chat leaves the
    simulation with them)."""


class ChatTransfers(Transfers, ChatEmail):
    """Chat conferences and chat transfers, landing on colleagues' desktops."""

    # ------------------------------------------------------------------ actions

    def blind_transfer(
        self,
        phone: str,
        custom_transfer_data: dict[str, Any] | None = None,
        interaction_id: str | None = None,
    ) -> OperationResult:
        """``blindTransfer``: send the call on (``Transfers``), or a chat to a colleague (user
        id or extension) or a chat service (name or id): added to the chat, then the agent
        leaves."""
        inter = self._interactions.get(interaction_id or self._active or "")
        if inter is None or inter.type is not _CHAT:
            return super().blind_transfer(phone, custom_transfer_data, interaction_id)
        return self._perform(
            "agent",
            "blind_transfer",
            {
                "phone": phone,
                "custom_transfer_data": custom_transfer_data,
                "interaction_id": interaction_id,
            },
            partial(self._transfer_chat, phone, custom_transfer_data, interaction_id),
        )

    def invite_to_chat_conference(
        self,
        party_id: str,
        interaction_id: str | None = None,
        *,
        custom_transfer_data: dict[str, Any] | None = None,
    ) -> OperationResult:
        """``inviteToChatConference(partyId, interactionId?)``: bring a colleague (user id or
        extension) into a connected chat; with ``leaveInteraction`` after it, a chat transfer.
        A simulated colleague's desktop gets the chat (``custom_transfer_data``: the desktop's
        data for it; without it the integration is asked, as for a call conference)."""
        args: dict[str, Any] = {"party_id": party_id, "interaction_id": interaction_id}
        if custom_transfer_data is not None:
            args["custom_transfer_data"] = custom_transfer_data
        return self._perform(
            "agent",
            "invite_to_chat_conference",
            args,
            partial(self._invite, party_id, interaction_id, custom_transfer_data),
        )

    def remove_from_chat_conference(
        self, party_id: str, interaction_id: str | None = None
    ) -> OperationResult:
        """``removeFromChatConference(partyId, interactionId?)``: a colleague leaves the chat
        (``ChatParty.id``, user id or extension); the customer cannot be removed. A simulated
        colleague the agent invited has the chat end on their desktop."""
        return self._perform(
            "agent",
            "remove_from_chat_conference",
            {"party_id": party_id, "interaction_id": interaction_id},
            partial(self._remove, party_id, interaction_id),
        )

    # ------------------------------------------------------------------ bodies

    def _transfer_chat(
        self, to: str, custom: dict[str, Any] | None, interaction_id: str | None
    ) -> None:
        inter = self._get(interaction_id)
        self._check(inter, Action.blind_transfer)
        if custom is not None and (problem := self._transfer_data_problem(custom)) is not None:
            raise ActionError(Code.invalid_args, problem)
        by_api = self.bus._delivering or self.handler_calls > 0
        if by_api and self.settings.chat_blind_transfer == "no_effect":
            # The 2024 widget's API sends its transfer request only for an item with a call id;
            # the desktop's own chat transfer (add the colleague, then leave) is not the API's.
            self._notice("transfer_ignored", inter.id, to)
            return
        where = self._chat_destination(to)
        if isinstance(where, Service):
            if inter.customer is None:
                raise ActionError(
                    Code.not_suitable_state,
                    "a chat the agent started cannot go to a service queue; name a colleague",
                )
        elif self._in_chat(inter, where.user_id):
            raise ActionError(Code.not_suitable_state, f"{where.name} is already in the chat")

        def carry_out(data: dict[str, Any] | None) -> None:
            if inter.id not in self._interactions or not is_allowed(
                inter.state, inter.type, Action.blind_transfer
            ):
                return
            inter.transfer_data = data
            self._notice("transferred", inter.id, to)
            if isinstance(where, Service):
                self._send_to_service(where, inter, data)
            elif not self._in_chat(inter, where.user_id):
                self._add_colleague(inter, where, data)
            self._transition(inter, Action.blind_transfer)
            self._refresh_agent()

        if isinstance(where, Service) or where.desk is not None:
            self._ask_transfer_data(inter, custom, carry_out)
        else:
            carry_out(custom)  # nobody simulated receives it: nothing to ask for

    def _invite(
        self, party_id: str, interaction_id: str | None, custom: dict[str, Any] | None
    ) -> None:
        inter = self._get(interaction_id)
        self._check(inter, Action.chat_invite)
        colleague = self._chat_colleague(party_id)
        if self._in_chat(inter, colleague.user_id):
            raise ActionError(Code.not_suitable_state, f"{colleague.name} is already in the chat")
        if custom is not None and (problem := self._transfer_data_problem(custom)) is not None:
            raise ActionError(Code.invalid_args, problem)
        if colleague.desk is None:
            self._add_colleague(inter, colleague, None)
            return

        def carry_out(data: dict[str, Any] | None) -> None:
            if (
                inter.id not in self._interactions
                or not is_allowed(inter.state, inter.type, Action.chat_invite)
                or self._in_chat(inter, colleague.user_id)
            ):
                return
            inter.transfer_data = data
            self._add_colleague(inter, colleague, data)

        self._ask_transfer_data(inter, custom, carry_out)

    def _remove(self, party_id: str, interaction_id: str | None) -> None:
        inter = self._get(interaction_id)
        self._check(inter, Action.chat_remove)
        key = party_id.strip() if isinstance(party_id, str) else party_id
        for party in inter.chat_parties:
            if party["type"] != "internal":
                if party["id"] == key:
                    raise ActionError(
                        Code.not_suitable_state, "the customer cannot be removed from a chat"
                    )
                continue
            if key in (party["id"], party.get("userId")) or key == self._extension_of(
                party.get("userId")
            ):
                inter.chat_parties.remove(party)
                self._sync(inter)
                self._notice("chat_conference", inter.id, f"{party['name']} left")
                if inter.guests and party["id"] in inter.guests:
                    self._hang_up_guest(inter, party["id"])
                elif inter.peer is not None and inter.peer[0].profile.id == party.get("userId"):
                    # The colleague who invited this agent: their chat ends, this one stays.
                    desk, host_id = inter.peer
                    host = desk._interactions.get(host_id)
                    if host is not None:
                        desk._remote_left(host)
                return
        raise ActionError(Code.object_not_found, f"{party_id!r} is not in this chat")

    # ------------------------------------------------------------------ who and where

    def _chat_colleague(self, party_id: str) -> _Colleague:
        """The colleague ``party_id`` names: a user id or an extension of a simulated agent or
        of a team member."""
        if not isinstance(party_id, str) or not party_id.strip():
            raise ActionError(Code.invalid_args, "name the colleague to invite (partyId)")
        key = party_id.strip()
        if key in (self.profile.id, self.profile.extension):
            raise ActionError(Code.self_call, "that is the agent's own id")
        for desk in self.center.desktops:
            profile = desk.profile
            if desk is not self and key in (profile.id, profile.extension):
                return _Colleague(
                    profile.id, profile.display_name, desk if desk.agent.logged_in else None
                )
        for team in self.tenant.teams:
            for member in team.members:
                if key in (member.id, member.extension):
                    return _Colleague(member.id, member.display_name, None)
        raise ActionError(Code.object_not_found, f"no user {key!r} in the directory")

    def _chat_destination(self, to: str) -> _Colleague | Service:
        """Where a chat transfer goes: a colleague, else a chat service (name or id)."""
        try:
            return self._chat_colleague(to)
        except ActionError as exc:
            if exc.code is not Code.object_not_found:
                raise
        service = self.tenant.service(to.strip())
        if service is None:
            raise ActionError(
                Code.object_not_found, f"{to!r} is no colleague (user id, extension) or service"
            )
        if service.type is not ServiceType.chat:
            raise ActionError(Code.no_chat_in_service, f"{service.name} is not a chat service")
        return service

    def _extension_of(self, user_id: str | None) -> str | None:
        for desk in self.center.desktops:
            if desk.profile.id == user_id:
                return desk.profile.extension
        for team in self.tenant.teams:
            for member in team.members:
                if member.id == user_id:
                    return member.extension
        return None

    @staticmethod
    def _in_chat(inter: Interaction, user_id: str) -> bool:
        return any(party.get("userId") == user_id for party in inter.chat_parties)

    # ------------------------------------------------------------------ landing

    def _add_colleague(
        self, inter: Interaction, colleague: _Colleague, data: dict[str, Any] | None
    ) -> None:
        """The colleague joins ``inter``'s parties; a simulated one gets the chat."""
        party = {
            "id": self.ids.guid(),
            "type": "internal",
            "name": colleague.name,
            "userId": colleague.user_id,
        }
        inter.chat_parties.append(party)
        self._sync(inter)
        self._notice("chat_conference", inter.id, f"{colleague.name} joined")
        desk = colleague.desk
        if desk is None or not desk.agent.logged_in:
            return
        guest = self._land_chat(desk, inter, data)
        guest.peer = (self, inter.id)
        if inter.guests is None:
            inter.guests = {}
        inter.guests[party["id"]] = (desk, guest.id)

    def _land_chat(
        self, target: AgentDesktop, source: Interaction, data: dict[str, Any] | None
    ) -> Interaction:
        """Offer ``target`` its own item of the chat ``source`` (see the module doc)."""
        me = self.profile
        inter = Interaction(
            id=self._routed_id(),
            type=_CHAT,
            state=S.delivery_pending,
            service=source.service,
            customer=source.customer,
            created_ms=self._now(),
            phone_number=source.phone_number,
            email=source.email,
            global_interaction_id=source.global_interaction_id,
            attached_data=dict(source.attached_data),
            transfer_data=data,
            show_chat_parties=source.show_chat_parties,
        )
        others = [p for p in source.chat_parties if p.get("userId") != target.profile.id]
        inter.chat_parties.extend(dict(p) for p in others if p["type"] != "internal")
        inter.chat_parties.append(
            {"id": self.ids.guid(), "type": "internal", "name": me.display_name, "userId": me.id}
        )
        inter.chat_parties.extend(dict(p) for p in others if p["type"] == "internal")
        inter.transcript.extend(source.transcript)
        inter.associated = [dict(record) for record in source.associated]
        inter.selected_record = source.selected_record
        target._announce(inter)
        if data is not None:
            target._emit(E.ON_LOAD_TRANSFER_DATA, inter.id, copied(data), interaction_id=inter.id)
        timeout = (
            target._offer_timeout(source.service, _CHAT)
            if source.service is not None
            else self.settings.chat_offer_timeout_seconds
        )
        if timeout is not None:
            target._schedule(timeout, lambda: target._ring_timeout(inter.id), "ring timeout")
        return inter

    def _customer_left_conference(self, inter: Interaction) -> None:
        """The customer leaves a chat several desktops are in: it ends on every one."""
        if inter.type is not _CHAT:
            super()._customer_left_conference(inter)
            return
        room = self._chat_room(inter)
        for _desk, other in ((self, inter), *room):
            other.peer = None
            other.guests = None
        for desk, other in room:
            desk._remote_left(other)
