"""Contact center: 20 agents, 4 services, offered calls at volume, vs the single-agent engine.

Four voice services, each routed to its own team of five simulated agents. Calls are offered in
waves of 20 (five per service, so every agent gets one, routed to the longest idle agent of the
service's team), then every agent runs the single-agent benchmark's interaction: accept, hold,
resume, mute, record, a minute of talk, hang up, disposition, complete. The baseline is that same
interaction on a one-agent ``Simulator`` (``bench_engine.full_calls``), measured in the same run;
the figure is the cost of one interaction in the center relative to it (target: at most 1.5x).
Only the interactions are timed, not building the center or logging the agents in.
"""

from __future__ import annotations

import functools

from benchmarks.bench_engine import full_calls, ready_agent
from benchmarks.measure import Measurement, best_seconds
from simulator.data import TeamDefinition, Tenant, load_tenant
from simulator.engine import AgentDesktop, Settings, Simulator

AGENTS_PER_TEAM = 5
TEAMS = ("Customer Support", "Sales", "Billing", "Retention")
"""By name: the tenant's ids are GUIDs (the fourth team is added by ``center_tenant``)."""


def center_tenant() -> Tenant:
    """The built-in tenant with a fourth team and four voice services, one per team."""
    base = load_tenant()
    support = base.service("Customer Support")
    assert support is not None
    retention = TeamDefinition(id="0D3F55A2-3C1B-5E0A-9D6B-2F7A8C4E1B90", name="Retention")
    teams = [*base.teams, retention]
    team_ids = {team.name: team.id for team in teams}
    services = [
        support.model_copy(
            update={
                "id": f"S-Q{n}",
                "name": f"Queue {n}",
                "did": f"1415555070{n}",
                "teams": [team_ids[team]],
            }
        )
        for n, team in enumerate(TEAMS)
    ]
    return base.model_copy(update={"teams": teams, "services": [*base.services, *services]})


def ready_center(tenant: Tenant) -> tuple[Simulator, list[AgentDesktop]]:
    """20 logged-in, Ready agents (five per team), each desktop with one raw subscriber."""
    sim = Simulator(
        tenant, seed=1, settings=Settings(ring_timeout_seconds=None), record_actions=False
    )
    desks: list[AgentDesktop] = []
    for team in TEAMS:
        for n in range(AGENTS_PER_TEAM):
            slug = team.split()[-1].lower()  # support, sales, billing, retention
            desk = sim.center.add_agent(f"{slug}{n}", team=team)
            desk.record_actions = False
            desks.append(desk)
    for desk in desks:
        desk.keep_finished = False
        desk.subscribe(lambda event: None)
        desk.login()
        desk.set_agent_state("ready")
    return sim, desks


def waves(sim: Simulator, desks: list[AgentDesktop], n_waves: int) -> None:
    """``n_waves`` waves of 20 calls, each handled to completion by the agent it reached."""
    customer = sim.customers.customer()
    services = [f"Queue {n}" for n in range(len(TEAMS))]
    for _ in range(n_waves):
        reached: list[tuple[AgentDesktop, str]] = []
        for _call in range(AGENTS_PER_TEAM):
            for service in services:
                iid = sim.offer_call(service, customer).data["id"]
                desk = next(d for d in desks if d.interaction(iid) is not None)
                reached.append((desk, iid))
        sim.advance(2)
        for desk, iid in reached:
            desk.accept_interaction(iid)
            desk.set_call_hold(True, iid)
            desk.set_call_hold(False, iid)
            desk.set_call_mute(True, iid)
            desk.set_call_recording(True, iid)
        sim.advance(60)
        for desk, iid in reached:
            desk.leave_interaction(iid)
            desk.set_disposition("Problem solved", iid)
            desk.complete_interaction(iid)


def _center_rate(tenant: Tenant, n_waves: int, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        sim, desks = ready_center(tenant)
        best = min(best, best_seconds(functools.partial(waves, sim, desks, n_waves), repeat=1))
    return n_waves * len(TEAMS) * AGENTS_PER_TEAM / best


def _single_rate(tenant: Tenant, n: int, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        sim, customer = ready_agent(tenant)
        best = min(best, best_seconds(functools.partial(full_calls, sim, customer, n), repeat=1))
    return n / best


def run() -> list[Measurement]:
    """Measure the center and the single-agent engine in the same run."""
    tenant = center_tenant()
    single = _single_rate(load_tenant(), 1000)
    center = _center_rate(tenant, 50)
    return [
        Measurement(
            "center: 20 agents, 4 services, interactions/s",
            center,
            "interactions/s",
            "single-agent engine interactions/s",
            single,
            "cost per interaction <= 1.5x the single agent's (ratio >= 0.667)",
        ),
    ]
