"""The page endpoint driven with vendor packets directly: no Qt, no browser, no node."""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Callable, Iterator
from queue import Empty, SimpleQueue
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

    def __init__(
        self,
        answer: Callable[[dict[str, Any]], Any] | None = None,
        fire: dict[str, list[dict[str, Any]]] | None = None,
    ):
        self.sent: list[dict[str, Any]] = []
        self.endpoint: PageEndpoint | None = None
        self.answer = answer
        self.fire = fire or {}
        """Requests a handler of an event sends without awaiting them (before ``__handled__``)."""
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
            for fired in self.fire.get(kind, []):
                self.endpoint.receive(fired)
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
        for name, member in inspect.getmembers(AdApi)
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
    assert endpoint.ready.wait(5)  # the new instance's handshake runs on the reloading thread
    assert endpoint.instances == 2
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


# ---------------------------------------------------------------------- requests before __handled__

_NOT_AWAITED = {
    "ON_LOGIN": [
        {"uid": "nr-1", "type": "SET_AGENT_STATE", "params": ["ready"]},
        {"uid": "nr-2", "type": "GET_AGENT_STATE", "params": []},
    ]
}


def test_requests_sent_before_handled_have_run_when_settle_returns(host: HandlerHost) -> None:
    """``adApi.setAgentState("ready")`` not awaited in a handler: the request packets, then
    ``__handled__`` at once; the callback is finished only after they ran."""
    sim = host.sim
    page = FakePage(fire=_NOT_AWAITED)
    connect(host, page)
    emitted: list[str] = []
    sim.subscribe(lambda event: emitted.append(event.name.value))
    finished: list[tuple[str, str]] = []  # each callback, and the agent's phase when it finished
    host.subscribe_outcomes(lambda o: finished.append((o.event_name, sim.agent.phase.value)))
    sim.login()
    assert host.settle(timeout=5)
    assert finished[0] == ("ON_LOGIN", "ready")  # its not-awaited request had run
    assert sim.agent.phase == "ready"
    changed = [a for a in sim.actions if a.name == "set_agent_state"]
    assert len(changed) == 1 and changed[0].ok and changed[0].by_subscriber
    responses = page.responses()  # answered before their callback counted as finished
    assert responses["nr-1"]["params"] == [{"status": "success", "data": None}]
    assert responses["nr-2"]["params"][0]["data"]["state"] == "ready"
    assert [o.event_name for o in host.outcomes] == emitted
    assert emitted[0] == "ON_LOGIN" and emitted[-1] == "ON_AGENT_STATE_CHANGE"
    assert all(o.ok for o in host.outcomes)


