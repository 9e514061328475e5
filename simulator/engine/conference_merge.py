"""Merging the agent's calls into one conference (``mergeAllCallsIntoConference``, 5.19.99).

What the vendor's widget does (reference ``contact-center.md`` section 3): it writes the transfer
data into the screen pop of the call that has the consult call, then asks the telephony to merge
every voice call of the agent that is not in wrap-up (``e3pcc_complete_conference``). The agent
becomes the conference's host. Where the reference is silent, our choices (docs/contact-center.md,
"Merging the calls into a conference"):

- every voice call not in wrap-up must be connected (``delivered`` or ``hold``), and there must be
  two or more; otherwise ``not_suitable_state`` and nothing changes;
- the call that survives is the one with the consult call (else the oldest): it is the
  conference, resumed if it was on hold, and gains the other calls' parties (their
  ``CallParty.id`` kept), as ``inviteToCallConference`` adds one; one
  ``ON_INTERACTION_STATE_CHANGE`` says so;
- each other call is merged away: completed and removed without wrap-up (its
  ``ON_INTERACTION_REMOVED`` and its activity record, no ``endTime``: it never reached wrap-up);
- a colleague on a simulated desktop at the other end of a merged call becomes a guest of the
  conference, as if invited: their item stays, shows every party (the customer, then the host)
  and gets ``ON_LOAD_TRANSFER_DATA`` when there is data.
"""

from __future__ import annotations

from typing import Any

from simulator.contract import InteractionType, OperationResult
from simulator.engine.core import Code, S
from simulator.engine.errors import ActionError
from simulator.engine.interaction import Interaction, Party
from simulator.engine.tables import Action, is_allowed
from simulator.engine.transfers import Transfers, take_customer

__all__ = ["ConferenceMerge"]

_VOICE = InteractionType.voice
_NOT_CONNECTED = {
    S.unknown: "is still ringing at the other end: wait for the answer",
    S.delivery_pending: "is ringing: answer or reject it first",
    S.ivr: "is in an IVR, which cannot join a conference: hang it up first",
}


