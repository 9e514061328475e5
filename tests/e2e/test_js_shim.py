"""The adApi shim's own semantics under Node, against a scripted fake widget (no simulator)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from simulator.web import find_node, shim_path

NODE = find_node()
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed (Node 18+ needed)")

SCRIPT = r"""
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
const shimPath = process.argv[2];
const required = createRequire(import.meta.url)(shimPath);
const imported = (await import(pathToFileURL(shimPath).href)).default;
const report = {
  sameModule: required.AdApi === imported.AdApi,
  global: globalThis.brightpattern.AdApi === required.AdApi,
};
const { AdApi } = required;
globalThis.brightpattern.apiTimeoutMs = 30;

function widget() {
  let listener = null;
  const sent = [];
  return {
    sent,
    send(packet) { sent.push(packet); },
    listen(fn) { listener = fn; },
    post(packet) { listener(packet); },
  };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

// Construction, the handshake, queued calls.
const w = widget();
const logged = [];
const adApi = new AdApi({ transport: w, disableNewInteractionPopup: true });
adApi.injectMessageLogger((type, params) => logged.push([type, params]));
report.attach = w.sent[0];
report.randomKey = /^[0-9a-f-]{36}$/.test(adApi.integrationKey);
const early = adApi.startCall("14155550123", { id: "C1", type: "Contact" });
report.sentBeforeReady = w.sent.map((p) => p.type);
w.post({ uid: "w1", type: "hello", params: [] });
report.hi = w.sent[w.sent.length - 1];
w.post({ uid: "w2", type: "ready", params: [] });
const call = w.sent[w.sent.length - 1];
report.flushed = call;
const started = { status: "success", data: { id: "I1" } };
w.post({ uid: call.uid, type: "START_CALL_RESPONSE", params: [started] });
report.early = await early;
report.timedOut = await adApi.getAgentState();

// Callbacks: needResponse answers, defaults, noHandlers, errors, remove.
adApi.on("ON_REQUEST_TRANSFER_DATA", () => ({ first: true }));
adApi.on("ON_REQUEST_TRANSFER_DATA", async (id) => ({ caseId: id }));
adApi.on("ON_REQUEST_TRANSFER_DATA", () => undefined);
const removed = () => ({ removed: true });
adApi.on("ON_SEARCH_KNOWLEDGE_BASE", removed);
adApi.remove("ON_SEARCH_KNOWLEDGE_BASE", removed);
adApi.on("ON_NEW_INTERACTION", (i) => { report.newInteraction = i; });
adApi.on("ON_LOGIN", () => { throw new TypeError("broken handler"); });
const since = w.sent.length;
w.post({ uid: "e1", type: "ON_REQUEST_TRANSFER_DATA", params: ["IID"] });
w.post({ uid: "e2", type: "ON_SEARCH_KNOWLEDGE_BASE", params: ["q"] });
w.post({ uid: "e3", type: "ON_WEB_SCREEN_POP_CUSTOM", params: ["IID", {}] });
w.post({ uid: "e4", type: "ON_VALIDATE_ASSOCIATED_RECORDS", params: ["IID", {}] });
w.post({ uid: "e5", type: "ON_NEW_INTERACTION", params: [{ interactionId: "IID" }] });
w.post({ uid: "e6", type: "ON_LOGIN", params: [{}] });
for (let i = 0; i < 5; i++) await tick();
report.replies = w.sent.slice(since);
report.logged = logged;
report.legacyKey = new AdApi("legacy-key").integrationKey;

// The iframe placeholder, with a minimal DOM.
function fakeDocument() {
  const body = { children: [], appendChild(c) { this.children.push(c); } };
  return {
    body,
    createElement: () => ({ style: {}, attrs: {}, setAttribute(k, v) { this.attrs[k] = v; } }),
    addEventListener() {},
  };
}
globalThis.document = fakeDocument();
const plain = new AdApi({ transport: widget() });
const root = { children: [], appendChild(c) { this.children.push(c); } };
const mounted = new AdApi({ transport: widget(), mountRoot: root, adaptiveWidth: true });
const standalone = new AdApi({ transport: widget(), standalone: true });
const mw = widget();
const minimizable = new AdApi({ transport: mw });
mw.post({ uid: "m1", type: "ON_WIDGET_MINIMIZED_CHANGE", params: [true] });
await tick();
report.frames = {
  plain: plain.frame.style,
  inBody: globalThis.document.body.children.length,
  mounted: [root.children.length, mounted.frame.style.width],
  standalone: standalone.frame.style,
  minimized: minimizable.frame.style.width,
};
process.stdout.write(JSON.stringify(report));
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    script = Path(tmp_path_factory.mktemp("shim")) / "check.mjs"
    script.write_text(SCRIPT, encoding="utf-8")
    assert NODE is not None
    done = subprocess.run(
        [NODE, str(script), str(shim_path())],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_loads_as_commonjs_es_module_and_global(report: dict[str, Any]) -> None:
    assert report["sameModule"] and report["global"]


def test_handshake_and_queued_calls(report: dict[str, Any]) -> None:
    assert report["attach"]["type"] == "__attach__"
    assert report["randomKey"]
    assert report["sentBeforeReady"] == ["__attach__"]
    hi = report["hi"]
    assert hi["type"] == "hi" and hi["params"][1:] == ["", True]
    call = report["flushed"]
    assert call["type"] == "START_CALL"
    assert call["params"] == ["14155550123", {"id": "C1", "type": "Contact"}]
    assert report["early"] == {"status": "success", "data": {"id": "I1"}}
    assert report["legacyKey"] == "legacy-key"


def test_unanswered_call_is_api_not_answer(report: dict[str, Any]) -> None:
    assert report["timedOut"] == {"status": "error", "error": {"code": 6, "name": "api_not_answer"}}


def test_callbacks_answer_the_widget(report: dict[str, Any]) -> None:
    replies = [p for p in report["replies"] if p["type"] != "GET_AGENT_STATE"]
    answers = {p["uid"]: p for p in replies if p["type"].endswith("_RESPONSE")}
    handled = {p["uid"]: p for p in replies if p["type"] == "__handled__"}
    assert answers["e1"]["params"] == [{"caseId": "IID"}]  # last non-undefined, awaited
    assert answers["e2"] == {
        "uid": "e2",
        "type": "ON_SEARCH_KNOWLEDGE_BASE_RESPONSE",
        "params": [],
        "noHandlers": True,
    }
    assert answers["e3"]["params"] == [False]
    assert answers["e4"]["params"] == [{"valid": True}]
    assert "e5" not in answers and "e6" not in answers
    assert set(handled) == {"e1", "e2", "e3", "e4", "e5", "e6"}
    assert "TypeError: broken handler" in handled["e6"]["error"]
    assert "error" not in handled["e5"]
    assert report["newInteraction"] == {"interactionId": "IID"}


def test_message_logger_sees_every_vendor_packet(report: dict[str, Any]) -> None:
    logged = report["logged"]
    types = [entry[0] for entry in logged]
    assert types[:5] == ["hello", "hi", "ready", "START_CALL", "START_CALL_RESPONSE"]
    assert logged[3][1] == ["14155550123", {"id": "C1", "type": "Contact"}]
    assert logged[4][1] == {"status": "success", "data": {"id": "I1"}}
    assert ["ON_REQUEST_TRANSFER_DATA", ["IID"]] in logged
    assert ["ON_REQUEST_TRANSFER_DATA_RESPONSE", {"caseId": "IID"}] in logged
    assert not [t for t in types if t.startswith("__")]


def test_iframe_placeholder(report: dict[str, Any]) -> None:
    frames = report["frames"]
    assert frames["plain"]["width"] == "500px"
    assert frames["mounted"] == [1, "100%"]
    standalone = frames["standalone"]
    assert (standalone["width"], standalone["height"], standalone["left"]) == (
        "1px",
        "1px",
        "-10000px",
    )
    assert frames["minimized"] == "44px"
