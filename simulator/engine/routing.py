"""Routing: customers' offers (calls, chats, emails), the service queue, delivery to the agent,
screen pops, ring timeouts, and answering or declining an offer.
"""

from __future__ import annotations

import functools
from typing import Any

from simulator.contract import (
    AgentState,
    CallDirection,
    InteractionOrigination,
    InteractionType,
    OperationResult,
    WebScreenPop,
)
from simulator.contract.json_tree import copied, tree_problem
from simulator.data import (
    Customer,
    Service,
    ServiceType,
    digits_only,
    email_address,
    normalize_phone,
)
from simulator.engine.core import Code, E, S
from simulator.engine.errors import ActionError
from simulator.engine.interaction import ChatMessage, Interaction, Party
from simulator.engine.lifecycle import Lifecycle
from simulator.engine.records import QueuedOffer
from simulator.engine.screen_pop import fill_for
from simulator.engine.tables import Action, AgentPhase


@functools.lru_cache(maxsize=64)
def _dnis(did: str) -> str:
    """A service's DID as ``DNIS`` digits (cached: the tenant's few DIDs, on every call)."""
    return digits_only(did)


@functools.lru_cache(maxsize=64)
def _screen_pop_wire(pop: WebScreenPop) -> dict[str, Any]:
    """A service's screen pop as wire JSON (frozen, so dumped once; callers copy it)."""
    return pop.model_dump(mode="json")


__all__ = ["Routing"]


