"""Transfers and conferences: consult calls, blind and consult transfers, the transfer data asked
of the integration, conference parties.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.contract import InteractionOrigination, OperationResult
from simulator.contract.json_tree import copied, tree_problem
from simulator.engine.core import Code, E, S
from simulator.engine.errors import ActionError
from simulator.engine.interaction import Interaction, Party
from simulator.engine.landing import Landing
from simulator.engine.tables import Action, is_allowed
from simulator.engine.voice import parse_origination

__all__ = ["Transfers"]

_SCALARS = (str, int, float, bool, type(None))
"""What a value of transfer data may be (``CustomTransferData``)."""


def take_customer(
    desktop: Any, item: Interaction, main: Interaction, data: dict[str, Any] | None
) -> None:
    """A colleague's consult item takes on the customer's call (a consult transfer completed, a
    merge into a conference): its customer, GIID and associated records, then the transfer
    data (``ON_LOAD_TRANSFER_DATA`` when there is some) on the colleague's ``desktop``."""
    item.customer = main.customer
    item.global_interaction_id = main.global_interaction_id
    item.associated = [dict(record) for record in main.associated]
    item.selected_record = main.selected_record
    item.transfer_data = data
    desktop._sync(item)
    if data is not None:
        desktop._emit(E.ON_LOAD_TRANSFER_DATA, item.id, copied(data), interaction_id=item.id)