def test_requests_before_handled_in_the_window_run_at_the_engine_threads_next_poll(
    sim: Simulator, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window: this thread is the GUI (engine) thread; it never waits for the handlers,
    it only runs what is posted to it (packets from the page, ``sim.poll`` when work is posted),
    as Qt's event loop does. Nothing may block it, and the requests still run in order."""
    gui: SimpleQueue[Callable[[], Any]] = SimpleQueue()
    post = sim.post

    def post_and_wake(work: Callable[[], None]) -> None:
        post(work)
        gui.put(sim.poll)  # the window's timer

    monkeypatch.setattr(sim, "post", post_and_wake)
    host = HandlerHost(sim, timeout=5, journal=journal)
    page = FakePage(fire=_NOT_AWAITED)
    # PacketChannel: the page's packets reach the endpoint on the GUI thread.
    endpoint = PageEndpoint(host, lambda packet: gui.put(lambda: page.send(packet)))
    receive = endpoint.receive
    page.endpoint = endpoint
    endpoint.receive = lambda packet: gui.put(lambda: receive(packet))  # type: ignore[method-assign]
    emitted: list[str] = []
    sim.subscribe(lambda event: emitted.append(event.name.value))
    finished: list[tuple[str, str]] = []

    def outcome_arrived(outcome: Any) -> None:  # on the handler thread
        finished.append((outcome.event_name, sim.agent.phase.value))
        gui.put(lambda: None)  # the bridge's queued signal wakes the GUI thread

    host.subscribe_outcomes(outcome_arrived)

    def run_until(done: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 10
        while not done():
            try:
                work = gui.get(timeout=max(0.0, deadline - time.monotonic()))
            except Empty:
                pytest.fail(f"the GUI thread was never woken: {host.outcomes}")
            work()

    try:
        endpoint.receive({"uid": "p-1", "type": "__attach__", "params": []})
        run_until(endpoint.ready.is_set)
        sim.login()
        run_until(lambda: sim.agent.phase == "ready" and len(host.outcomes) == len(emitted))
        assert finished[0] == ("ON_LOGIN", "ready")
        assert [o.event_name for o in host.outcomes] == emitted
        assert emitted[0] == "ON_LOGIN" and emitted[-1] == "ON_AGENT_STATE_CHANGE"
        assert all(o.ok for o in host.outcomes)
        assert {"nr-1", "nr-2"} <= page.responses().keys()
    finally:
        host.close(timeout=1)


# ---------------------------------------------------------------------- packets in the journal


def test_every_packet_is_journaled_in_order(host: HandlerHost, journal: Journal) -> None:
    page = FakePage(fire=_NOT_AWAITED)
    connect(host, page)
    host.sim.login()
    assert host.settle(timeout=5)
    packets = journal.packets(plugin="js:test.mjs")
    seen = [(p.direction, p.type, p.uid) for p in packets]
    assert seen[:4] == [
        ("in", "__attach__", "p-1"),
        ("out", "hello", "w1"),
        ("in", "hi", "p-hi"),
        ("out", "ready", "w2"),
    ]
    login = next(p for p in packets if p.type == "ON_LOGIN")
    assert login.direction == "out"
    assert [p.params for p in packets[:4]] == [["crm-key"], [], ["crm-key", "?x=1", True], []]
    after = seen[seen.index(("out", "ON_LOGIN", login.uid)) :]
    # The page's packets as received; the response to a request is journaled before it leaves,
    # so a request always comes before its response.
    assert after.index(("in", "SET_AGENT_STATE", "nr-1")) < after.index(
        ("out", "SET_AGENT_STATE_RESPONSE", "nr-1")
    )
    assert [p.id for p in packets] == sorted(p.id for p in packets)
    assert all(isinstance(p.time_ms, int) and p.time_ms > 1_600_000_000_000 for p in packets)
    assert {p.run_id for p in packets} == {journal.run_id}
    assert len(packets) == len(page.sent) + sum(1 for p in packets if p.direction == "in")
    assert [p.wire() for p in packets if p.direction == "out"] == page.sent


def test_handled_errors_no_handlers_and_logs_are_journaled(
    host: HandlerHost, journal: Journal
) -> None:
    page = FakePage()
    endpoint = connect(host, page)
    endpoint.receive({"uid": "l1", "type": "__log__", "params": ["console.log", "hi there"]})
    endpoint.receive({"uid": "x", "type": "__handled__", "params": [], "error": "E: boom"})
    endpoint.receive(
        {"uid": "y", "type": "ON_REQUEST_TRANSFER_DATA_RESPONSE", "params": [], "noHandlers": True}
    )
    endpoint.receive({"type": 7})  # junk: journaled as it came, then ignored
    packets = journal.packets(plugin="js:test.mjs")[-4:]
    assert [(p.type, p.params, p.error, p.no_handlers) for p in packets] == [
        ("__log__", ["console.log", "hi there"], None, None),
        ("__handled__", [], "E: boom", None),
        ("ON_REQUEST_TRANSFER_DATA_RESPONSE", [], None, True),
        ("7", [], None, None),
    ]
    assert packets[-1].uid is None


def test_packets_are_not_journaled_without_a_journal(sim: Simulator) -> None:
    host = HandlerHost(sim, timeout=1)
    try:
        connect(host, FakePage())  # nothing to write to: no error
    finally:
        host.close(timeout=1)


def test_secrets_are_masked_in_the_pages_own_text_only(host: HandlerHost, journal: Journal) -> None:
    host.secrets.add("s3cret-token")
    page = FakePage()
    endpoint = connect(host, page)
    endpoint.receive({"uid": "s1", "type": "__log__", "params": ["token s3cret-token", 3]})
    assert journal.packets()[-1].params == ["token ***", 3]
    endpoint.receive({"uid": "s2", "type": "__handled__", "params": [], "error": "s3cret-token"})
    assert journal.packets()[-1].error == "***"
    endpoint.receive({"uid": "s3", "type": "ADD_NOTE", "params": ["s3cret-token"]})
    assert journal.packets()[-1].params == ["s3cret-token"], "data is never rewritten"


def test_requests_from_no_connected_instance_are_dropped(host: HandlerHost) -> None:
    """The shim queues calls until ``ready``: a request before the handshake comes from an
    AdApi that is gone (the page before a reload) and must not act on this simulation."""
    host.sim.login()
    page = FakePage()
    endpoint = PageEndpoint(host, page.send, name="js:test.mjs", source="test.mjs")
    page.endpoint = endpoint
    endpoint.receive({"uid": "stale", "type": "SET_AGENT_STATE", "params": ["ready"]})
    endpoint.receive({"uid": "p-1", "type": "__attach__", "params": ["crm-key"]})
    assert endpoint.ready.is_set()
    request(endpoint, page, "fresh", "GET_AGENT_STATE")
    # Requests run in order: had the stale one been queued, it would have run (and been
    # answered) before this one.
    assert "stale" not in page.responses()
    assert host.sim.agent.phase != "ready"


@pytest.mark.parametrize("login_data", [1, "omar", [1], True])
def test_a_login_with_no_login_data_object_is_invalid_args_and_later_requests_run(
    host: HandlerHost, login_data: Any
) -> None:
    # ``adApi.login(1)`` killed the request thread (an AttributeError before the facade's
    # checks): that answer and every later request of the page were never answered.
    page = FakePage()
    endpoint = connect(host, page)
    refused = request(endpoint, page, "l1", "LOGIN", login_data)
    assert refused["error"]["name"] == "invalid_args"
    assert "loginData" in refused["error"]["message"]
    assert request(endpoint, page, "l2", "GET_AGENT_STATE")["error"]["name"] == "not_logged_in"


def test_a_request_that_fails_inside_is_answered_and_later_requests_run(
    host: HandlerHost, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    page = FakePage()
    endpoint = connect(host, page)

    def broken(*_args: Any) -> Any:
        raise RuntimeError("a bug in the facade")

    monkeypatch.setattr(AdApi, "get_teams", broken)
    failed = request(endpoint, page, "f1", "GET_TEAMS")
    assert failed["error"]["name"] == "unknown_error"
    assert "GET_TEAMS" in failed["error"]["message"]
    assert "a bug in the facade" in failed["error"]["message"]
    assert "RuntimeError: a bug in the facade" in capsys.readouterr().err  # the traceback too
    assert request(endpoint, page, "f2", "GET_AGENT_STATE")["status"] == "error"


def test_a_page_handler_that_throws_an_empty_string_is_an_error_outcome(
    host: HandlerHost,
) -> None:
    # The shim reports ``throw ""`` as the error "": it was taken for no error, outcome ok.
    page = FakePage()
    page.handle = False
    endpoint = connect(host, page)

    def throw(packet: dict[str, Any]) -> None:
        if packet["type"].startswith("ON_"):
            endpoint.receive({"uid": packet["uid"], "type": "__handled__", "error": ""})

    page.send = _chain(page.send, throw)  # type: ignore[method-assign]
    endpoint._send = page.send
    host.sim.login()
    host.settle(timeout=5)
    outcome = host.outcomes[-1]
    assert outcome.status == "error" and outcome.error


def test_an_event_sent_while_a_node_module_is_ended_for_a_block_says_it_never_runs(
    host: HandlerHost,
) -> None:
    """A Node module's process is ended when its loop is blocked (``blocked_ends``): an event
    sent meanwhile said "its handlers run only if the page's event loop comes back", of a
    module, and of a process that would never come back."""
    page = FakePage()
    page.handle = False
    told: SimpleQueue[str] = SimpleQueue()
    endpoint = PageEndpoint(
        host, page.send, name="js:test.mjs", blocked=told.put, blocked_ends=True
    )
    page.endpoint = endpoint
    endpoint.receive({"uid": "p-1", "type": "__attach__", "params": ["crm-key"]})
    host.sim.login()
    assert host.settle(timeout=30)
    told.get(timeout=60)  # the ping's wait, then the verdict (generous bound)
    before = len(host.outcomes)
    assert host.sim.set_agent_state("ready").ok
    assert host.settle(timeout=30)
    [later] = host.outcomes[before:]
    assert later.status == "error"
    assert (later.error or "").endswith(
        "; ON_AGENT_STATE_CHANGE was not waited for (its node process was ended for it: its"
        " handlers did not run)"
    )


def test_a_page_whose_event_loop_is_blocked_fails_later_events_at_once(
    host: HandlerHost,
) -> None:
    """A page stuck in a handler (``while (true) {}``, a breakpoint) reads nothing more: each
    later event waited out the whole timeout. The ping after its timeout goes unanswered:
    ``blocked`` is told, later events fail at once (still sent, in order, for a page that comes
    back), until the page sends anything again."""
    page = FakePage()
    page.handle = False  # answers neither events nor the ping: its loop is stuck
    told: SimpleQueue[str] = SimpleQueue()
    endpoint = PageEndpoint(host, page.send, name="js:test.mjs", blocked=told.put)
    page.endpoint = endpoint
    endpoint.receive({"uid": "p-1", "type": "__attach__", "params": ["crm-key"]})
    host.sim.login()
    assert host.settle(timeout=30)
    assert host.outcomes[-1].status == "timeout"
    reason = told.get(timeout=60)  # the ping's wait, then the verdict (generous bound)
    # Of ON_LOGIN, or of an event after it if that one's ping was judged first.
    assert reason.startswith("js:test.mjs's event loop is blocked: a handler of ON_")
    assert "__ping__" in page.types()
    sent = page.types().count("ON_AGENT_STATE_CHANGE")
    before = len(host.outcomes)
    assert host.sim.set_agent_state("ready").ok
    assert host.settle(timeout=30)
    [later] = host.outcomes[before:]
    assert later.status == "error" and (later.error or "").startswith(f"JsHandlerError: {reason}")
    assert (
        "ON_AGENT_STATE_CHANGE was not waited for (its handlers run only if the page's event"
        in (later.error or "")
    )
    assert page.types().count("ON_AGENT_STATE_CHANGE") == sent + 1  # posted all the same

    page.handle = True
    endpoint.receive({"uid": "p-log", "type": "__log__", "params": ["back"]})  # it runs again
    assert host.sim.set_agent_state("not_ready", "Lunch").ok
    assert host.settle(timeout=30)
    assert host.outcomes[-1].status == "ok"
    assert page.types().count("ON_AGENT_STATE_CHANGE") == sent + 2
