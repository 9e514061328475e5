"""The page endpoint driven with vendor packets directly: no Qt, no browser, no node."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from simulator.contract import EventName
from simulator.data import load_tenant
from simulator.engine import Simulator
from simulator.handlers import AdApi, HandlerHost
from simulator.journal import Journal
from simulator.web import REQUESTS, UNSIMULATED, PageEndpoint

TENANT = load_tenant()


class FakePage:
    """A page's shim in Python: answers the handshake and the callbacks as told."""

    def __init__(self, answer: Callable[[dict[str, Any]], Any] | None = None):
        self.sent: list[dict[str, Any]] = []
        self.endpoint: PageEndpoint | None = None
        self.answer = answer
        self.handle = True
        self.lock = threading.Condition()

    def send(self, packet: dict[str, Any]) -> None:
        with self.lock:
            self.sent.append(packet)
            self.lock.notify_all()
        kind = packet["type"]
        assert self.endpoint is not None
        if kind == "hello":
            self.endpoint.receive(
                {"uid": "p-hi", "type": "hi", "params": ["crm-key", "?x=1", True]}
            )
        elif kind.startswith("ON_") and self.handle:
            reply = self.answer(packet) if self.answer is not None else None
            if reply is not None:
                self.endpoint.receive(reply)
            self.endpoint.receive({"uid": packet["uid"], "type": "__handled__", "params": []})

    def types(self) -> list[str]:
        with self.lock:
            return [p["type"] for p in self.sent]

    def responses(self) -> dict[str, dict[str, Any]]:
        with self.lock:
            return {p["uid"]: p for p in self.sent if p["type"].endswith("_RESPONSE")}

    def wait_response(self, uid: str, timeout: float = 5.0) -> dict[str, Any]:
        """The response to request ``uid`` (bounded wait for the endpoint's request thread)."""
        with self.lock:
            self.lock.wait_for(lambda: any(p["uid"] == uid for p in self.sent), timeout)
        found = self.responses().get(uid)
        assert found is not None, f"no response to {uid}"
        return found


@pytest.fixture
def journal() -> Iterator[Journal]:
    with Journal.open(":memory:") as opened:
        yield opened


@pytest.fixture
def sim() -> Simulator:
    return Simulator(TENANT, seed=7)


@pytest.fixture
def host(sim: Simulator, journal: Journal) -> Iterator[HandlerHost]:
    handler_host = HandlerHost(sim, timeout=0.3, journal=journal)
    yield handler_host
    handler_host.close(timeout=1)


def connect(host: HandlerHost, page: FakePage) -> PageEndpoint:
    endpoint = PageEndpoint(host, page.send, name="js:test.mjs", source="test.mjs")
    page.endpoint = endpoint
    endpoint.receive({"uid": "p-1", "type": "__attach__", "params": ["crm-key"]})
    assert endpoint.ready.is_set()
    return endpoint


def request(endpoint: PageEndpoint, page: FakePage, uid: str, kind: str, *params: Any) -> Any:
    endpoint.receive({"uid": uid, "type": kind, "params": list(params)})
    host = endpoint.host
    deadline = time.monotonic() + 5
    with page.lock:
        # The request thread posts the call to the engine; run it here, as a driver would.
        while not any(p["uid"] == uid for p in page.sent) and time.monotonic() < deadline:
            page.lock.wait(0.05)
            page.lock.release()
            try:
                host.settle(timeout=5)
            finally:
                page.lock.acquire()
    found = page.wait_response(uid)
    assert found["type"] == f"{kind}_RESPONSE"
    return found["params"][0]


def test_handshake_hello_hi_ready(host: HandlerHost) -> None:
    page = FakePage()
    endpoint = connect(host, page)
    assert page.types() == ["hello", "ready"]
    assert endpoint.integration_key == "crm-key"
    assert endpoint.instances == 1
    assert endpoint.status.name == "js:test.mjs" and endpoint.status.loaded