class Transfers(Landing):
    """Consult, transfer and conference (to a simulated colleague: landing on their desktop)."""

    def consult_call(
        self,
        phone: str,
        *,
        origination: InteractionOrigination | str = InteractionOrigination.integration_api,
    ) -> OperationResult:
        """``consultCall``: hold the active call and dial a second one to consult."""

        def body() -> dict[str, Any]:
            main = self._get(None)
            self._check(main, Action.consult)
            if main.consult_id is not None or main.consult_of is not None:
                raise ActionError(Code.not_suitable_state, "a consult call is already going on")
            number, party = self._dialled(phone)
            origin = parse_origination(origination)
            if main.state is S.delivered:
                self._transition(main, Action.hold)
            inter = self._new_outbound(number, origin, main.service, party)
            inter.consult_of = main.id
            main.consult_id = inter.id
            # A manual consult call, internal or outbound, carries the held call's GIID (the
            # reference's contact-center.md, [DOC D6]); a connected call has its GIID already.
            inter.global_interaction_id = main.global_interaction_id
            colleague = self._colleague(number) if party is not None else None
            if colleague is None:
                self._dial(inter)
                return {"id": inter.id}
            # The colleague's desktop rings; their answer (not a timer) connects the call.
            self._announce(inter)
            self._schedule(1, lambda: self._scenario_arrives(inter.id), "scenario data")
            received = self._land(colleague, inter, None, consult=True)
            inter.peer = (colleague, received.id)
            received.peer = (self, inter.id)
            return {"id": inter.id}

        return self._perform(
            "agent", "consult_call", {"phone": phone, "origination": str(origination)}, body
        )

    def _ask_transfer_data(
        self,
        inter: Interaction,
        custom: dict[str, Any] | None,
        then: Callable[[dict[str, Any] | None], None],
    ) -> None:
        if custom is not None:
            problem = self._transfer_data_problem(custom)
            if problem is not None:
                raise ActionError(Code.invalid_args, problem)
            then(copied(custom))
            return
        if self.settings.transfer_data_request == "desktop_only" and (
            self.bus._delivering or self.handler_calls > 0
        ):
            # The vendor asks only when the agent uses the desktop's own buttons.
            then(None)
            return
        self._emit(
            E.ON_REQUEST_TRANSFER_DATA,
            inter.id,
            interaction_id=inter.id,
            then=lambda value: self._system("transfer data", lambda: then(self._usable(value))),
        )

    def _transfer_data_problem(self, data: Any) -> str | None:
        """Why the widget refuses this transfer data (``transfer_data_shape``), or None."""
        if self.settings.transfer_data_shape == "any":
            # Any JSON, carried to the colleague's handlers and the journal: a tree, though.
            problem = tree_problem(data, "transfer data")
            return None if problem is None else f"{problem}; pass JSON data"
        if not isinstance(data, dict):
            return f"transfer data is an object, not {type(data).__name__}"
        for key, value in data.items():
            if not isinstance(key, str) or not isinstance(value, _SCALARS):
                return (
                    f"transfer data is a flat object of strings, numbers, booleans and nulls; "
                    f"{key!r} holds {type(value).__name__} (transfer_data_shape: any takes it)"
                )
        return None

    def _usable(self, answer: Any) -> dict[str, Any] | None:
        # The widget rejects an answer it cannot use and transfers without data.
        if answer is None or self._transfer_data_problem(answer) is not None:
            return None
        # A flat object; with ``transfer_data_shape: any`` whatever JSON the handler answered,
        # carried as it is (the engine's transfer data is typed as the vendor documents it).
        usable: dict[str, Any] = copied(answer)
        return usable

    def blind_transfer(
        self,
        phone: str,
        custom_transfer_data: dict[str, Any] | None = None,
        interaction_id: str | None = None,
    ) -> OperationResult:
        """``blindTransfer``: send the call to a number; it ends for this agent."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.blind_transfer)
            number, party = self._dialled(phone)

            def carry_out(data: dict[str, Any] | None) -> None:
                if inter.id not in self._interactions or not is_allowed(
                    inter.state, inter.type, Action.blind_transfer
                ):
                    return
                inter.transfer_data = data
                self._notice("transferred", inter.id, phone)
                self._transition(inter, Action.blind_transfer)
                self._refresh_agent()
                colleague = self._colleague(number) if party is not None else None
                if colleague is not None:
                    self._land(colleague, inter, data)
                elif (service := self._service_by_number(number)) is not None:
                    self._send_to_service(service, inter, data)

            self._ask_transfer_data(inter, custom_transfer_data, carry_out)

        return self._perform(
            "agent",
            "blind_transfer",
            {
                "phone": phone,
                "custom_transfer_data": custom_transfer_data,
                "interaction_id": interaction_id,
            },
            body,
        )

    def transfer(self, custom_transfer_data: dict[str, Any] | None = None) -> OperationResult:
        """``transfer``: complete a consult transfer (the consult call must be connected)."""

        def body() -> None:
            current = self._get(None)
            main = current
            if current.consult_of is not None:
                main = self._interactions[current.consult_of]
            consult = self._interactions.get(main.consult_id or "")
            if consult is None:
                raise ActionError(Code.not_suitable_state, "start a consult call first")
            if consult.state is not S.delivered:
                raise ActionError(Code.not_suitable_state, "the consulted party has not answered")
            self._check(main, Action.complete_transfer)

            def carry_out(data: dict[str, Any] | None) -> None:
                if main.id not in self._interactions or consult.id not in self._interactions:
                    return
                if consult.state is not S.delivered or not is_allowed(
                    main.state, main.type, Action.complete_transfer
                ):
                    return
                main.transfer_data = data
                self._notice("transferred", main.id, consult.phone_number or "")
                peer, consult.peer = consult.peer, None
                self._transition(main, Action.complete_transfer)
                self._transition(consult, Action.complete_transfer)
                self._refresh_agent()
                if peer is not None:
                    self._hand_over(peer, main, data)

            self._ask_transfer_data(main, custom_transfer_data, carry_out)

        return self._perform(
            "agent", "transfer", {"custom_transfer_data": custom_transfer_data}, body
        )

    def invite_to_call_conference(
        self,
        phone: str,
        custom_transfer_data: dict[str, Any] | None = None,
        interaction_id: str | None = None,
    ) -> OperationResult:
        """``inviteToCallConference``: add a party to the call (single-step conference)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.conference_invite)
            number, party = self._dialled(phone)
            if any(existing.phone == number for existing in inter.parties):
                raise ActionError(Code.invalid_args, f"{number} is already on the call")
            new_party = party or Party(self.ids.guid(), number, number)

            def carry_out(data: dict[str, Any] | None) -> None:
                if inter.id not in self._interactions or not is_allowed(
                    inter.state, inter.type, Action.conference_remove
                ):
                    return
                inter.transfer_data = data
                inter.parties.append(new_party)
                self._sync(inter)
                colleague = self._colleague(number) if party is not None else None
                if colleague is not None:
                    guest = self._land(colleague, inter, data, with_sender=True)
                    guest.peer = (self, inter.id)
                    if inter.guests is None:
                        inter.guests = {}
                    inter.guests[new_party.id] = (colleague, guest.id)

            self._ask_transfer_data(inter, custom_transfer_data, carry_out)

        return self._perform(
            "agent",
            "invite_to_call_conference",
            {
                "phone": phone,
                "custom_transfer_data": custom_transfer_data,
                "interaction_id": interaction_id,
            },
            body,
        )

    def remove_from_call_conference(
        self, party_id: str, interaction_id: str | None = None
    ) -> OperationResult:
        """``removeFromCallConference``: drop a party (by ``CallParty.id``)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.conference_remove)
            party = next((p for p in inter.parties if p.id == party_id), None)
            if party is None:
                raise ActionError(Code.object_not_found, f"no party {party_id!r} on this call")
            if len(inter.parties) < 2:
                raise ActionError(Code.not_suitable_state, "the only party left: hang up instead")
            inter.parties.remove(party)
            self._sync(inter)
            if inter.guests and party.id in inter.guests:
                self._hang_up_guest(inter, party.id)

        return self._perform(
            "agent",
            "remove_from_call_conference",
            {"party_id": party_id, "interaction_id": interaction_id},
            body,
        )

    def destroy_call_conference(self, interaction_id: str | None = None) -> OperationResult:
        """``destroyCallConference``: drop every party added to the call."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.conference_destroy)
            if len(inter.parties) < 2:
                raise ActionError(Code.not_suitable_state, "this call is not a conference")
            del inter.parties[1:]
            self._sync(inter)
            for party_id in list(inter.guests or ()):
                self._hang_up_guest(inter, party_id)

        return self._perform(
            "agent", "destroy_call_conference", {"interaction_id": interaction_id}, body
        )

    def _hand_over(
        self, peer: tuple[Any, str], main: Interaction, data: dict[str, Any] | None
    ) -> None:
        """A completed consult transfer: the colleague's consult item becomes the customer's
        call (same ``interactionId``; ANI, parties and GIID of the customer's call) and gets
        the transfer data."""
        desktop, received_id = peer
        received = desktop._interactions.get(received_id)
        if received is None:
            return
        received.peer = None
        remote = [p for p in main.parties if p.user_id != desktop.profile.id][:1]
        received.parties[:] = [Party(self.ids.guid(), p.name, p.phone, p.user_id) for p in remote]
        received.ani = received.phone_number = remote[0].phone if remote else main.ani
        take_customer(desktop, received, main, data)

    def _hang_up_guest(self, inter: Interaction, party_id: str) -> None:
        """The host dropped a colleague from the conference: the colleague's call ends."""
        desktop, guest_id = inter.guests.pop(party_id)
        guest = desktop._interactions.get(guest_id)
        if guest is not None and guest.peer is not None:
            guest.peer = None
            desktop._remote_left(guest)
