"""The Comm.Widget 2.0 adapter under real Node against the simulator (adApi 2026): its class
shape, the handshake with ``comm-widget-ready``, ``openLogin`` and the SAVE answer."""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from simulator.data import load_tenant
from simulator.engine import Settings, Simulator
from simulator.handlers import HandlerHost
from simulator.journal import Journal
from simulator.web import NodeHandler, find_node, shim_path

NODE = find_node()
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (Node 18+ needed)")
WAIT = 10.0

HANDLER = r"""
import { appendFileSync } from "node:fs";
const log = (entry) => appendFileSync(process.env.ADSIM_TEST_LOG, JSON.stringify(entry) + "\n");

export function register(adApi) {
  const proto = Object.getPrototypeOf(adApi);
  log({
    kind: "shape",
    widget: globalThis.brightpattern.widgetVersion,
    className: proto.constructor.name,
    methods: Object.getOwnPropertyNames(proto).filter((n) => typeof proto[n] === "function"),
    own: Object.keys(adApi),
  });
  adApi.onCommWidgetReady(async () => {
    log({ kind: "ready" });
    log({ kind: "noLogin", result: typeof adApi.login });
    const refused = await adApi.apiCall("LOGIN", [{ username: "x", password: "y" }]);
    log({ kind: "login", result: refused });
    log({ kind: "openLogin", result: await adApi.openLogin() });
    log({ kind: "state", result: await adApi.apiCall("GET_LOGIN_STATE", []) });
    log({ kind: "transcript", result: await adApi.getChatTranscript() });
    await adApi.getConfig(); // the test waits for this request: everything above is logged
  });
  adApi.on("ON_SAVE_ACTIVITY_RECORD", async (activity) => ({
    id: "00T-" + activity.interactionId.slice(0, 4),
    contactId: activity.contactName,
  }));
}
"""


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_2_0_adapter_logs_in_with_open_login_and_answers_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "log.jsonl"
    monkeypatch.setenv("ADSIM_TEST_LOG", str(log))
    module = tmp_path / "handler.mjs"
    module.write_text(HANDLER, encoding="utf-8")
    sim = Simulator(load_tenant(), seed=3, settings=Settings(api_version="2026"))
    with Journal.open(":memory:") as journal:
        host = HandlerHost(sim, timeout=5, journal=journal)
        try:
            done = threading.Event()
            handler = NodeHandler(host, module)
            handler.endpoint.subscribe_packets(
                lambda direction, packet: packet.get("type") == "GET_CONFIG" and done.set()
            )
            handler.start()
            assert handler.endpoint.widget == "2.0"
            # openLogin runs from the page's ready callback, outside any settle: its last request
            # (getConfig) says the callback has finished.
            assert host.wait_for(done, WAIT), _lines(log) if log.exists() else "nothing logged"
            assert host.settle(timeout=WAIT)
            assert sim.agent.logged_in, _lines(log)
            sim.set_agent_state("ready")
            iid = sim.offer_call("Customer Support").data["id"]
            sim.advance(2)
            sim.accept_interaction(iid)
            sim.leave_interaction(iid)
            sim.complete_interaction(iid)
            assert host.settle(timeout=WAIT)
            info = sim.activity_record_info(iid)
            packets = [(p.direction, p.type) for p in journal.packets(plugin=handler.endpoint.name)]
        finally:
            host.close()
    entries = {e["kind"]: e for e in _lines(log)}
    shape = entries["shape"]
    assert shape["widget"] == "2.0" and shape["className"] == "CommWidgetAdapter"
    methods = set(shape["methods"])
    assert {"apiCall", "on", "remove", "onCommWidgetReady", "openLogin"} <= methods
    assert {"getChatTranscript", "getVoiceTranscript", "getInteractionsState"} <= methods
    assert "login" not in methods
    assert not [m for m in methods if m.startswith("_")], "no private members among its methods"
    assert entries["noLogin"]["result"] == "undefined"
    assert entries["login"]["result"]["error"]["name"] == "api_method_not_implemented"
    assert entries["openLogin"]["result"] == {"status": "success", "data": None}
    assert entries["state"]["result"]["data"]["isLoggedIn"] is True
    # A method of the 2.0 adapter the simulator answers: no chat yet, so no transcript.
    assert entries["transcript"]["result"]["error"]["name"] == "no_interaction"
    handshake = [kind for direction, kind in packets if kind in {"hello", "hi", "ready"}]
    assert handshake[:3] == ["hello", "hi", "ready"]
    assert ("out", "comm-widget-ready") in packets
    assert ("in", "ON_SAVE_ACTIVITY_RECORD_RESPONSE") in packets
    assert info == {"id": "00T-" + iid[:4], "contactId": info["contactId"]}
    assert info["contactId"]


SCRIPT = r"""
const shimPath = process.argv[2];
globalThis.brightpattern = { widgetVersion: process.argv[3] };
const { AdApi } = require(shimPath);
const sent = [];
const transport = { send(p) { sent.push(p); }, listen() {} };
const api = new AdApi({ transport, standalone: process.argv[3] === "2.0" });
process.stdout.write(JSON.stringify({ attach: sent[0], name: AdApi.name }));
"""


@pytest.mark.parametrize(("widget", "attach"), [("1.0", ["K"]), ("2.0", ["K", "2.0"])])
def test_the_attach_packet_says_which_adapter(tmp_path: Path, widget: str, attach: list[str]):
    script = tmp_path / "attach.cjs"
    script.write_text(SCRIPT.replace("new AdApi({", 'new AdApi({ integrationKey: "K",'), "utf-8")
    assert NODE is not None
    done = subprocess.run(
        [NODE, str(script), str(shim_path()), widget],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["attach"]["params"] == attach
    assert report["name"] == ("CommWidgetAdapter" if widget == "2.0" else "AdApi")