def test_every_facade_method_has_a_request_message() -> None:
    methods = {
        name
        for name, member in vars(AdApi).items()
        if callable(member)
        and not name.startswith("_")
        and name not in {"on", "remove", "inject_message_logger"}
    }
    assert set(REQUESTS.values()) == methods
    assert REQUESTS["SET_CALL_HOLD"] == "set_call_hold"
    assert REQUESTS["GET_DID_LIST"] == "get_did_numbers_list"
    assert REQUESTS["SET_RESCHEDULE"] == "set_reschedule_window"
    assert not UNSIMULATED & set(REQUESTS)


def test_requests_get_the_same_answers_as_python_handlers(host: HandlerHost) -> None:
    page = FakePage()
    endpoint = connect(host, page)
    python = host.ad_api("python")
    assert request(endpoint, page, "r1", "START_CALL", "14155550123") == (
        python.start_call("14155550123").model_dump(mode="json")
    )
    result = request(endpoint, page, "r2", "START_CALL", "14155550123")
    assert result["error"] == {
        "code": 2,
        "name": "not_logged_in",
        "message": result["error"]["message"],
    }
    assert request(endpoint, page, "r3", "LOGIN")["status"] == "success"
    host.settle(timeout=5)
    assert host.sim.agent.logged_in
    hold = request(endpoint, page, "r4", "SET_CALL_HOLD", True)
    assert hold["error"]["name"] == "no_interaction" and hold["error"]["code"] == 13
    assert hold == python.set_call_hold(True).model_dump(mode="json")
    state = request(endpoint, page, "r5", "GET_AGENT_STATE")
    assert state == {"status": "success", "data": python.get_agent_state().data}


def test_bad_requests(host: HandlerHost) -> None:
    page = FakePage()
    endpoint = connect(host, page)
    assert request(endpoint, page, "b1", "DIAL", "1")["error"]["name"] == "invalid_request"
    assert request(endpoint, page, "b2", "OPEN_LOGIN")["error"]["code"] == 14
    too_many = request(endpoint, page, "b3", "GET_TEAMS", 1, 2, 3)
    assert too_many["error"]["name"] == "invalid_args"


def test_requests_are_the_subscribers_actions(host: HandlerHost) -> None:
    page = FakePage()
    endpoint = connect(host, page)
    request(endpoint, page, "a1", "LOGIN")
    assert host.sim.actions[-1].name == "login"
    assert host.sim.actions[-1].by_subscriber


def test_events_reach_the_page_only_after_ready(host: HandlerHost) -> None:
    sim = host.sim
    page = FakePage()
    endpoint = PageEndpoint(host, page.send, name="js:late.mjs")
    page.endpoint = endpoint
    sim.login()
    host.settle(timeout=5)
    assert page.types() == []
    endpoint.receive({"uid": "p-1", "type": "__attach__", "params": []})
    sim.set_agent_state("ready")
    host.settle(timeout=5)
    events = [p for p in page.sent if p["type"].startswith("ON_")]
    assert [p["type"] for p in events] == ["ON_AGENT_STATE_CHANGE"]
    assert events[0]["params"] == ["ready"]


def test_event_params_are_the_wire_arguments(host: HandlerHost) -> None:
    sim = host.sim
    page = FakePage()
    connect(host, page)
    seen: list[Any] = []
    sim.subscribe(seen.append)
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_call("Customer Support")
    host.settle(timeout=5)
    sent = [p for p in page.sent if p["type"].startswith("ON_")]
    assert [(p["type"], p["params"]) for p in sent] == [
        (e.name.value, list(e.wire_args)) for e in seen
    ]


def _ask_transfer_data(host: HandlerHost) -> list[Any]:
    answers: list[Any] = []
    sim = host.sim
    sim.bus.emit(EventName.ON_REQUEST_TRANSFER_DATA, sim.now_ms, ("IID-1",), None, answers.append)
    sim.bus.flush()
    host.settle(timeout=5)
    return answers


