"""``startCall``'s ``InitialObjects`` (5.24.1+): a list of records, associated with the call;
5.19 takes one object; the 2.0 adapter sends a single object as an array."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from simulator.contract import ResultErrorCode
from simulator.engine import Settings, Simulator
from simulator.handlers import AdApi
from simulator.web import find_node, shim_path

NODE = find_node()
ACCOUNT = {"id": "001A", "type": "Account", "displayName": "Acme", "displayType": "Account"}
CONTACT = {"id": "003C", "type": "Contact", "displayName": "Ann", "displayType": "Contact"}


def _logged_in(version: str) -> Simulator:
    sim = Simulator(seed=7, settings=Settings(api_version=version))
    assert sim.login().ok and sim.set_agent_state("ready").ok
    return sim


@pytest.mark.parametrize("version", ["5.24.1", "2026"])
def test_a_list_of_initial_objects_is_associated_from_5_24_1(version):
    sim = _logged_in(version)
    result = sim.start_call("4155550100", [ACCOUNT, CONTACT])
    assert result.ok, result
    inter = sim.interaction(result.data["id"])
    assert [r["id"] for r in inter.associated] == ["001A", "003C"]
    sim = _logged_in(version)
    again = AdApi(sim).start_call("4155550101", [CONTACT])  # the integration's way in
    assert again.ok, again
    assert [r["id"] for r in sim.interaction(again.data["id"]).associated] == ["003C"]


def test_5_19_refuses_a_list_and_dials_nothing():
    sim = _logged_in("5.19")
    result = sim.start_call("4155550100", [ACCOUNT, CONTACT])
    assert result.error is not None
    assert result.error.name == ResultErrorCode.invalid_args.name
    assert "5.24.1" in result.error.message
    assert not sim.interactions


@pytest.mark.parametrize("version", ["5.19", "5.24.1", "2026"])
def test_a_single_object_stays_accepted(version):
    sim = _logged_in(version)
    result = AdApi(sim).start_call("4155550100", ACCOUNT)
    assert result.ok, result
    assert [r["id"] for r in sim.interaction(result.data["id"]).associated] == ["001A"]


@pytest.mark.parametrize("version", ["5.24.1", "2026"])
def test_start_chat_takes_a_list_of_initial_objects_from_5_24_1(version):
    """``startChat(channel, address, initialObject(s)?)`` (reference section 2): its third
    argument is ``InitialObjects`` from 5.24.1, as ``startCall``'s second is; a list answered
    ``invalid_args`` in every version."""
    sim = _logged_in(version)
    api = AdApi(sim)
    assert api.set_service("Web Chat").ok
    result = api.start_chat("web", "ann@example.com", [ACCOUNT, CONTACT])
    assert result.ok, result
    assert [r["id"] for r in sim.interaction(result.data["id"]).associated] == ["001A", "003C"]


def test_5_19_start_chat_refuses_a_list_and_starts_nothing():
    sim = _logged_in("5.19")
    api = AdApi(sim)
    assert api.set_service("Web Chat").ok
    result = api.start_chat("web", "ann@example.com", [ACCOUNT])
    assert result.error is not None
    assert result.error.name == ResultErrorCode.invalid_args.name
    assert not sim.interactions
    result = sim.start_chat("web", "ann@example.com", [ACCOUNT])
    assert result.error is not None and "5.24.1" in result.error.message
    assert not sim.interactions


def test_a_list_item_that_is_not_a_record_is_invalid_args():
    sim = _logged_in("5.24.1")
    result = AdApi(sim).start_call("4155550100", [ACCOUNT, "003C"])
    assert result.error is not None and result.error.name == ResultErrorCode.invalid_args.name
    assert not sim.interactions


SCRIPT = r"""
globalThis.brightpattern = { widgetVersion: process.argv[3], apiTimeoutMs: 60000 };
const { AdApi } = require(process.argv[2]);
const sent = [];
let deliver = null;
const transport = { send(p) { sent.push(p); }, listen(f) { deliver = f; } };
const api = new AdApi({ transport, standalone: true });
deliver({ uid: "1", type: "hello", params: [] });
deliver({ uid: "2", type: "ready", params: [] });
const one = { id: "001A", type: "Account", displayName: "Acme", displayType: "Account" };
api.startCall("4155550100", one);
api.startCall("4155550101", [one, one]);
api.startCall("4155550102");
const calls = sent.filter((p) => p.type === "START_CALL").map((p) => p.params);
process.stdout.write(JSON.stringify(calls));
process.exit(0);
"""


@pytest.mark.skipif(NODE is None, reason="node is not installed (Node 18+ needed)")
@pytest.mark.parametrize("widget", ["1.0", "2.0"])
def test_the_2_0_adapter_wraps_a_single_initial_object(tmp_path: Path, widget: str):
    script = tmp_path / "start_call.cjs"
    script.write_text(SCRIPT, encoding="utf-8")
    assert NODE is not None
    done = subprocess.run(
        [NODE, str(script), str(shim_path()), widget],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    one = {"id": "001A", "type": "Account", "displayName": "Acme", "displayType": "Account"}
    first = [one] if widget == "2.0" else one
    assert json.loads(done.stdout) == [
        ["4155550100", first],
        ["4155550101", [one, one]],
        ["4155550102"],
    ]
