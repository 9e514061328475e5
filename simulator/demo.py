"""The headless demo: one inbound call from offer to saved activity record, on the virtual clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simulator.contract import DispositionType
from simulator.data import InputFileError, ServiceType, Tenant
from simulator.engine import EventRecorder, Simulator

__all__ = ["demo_choice", "run_demo_call"]

_PREFERRED = ("Sales", "Product sold")
"""The built-in tenant's pair: the demo's output there is what the documentation shows."""


def demo_choice(tenant: Tenant) -> tuple[str, str | None]:
    """The service the demo call comes in on and the disposition it ends with (None: the
    service takes none): Sales / Product sold when the tenant has them, else its first inbound
    voice service (one with After Call Work first) and that service's first SUCCESS disposition.
    ``InputFileError`` for a tenant without an inbound voice service."""
    service = tenant.service(_PREFERRED[0])
    if service is None or not service.is_voice:
        voice = tenant.services_of(ServiceType.inbound_voice, ServiceType.blended_voice)
        if not voice:
            raise InputFileError(
                "--tenant", None, "the tenant has no inbound voice service for the demo call"
            )
        service = next((s for s in voice if s.after_call_work), voice[0])
    if not (service.use_dispositions and service.dispositions):
        return service.name, None
    if service.find_disposition(_PREFERRED[1]) is not None:
        return service.name, _PREFERRED[1]
    success = [d for d in service.dispositions if d.type == DispositionType.SUCCESS]
    return service.name, (success or service.dispositions)[0].name


def run_demo_call(
    sim: Simulator,
    after_step: Callable[[], object] | None = None,
    on_refused: Callable[[str, Any], object] | None = None,
) -> EventRecorder:
    """Drive one realistic inbound call through ``sim`` and return what it emitted.

    ``after_step`` runs after each step (the handler host's ``settle``, so handlers' answers
    and ``ad_api`` calls land before the next step, as in a headless scenario run).
    ``on_refused(step, outcome)`` hears of each step the engine refused (its
    ``OperationResult``): a handler's ``ad_api`` call that accepted, dispositioned or completed
    the call first leaves the demo's own step nothing to do, and the record it prints is then
    not the one the demo would have made.
    """
    service, disposition = demo_choice(sim.tenant)
    chosen = sim.tenant.service(service)
    # Without after-call work the hang-up removes the call at once: its disposition is set
    # while it is connected, or the record would be saved without the one the demo chose.
    wrap_up = chosen is not None and chosen.after_call_work
    recorder = EventRecorder()
    sim.subscribe(recorder)
    steps: list[tuple[str, Callable[[], object]]] = [
        ("login", sim.login),
        ("set_agent_state('ready')", lambda: sim.set_agent_state("ready")),
        ("advance(12)", lambda: sim.advance(12)),
        (f"offer_call({service!r})", lambda: sim.offer_call(service)),
        ("advance(4)", lambda: sim.advance(4)),
        ("accept_interaction", sim.accept_interaction),
        ("set_call_recording(True)", lambda: sim.set_call_recording(True)),
        ("advance(95)", lambda: sim.advance(95)),
        ("set_call_hold(True)", lambda: sim.set_call_hold(True)),
        ("advance(30)", lambda: sim.advance(30)),
        ("set_call_hold(False)", lambda: sim.set_call_hold(False)),
        ("advance(41)", lambda: sim.advance(41)),
        ("add_note", lambda: sim.add_note("Customer asked for the premium plan.")),
    ]
    dispose: list[tuple[str, Callable[[], object]]] = []
    if disposition is not None:
        chosen_disposition = disposition
        dispose.append(
            (
                f"set_disposition({disposition!r})",
                lambda: sim.set_disposition(chosen_disposition),
            )
        )
    if not wrap_up:
        steps += dispose
    steps += [("customer_hang_up", sim.customer_hang_up), ("advance(18)", lambda: sim.advance(18))]
    if wrap_up:
        steps += [*dispose, ("complete_interaction", sim.complete_interaction)]
    for name, step in steps:
        outcome = step()
        if after_step is not None:
            after_step()
        if on_refused is not None and getattr(outcome, "ok", True) is False:
            on_refused(name, outcome)
    return recorder
