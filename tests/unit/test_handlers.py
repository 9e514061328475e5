"""The handler host: delivery in order with exact payloads, answers, isolation, ad_api calls."""

from __future__ import annotations

import asyncio
import datetime
import threading
from typing import Any

import pytest
from pydantic import BaseModel

from simulator.contract import EVENTS, EventName, ResultErrorCode
from simulator.contract.versions import events_for
from simulator.demo import run_demo_call
from simulator.engine import EventRecorder, Settings, Simulator
from simulator.engine.payloads import typed_args
from simulator.handlers import (
    MAX_EVENTS_PER_SETTLE,
    HandlerHost,
    HandlerLoopError,
    UnknownEventError,
)
from simulator.journal import Journal
from tests.unit.give_up import Hang

WAIT = 10.0
"""Generous bound for waits on threads (never reached when things work)."""


def _wire(values: tuple[Any, ...]) -> list[Any]:
    return [v.model_dump(mode="json") if isinstance(v, BaseModel) else v for v in values]


@pytest.fixture
def make_host():
    """Build hosts that are closed (and their blocked handlers released) at teardown."""
    hosts: list[HandlerHost] = []
    releases: list[threading.Event] = []

    def make(sim: Simulator, timeout: float = WAIT, journal: bool = True) -> HandlerHost:
        host = HandlerHost(
            sim, timeout=timeout, journal=Journal.open(":memory:") if journal else None
        )
        hosts.append(host)
        return host

    make.releases = releases  # type: ignore[attr-defined]
    yield make
    for release in releases:
        release.set()
    for host in hosts:
        host.close(timeout=WAIT)
        if host.journal is not None:
            host.journal.close()


@pytest.fixture
def host(sim, make_host) -> HandlerHost:
    return make_host(sim)


def _plugin(host: HandlerHost, name: str, handlers: dict[str, Any]) -> None:
    def register(ad_api):
        for event, handler in handlers.items():
            for one in handler if isinstance(handler, list) else [handler]:
                ad_api.on(event, one)

    status = host.add_plugin(name, register)
    assert status.loaded, status.error


def _support_call(sim: Simulator, host: HandlerHost) -> str:
    """An inbound Customer Support call, accepted, held, resumed, hung up, completed."""
    steps = [
        sim.login,
        lambda: sim.set_agent_state("ready"),
        lambda: sim.offer_call("Customer Support"),
        lambda: sim.advance(3),
        sim.accept_interaction,
        lambda: sim.set_call_hold(True),
        lambda: sim.set_call_hold(False),
        lambda: sim.advance(40),
        sim.customer_hang_up,
        lambda: sim.set_disposition("Problem solved"),
        sim.complete_interaction,
    ]
    for step in steps:
        step()
        assert host.settle(WAIT)
    return sim.finished[-1].id


# ---------------------------------------------------------------------- delivery


def test_handlers_run_in_registration_order_with_the_exact_payloads(sim, recorder, host):
    calls: list[tuple[str, str, tuple[Any, ...]]] = []

    def keep(tag: str):
        def handler(*args):
            calls.append((tag, threading.current_thread().name, args))

        return handler

    every = {name.value: [keep("a1"), keep("a2")] for name in events_for(sim.api_version)}
    _plugin(host, "first", every)
    _plugin(host, "second", {name.value: keep("b") for name in events_for(sim.api_version)})
    _support_call(sim, host)

    expected = [(tag, e) for e in recorder.events for tag in ("a1", "a2", "b")]
    assert [tag for tag, _, _ in calls] == [tag for tag, _ in expected]
    for (_, thread, args), (_, event) in zip(calls, expected, strict=True):
        assert thread.startswith("adsim-handlers"), "handlers never run on the engine thread"
        assert args == event.args
        assert _wire(args) == list(event.wire_args)
    assert all(outcome.status == "ok" for outcome in host.outcomes)
    assert len(host.outcomes) == 3 * len(recorder.events)


