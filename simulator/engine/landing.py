"""Calls between desktops: a transfer, consult or conference to a colleague who is a simulated
agent lands on that agent's desktop as an offer of its own.

As the vendor's widget does (reference ``contact-center.md`` sections 3 and 7): the receiving
desktop mints its own ``interactionId``; only ``globalInteractionId`` links the two sides. The
receiver's item rings (``delivery_pending``, ``callDirection`` inbound, no ``origination``), its
``DNIS`` is the receiver's extension, its ``ANI`` the customer's number (a transfer or conference)
or the sender's extension (a consult call), and it starts with the sender's associated CRM records.
Transfer data arrives as ``ON_LOAD_TRANSFER_DATA(receiver's id, data)`` just after
``ON_NEW_INTERACTION``, once per receiving item. Each side has its own events and its own activity
record. A transfer to a service's number re-enters routing (not to the sender).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from simulator.contract import CallDirection, InteractionType
from simulator.contract.json_tree import copied
from simulator.data import Service, ServiceType, digits_only
from simulator.engine.core import E, S
from simulator.engine.interaction import Interaction, Party
from simulator.engine.records import QueuedOffer
from simulator.engine.tables import Action, is_allowed
from simulator.engine.voice import Voice

if TYPE_CHECKING:
    from simulator.engine.desktop import AgentDesktop

__all__ = ["Landing"]

_ROUTED_VOICE = (ServiceType.inbound_voice, ServiceType.blended_voice)
_IN_CHAT = frozenset({S.delivery_pending, S.delivered})
"""States of a chat item whose parties still change (not once it is in wrap-up)."""


class Landing(Voice):
    """Items that cross from one simulated desktop to another, and how their ends meet."""

    def _colleague(self, number: str) -> AgentDesktop | None:
        """The logged-in simulated agent (not this one) whose extension ``number`` is."""
        desktop = self.center.by_extension(number)
        if desktop is None or desktop is self or not desktop.agent.logged_in:
            return None
        return desktop

    def _service_by_number(self, number: str) -> Service | None:
        """The inbound voice service whose number (DID) was dialled."""
        digits = digits_only(number)
        for service in self.tenant.services_of(*_ROUTED_VOICE):
            if service.did and digits_only(service.did) == digits:
                return service
        return None

    def _land(
        self,
        target: AgentDesktop,
        source: Interaction,
        data: dict[str, Any] | None,
        *,
        consult: bool = False,
        with_sender: bool = False,
    ) -> Interaction:
        """Ring ``target`` with its own item for the call ``source`` (see the module doc)."""
        now = self._now()
        inter = Interaction(
            id=self._routed_id(),
            type=InteractionType.voice,
            state=S.delivery_pending,
            service=source.service,
            customer=source.customer,
            created_ms=now,
            call_direction=CallDirection.inbound,
            global_interaction_id=source.global_interaction_id,
            attached_data=dict(source.attached_data),
            transfer_data=data,
            dnis=target.profile.extension,
        )
        me = self.profile
        if consult:
            inter.ani = inter.phone_number = me.extension
            inter.parties.append(Party(self.ids.guid(), me.display_name, me.extension, me.id))
        else:
            remote = [p for p in source.parties if p.user_id != target.profile.id]
            for party in remote[:1] if not with_sender else remote:
                inter.parties.append(Party(self.ids.guid(), party.name, party.phone, party.user_id))
            if with_sender:
                inter.parties.append(Party(self.ids.guid(), me.display_name, me.extension, me.id))
            inter.ani = inter.phone_number = remote[0].phone if remote else source.ani
            inter.associated = [dict(record) for record in source.associated]
            inter.selected_record = source.selected_record
        inter.step_id = self.ids.guid()
        if self.settings.recording_url == "always":
            inter.recording_url = self.ids.recording_url(self.tenant.host, inter.step_id)
        target._announce(inter)
        if data is not None:
            target._emit(E.ON_LOAD_TRANSFER_DATA, inter.id, copied(data), interaction_id=inter.id)
        if self.settings.ring_timeout_seconds is not None:
            target._schedule(
                self.settings.ring_timeout_seconds,
                lambda: target._ring_timeout(inter.id),
                "ring timeout",
            )
        return inter

    def _send_to_service(
        self, service: Service, source: Interaction, data: dict[str, Any] | None
    ) -> None:
        """A transfer to a service (a voice service's number, a chat service): offered again by
        routing, never to this agent; a chat brings its lines so far."""
        if source.customer is None:
            return
        offer = QueuedOffer(
            id="",
            type=source.type,
            service=service,
            customer=source.customer,
            queued_ms=self._now(),
            attached_data=dict(source.attached_data),
            transfer_data=data,
            declined=(self.name,),
            global_interaction_id=source.global_interaction_id,
            transcript=tuple(source.transcript) if source.type is InteractionType.chat else (),
        )
        if not self.center.could_take(offer, offer.declined):
            return
        offer.id = self._routed_id()
        target = self.center.route(offer)
        if target is not None:
            target._deliver(offer)
        else:
            self._queue.append(offer)
            self._notice("queued", offer.id, service.name)

    def _peer_answered(self, inter: Interaction) -> None:
        """This agent answered a colleague's consult call: the colleague's call connects."""
        if inter.peer is None:
            return
        desktop, other_id = inter.peer
        other = desktop._interactions.get(other_id)
        if other is not None and other.state is S.unknown:
            desktop._answer(other)

    def _peer_gone(self, inter: Interaction) -> None:
        """``inter`` ends here: the other ends of a call between desktops hear it."""
        if inter.peer is not None:
            desktop, other_id = inter.peer
            inter.peer = None
            other = desktop._interactions.get(other_id)
            if other is not None and other.guests:
                # A guest left the conference: the host's call loses that party.
                for party_id, (guest_desk, guest_id) in list(other.guests.items()):
                    if guest_desk is self and guest_id == inter.id:
                        del other.guests[party_id]
                        desktop._drop_party(other, self.profile.id)
            elif other is not None and other.peer is not None:
                other.peer = None
                desktop._remote_left(other)
        if inter.guests:
            guests, inter.guests = inter.guests, None
            for desktop, other_id in guests.values():
                other = desktop._interactions.get(other_id)
                if other is not None and other.peer is not None:
                    other.peer = None
                    # The host left the conference: the guest stays with the customer.
                    desktop._drop_party(other, self.profile.id)

    def _remote_left(self, inter: Interaction) -> None:
        """The colleague at the other end of ``inter`` hung up, rejected or let it ring out."""
        if inter.state is S.unknown:
            self._scenario_data(inter)
            self._transition(inter, Action.ring_timeout)
        elif is_allowed(inter.state, inter.type, Action.customer_hang_up):
            self._transition(inter, Action.customer_hang_up)
            self._notice("customer_hang_up", inter.id)
        else:
            return
        self._refresh_agent()

    def _customer_left_conference(self, inter: Interaction) -> None:
        """The customer hangs up a conference call between desktops: it ends on every one."""
        if inter.peer is not None:
            desktop, host_id = inter.peer
            host = desktop._interactions.get(host_id)
            if host is None or not host.guests:
                return  # a consult call: the customer is not on it
            for party_id, (guest_desk, guest_id) in list(host.guests.items()):
                if guest_desk is self and guest_id == inter.id:
                    del host.guests[party_id]
            inter.peer = None
            for party_id in list(host.guests):
                desktop._hang_up_guest(host, party_id)
            desktop._remote_left(host)
            return
        for party_id in list(inter.guests or ()):
            self._hang_up_guest(inter, party_id)

    def _drop_party(self, inter: Interaction, user_id: str) -> None:
        """Remove a colleague's party from a conference call (or a chat) here."""
        if inter.type is InteractionType.chat:
            chat = [party for party in inter.chat_parties if party.get("userId") != user_id]
            if len(chat) != len(inter.chat_parties) and inter.state in _IN_CHAT:
                inter.chat_parties[:] = chat
                self._sync(inter)
            return
        kept = [party for party in inter.parties if party.user_id != user_id]
        if len(kept) != len(inter.parties) and inter.is_live:
            inter.parties[:] = kept
            self._sync(inter)