class Routing(Lifecycle):
    """Offers, the queue and delivery."""

    def _can_take(self, offer: QueuedOffer) -> bool:
        if offer.direct:
            return self._phase is not AgentPhase.logged_out
        if self._phase is AgentPhase.ready:
            return True
        if self._phase is not AgentPhase.busy:
            return False
        live = list(self._interactions.values())
        if any(inter.type is InteractionType.voice for inter in live):
            return False  # a call takes the agent's whole capacity
        if offer.type is InteractionType.voice:
            # The vendor's default capacity (contact-center reference, section 2): a chat or an
            # email takes 25 %, a call needs 50 % free, so 1-2 of them still let a call in.
            return self.settings.calls_with_chats == "route" and len(live) <= 2
        if offer.type is InteractionType.email and self.settings.emails_with_chats == "wait":
            # An email needs the agent's whole capacity free (the same section: 100 %).
            return not live
        return len(live) < self.settings.max_concurrent_chats

    def _takes(self, offer: QueuedOffer) -> bool:
        """Whether this agent may be offered ``offer`` now (its target, or of its service's
        teams and not one who declined it, with room for it)."""
        if offer.agent is not None:
            return offer.agent == self.name and self._can_take(offer)
        if offer.declined and self.name in offer.declined:
            return False
        teams = offer.service.teams
        if teams and self.profile.team not in teams:
            return False
        return self._can_take(offer)

    def _deliver_queued(self) -> None:
        route = self.center.route
        for offer in list(self._queue):
            # A delivery refreshes the agent, which may deliver more: skip what already went.
            if offer in self._queue:
                target = route(offer)
                if target is not None:
                    self._queue.remove(offer)
                    target._deliver(offer)

    def _offer_again(self, inter: Interaction) -> None:
        """A routed offer this agent rejected or let ring out goes to the next agent (the head
        of the queue when nobody can take it now); dropped when no other agent of its teams
        is logged in, or with ``Settings.offer_after_reject`` ``drop``."""
        offer = inter.offer
        if offer is None or offer.agent is not None:
            return
        if self.settings.offer_after_reject != "next_agent":
            return
        declined = (*offer.declined, self.name)
        if not self.center.could_take(offer, declined):
            return
        again = QueuedOffer(
            id=self._routed_id(),
            type=offer.type,
            service=offer.service,
            customer=offer.customer,
            queued_ms=offer.queued_ms,
            attached_data=dict(offer.attached_data),
            transfer_data=offer.transfer_data,
            subject=offer.subject,
            body=offer.body,
            declined=declined,
            global_interaction_id=inter.global_interaction_id,
            transcript=offer.transcript,
        )
        target = self.center.route(again)
        if target is not None:
            target._deliver(again)
        else:
            self._queue.insert(0, again)
            self._notice("queued", again.id, offer.service.name)

    def _deliver(self, offer: QueuedOffer) -> None:
        customer = offer.customer
        service = offer.service
        inter = Interaction(
            id=offer.id,
            type=offer.type,
            state=S.delivery_pending,
            service=service,
            customer=customer,
            created_ms=self._now(),
            global_interaction_id=offer.global_interaction_id or self.ids.guid(),
            attached_data=dict(offer.attached_data),
            transfer_data=offer.transfer_data,
            subject_line=offer.subject,
            offer=offer,
        )
        if self.settings.routed_origination == "auto":
            inter.origination = InteractionOrigination.auto
        if offer.type is InteractionType.voice:
            inter.call_direction = CallDirection.inbound
            inter.phone_number = customer.phone
            inter.ani = customer.phone
            if self.settings.inbound_dnis == "service_did" and service.did:
                inter.dnis = _dnis(service.did)
            inter.parties.append(Party(self.ids.guid(), customer.name, customer.phone))
            inter.step_id = self.ids.guid()
            if self.settings.recording_url == "always":
                inter.recording_url = self.ids.recording_url(self.tenant.host, inter.step_id)
        else:
            inter.email = customer.email
            if offer.type is InteractionType.chat:
                inter.show_chat_parties = self.settings.chat_parties == "emit"
                inter.chat_parties.append(
                    {
                        "id": self.ids.guid() if inter.show_chat_parties else customer.email,
                        "type": "external",
                        "name": customer.name,
                        "email": customer.email,
                    }
                )
            first = offer.body or ""
            if offer.transcript:
                inter.transcript.extend(offer.transcript)  # a chat an agent sent on
            elif first:
                inter.transcript.append(ChatMessage(self._now(), "customer", first))
        self._announce(inter)
        if offer.transfer_data is not None:
            self._emit(
                E.ON_LOAD_TRANSFER_DATA,
                inter.id,
                copied(offer.transfer_data),
                interaction_id=inter.id,
            )
        pop = service.web_screen_pop
        if pop is not None and not pop.pop_upon_answer:
            self._screen_pop(inter)
        timeout = self._offer_timeout(service, offer.type)
        if timeout is not None:
            self._schedule(timeout, lambda: self._ring_timeout(inter.id), "ring timeout")

    def _offer_timeout(self, service: Service, media: InteractionType) -> float | None:
        """How long an offer rings before it is missed: the service's own setting, else the
        default for its media (None: it waits until accepted)."""
        own = service.offer_timeout_seconds
        if own == "never":
            return None
        if own is not None:
            return float(own)
        if media is InteractionType.chat:
            return self.settings.chat_offer_timeout_seconds
        if media is InteractionType.email:
            return self.settings.email_offer_timeout_seconds
        return self.settings.ring_timeout_seconds

    def _screen_pop(self, inter: Interaction) -> None:
        pop = inter.service.web_screen_pop if inter.service else None
        if pop is None:
            return

        wire = dict(_screen_pop_wire(pop))
        if self.settings.screen_pop_variables == "substitute":
            wire = fill_for(wire, inter, self.profile)
        url = wire.get("url", pop.url)

        def answered(value: Any) -> None:
            inter.screen_pop_suppressed = value is True
            self._notice("screen_pop", inter.id, "suppressed" if value is True else url)

        self._emit(
            E.ON_WEB_SCREEN_POP_CUSTOM,
            inter.id,
            wire,
            interaction_id=inter.id,
            then=answered,
        )

    def _ring_timeout(self, interaction_id: str) -> None:
        inter = self._interactions.get(interaction_id)
        if inter is None or inter.state is not S.delivery_pending:
            return
        self._chosen = (AgentState.not_ready, self.tenant.no_answer_reason)
        self._finish(inter)
        self._refresh_agent()
        self._notice("missed", interaction_id)
        self._offer_again(inter)

    def _resolve_service(self, key: str | None, *types: ServiceType) -> Service:
        if key is None:
            candidates = self.tenant.services_of(*types)
            if not candidates:
                raise ActionError(Code.no_service, "the tenant has no service of that type")
            return candidates[0]
        service = self.tenant.service(key)
        if service is None or service.type not in types:
            names = ", ".join(s.name for s in self.tenant.services_of(*types))
            raise ActionError(Code.no_service, f"no such service {key!r}; one of: {names}")
        return service

    def resolve_customer(self, customer: Customer | dict[str, Any] | None) -> Customer:
        """The customer an offer with ``customer`` comes from: None draws one, a dict's missing
        fields are drawn (an address that matches a given name), a ``Customer`` is itself."""
        if customer is None:
            return self.customers.customer()
        if isinstance(customer, Customer):
            return customer
        drawn = self.customers.customer()
        if not isinstance(customer, dict):  # refused by the offer (_customer_problem)
            return drawn
        phone = customer.get("phone")
        digits = drawn.phone
        if phone:
            # No digits at all (``abc``): kept as given, for the offer to refuse it.
            digits = normalize_phone(str(phone)) or digits_only(str(phone)) or str(phone)
        first = customer.get("first_name", drawn.first_name)
        last = customer.get("last_name", drawn.last_name)
        email = customer.get("email")
        if not email:
            # A customer given by name writes from an address that matches the name.
            email = email_address(first, last, drawn.email.rsplit("@", 1)[1])
        return Customer(
            first_name=first,
            last_name=last,
            phone=digits,
            email=email,
            company=customer.get("company", drawn.company),
        )

    @staticmethod
    def _customer_args(customer: Customer) -> dict[str, str]:
        return {
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "phone": customer.phone,
            "email": customer.email,
            "company": customer.company,
        }

    def _offer(
        self,
        name: str,
        media: InteractionType,
        service: str | None,
        customer: Customer | dict[str, Any] | None,
        types: tuple[ServiceType, ...],
        **extra: Any,
    ) -> OperationResult:
        resolved = self.resolve_customer(customer)
        record: dict[str, Any] = {
            "service": service,
            "customer": self._customer_args(resolved),
            **{key: value for key, value in extra.items() if value not in (None, "", False, {})},
        }

        def body() -> dict[str, Any]:
            if customer is not None and (problem := _customer_problem(customer)):
                # Left out, a misspelt key drew a random customer: a lookup by phone missed.
                raise ActionError(Code.invalid_args, problem)
            if not digits_only(resolved.phone):
                # It would arrive with an empty ANI, and a recording (which leaves empty
                # values out) would replay it with a generated number.
                raise ActionError(
                    Code.invalid_args,
                    f"the customer's phone {resolved.phone!r} has no digits; "
                    "leave it empty for a generated one",
                )
            data = extra.get("transfer_data")
            if data is not None and (problem := tree_problem(data, "transfer data")) is not None:
                # Checked where it enters: it is copied for the agent's handlers and journaled.
                raise ActionError(Code.invalid_args, f"{problem}; pass JSON data")
            found = self._resolve_service(service, *types)
            offer = QueuedOffer(
                id=self._routed_id(),
                type=media,
                service=found,
                customer=resolved,
                queued_ms=self._now(),
                attached_data={
                    str(k): str(v) for k, v in (extra.get("attached_data") or {}).items()
                },
                transfer_data=extra.get("transfer_data"),
                direct=bool(extra.get("direct")),
                agent=self.name if extra.get("direct") else None,
                subject=extra.get("subject") or "",
                body=extra.get("body") or "",
            )
            if not any(queued.type is media for queued in self._queue):
                target = self.center.route(offer)
                if target is not None:
                    target._deliver(offer)
                    return {"id": offer.id, "queued": False}
                self._queue.append(offer)
            else:
                # Behind the offers of its media, in order: one that waits for somebody else
                # (declined by the free agent, of another team) does not hold this one back.
                self._queue.append(offer)
                self._deliver_queued()
                if offer not in self._queue:
                    return {"id": offer.id, "queued": False}
            self._notice("queued", offer.id, found.name)
            return {"id": offer.id, "queued": True}

        return self._perform("customer", name, record, body)

    def offer_call(
        self,
        service: str | None = None,
        customer: Customer | dict[str, Any] | None = None,
        *,
        attached_data: dict[str, str] | None = None,
        transfer_data: dict[str, Any] | None = None,
        direct: bool = False,
    ) -> OperationResult:
        """A customer calls a service (or the agent directly); delivered when the agent is
        available, queued (unreported) until then. ``data`` is ``{id, queued}``."""
        return self._offer(
            "offer_call",
            InteractionType.voice,
            service,
            customer,
            (ServiceType.inbound_voice, ServiceType.blended_voice),
            attached_data=attached_data,
            transfer_data=transfer_data,
            direct=direct,
        )

    def offer_chat(
        self,
        service: str | None = None,
        customer: Customer | dict[str, Any] | None = None,
        message: str | None = None,
        *,
        attached_data: dict[str, str] | None = None,
    ) -> OperationResult:
        """A customer starts a chat with a first message."""
        return self._offer(
            "offer_chat",
            InteractionType.chat,
            service,
            customer,
            (ServiceType.chat,),
            attached_data=attached_data,
            body=message if message is not None else "Hello, I need some help please.",
        )

    def offer_email(
        self,
        service: str | None = None,
        customer: Customer | dict[str, Any] | None = None,
        subject: str | None = None,
        body: str | None = None,
        *,
        attached_data: dict[str, str] | None = None,
    ) -> OperationResult:
        """A customer's email arrives for a service."""
        return self._offer(
            "offer_email",
            InteractionType.email,
            service,
            customer,
            (ServiceType.email,),
            attached_data=attached_data,
            subject=subject if subject is not None else "Question about my order",
            body=body if body is not None else "Hello, could you tell me where my order is?",
        )

    def customer_hang_up(self, interaction_id: str | None = None) -> OperationResult:
        """The customer hangs up a call or leaves a chat (or abandons while queued)."""

        def body() -> None:
            for offer in self._queue:
                if offer.id == interaction_id:
                    self._queue.remove(offer)
                    self._notice("abandoned", offer.id)
                    return
            inter = self._get(interaction_id)
            self._check(inter, Action.customer_hang_up)
            if inter.guests or inter.peer is not None:
                self._customer_left_conference(inter)
            self._transition(inter, Action.customer_hang_up)
            self._refresh_agent()
            self._notice("customer_hang_up", inter.id)

        return self._perform(
            "customer", "customer_hang_up", {"interaction_id": interaction_id}, body
        )

    def accept_interaction(self, interaction_id: str | None = None) -> OperationResult:
        """``acceptInteraction``: answer an offered interaction (``delivery_pending`` only)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.accept)
            self._transition(inter, Action.accept)
            if inter.peer is not None:
                self._peer_answered(inter)
            pop = inter.service.web_screen_pop if inter.service else None
            if pop is not None and pop.pop_upon_answer:
                self._screen_pop(inter)
            self._refresh_agent()

        return self._perform(
            "agent", "accept_interaction", {"interaction_id": interaction_id}, body
        )

    def reject_interaction(self, interaction_id: str | None = None) -> OperationResult:
        """``rejectInteraction``: decline an offered interaction (``delivery_pending`` only)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.reject)
            routed = inter.offer is not None and inter.offer.agent is None
            if routed and self.settings.state_after_reject == "not_ready":
                self._chosen = (AgentState.not_ready, self.tenant.no_answer_reason)
            self._transition(inter, Action.reject)
            self._refresh_agent()
            self._offer_again(inter)

        return self._perform(
            "agent", "reject_interaction", {"interaction_id": interaction_id}, body
        )