# Every event an integration can subscribe to, with wire arguments as the widget posts them.
_INTERACTION = run_demo_call(Simulator(seed=3)).records()[-1]
_IID = _INTERACTION["interactionId"]
_RECORD = {"id": "R-1", "type": "Contact", "displayName": "Ann Lee", "displayType": "Contact"}
SAMPLE_ARGS: dict[EventName, tuple[Any, ...]] = {
    EventName.ON_LOGIN: (
        {"isLoggedIn": True, "agentId": "A-1", "username": "alice", "sessionId": "S-1"},
    ),
    EventName.ON_LOGOUT: (),
    EventName.ON_NEW_INTERACTION: (_INTERACTION,),
    EventName.ON_INTERACTION_STATE_CHANGE: (_INTERACTION,),
    EventName.ON_INTERACTION_REMOVED: (_INTERACTION,),
    EventName.ON_ACTIVE_INTERACTION_SWITCHED: (_IID,),
    EventName.ON_AGENT_STATE_CHANGE: ("not_ready", "Lunch"),
    EventName.ON_REQUEST_TRANSFER_DATA: (_IID,),
    EventName.ON_LOAD_TRANSFER_DATA: (_IID, {"crmCaseId": "C-1"}),
    EventName.ON_SEARCH_KNOWLEDGE_BASE: ("printer jam",),
    EventName.ON_GET_KNOWLEDGE_BASE_ARTICLE: ("KB-1",),
    EventName.ON_GET_KNOWLEDGE_BASE_FOLDER: ({"language": "en", "folderId": "F-1"},),
    EventName.ON_OPEN_RECORD: (_RECORD, _IID, {"inNewTab": False, "source": "user"}),
    EventName.ON_SEARCH_RECORDS: ({"text": "Ann", "types": ["Contact"]}, _IID, False),
    EventName.ON_SHOW_SCREEN: ({"url": "https://crm.example.com/r/1"}, _IID),
    EventName.ON_SCREEN_RECORDING_STATE_CHANGE: (
        {"allowed": True, "active": True, "muted": False},
    ),
    EventName.ON_WIDGET_MINIMIZED_CHANGE: (True,),
    EventName.ON_SERVER_ERROR: (
        {"code": 108, "name": "user_already_logged_in", "timestamp": 1767603600000},
    ),
    EventName.ON_SOFTPHONE_STATUS_CHANGE: (False, "no microphone"),
    EventName.ON_AUDIO_DEVICE_CHANGE: ("Headset microphone", "Headset"),
    EventName.ON_PHONE_CAPABILITIES_CHANGE: (
        {"canDial": True, "canAnswer": True, "canHold": False, "canRetrieve": False},
    ),
    EventName.ON_CALL_AUDIO_QUALITY_ALERT: ("CALL-1", True),
    EventName.ON_WEB_SCREEN_POP_CUSTOM: (
        _IID,
        {
            "action": "OPEN_WEB_PAGE",
            "url": "https://crm.example.com/search?phone=1",
            "content": "",
            "label": "Customer record",
            "popUponAnswer": True,
            "keepPopupOpenAfterFinish": False,
            "popup": False,
        },
    ),
    EventName.ON_SAVE_ACTIVITY_RECORD: (_INTERACTION,),
    # 5.24.1 and later only: `selected` is a list there.
    EventName.ON_VALIDATE_ASSOCIATED_RECORDS: (_IID, {"list": [], "selected": []}),
    EventName.ON_REQUEST_RECORD_INFO: ({"id": "R-1", "type": "Contact"},),
    EventName.ON_REQUEST_RECORD_ON_SCREEN: (),
    EventName.ON_SUMMARY_GENERATION_STARTED: (_IID,),
    EventName.ON_SUMMARY_GENERATION_COMPLETED: (
        {"interactionId": _IID, "success": True, "topics": [{"name": "Reason", "value": "Bill"}]},
    ),
    EventName.ON_VOICE_TRANSCRIPT_MESSAGE: ({"text": "hello", "party": "customer"},),
}


def test_every_event_name_has_a_delivery_sample():
    """A new event name fails here until the delivery test below exercises it."""
    assert set(SAMPLE_ARGS) == set(EventName)


@pytest.mark.parametrize("name", list(EventName), ids=lambda name: name.value)
def test_every_event_reaches_its_handler_with_the_js_positional_arguments(
    sim, host, make_host, name
):
    if EVENTS[name].since != "5.19":  # a later event: a simulator of the version that has it
        sim = Simulator(seed=7, settings=Settings(api_version=EVENTS[name].since))
        host = make_host(sim)
    received: list[tuple[Any, ...]] = []
    _plugin(host, "spy", {name.value: lambda *args: received.append(args)})
    wire = SAMPLE_ARGS[name]
    answers: list[Any] = []
    sim.bus.emit(name, sim.now_ms, wire, None, answers.append)
    sim.bus.flush()
    assert host.settle(WAIT)

    assert received == [typed_args(name, wire)]
    assert _wire(received[0]) == list(wire)
    if EVENTS[name].needs_response:
        assert answers == [EVENTS[name].default_response], "nobody answered: vendor default"
    [outcome] = host.outcomes
    assert (outcome.event_name, outcome.status, outcome.plugin) == (name.value, "ok", "spy")


