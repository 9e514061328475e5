"""Handler output of hostile size: a huge result, exception or answer is kept cut to documented
limits with a marker saying how long it was (never a silent cut), an answer too big to use is
refused whole, and a result whose ``repr`` never returns is the handler's timeout, in both
isolation modes."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from simulator.contract import EventName
from simulator.data import load_tenant
from simulator.engine import Simulator
from simulator.handlers import HandlerHost, HandlerOutcome
from simulator.handlers.limits import (
    ANSWER_LIMIT,
    ERROR_LIMIT,
    RESULT_LIMIT,
    TRACEBACK_LIMIT,
    clipped,
    kept_packet,
)
from simulator.journal import Journal
from simulator.web import NodeHandler, PageEndpoint, find_node

ISOLATIONS = ["thread", "process"]
WAIT = 120.0
"""Bound on waits for the handlers (never reached when things work: a failure, not a hang)."""

HUGE = f"""
    def big_text(interaction):
        return "x" * {ANSWER_LIMIT + 1}  # over what may cross whole

    def big_list(interaction):
        return list(range({ANSWER_LIMIT // 4}))  # over 1 MiB of JSON

    def long_list(interaction):
        return list(range({RESULT_LIMIT // 4}))  # crosses whole, journaled cut

    def raises(interaction):
        raise ValueError("y" * {TRACEBACK_LIMIT * 3})

    def register(ad_api):
        for handler in (big_text, big_list, long_list, raises):
            ad_api.on("ON_NEW_INTERACTION", handler)
"""


def _host(tmp_path: Path, isolation: str, text: str, timeout: float = 30.0) -> HandlerHost:
    path = tmp_path / "hostile.py"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    host = HandlerHost(
        Simulator(load_tenant(), seed=7),
        timeout=timeout,
        journal=Journal.open(tmp_path / "journal.sqlite3"),
        isolation=isolation,
    )
    (status,) = host.load(path)
    assert status.loaded, status.error
    return host


def _transfer(host: HandlerHost, iid: str) -> None:
    """A blind transfer of ``iid`` (which asks the handlers for transfer data), its answers
    taken and their continuations run; the journal's held rows written."""
    assert host.sim.blind_transfer("1002", None, iid).ok
    assert host.settle(timeout=WAIT)
    host.sim.drain_posted()
    assert host.settle(timeout=WAIT)
    assert host.journal is not None
    host.journal.flush()


def _call(host: HandlerHost) -> str:
    """A call offered to the agent and accepted, the handlers done: its interaction id."""
    sim = host.sim
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_call("Customer Support")
    assert host.settle(timeout=WAIT)
    sim.advance(3)
    assert host.settle(timeout=WAIT)
    iid = sim.active_interaction_id
    assert iid is not None
    assert sim.accept_interaction(iid).ok
    assert host.settle(timeout=WAIT)
    return iid


def _close(host: HandlerHost) -> None:
    host.close()
    assert host.journal is not None
    host.journal.close()


def test_a_short_text_is_kept_whole():
    assert clipped("abc", 3, "result") == "abc"
    assert clipped("", 0, "result") == ""


@pytest.mark.parametrize(("tail", "lines"), [(False, False), (True, False), (True, True)])
def test_a_long_text_is_cut_to_the_limit_with_its_length_said(tail, lines):
    text = "a" * 500 + "b" * 99_500 + "z"
    cut = clipped(text, 2_000, "traceback", tail=tail, lines=lines)
    assert len(cut) <= 2_000
    assert cut.startswith("a" * 100)
    assert "100,001 characters in all" in cut or "here: 100,001 in all" in cut
    assert cut.endswith("z") is tail  # a traceback's end (its message) is kept
    assert ("\n[adsim cut" in cut) is lines
    assert clipped(cut, 2_000, "traceback", tail=tail, lines=lines) == cut  # never cut again


def test_an_outcome_made_with_hostile_text_keeps_it_cut():
    outcome = HandlerOutcome(
        1,
        "ON_NEW_INTERACTION",
        None,
        "h",
        "p",
        1.0,
        "error",
        result="r" * (RESULT_LIMIT + 1),
        error="ValueError: " + "e" * ERROR_LIMIT + " (file.mjs:3)",
        traceback="Traceback (most recent call last):\n" + "t" * TRACEBACK_LIMIT + "\nEnd",
    )
    assert len(outcome.result) <= RESULT_LIMIT
    assert f"{RESULT_LIMIT + 1:,} characters in all" in outcome.result
    assert len(outcome.error) <= ERROR_LIMIT
    assert f"{ERROR_LIMIT + 25:,} in all" in outcome.error
    assert outcome.error.startswith("ValueError: eee")
    assert outcome.error.endswith("eee (file.mjs:3)")  # a JS error's file:line is at its end
    assert "\n" not in outcome.error
    assert len(outcome.traceback) <= TRACEBACK_LIMIT
    assert outcome.traceback.startswith("Traceback (most recent call last):")
    assert outcome.traceback.endswith("\nEnd")
    assert len(outcome.line()) < ERROR_LIMIT + 200


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_huge_results_and_exceptions_are_journaled_cut_with_their_size(tmp_path, isolation):
    host = _host(tmp_path, isolation, HUGE)
    try:
        _call(host)
        assert host.journal is not None
        host.journal.flush()
        rows = {row.handler: row for row in host.journal.outcomes()}
        kept = {outcome.handler: outcome for outcome in host.outcomes}
    finally:
        _close(host)
    assert sorted(rows) == ["big_list", "big_text", "long_list", "raises"]
    for name in ("big_text", "big_list", "long_list"):
        assert rows[name].status == "ok", rows[name].error
        assert isinstance(rows[name].result, str) and len(rows[name].result) <= RESULT_LIMIT
        assert rows[name].result == kept[name].result
    assert rows["big_text"].result.startswith("xxxx")
    assert f"{ANSWER_LIMIT + 1:,} characters in all" in rows["big_text"].result
    big_list = len(str(list(range(ANSWER_LIMIT // 4))))  # json.dumps's text is as long
    assert rows["big_list"].result.startswith("[0, 1, 2, ")
    assert f"JSON text here: {big_list:,} characters in all" in rows["big_list"].result
    long_list = len(str(list(range(RESULT_LIMIT // 4))))
    assert f"{long_list:,} characters in all" in rows["long_list"].result
    raised = rows["raises"]
    assert raised.status == "error"
    assert raised.error.startswith("ValueError: yyy") and len(raised.error) <= ERROR_LIMIT
    assert f"{TRACEBACK_LIMIT * 3 + 12:,} in all" in raised.error
    assert raised.traceback.startswith("Traceback (most recent call last):")
    assert "hostile.py" in raised.traceback and len(raised.traceback) <= TRACEBACK_LIMIT
    assert "characters of this traceback here" in raised.traceback
    assert raised.traceback.rstrip().endswith("yyyy")


ANSWERS = f"""
    def earlier(interaction_id):
        return {{"crmCase": "C-9"}}

    def huge(interaction_id):
        return {{"crmCase": "z" * {ANSWER_LIMIT}}}

    def register(ad_api):
        ad_api.on("ON_REQUEST_TRANSFER_DATA", earlier)
        ad_api.on("ON_REQUEST_TRANSFER_DATA", huge)
"""


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_an_answer_over_the_limit_is_refused_whole(tmp_path, isolation):
    host = _host(tmp_path, isolation, ANSWERS)
    try:
        iid = _call(host)
        _transfer(host, iid)
        asked = [e for e in host.journal.events() if e.name == "ON_REQUEST_TRANSFER_DATA"]
        outcomes = [(o.handler, o.status) for o in host.outcomes]
        huge = host.outcomes[-1]
    finally:
        _close(host)
    assert outcomes == [("earlier", "ok"), ("huge", "junk")]
    size = len('{"crmCase": ""}') + ANSWER_LIMIT
    assert huge.error == (
        f"ON_REQUEST_TRANSFER_DATA answer is {size:,} characters of JSON, over adsim's limit of "
        f"{ANSWER_LIMIT:,}; it was not used (the earlier answer or the default was): return "
        "less, or a reference to the data"
    )
    assert isinstance(huge.result, str) and len(huge.result) <= RESULT_LIMIT
    (event,) = asked
    assert event.answer == {"crmCase": "C-9"}  # the earlier answer, used whole


SLOW_REPR = """
    import threading

    RELEASE = threading.Event()

    class Slow:
        def __repr__(self):
            RELEASE.wait(60)  # the test sets it once the timeout is reported
            return "<Slow>"

    def register(ad_api):
        ad_api.on("ON_NEW_INTERACTION", lambda interaction: Slow())
"""


def test_a_repr_that_never_returns_is_the_handlers_timeout_in_thread_mode(tmp_path):
    host = _host(tmp_path, "thread", SLOW_REPR, timeout=0.5)
    release = host.registry.handlers(EventName.ON_NEW_INTERACTION)[0].handler.__globals__["RELEASE"]
    try:
        _call(host)
        statuses = [(o.event_name, o.status) for o in host.outcomes]
    finally:
        release.set()  # the abandoned handler thread ends
        _close(host)
    assert statuses == [("ON_NEW_INTERACTION", "timeout")]


JS_MODULE = f"""
export function register(adApi) {{
  adApi.on("ON_NEW_INTERACTION", () => {{ throw new Error("j".repeat({TRACEBACK_LIMIT * 3})); }});
  adApi.on("ON_REQUEST_TRANSFER_DATA", () => ({{ crmCase: "z".repeat({ANSWER_LIMIT}) }}));
}}
"""


@pytest.mark.skipif(find_node() is None, reason="node is not installed (Node 18+)")
def test_a_js_modules_huge_error_is_kept_cut_and_its_huge_answer_refused(tmp_path):
    module = tmp_path / "hostile.mjs"
    module.write_text(JS_MODULE, encoding="utf-8")
    host = HandlerHost(
        Simulator(load_tenant(), seed=7), timeout=30.0, journal=Journal.open(":memory:")
    )
    try:
        NodeHandler(host, module).start()
        iid = _call(host)
        _transfer(host, iid)
        rows = [
            (row.event_name, row.status, row.error, row.result) for row in host.journal.outcomes()
        ]
        packets = {p.type: p for p in host.journal.packets() if p.direction == "in"}
        errors = [p.error for p in host.journal.packets() if p.type == "__handled__" and p.error]
        asked = [e for e in host.journal.events() if e.name == "ON_REQUEST_TRANSFER_DATA"]
    finally:
        _close(host)
    (raised, answered) = [row for row in rows if row[1] != "ok"]
    assert raised[:2] == ("ON_NEW_INTERACTION", "error")
    assert len(raised[2]) <= ERROR_LIMIT and "in all, the first" in raised[2]
    assert raised[2].endswith(f"jjj ({module}:3)")  # where it was thrown
    assert answered[:2] == ("ON_REQUEST_TRANSFER_DATA", "junk")
    assert f"over adsim's limit of {ANSWER_LIMIT:,}" in answered[2]
    assert len(answered[3]) <= RESULT_LIMIT
    (event,) = asked
    assert event.answer is None  # the default: the 1 MiB answer was not used
    (cut,) = packets["ON_REQUEST_TRANSFER_DATA_RESPONSE"].params  # journaled cut, said so
    assert len(cut) <= RESULT_LIMIT and cut.startswith('[{"crmCase": "zzz')
    size = len(json.dumps([{"crmCase": "z" * ANSWER_LIMIT}]))
    assert f"packet's params here: {size:,} characters in all" in cut
    (handled,) = errors  # the Error thrown, as the page's __handled__ said it
    assert len(handled) <= ERROR_LIMIT and "characters of this error here" in handled


def test_a_packet_of_hostile_size_from_a_page_is_journaled_cut(tmp_path):
    journal = Journal.open(":memory:")
    host = HandlerHost(Simulator(load_tenant(), seed=7), timeout=30.0, journal=journal)
    shown: list[dict[str, object]] = []
    try:
        endpoint = PageEndpoint(host, lambda packet: None, name="js:page")
        endpoint.subscribe_packets(lambda direction, packet: shown.append(packet))
        line = "w" * ANSWER_LIMIT
        endpoint.receive({"uid": "p1", "type": "__log__", "params": ["log", line]})
        endpoint.receive({"uid": "p2", "type": "__log__", "params": ["log", "short"]})
        journal.flush()
        packets = [(p.uid, p.params) for p in journal.packets(plugin="js:page")]
    finally:
        host.close()
        journal.close()
    ((first, (cut,)), second) = packets
    assert first == "p1" and len(cut) <= RESULT_LIMIT and cut.startswith('["log", "www')
    assert f"{len(json.dumps(['log', line])):,} characters in all" in cut
    assert second == ("p2", ["log", "short"])  # the rest exactly as it came
    assert [packet["params"] for packet in shown] == [[cut], ["log", "short"]]


def test_a_packet_within_the_limit_is_kept_as_it_came():
    packet = {"uid": "u", "type": "X_RESPONSE", "params": [{"a": "b" * 1000}], "error": "e"}
    assert kept_packet(packet) is packet
    cut = kept_packet({**packet, "error": "e" * (ERROR_LIMIT + 1)})
    assert len(cut["error"]) <= ERROR_LIMIT and cut["params"] == packet["params"]
