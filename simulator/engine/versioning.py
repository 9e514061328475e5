"""The run's adApi version in the engine: the emission edge.

The engine builds every payload in the 5.19 form; for a later version ``install_edge`` puts a
``PayloadEdge`` on the event bus, the one place where events are reshaped to the version (or
dropped when it lacks them) and where the version's need-response rules apply. For 5.19 nothing is
installed: the bus runs exactly as before. In 2026 the SAVE events are kept, so that the
``ActivityRecordInfo`` the integration answered can be read back
(``Simulator.activity_record_info``).
"""

from __future__ import annotations

from typing import Any

from simulator.contract import CallDirection, EventName, InteractionType
from simulator.contract.version_payloads import PayloadEdge
from simulator.contract.versions import ApiVersion
from simulator.engine.bus import Event

__all__ = ["install_edge"]

_NEW = EventName.ON_NEW_INTERACTION
_SAVE = EventName.ON_SAVE_ACTIVITY_RECORD


def _rings_directly(sim: Any, inter: Any) -> bool:
    """A call that rings this agent, not a service: offered with ``direct``, or landed from a
    colleague on the agent's extension (its ``DNIS``)."""
    if inter.type is not InteractionType.voice or inter.call_direction is not CallDirection.inbound:
        return False
    offer = inter.offer
    if offer is not None and getattr(offer, "direct", False):
        return True
    return offer is None and inter.dnis is not None and inter.dnis == sim.profile.extension


def install_edge(sim: Any) -> PayloadEdge | None:
    """Reshape ``sim``'s events to its settings' version (None for 5.19: nothing to do)."""
    version = ApiVersion(sim.settings.api_version)
    if version is ApiVersion.v5_19:
        return None
    edge = PayloadEdge(version)
    if "chat_parties" not in sim.settings.model_fields_set:
        # chatParties is part of InteractionData from 5.24.1: the engine's own parties (the
        # customer and invited colleagues, with ids from the seed), unless a setting says omit.
        sim.settings = sim.settings.model_copy(update={"chat_parties": "emit"})
    interactions = sim._interactions

    def convert(name: EventName, args: tuple[Any, ...]) -> tuple[Any, ...] | None:
        if name is _NEW and args and isinstance(args[0], dict):
            inter = interactions.get(args[0].get("interactionId"))
            if inter is not None and inter.customer is not None:
                edge.remember(inter.id, inter.customer.name)
            if inter is not None and _rings_directly(sim, inter):
                edge.remember_direct(inter.id)
        return edge.convert(name, args)

    sim.bus.edge = convert
    sim.bus.api_version = version.value
    sim.bus.absent = frozenset(name for name in EventName if name not in edge.events)
    sim.bus.responses = {name: spec for name, spec in edge.events.items() if spec.needs_response}
    if edge.events[_SAVE].needs_response:
        saved: dict[str, Event] = sim._saved_events

        def keep(event: Event) -> None:
            # Kept as long as finished interactions are (not in load mode or ``generate``).
            if event.name is _SAVE and event.interaction_id and sim.keep_finished:
                saved[event.interaction_id] = event

        sim.bus.subscribe(keep)
    return edge
