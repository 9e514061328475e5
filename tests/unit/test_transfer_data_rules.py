"""The vendor's transfer-data rules: a flat object, and at most a 2 s wait for the answer."""

from __future__ import annotations

import threading

import pytest

from simulator.data import load_tenant
from simulator.engine import EventRecorder, Settings, Simulator
from simulator.handlers import HandlerHost
from simulator.journal import Journal

WAIT = 30.0
"""Generous bound for waits on threads (never reached when things work)."""

NESTED = {"case": {"id": "C-1"}, "tags": ["a"]}


def _two(settings: Settings | None = None):
    """Jane on a connected customer call, Omar logged in and Ready."""
    sim = Simulator(load_tenant(), seed=4, settings=settings)
    omar = sim.center.add_agent("omar")
    loaded: list[tuple[str, object]] = []
    for desk in (sim, omar):
        desk.login()
        desk.set_agent_state("ready")
    call = sim.offer_call("Customer Support", {"phone": "+1 415 555 0123"})
    sim.accept_interaction()
    omar.on("ON_LOAD_TRANSFER_DATA", lambda iid, data: loaded.append((iid, data)))
    return sim, omar, loaded, sim.interaction(call.data["id"])


@pytest.fixture
def hosts():
    made: list[HandlerHost] = []
    releases: list[threading.Event] = []

    def make(sim: Simulator, handlers: dict) -> HandlerHost:
        host = HandlerHost(sim, timeout=WAIT, journal=Journal.open(":memory:"))
        made.append(host)

        def register(ad_api):
            for event, handler in handlers.items():
                ad_api.on(event, handler)

        assert host.add_plugin("crm", register).loaded
        return host

    make.releases = releases  # type: ignore[attr-defined]
    yield make
    for release in releases:
        release.set()
    for host in made:
        host.close(timeout=WAIT)
        host.journal.close()


def test_nested_transfer_data_is_invalid_args_and_changes_nothing_by_default():
    jane, omar, loaded, call = _two()
    result = jane.blind_transfer("1002", NESTED)
    assert result.error.name == "invalid_args"
    assert "'case' holds dict" in result.error.message
    assert call.state.value == "delivered"
    assert omar.interactions == [] and loaded == []
    assert jane.blind_transfer("1002", {"caseId": "C-1", "n": 2, "vip": True, "x": None}).ok
    assert loaded == [(omar.interactions[0].id, {"caseId": "C-1", "n": 2, "vip": True, "x": None})]


def test_any_json_is_taken_with_transfer_data_shape_any():
    jane, omar, loaded, _call = _two(Settings(transfer_data_shape="any"))
    assert jane.blind_transfer("1002", NESTED).ok
    assert loaded == [(omar.interactions[0].id, NESTED)]


def test_a_nested_answer_transfers_without_data_as_the_widget_does():
    jane, omar, loaded, call = _two()
    recorder = EventRecorder()
    omar.subscribe(recorder)
    jane.on("ON_REQUEST_TRANSFER_DATA", lambda iid: NESTED)
    assert jane.blind_transfer("1002").ok
    assert call.state.value == "wrap_up"
    assert len(omar.interactions) == 1  # the transfer went on
    assert loaded == [] and recorder.of("ON_LOAD_TRANSFER_DATA") == []


@pytest.mark.parametrize(("shape", "expected"), [("flat", []), ("any", [NESTED])])
def test_a_handlers_nested_answer_is_junk_unless_the_shape_is_any(hosts, shape, expected):
    jane, omar, loaded, _call = _two(Settings(transfer_data_shape=shape))
    host = hosts(jane, {"ON_REQUEST_TRANSFER_DATA": lambda iid: NESTED})
    assert jane.blind_transfer("1002").ok
    assert host.settle(WAIT)
    jane.drain_posted()
    assert [data for _iid, data in loaded] == expected
    assert len(omar.interactions) == 1
    (outcome,) = host.journal.outcomes()
    assert outcome.status == ("junk" if shape == "flat" else "ok")


@pytest.mark.parametrize(("shape", "status"), [("flat", "invalid_args"), ("any", None)])
def test_an_api_call_with_nested_data_is_invalid_args_unless_the_shape_is_any(hosts, shape, status):
    jane, _omar, loaded, _call = _two(Settings(transfer_data_shape=shape))
    host = hosts(jane, {})
    api = host.ad_api("crm")
    results = []

    def on_state(*args):  # from a handler, as an integration calls it
        if not results:
            results.append(api.blind_transfer("1002", NESTED))

    api.on("ON_INTERACTION_STATE_CHANGE", on_state)
    assert jane.set_call_hold(True).ok
    assert host.settle(WAIT)
    jane.drain_posted()
    (result,) = results
    assert (result.error.name if result.error else None) == status
    assert [data for _iid, data in loaded] == ([] if status else [NESTED])


def test_the_transfer_goes_on_without_data_when_the_answer_takes_longer_than_the_wait(
    hosts, monkeypatch
):
    jane, omar, loaded, call = _two(Settings(transfer_data_wait_seconds=0.05))
    release = threading.Event()
    hosts.releases.append(release)

    def slow(iid):
        release.wait(WAIT)  # the CRM is slow: longer than the widget waits
        return {"caseId": "late"}

    host = hosts(jane, {"ON_REQUEST_TRANSFER_DATA": slow})
    gave_up = threading.Event()
    post = jane.post
    monkeypatch.setattr(jane, "post", lambda work: (post(work), gave_up.set()))
    assert jane.blind_transfer("1002").ok
    assert call.state.value == "delivered"  # waiting for the answer
    assert gave_up.wait(WAIT)  # the wait is over: the simulation goes on
    jane.drain_posted()
    assert call.state.value == "wrap_up"
    assert len(omar.interactions) == 1 and loaded == []
    release.set()
    assert host.settle(WAIT)
    jane.drain_posted()
    assert loaded == []  # the late answer is dropped
    (outcome,) = host.journal.outcomes()
    assert outcome.status == "timeout"
    assert "after the widget's 0.05 s wait" in outcome.error
    [event] = [e for e in host.journal.events() if e.name == "ON_REQUEST_TRANSFER_DATA"]
    assert event.answer is None


def test_an_answer_within_the_wait_is_used(hosts):
    jane, omar, loaded, _call = _two(Settings(transfer_data_wait_seconds=WAIT))
    host = hosts(jane, {"ON_REQUEST_TRANSFER_DATA": lambda iid: {"caseId": "C-2"}})
    assert jane.blind_transfer("1002").ok
    assert host.settle(WAIT)
    jane.drain_posted()
    assert loaded == [(omar.interactions[0].id, {"caseId": "C-2"})]
