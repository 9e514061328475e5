"""Every item model of the window passes ``qtmodeltester`` (empty, filled, filtered)."""

from __future__ import annotations

import pytest

from simulator.gui.inspector.eventlog import EventFilter
from simulator.gui.inspector.models import EventTableModel, OutcomeModel, PluginModel
from simulator.gui.panels.models import DirectoryModel, InteractionListModel

pytestmark = pytest.mark.gui


def _busy_sim(sim):
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_call()
    sim.accept_interaction()
    sim.set_call_hold(True)
    sim.offer_chat()
    sim.offer_email()
    return sim


def test_event_table_model(qtmodeltester, sim):
    from simulator.gui.inspector.eventlog import EventLog

    log = EventLog()
    sim.subscribe(log.append)
    model = EventTableModel(log)
    qtmodeltester.check(model)
    _busy_sim(sim)
    model.sync()
    assert model.rowCount() == len(log) > 5
    qtmodeltester.check(model)
    iid = sim.interactions[0].id
    model.set_filter(EventFilter(name="ON_INTERACTION_STATE_CHANGE", interaction_id=iid))
    assert model.rowCount() > 0
    assert all(model.event_at(row).interaction_id == iid for row in range(model.rowCount()))
    qtmodeltester.check(model)
    sim.set_call_hold(False)
    model.sync()
    qtmodeltester.check(model)


def test_interaction_list_model(qtmodeltester, sim):
    model = InteractionListModel(sim)
    qtmodeltester.check(model)
    _busy_sim(sim)
    model.sync()
    assert model.rowCount() == len(sim.interactions)
    qtmodeltester.check(model)
    sim.customer_hang_up(sim.interactions[0].id)
    sim.complete_interaction(sim.interactions[0].id)
    model.sync()
    assert model.rowCount() == len(sim.interactions)
    qtmodeltester.check(model)


def test_outcome_model(qtmodeltester, desk, host):
    outcomes = desk.bridge.outcomes
    model = OutcomeModel(outcomes)
    qtmodeltester.check(model)
    desk.bridge.act("login")
    desk.wait(lambda: len(desk.bridge.outcomes) >= 2)
    model.sync()
    assert model.rowCount() == len(outcomes)
    qtmodeltester.check(model)


def test_plugin_model(qtmodeltester, host, tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("def register(ad_api):\n    raise RuntimeError('no CRM')\n")
    host.load(broken)
    model = PluginModel(lambda: host.plugins)
    assert model.rowCount() == 2
    qtmodeltester.check(model)
    assert model.data(model.index(1, 1)) == "failed"
    empty = PluginModel(list)
    qtmodeltester.check(empty)


def test_directory_model_and_its_filter(qtmodeltester, desk, sim):
    model = DirectoryModel(sim.tenant.teams)
    qtmodeltester.check(model)
    proxy = desk.window.directory.proxy
    qtmodeltester.check(proxy)
    desk.type("directorySearch", "sofia")
    assert proxy.rowCount() == 1
    team = proxy.index(0, 0)
    assert proxy.rowCount(team) == 1
    assert proxy.index(0, 0, team).data() == "Sofia Rossi"
    qtmodeltester.check(proxy)


def test_window_models_after_a_session(qtmodeltester, desk):
    desk.bridge.act("login")
    desk.bridge.act("set_agent_state", "ready")
    desk.bridge.act("offer_call", None, None)
    inspector = desk.window.inspector
    for model in (
        inspector.events,
        inspector.outcomes,
        inspector.plugins,
        desk.window.interactions.model,
        desk.window.directory.proxy,
        desk.widget("partyList").model(),
    ):
        qtmodeltester.check(model)
