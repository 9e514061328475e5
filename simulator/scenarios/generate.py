"""``adsim generate``: realistic finished activity records, made by running real interactions.

Every record is the ``ON_SAVE_ACTIVITY_RECORD`` payload of an interaction the engine actually
ran: a seeded random flow per interaction (answered, missed, rejected or abandoned calls; hold,
mute, recording, DTMF; blind and consult transfers, conferences; outbound calls answered or not;
chats with a few messages each way; emails replied to; notes and dispositions), with realistic
talk, ring and wrap-up times on the virtual clock. The same seed gives the same records.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from simulator import numbers
from simulator.contract import EventName
from simulator.data import Customer, ServiceType, Tenant
from simulator.data.texts import Conversation, choose_disposition, is_sales
from simulator.engine import Event, Settings, Simulator

__all__ = [
    "DEFAULT_MIX",
    "MediumMissingError",
    "RecordGenerator",
    "generate_records",
    "parse_mix",
]

_POOL = 400

DEFAULT_MIX: dict[str, float] = {"voice": 70, "chat": 20, "email": 10}
"""Share of each medium when ``--mix`` is not given."""


def parse_mix(text: str) -> dict[str, float]:
    """``voice=70,chat=20,email=10`` -> weights; ``ValueError`` saying what is expected."""
    mix: dict[str, float] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        name, sep, value = part.partition("=")
        name = name.strip().lower()
        if not sep or name not in DEFAULT_MIX:
            raise ValueError(f"{part.strip()!r}: write MEDIUM=WEIGHT with voice, chat or email")
        try:
            weight = numbers.decimal(value)
        except ValueError:
            raise ValueError(
                f"{part.strip()!r}: the weight must be a number in ASCII digits (70, 12.5)"
            ) from None
        if not weight >= 0 or weight == float("inf"):
            raise ValueError(f"{part.strip()!r}: the weight must be a finite number, zero or more")
        if name in mix:  # the last one won silently: voice=70,chat=30,voice=0 made no calls
            raise ValueError(f"{name} is given twice; give each medium once")
        mix[name] = weight
    if not mix or sum(mix.values()) <= 0:
        raise ValueError("give at least one medium with a weight above zero, e.g. voice=70,chat=30")
    if sum(mix.values()) == float("inf"):  # each finite, the total is not: random.choices fails
        raise ValueError("the weights add up to more than a number can hold; use shares like 70")
    return mix


class MediumMissingError(ValueError):
    """``mix`` gives a weight to a medium (``chat``, ``email``) the tenant has no service of."""

    def __init__(self, medium: str):
        super().__init__(f"the tenant has no {medium} service")
        self.medium = medium


class RecordGenerator:
    """Drives one simulator through random but seeded flows and collects the saved records."""

    def __init__(
        self,
        seed: int = 0,
        mix: dict[str, float] | None = None,
        tenant: Tenant | None = None,
        api_version: str | None = None,
    ):
        # The far end answers when the flow says so (or never: an unanswered outbound call).
        settings = Settings(outbound_answer_seconds=None, api_version=api_version or "5.19")
        self.sim = Simulator(tenant, seed=seed, settings=settings, record_actions=False)
        self.sim.keep_finished = False
        self.rng = random.Random(f"generate:{seed}")
        weights = mix or DEFAULT_MIX
        self.media = [name for name, weight in weights.items() if weight > 0]
        self.weights = [weights[name] for name in self.media]
        self.records: list[dict[str, Any]] = []
        self.refused = 0
        """Actions the engine refused (a generator bug when not zero)."""
        tenant_ = self.sim.tenant
        self.inbound = [
            s.name
            for s in tenant_.services_of(ServiceType.inbound_voice, ServiceType.blended_voice)
        ]
        self.chat_services = [s.name for s in tenant_.services_of(ServiceType.chat)]
        self.email_services = [s.name for s in tenant_.services_of(ServiceType.email)]
        self.colleagues = [m.extension for team in tenant_.teams for m in team.members]
        if mix is not None:  # asked for: chats the tenant cannot take must not become calls
            services = {"chat": self.chat_services, "email": self.email_services}
            for name in self.media:
                if name in services and not services[name]:
                    raise MediumMissingError(name)
        self._customers: list[Customer] = []
        self._talk_about: Conversation | None = None
        self.sim.subscribe(self._keep)
        self._do(self.sim.login())

    # A contact center has repeat customers: drawing from a pool that grows to a few hundred
    # keeps the records varied and the same callers coming back.

    def _customer(self) -> Customer:
        pool = self._customers
        if len(pool) < _POOL and (not pool or self.rng.random() < 0.6):
            pool.append(self.sim.customers.customer())
            return pool[-1]
        return self.rng.choice(pool)

    def _keep(self, event: Event) -> None:
        if event.name is EventName.ON_SAVE_ACTIVITY_RECORD:
            self.records.append(event.wire_args[0])

    def _do(self, outcome: Any) -> Any:
        if not outcome.ok:
            self.refused += 1
        return outcome

    def _wait(self, low: float, high: float) -> None:
        self.sim.advance(round(self.rng.uniform(low, high), 3))

    def _talk(self, low: float = 20, high: float = 240) -> None:
        self.sim.advance(round(self.rng.lognormvariate(0, 0.6) * (low + high) / 3, 3))

    def records_iter(self, count: int) -> Iterator[dict[str, Any]]:
        """Yield ``count`` records, running flows until there are enough."""
        produced = 0
        while produced < count:
            self.one_flow()
            ready, self.records = self.records, []
            for record in ready[: count - produced]:
                yield record
                produced += 1

    # ------------------------------------------------------------------ flows

    def one_flow(self) -> None:
        """Idle a while, maybe take a break, then one interaction of a medium drawn by the mix."""
        sim = self.sim
        rng = self.rng
        self._talk_about = None
        if sim.agent.phase.value != "ready":
            self._do(sim.set_agent_state("ready"))
        self._wait(3, 90)
        if rng.random() < 0.04:
            reason = rng.choice(sim.tenant.not_ready_reasons)
            self._do(sim.set_agent_state("not_ready", reason))
            self._wait(300, 1800)
            self._do(sim.set_agent_state("ready"))
        medium = rng.choices(self.media, self.weights)[0]
        if medium == "voice" and self.inbound and rng.random() < 0.75:
            self._inbound_call()
        elif medium == "voice":
            self._outbound_call()
        elif medium == "chat" and self.chat_services:
            self._chat()
        elif medium == "email" and self.email_services:
            self._email()
        elif self.inbound:  # the default mix on a tenant without that medium: a call instead
            self._inbound_call()
        else:
            self._outbound_call()

    def _topic(self, service: Any = None) -> Conversation:
        """What the current interaction is about: drawn at its first use, to fit its service (a
        service or a service name)."""
        if self._talk_about is None:
            if isinstance(service, str):
                service = self.sim.tenant.service(service)
            dispositions = service.dispositions if service is not None else []
            self._talk_about = Conversation.draw(self.rng, is_sales(dispositions))
        return self._talk_about

    def _wrap_up(self, iid: str, reached: bool = True) -> None:
        """Disposition chosen by outcome (``reached``: someone talked to the customer) and a note
        that fits the topic and the disposition."""
        sim = self.sim
        rng = self.rng
        inter = sim.interaction(iid)
        if inter is None:
            return
        service = inter.service
        dispositions = service.dispositions if service and service.use_dispositions else []
        chosen = None
        required = service is not None and service.require_disposition
        if dispositions and (required or rng.random() < 0.85):
            chosen = choose_disposition(dispositions, reached, rng)
            if chosen is not None:
                self._do(sim.set_disposition(chosen.name, iid))
        if rng.random() < (0.6 if reached else 0.3):
            self._do(sim.add_note(self._topic(service).note(chosen, reached, rng), iid))
        if inter.in_wrap_up:
            self._wait(5, 60)
            if sim.interaction(iid) is not None:
                self._do(sim.complete_interaction(iid))

    def _call_body(self, iid: str) -> None:
        sim = self.sim
        rng = self.rng
        if rng.random() < 0.35:
            self._do(sim.set_call_recording(True, iid))
        self._talk()
        if rng.random() < 0.25:
            self._do(sim.set_call_hold(True, iid))
            self._wait(10, 120)
            self._do(sim.set_call_hold(False, iid))
            self._talk(10, 90)
        if rng.random() < 0.15:
            self._do(sim.set_call_mute(True, iid))
            self._wait(5, 30)
            self._do(sim.set_call_mute(False, iid))
        if rng.random() < 0.05:
            self._do(sim.send_dtmf(str(rng.randint(1, 9)), iid))

    def _inbound_call(self) -> None:
        sim = self.sim
        rng = self.rng
        outcome = self._do(sim.offer_call(rng.choice(self.inbound), self._customer()))
        if not outcome.ok:
            return
        iid = outcome.data["id"]
        fate = rng.random()
        if fate < 0.04:
            self.sim.advance((sim.settings.ring_timeout_seconds or 20) + 1)
            if sim.interaction(iid) is not None:
                self._do(sim.reject_interaction(iid))
            return
        self._wait(2, 12)
        if fate < 0.07:
            self._do(sim.reject_interaction(iid))
            return
        if fate < 0.09:
            self._do(sim.customer_hang_up(iid))
            return
        self._do(sim.accept_interaction(iid))
        self._call_body(iid)
        ending = rng.random()
        if ending < 0.08 and self.colleagues:
            self._do(sim.blind_transfer(rng.choice(self.colleagues), None, iid))
        elif ending < 0.14 and self.colleagues:
            consult = self._do(sim.consult_call(rng.choice(self.colleagues)))
            if consult.ok:
                self._wait(3, 15)
                self._do(sim.customer_answer(consult.data["id"]))
                self._talk(10, 60)
                self._do(sim.transfer())
                self._wrap_up(consult.data["id"])
        elif ending < 0.18 and self.colleagues:
            self._do(sim.invite_to_call_conference(rng.choice(self.colleagues), None, iid))
            self._talk(30, 180)
            self._do(sim.leave_interaction(iid))
        elif ending < 0.6:
            self._do(sim.customer_hang_up(iid))
        else:
            self._do(sim.leave_interaction(iid))
        self._wrap_up(iid)

    def _outbound_call(self) -> None:
        sim = self.sim
        rng = self.rng
        customer = self._customer()
        outcome = self._do(sim.start_call("+" + customer.phone))
        if not outcome.ok:
            return
        iid = outcome.data["id"]
        reached = rng.random() >= 0.2
        if not reached:
            sim.advance(sim.settings.outbound_no_answer_seconds + 1)
        else:
            self._wait(3, 20)
            self._do(sim.customer_answer(iid))
            self._call_body(iid)
            self._do(sim.leave_interaction(iid))
        self._wrap_up(iid, reached)

    def _chat(self) -> None:
        sim = self.sim
        rng = self.rng
        service = rng.choice(self.chat_services)
        topic = self._topic(service)
        outcome = self._do(sim.offer_chat(service, self._customer(), topic.opening(rng)))
        if not outcome.ok:
            return
        iid = outcome.data["id"]
        self._wait(2, 10)
        self._do(sim.accept_interaction(iid))
        for _ in range(rng.randint(1, 5)):
            self._wait(5, 40)
            self._do(sim.send_chat_message(topic.agent_line(rng), iid))
            self._wait(10, 60)
            self._do(sim.customer_message(topic.customer_line(rng), iid))
        if rng.random() < 0.5:
            self._do(sim.customer_hang_up(iid))
        else:
            self._do(sim.leave_interaction(iid))
        self._wrap_up(iid)

    def _email(self) -> None:
        sim = self.sim
        rng = self.rng
        service = rng.choice(self.email_services)
        topic = self._topic(service)
        customer = self._customer()
        outcome = self._do(
            sim.offer_email(
                service,
                customer,
                topic.subject(),
                topic.email_body(rng, customer.first_name),
            )
        )
        if not outcome.ok:
            return
        iid = outcome.data["id"]
        self._wait(2, 15)
        self._do(sim.accept_interaction(iid))
        self._wait(60, 600)
        self._do(sim.send_email_reply(topic.reply(rng), iid))
        self._wrap_up(iid)


def generate_records(
    count: int,
    *,
    seed: int = 0,
    mix: dict[str, float] | None = None,
    tenant: Tenant | None = None,
    api_version: str | None = None,
) -> Iterator[dict[str, Any]]:
    """``count`` finished activity records (wire JSON, in ``api_version``'s shape: 5.19 by
    default), from seeded flows through the engine."""
    return RecordGenerator(seed, mix, tenant, api_version).records_iter(count)