_CUSTOMER_KEYS = ("first_name", "last_name", "phone", "email", "company")


def _customer_problem(customer: object) -> str | None:
    """What is wrong with a customer that is no ``Customer`` nor a dict, or a dict with a key
    the engine does not read (``name``, ``phone_number``), or None."""
    if isinstance(customer, Customer):
        return None
    if not isinstance(customer, dict):
        shown = repr(customer) if len(repr(customer)) <= 40 else repr(customer)[:40] + "..."
        return (
            f"the customer is a dict of {', '.join(_CUSTOMER_KEYS)} (each left out is drawn "
            f"from the seed), not {type(customer).__name__} {shown}"
        )
    unknown = [key for key in customer if key not in _CUSTOMER_KEYS]
    if not unknown:
        return None
    from simulator.data.model_wording import suggest

    key = unknown[0]
    folded = key.casefold().replace("-", "_") if isinstance(key, str) else ""
    hint = " (a name is first_name and last_name)" if folded in ("name", "full_name") else ""
    hint = hint or suggest(key, _CUSTOMER_KEYS)
    if not hint and folded:  # phone_number, customer_email
        inside = [k for k in _CUSTOMER_KEYS if k in folded]
        hint = f" (did you mean `{inside[0]}`?)" if len(inside) == 1 else ""
    return (
        f"the customer has no key {key!r}{hint}; its keys: "
        f"{', '.join(_CUSTOMER_KEYS)} (each left out is drawn from the seed)"
    )
