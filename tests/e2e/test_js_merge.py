"""``adApi.mergeAllCallsIntoConference`` from a JS handler module under real Node: the shim posts
MERGE_ALL_CALLS_INTO_CONFERENCE and the simulator merges the calls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator.data import load_tenant
from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.web import NodeHandler, find_node

pytestmark = pytest.mark.skipif(find_node() is None, reason="node is not installed (Node 18+)")


def test_a_js_module_merges_the_calls_through_the_shim(tmp_path: Path) -> None:
    sim = Simulator(load_tenant(), seed=3)
    sim.login()
    sim.set_agent_state("ready")
    customer = sim.offer_call("Customer Support").data["id"]
    sim.accept_interaction()
    consult = sim.consult_call("+1 415 555 0177").data["id"]
    sim.customer_answer(consult)
    module = tmp_path / "merges.mjs"
    log = tmp_path / "merged.json"
    module.write_text(
        'import { writeFileSync } from "node:fs";\n'
        "export async function register(adApi) {\n"
        '  const result = await adApi.mergeAllCallsIntoConference({ caseId: "JS-1" });\n'
        f"  writeFileSync({json.dumps(str(log))}, JSON.stringify(result));\n"
        "}\n",
        "utf-8",
    )
    host = HandlerHost(sim, timeout=10)
    try:
        NodeHandler(host, module).start()
        assert json.loads(log.read_text(encoding="utf-8")) == {"status": "success", "data": None}
        assert [inter.id for inter in sim.interactions] == [customer]
        assert sim.interaction(customer).transfer_data == {"caseId": "JS-1"}
    finally:
        host.close(timeout=5)