def test_handlers_are_called_the_way_js_calls_callbacks(sim, host):
    got: dict[str, Any] = {}

    def pop_takes_one(interaction_id):
        got["one"] = interaction_id

    def state_takes_two(state, reason):
        got["two"] = (state, reason)

    def takes_all(*args):
        got["all"] = args

    _plugin(
        host,
        "arity",
        {
            "ON_WEB_SCREEN_POP_CUSTOM": pop_takes_one,
            "ON_AGENT_STATE_CHANGE": [state_takes_two, takes_all],
        },
    )
    sim.bus.emit(EventName.ON_WEB_SCREEN_POP_CUSTOM, sim.now_ms, SAMPLE_ARGS[
        EventName.ON_WEB_SCREEN_POP_CUSTOM
    ])  # fmt: skip
    sim.bus.emit(EventName.ON_AGENT_STATE_CHANGE, sim.now_ms, ("ready",))
    sim.bus.flush()
    assert host.settle(WAIT)
    assert got == {"one": _IID, "two": ("ready", None), "all": ("ready",)}


def test_remove_stops_delivery_and_unknown_names_are_rejected_with_a_suggestion(sim, host):
    seen: list[str] = []
    api = host.ad_api("p")

    def on_state(state, reason=None):
        seen.append(state)

    api.on("ON_AGENT_STATE_CHANGE", on_state)
    sim.login()
    assert host.settle(WAIT)
    api.remove("ON_AGENT_STATE_CHANGE", on_state)
    sim.set_agent_state("ready")
    assert host.settle(WAIT)
    assert seen == ["not_ready"]

    with pytest.raises(UnknownEventError, match="did you mean 'ON_SAVE_ACTIVITY_RECORD'"):
        api.on("ON_SAVE_ACTIVITY_RECRD", on_state)
    with pytest.raises(UnknownEventError, match="did you mean 'ON_LOGIN'"):
        api.on("on_login", on_state)
    with pytest.raises(UnknownEventError):
        api.remove("ON_NOTHING_LIKE_IT_AT_ALL", on_state)
    with pytest.raises(TypeError, match="needs a function"):
        api.on("ON_LOGIN", "not callable")


# ---------------------------------------------------------------------- answers


def _ask(sim: Simulator, host: HandlerHost, name: EventName) -> list[Any]:
    answers: list[Any] = []
    sim.bus.emit(name, sim.now_ms, SAMPLE_ARGS[name], None, answers.append)
    sim.bus.flush()
    assert host.settle(WAIT)
    return answers


def test_the_last_non_none_answer_wins(sim, host):
    _plugin(
        host,
        "crm",
        {
            "ON_REQUEST_TRANSFER_DATA": [
                lambda iid: {"first": 1},
                lambda iid: {"second": 2},
                lambda iid: None,
            ]
        },
    )
    assert _ask(sim, host, EventName.ON_REQUEST_TRANSFER_DATA) == [{"second": 2}]
    journaled = host.journal.events()[-1]
    assert journaled.answer == {"second": 2}


def test_coroutine_handlers_are_awaited_on_the_handler_thread(make_host):
    sim = Simulator(seed=7, settings=Settings(api_version="5.24.1"))
    host = make_host(sim)

    async def validate(interaction_id, records):
        await asyncio.sleep(0)
        return {"valid": False, "message": f"link a record to {interaction_id}"}

    _plugin(host, "async", {"ON_VALIDATE_ASSOCIATED_RECORDS": validate})
    assert _ask(sim, host, EventName.ON_VALIDATE_ASSOCIATED_RECORDS) == [
        {"valid": False, "message": f"link a record to {_IID}"}
    ]
    assert host.outcomes[-1].result == {"valid": False, "message": f"link a record to {_IID}"}


