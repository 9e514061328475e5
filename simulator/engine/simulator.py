"""The simulated agent desktop: one agent's session, its interactions, and the adApi events.

Every public action returns the vendor's ``OperationResult`` envelope. An action that cannot
happen answers with the vendor's error code and changes nothing. Events are emitted by the rules
of reference section 6.1 and delivered, in order, once the action is done.

``Simulator`` is a ``ContactCenter`` with one agent, the tenant's ``agent``: the desktop of that
agent (``simulator.engine.desktop``, one module per concern) that builds its own center. More
agents join with ``sim.center.add_agent(name)``.
"""

from __future__ import annotations

from simulator.data import Tenant
from simulator.engine.center import ContactCenter
from simulator.engine.clock import Clock
from simulator.engine.desktop import AgentDesktop
from simulator.engine.records import ActionRecord, AgentStatus, Notice, QueuedOffer
from simulator.engine.settings import Settings

__all__ = ["ActionRecord", "AgentStatus", "Notice", "QueuedOffer", "Simulator"]


class Simulator(AgentDesktop):
    """One agent's desktop, driven by actions and the clock, emitting adApi events (the first
    desktop of its own ``ContactCenter``)."""

    def __init__(
        self,
        tenant: Tenant | None = None,
        *,
        seed: int = 0,
        clock: Clock | None = None,
        settings: Settings | None = None,
        record_actions: bool = True,
    ):
        center = ContactCenter(tenant, seed=seed, clock=clock, settings=settings)
        super().__init__(center, center.tenant.agent, record_actions=record_actions)
        center.join(self)