def test_need_response_uses_the_page_answer(host: HandlerHost, journal: Journal) -> None:
    def answer(packet: dict[str, Any]) -> dict[str, Any] | None:
        if packet["type"] != "ON_REQUEST_TRANSFER_DATA":
            return None
        return {
            "uid": packet["uid"],
            "type": "ON_REQUEST_TRANSFER_DATA_RESPONSE",
            "params": [{"caseId": packet["params"][0]}],
        }

    connect(host, FakePage(answer))
    assert _ask_transfer_data(host) == [{"caseId": "IID-1"}]
    outcome = host.outcomes[-1]
    assert (outcome.plugin, outcome.status, outcome.result) == (
        "js:test.mjs",
        "ok",
        {"caseId": "IID-1"},
    )
    stored = list(journal.outcomes())
    assert stored and stored[-1].plugin == "js:test.mjs"


def test_no_handlers_gives_the_default(host: HandlerHost) -> None:
    def no_handlers(packet: dict[str, Any]) -> dict[str, Any]:
        return {
            "uid": packet["uid"],
            "type": f"{packet['type']}_RESPONSE",
            "params": [],
            "noHandlers": True,
        }

    connect(host, FakePage(no_handlers))
    assert _ask_transfer_data(host) == [None]
    assert host.outcomes[-1].status == "ok"


def test_a_page_that_never_answers_gets_api_not_answer(host: HandlerHost) -> None:
    page = FakePage()
    page.handle = False
    connect(host, page)
    assert _ask_transfer_data(host) == [None]
    outcome = host.outcomes[-1]
    assert outcome.status == "timeout" and "api_not_answer" in (outcome.error or "")
    host.sim.login()  # the run goes on
    assert host.settle(timeout=5)


def test_a_page_handler_that_throws_is_an_error_outcome(host: HandlerHost) -> None:
    page = FakePage()
    page.handle = False
    endpoint = connect(host, page)

    def throw(packet: dict[str, Any]) -> None:
        if packet["type"].startswith("ON_"):
            endpoint.receive(
                {
                    "uid": packet["uid"],
                    "type": "__handled__",
                    "params": [],
                    "error": "TypeError: x (crm.mjs:3)",
                }
            )

    page.send = _chain(page.send, throw)  # type: ignore[method-assign]
    endpoint._send = page.send
    host.sim.login()
    host.settle(timeout=5)
    outcome = host.outcomes[-1]
    assert outcome.status == "error" and "crm.mjs:3" in (outcome.error or "")


def _chain(first: Callable[[dict[str, Any]], None], then: Callable[[dict[str, Any]], None]):
    def both(packet: dict[str, Any]) -> None:
        first(packet)
        then(packet)

    return both


def test_reload_brings_a_new_instance_and_fails_pending_answers(host: HandlerHost) -> None:
    page = FakePage()
    page.handle = False
    endpoint = connect(host, page)
    reloaded = threading.Event()

    def reload_on_event(packet: dict[str, Any]) -> None:
        if packet["type"] == "ON_REQUEST_TRANSFER_DATA" and not reloaded.is_set():
            reloaded.set()
            # The page reloads instead of answering: its new AdApi attaches.
            threading.Thread(
                target=endpoint.receive, args=({"uid": "p-2", "type": "__attach__", "params": []},)
            ).start()

    endpoint._send = _chain(page.send, reload_on_event)
    assert _ask_transfer_data(host) == [None]
    outcome = host.outcomes[-1]
    assert outcome.status == "error" and "reloaded" in (outcome.error or "")
    assert endpoint.instances == 2 and endpoint.ready.is_set()
    assert page.types().count("hello") == 2


def test_stale_requests_are_not_answered_after_a_reload(host: HandlerHost) -> None:
    page = FakePage()
    endpoint = connect(host, page)
    generation = endpoint._generation
    endpoint.receive({"uid": "p-2", "type": "__attach__", "params": []})
    assert endpoint._generation == generation + 1
    request(endpoint, page, "fresh", "GET_LOGIN_STATE")
    assert "fresh" in page.responses()


def test_disconnect_stops_events(host: HandlerHost) -> None:
    page = FakePage()
    endpoint = connect(host, page)
    endpoint.disconnect("gone")
    host.sim.login()
    host.settle(timeout=5)
    assert not [p for p in page.sent if p["type"].startswith("ON_")]
