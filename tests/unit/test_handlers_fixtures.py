"""The sample plugins in fixtures/handlers: CSV logger, mini CRM, and the misbehaving one."""

from __future__ import annotations

import csv
import importlib.util
import sqlite3
from pathlib import Path

import pytest

from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.journal import Journal
from tests.unit.give_up import hangs_given_up

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "handlers"
WAIT = 10.0


@pytest.fixture
def host(sim):
    host = HandlerHost(sim, timeout=WAIT, journal=Journal.open(":memory:"))
    yield host
    host.close(timeout=WAIT)
    host.journal.close()


def _call(sim: Simulator, host: HandlerHost, *, transfer: bool = False) -> str:
    steps = [
        lambda: sim.offer_call("Customer Support"),
        sim.accept_interaction,
        lambda: sim.advance(30),
        (lambda: sim.blind_transfer("1002")) if transfer else sim.customer_hang_up,
    ]
    if not sim.agent.logged_in:
        steps[:0] = [sim.login, lambda: sim.set_agent_state("ready")]
    iid = None
    for step in steps:
        result = step()
        assert result is None or result.ok, result
        iid = iid or sim.active_interaction_id
        assert host.settle(WAIT)
    return iid


def test_csv_logger_appends_one_row_per_activity(sim, host, tmp_path, monkeypatch):
    log = tmp_path / "activities.csv"
    monkeypatch.setenv("ADSIM_CSV_LOG", str(log))
    host.load(FIXTURES / "csv_logger.py")
    first = _call(sim, host)
    sim.complete_interaction(first)
    assert host.settle(WAIT)
    second = _call(sim, host)
    sim.complete_interaction(second)
    assert host.settle(WAIT)
    with log.open(encoding="utf-8") as lines:
        rows = list(csv.DictReader(lines))
    assert [r["interactionId"] for r in rows] == [first, second]
    assert rows[0]["service"] == "Customer Support"
    assert host.failures == []


def test_mini_crm_answers_transfer_data_and_sets_a_disposition(sim, host, tmp_path, monkeypatch):
    db_path = tmp_path / "crm.sqlite3"
    monkeypatch.setenv("ADSIM_MINI_CRM_DB", str(db_path))
    [status] = host.load(FIXTURES / "mini_crm.py")
    assert status.loaded and status.handler_count == 4

    iid = _call(sim, host, transfer=True)
    inter = sim.interaction(iid)
    assert inter.transfer_data == {"crmCaseId": "CASE-00001", "source": "mini_crm"}
    assert inter.associated[0]["id"].startswith("CONTACT-")
    assert inter.disposition == "Problem solved", "set through ad_api in wrap-up"
    by_handler = [a for a in sim.actions if a.by_subscriber]
    assert {a.name for a in by_handler} == {"add_interaction_associated_object", "set_disposition"}

    assert sim.complete_interaction(iid).ok
    assert host.settle(WAIT)
    db = sqlite3.connect(db_path)
    [(stored_id, kind, disposition)] = db.execute(
        "SELECT interaction_id, type, disposition FROM activities"
    ).fetchall()
    db.close()
    assert (stored_id, kind, disposition) == (iid, "voice", "Problem solved")
    assert host.failures == []


def test_misbehaving_raises_hangs_and_answers_junk_and_the_call_goes_on(sim, tmp_path, monkeypatch):
    monkeypatch.setenv("ADSIM_MISBEHAVING_HANG", str(WAIT * 6))
    # Its hang is given up at once; any other call has the time a busy machine may take.
    hangs_given_up(monkeypatch)
    host = HandlerHost(sim, timeout=WAIT)
    try:
        host.load(FIXTURES / "misbehaving.py")
        iid = _call(sim, host, transfer=True)
        assert sim.interaction(iid).transfer_data is None, "junk transfer data: none sent"
        assert sim.interaction(iid).screen_pop_suppressed is False, "junk answer: default"
        assert sim.complete_interaction(iid).ok
        assert host.settle(WAIT)
    finally:
        host.close()  # its close() ends the hang
    statuses = {(o.event_name, o.status) for o in host.failures}
    assert statuses == {
        ("ON_NEW_INTERACTION", "error"),
        ("ON_INTERACTION_STATE_CHANGE", "timeout"),
        ("ON_WEB_SCREEN_POP_CUSTOM", "junk"),
        ("ON_REQUEST_TRANSFER_DATA", "junk"),
    }
    assert sim.finished[-1].id == iid


def test_misbehaving_hangs_once_per_adsim_process_not_once_per_plugin_process(
    monkeypatch, tmp_path
):
    """In process isolation a timeout replaces the plugin's process: the fresh one forgot the
    hang and hung on every later state change (the documented demo: 8 timeouts, not 1)."""
    monkeypatch.setenv("ADSIM_MISBEHAVING_HANG", "0")
    marker = tmp_path / "hung"  # a file of this test's own: never another run's

    def fresh_process_copy(name: str):  # a new import, as a fresh plugin process makes
        spec = importlib.util.spec_from_file_location(name, FIXTURES / "misbehaving.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert module._MARKER is None, "in a test's process: no marker file"
        module._MARKER = marker  # as in a plugin process of adsim's
        return module

    first = fresh_process_copy("misbehaving_first")
    try:
        assert first.hang_once(None) == "woke up", "the first state change hangs"
        second = fresh_process_copy("misbehaving_second")
        assert second.hang_once(None) is None, "the replacement does not hang again"
    finally:
        first.close()
    assert not marker.exists(), "close() leaves nothing behind"