def test_a_screen_pop_answer_reaches_the_engine(sim, host):
    _plugin(host, "pop", {"ON_WEB_SCREEN_POP_CUSTOM": lambda iid, pop: True})
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_call("Customer Support")
    sim.accept_interaction()
    assert host.settle(WAIT)
    [inter] = sim.interactions
    assert inter.screen_pop_suppressed is True
    assert host.journal.events()[-1].name == EventName.ON_WEB_SCREEN_POP_CUSTOM
    assert [e for e in host.journal.events() if e.answer is not None][-1].answer is True


@pytest.mark.parametrize(
    ("name", "junk"),
    [
        (EventName.ON_WEB_SCREEN_POP_CUSTOM, "yes"),
        (EventName.ON_REQUEST_TRANSFER_DATA, {"when": object()}),
        (EventName.ON_REQUEST_TRANSFER_DATA, ["not", "an", "object"]),
        (EventName.ON_VALIDATE_ASSOCIATED_RECORDS, {"valid": "maybe"}),
        (EventName.ON_SEARCH_KNOWLEDGE_BASE, [{"text": "no id"}]),
        (EventName.ON_REQUEST_RECORD_INFO, {"id": "R-1"}),
        (EventName.ON_WEB_SCREEN_POP_CUSTOM, float("nan")),
    ],
)
def test_junk_answers_are_reported_and_the_default_or_earlier_answer_is_used(
    sim, host, make_host, name, junk
):
    if EVENTS[name].since != "5.19":
        sim = Simulator(seed=7, settings=Settings(api_version=EVENTS[name].since))
        host = make_host(sim)
    earlier = {
        EventName.ON_WEB_SCREEN_POP_CUSTOM: None,
        EventName.ON_REQUEST_TRANSFER_DATA: {"crmCaseId": "C-7"},
    }.get(name)
    _plugin(host, "good", {name.value: lambda *args: earlier})
    _plugin(host, "junk", {name.value: lambda *args: junk})
    expected = earlier if earlier is not None else EVENTS[name].default_response
    assert _ask(sim, host, name) == [expected]
    good, bad = host.outcomes
    assert good.status == "ok"
    assert bad.status == "junk"
    assert name.value in bad.error
    assert host.failures == [bad]


@pytest.mark.parametrize(
    ("junk", "where"),
    [
        (
            {"case": "C-1", "due": datetime.date(2026, 1, 2)},
            "dict: ['due'] is of type datetime.date",
        ),
        ({"case": {"score": float("nan")}}, "dict: ['case']['score'] is nan"),
        ({"tags": [1, b"x"]}, "dict: ['tags'][1] is of type bytes"),
        ({(1, 2): "x"}, "dict: a key is of type tuple"),
        (object(), "object"),
    ],
)
def test_a_junk_answer_says_where_inside_it_json_failed(sim, host, junk, where):
    # "answer is not JSON (dict); return JSON data" named no key: a date deep in a CRM case
    # was left to guess.
    _plugin(host, "junk", {"ON_REQUEST_TRANSFER_DATA": lambda *args: junk})
    _ask(sim, host, EventName.ON_REQUEST_TRANSFER_DATA)
    [bad] = host.outcomes
    assert (bad.status, bad.error) == (
        "junk",
        f"ON_REQUEST_TRANSFER_DATA answer is not JSON ({where}); return JSON data",
    )


# ---------------------------------------------------------------------- isolation


def _misbehaving_run(make_host, seed: int, *, misbehave: bool):
    sim = Simulator(seed=seed, settings=Settings(ring_timeout_seconds=None))
    recorder = EventRecorder()
    sim.subscribe(recorder)
    # A hang is given up at once (``Hang``); any other call has the time a busy machine may take.
    host = make_host(sim, timeout=WAIT)
    release = Hang(host)
    make_host.releases.append(release)
    good: list[tuple[int, str]] = []

    def keep(*args):
        good.append(args)

    if misbehave:

        def explode(*args):
            raise RuntimeError("CRM is down")

        hung: set[str] = set()

        def hang(*args):
            kind = type(args[0]).__name__
            if kind not in hung:  # once per event kind
                hung.add(kind)
                release.wait(WAIT)

        _plugin(
            host,
            "bad",
            {
                "ON_NEW_INTERACTION": explode,
                "ON_AGENT_STATE_CHANGE": hang,
                "ON_WEB_SCREEN_POP_CUSTOM": lambda *args: "junk",
                "ON_SAVE_ACTIVITY_RECORD": [explode, hang],
            },
        )
    _plugin(host, "good", {name.value: keep for name in events_for(sim.api_version)})
    _support_call(sim, host)
    return recorder, good, host