class ConferenceMerge(Transfers):
    """``mergeAllCallsIntoConference``: the agent's calls become one conference."""

    def merge_all_calls_into_conference(
        self, custom_transfer_data: dict[str, Any] | None = None
    ) -> OperationResult:
        """``mergeAllCallsIntoConference``: join the active call and the held one(s) (a customer
        on hold and a consult call) into one conference the agent hosts."""

        def body() -> None:
            self._require_login()
            if not self._interactions:
                raise ActionError(Code.no_interaction, "there are no calls to merge")
            main, legs = self._merge_plan()

            def carry_out(data: dict[str, Any] | None) -> None:
                # The handlers answered (the world may have moved meanwhile): merge what is still
                # there and still mergeable, or nothing.
                try:
                    now_main, now_legs = self._merge_plan()
                except ActionError:
                    return
                if now_main is not main or [c.id for c in now_legs] != [c.id for c in legs]:
                    return
                self._merge(main, legs, data)

            self._ask_transfer_data(main, custom_transfer_data, carry_out)

        return self._perform(
            "agent",
            "merge_all_calls_into_conference",
            {"custom_transfer_data": custom_transfer_data},
            body,
        )

    def _merge_plan(self) -> tuple[Interaction, list[Interaction]]:
        """The call that becomes the conference and the calls merged into it; ``ActionError``
        (nothing changes) when the agent's calls cannot be merged now."""
        calls = [
            inter
            for inter in self._interactions.values()
            if inter.type is _VOICE and not inter.in_wrap_up
        ]
        for inter in calls:
            why = _NOT_CONNECTED.get(inter.state)
            if why is not None:
                raise ActionError(
                    Code.not_suitable_state, f"the call to {inter.display_name} {why}"
                )
            if not is_allowed(inter.state, inter.type, Action.conference_merge):
                raise ActionError(
                    Code.not_suitable_state,
                    f"cannot merge a call in state {inter.state.value}",
                )
            if inter.peer is not None and self._consulted_by_colleague(inter):
                raise ActionError(
                    Code.not_suitable_state,
                    "a colleague's consult call cannot be merged here: the colleague merges "
                    "or transfers it",
                )
        if len(calls) < 2:
            raise ActionError(
                Code.not_suitable_state,
                "merging needs two calls or more: hold the call and dial another (consultCall)",
            )
        ids = {inter.id for inter in calls}
        main = next((c for c in calls if c.consult_id in ids), calls[0])
        return main, [inter for inter in calls if inter is not main]

    @staticmethod
    def _consulted_by_colleague(inter: Interaction) -> bool:
        """True when ``inter`` is this agent's end of a colleague's consult call (or of a
        conference a colleague hosts): it belongs to the colleague's calls, not to ours."""
        desktop, other_id = inter.peer
        other = desktop._interactions.get(other_id)
        return other is not None and (other.consult_of is not None or bool(other.guests))

    def _can_merge(self) -> bool:
        """Whether ``mergeAllCallsIntoConference`` would merge now (``allowed()``, the window's
        Merge calls)."""
        try:
            self._merge_plan()
        except ActionError:
            return False
        return True

    def _merge(
        self, main: Interaction, legs: list[Interaction], data: dict[str, Any] | None
    ) -> None:
        main.transfer_data = data
        self._notice("merged", main.id, ", ".join(leg.display_name for leg in legs))
        guests: list[tuple[Any, str, Party]] = []
        for leg in legs:
            for party in leg.parties:
                if not any(_same_party(party, p) for p in main.parties):
                    main.parties.append(Party(party.id, party.name, party.phone, party.user_id))
            if leg.peer is not None:
                desktop, other_id = leg.peer
                leg.peer = None
                party = next(
                    (p for p in main.parties if p.user_id == desktop.profile.id), leg.parties[0]
                )
                guests.append((desktop, other_id, party))
            for party_id, guest in (leg.guests or {}).items():
                # A call that was a conference already: its guests move to this one.
                main.guests = main.guests or {}
                main.guests[party_id] = guest
                desktop, guest_id = guest
                moved = desktop._interactions.get(guest_id)
                if moved is not None:
                    moved.peer = (self, main.id)
            leg.guests = None
        if main.state is S.hold:
            self._set_state(main, S.delivered)
        self._sync(main)
        leaving_active = self._active in {leg.id for leg in legs}
        if leaving_active:
            self._active = None  # the focus moves to the conference once the legs are gone
        for leg in legs:
            self._finish(leg)
        self._switch_to(main.id if leaving_active else self._active)
        for desktop, other_id, party in guests:
            self._seat_guest(main, desktop, other_id, party, data)
        self._refresh_agent()

    def _seat_guest(
        self,
        main: Interaction,
        desktop: Any,
        other_id: str,
        party: Party,
        data: dict[str, Any] | None,
    ) -> None:
        """The colleague at the other end of a merged call joins the conference as a guest, as
        ``inviteToCallConference`` seats one: every party on their item, the customer's records,
        the transfer data."""
        guest = desktop._interactions.get(other_id)
        if guest is None:
            return
        main.guests = main.guests or {}
        main.guests[party.id] = (desktop, guest.id)
        guest.peer = (self, main.id)
        me = self.profile.id
        host = [p for p in guest.parties if p.user_id == me]
        others = [
            Party(self.ids.guid(), p.name, p.phone, p.user_id)
            for p in main.parties
            if p.user_id != desktop.profile.id
        ]
        guest.parties[:] = others + host
        take_customer(desktop, guest, main, data)


def _same_party(one: Party, other: Party) -> bool:
    """The same person on the line: the same colleague, or the same number."""
    if one.user_id is not None or other.user_id is not None:
        return one.user_id == other.user_id
    return one.phone == other.phone