def test_raising_hanging_and_junk_handlers_cost_the_others_nothing(make_host):
    clean, clean_good, clean_host = _misbehaving_run(make_host, 11, misbehave=False)
    dirty, dirty_good, dirty_host = _misbehaving_run(make_host, 11, misbehave=True)

    assert dirty.jsonl() == clean.jsonl(), "no simulated event changed"
    assert dirty_good == clean_good, "the good handler got every event, in order"
    assert clean_host.failures == []
    statuses = [(o.event_name, o.status) for o in dirty_host.failures]
    assert ("ON_NEW_INTERACTION", "error") in statuses
    assert ("ON_AGENT_STATE_CHANGE", "timeout") in statuses
    assert ("ON_WEB_SCREEN_POP_CUSTOM", "junk") in statuses
    assert ("ON_SAVE_ACTIVITY_RECORD", "error") in statuses
    assert ("ON_SAVE_ACTIVITY_RECORD", "timeout") in statuses
    error = next(o for o in dirty_host.failures if o.status == "error")
    assert "RuntimeError: CRM is down" in error.error
    assert "raise RuntimeError" in error.traceback
    timeout = next(o for o in dirty_host.failures if o.status == "timeout")
    assert "api_not_answer" in timeout.error
    assert "release.wait" in timeout.traceback, "the timeout shows where the handler was stuck"
    assert timeout.duration_ms > 0
    journaled = {(o.event_name, o.status) for o in dirty_host.journal.outcomes()}
    assert set(statuses) <= journaled


def test_wait_idle_reports_a_handler_still_running(sim, make_host):
    host = make_host(sim, timeout=WAIT)
    release = threading.Event()
    make_host.releases.append(release)
    _plugin(host, "slow", {"ON_LOGIN": lambda state: release.wait(WAIT)})
    sim.login()
    assert host.wait_idle(0.01) is False
    assert host.pending == 1
    release.set()
    assert host.wait_idle(WAIT) is True
    assert host.outcomes[-1].status == "ok"


def test_a_hung_handler_on_an_answer_event_leaves_the_default(sim, make_host):
    host = make_host(sim, timeout=0.1)
    release = threading.Event()
    make_host.releases.append(release)
    _plugin(host, "stuck", {"ON_WEB_SCREEN_POP_CUSTOM": lambda *a: release.wait(WAIT) or True})
    assert _ask(sim, host, EventName.ON_WEB_SCREEN_POP_CUSTOM) == [False]
    assert host.outcomes[-1].status == "timeout"


# ---------------------------------------------------------------------- ad_api from handlers


def test_ad_api_calls_from_a_handler_act_as_the_agent_with_the_same_preconditions(sim, host):
    results: dict[str, Any] = {}
    api = host.ad_api("crm")

    def on_new(interaction):
        results["complete_early"] = api.complete_interaction(interaction.interaction_id)
        results["accept"] = api.accept_interaction(interaction.interaction_id)
        results["state"] = api.get_agent_state().data["state"]

    api.on("ON_NEW_INTERACTION", on_new)
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_call("Sales")
    assert host.settle(WAIT)

    assert results["complete_early"].error.code == ResultErrorCode.not_suitable_state
    assert results["accept"].ok
    assert results["state"] == "busy"
    [inter] = sim.interactions
    assert inter.state.value == "delivered"
    accept = [a for a in sim.actions if a.name == "accept_interaction"]
    assert [a.by_subscriber for a in accept] == [True]


def test_ad_api_calls_after_close_answer_api_not_answer(sim, make_host):
    host = make_host(sim)
    api = host.ad_api("late")
    host.close()
    box: list[Any] = []
    worker = threading.Thread(target=lambda: box.append(api.get_agent_state()))
    worker.start()
    worker.join(WAIT)
    assert box[0].error.code == ResultErrorCode.api_not_answer


def test_outcome_subscribers_run_on_the_handler_thread(sim, host):
    threads: list[str] = []
    host.subscribe_outcomes(lambda outcome: threads.append(threading.current_thread().name))
    _plugin(host, "p", {"ON_LOGIN": lambda state: None})
    sim.login()
    assert host.settle(WAIT)
    assert len(threads) == 1
    assert threads[0].startswith("adsim-handlers")
    assert threads[0] != threading.current_thread().name


def test_events_nobody_handles_never_reach_the_handler_thread(sim, host, recorder):
    sim.login()
    sim.set_agent_state("ready")
    assert host.pending == 0
    assert host.outcomes == []
    assert len(host.journal.events()) == len(recorder.events), "but every event is journaled"


# ---------------------------------------------------------------------- feedback loops


def _note_on_wrap_up(host: HandlerHost, results: list[Any]) -> None:
    """A plugin with the reviewer's bug: a note on each state change of a call in wrap-up (a
    note is itself a state change)."""

    def register(ad_api):
        def on_change(interaction):
            if interaction.state.value == "wrap_up":
                results.append(ad_api.add_note("wrap-up seen"))

        ad_api.on("ON_INTERACTION_STATE_CHANGE", on_change)

    assert host.add_plugin("noter", register).loaded


def _leave_a_call(sim: Simulator, host: HandlerHost) -> None:
    """An accepted Sales call the agent leaves: it goes to wrap-up (not settled yet)."""
    for step in (
        sim.login,
        lambda: sim.set_agent_state("ready"),
        lambda: sim.offer_call("Sales"),
        lambda: sim.advance(3),
        sim.accept_interaction,
    ):
        step()
        assert host.settle(WAIT)
    assert sim.leave_interaction().ok


def test_a_handler_acting_on_its_own_events_is_stopped_and_named(sim, host):
    results: list[Any] = []
    _note_on_wrap_up(host, results)
    _leave_a_call(sim, host)
    before = sim.bus.count
    with pytest.raises(HandlerLoopError) as caught:
        host.settle(WAIT, max_events=200)
    error = caught.value
    assert error.events == 200
    assert sim.bus.count - before == 200, "stopped at the limit, not later"
    [chain] = error.chains
    assert (chain.event, chain.plugin, chain.method, chain.count) == (
        "ON_INTERACTION_STATE_CHANGE",
        "noter",
        "add_note",
        200,
    )
    assert chain.handler.endswith("on_change")
    assert str(error).startswith(
        "handlers kept acting on their own events: 200 events in one step "
        f"(ON_INTERACTION_STATE_CHANGE -> noter:{chain.handler} calling add_note, 200 times); "
        "a handler that acts on the event its own action causes loops forever"
    )
    # The call past the limit was answered, not run; nothing is left waiting.
    assert [r.ok for r in results] == [True] * 200 + [False]
    assert results[-1].error.code == ResultErrorCode.api_not_answer
    assert "handlers kept acting on their own events" in results[-1].error.message
    assert host.pending == 0
    assert host.failures == [], "the handler itself returned normally"
    # Each settle has its own budget; the host goes on working.
    assert host.settle(WAIT)
    assert sim.leave_and_complete_interaction("Product sold", None).ok
    assert host.settle(WAIT)
    assert results[-1].error.code == ResultErrorCode.no_interaction, "completed: the loop ends"


def test_a_loop_stops_at_the_same_event_every_time(tenant, make_host):
    runs = []
    for _ in range(2):
        sim = Simulator(tenant, seed=11)
        recorder = EventRecorder()
        sim.subscribe(recorder)
        host = make_host(sim)
        _note_on_wrap_up(host, [])
        _leave_a_call(sim, host)
        with pytest.raises(HandlerLoopError):
            host.settle(WAIT, max_events=50)
        runs.append(recorder.jsonl())
    assert runs[0] == runs[1]


def test_the_default_limit_stops_a_loop_and_spares_a_busy_step(sim, host):
    assert host.max_events == MAX_EVENTS_PER_SETTLE
    results: list[Any] = []

    def register(ad_api):
        def busy(interaction):
            # Not a loop: many actions, each a state change nobody here acts on.
            results.extend(ad_api.add_note(f"note {n}") for n in range(100))

        ad_api.on("ON_NEW_INTERACTION", busy)

    host.add_plugin("busy", register)
    _note_on_wrap_up(host, results)
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_call("Sales")
    assert host.settle(WAIT)
    assert len(results) == 100 and all(r.ok for r in results)
    sim.advance(3)
    sim.accept_interaction()
    assert host.settle(WAIT)
    sim.leave_interaction()
    with pytest.raises(HandlerLoopError, match=r"^handlers kept acting .*: 1,000 events in one"):
        host.settle(WAIT)
    assert host.pending == 0


def test_max_events_must_be_positive_or_none(sim):
    with pytest.raises(ValueError, match="max_events must be positive or None, got 0"):
        HandlerHost(sim, max_events=0)
