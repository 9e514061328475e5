"""What a tester driving the window by hand under Xvfb ran into: a missed contact's notice that
made the window wider than the screen, and the keyboard trapped in the inspector's tables."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui

LONG = "Maximilian Alexander-Featherstonehaugh von Hohenzollern-Sigmaringen"


def test_a_missed_contact_with_a_long_name_does_not_widen_the_window(ringing_desk):
    """A chat from a long-named customer rang out: the notice asked the agent bar for the whole
    name on one line, and the window grew past the screen's right edge (1660 pixels on a
    1600-pixel screen: the directory, the customer side and the status bar's clock cut off), and
    kept that width after the notice was dismissed, saved for the next start."""
    desk = ringing_desk
    window = desk.window
    window.resize(1440, 900)  # the window's default size
    desk.wait(lambda: window.width() == 1440)
    desk.type("customerName", LONG)
    desk.click("offerChatButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    desk.sim.advance(120)  # past any ring timeout
    notice = desk.widget("missedCallNotice")
    desk.wait(notice.isVisible)
    text = desk.widget("missedCallText")
    desk.wait(lambda: desk.widget("agentStateLabel").text() == "Not Ready: No Answer")
    assert window.width() == 1440
    assert window.minimumSizeHint().width() <= 1440
    # The notice asks for a few characters of room, whatever the name's length.
    assert notice.minimumSizeHint().width() < text.fontMetrics().horizontalAdvance(LONG) / 2
    # The name ends in "…", the time of the miss after it; the tooltip has it whole.
    first_line, second_line = text.shown_text().split("\n")
    name = first_line.removeprefix("Missed chat from ").rsplit(" at ", 1)[0]
    assert name.endswith("…") and LONG.startswith(name[:-1])
    assert re.fullmatch(r"Missed chat from .+ at \d\d:\d\d:\d\d", first_line)
    assert second_line == "You were set to Not Ready: No Answer"
    assert f"Missed chat from {LONG} at " in text.toolTip()
    tenant = desk.widget("tenantLabel")
    assert not tenant.isVisible()  # the notice has its room
    desk.click("dismissMissedButton")
    assert tenant.isVisible() and not notice.isVisible()


@pytest.mark.parametrize(
    ("tab", "name"),
    [(0, "eventTable"), (0, "eventDiff"), (1, "outcomeTable"), (2, "pluginTable")],
)
def test_tab_leaves_the_inspector_tables(desk, tab, name):
    """Tab in the event table moved from cell to cell, four a row, through every event of the
    session: a keyboard-only tester never got past it to Copy as JSON, the other tabs, or back
    to the call (the docs promise Tab reaches every control)."""
    bridge = desk.bridge
    bridge.act("login")
    bridge.act("set_agent_state", "ready")
    bridge.act("offer_call", None, None)
    bridge.act("accept_interaction")
    bridge.act("set_call_hold", True)  # a state change with fields that changed
    desk.wait(lambda: desk.widget("outcomeTable").model().rowCount() >= 4)
    desk.widget("inspectorTabs").setCurrentIndex(tab)
    if name == "eventDiff":
        model = desk.widget("eventTable").model()
        last = model.rowCount() - 1
        row = next(
            r
            for r in range(last, -1, -1)
            if model.event_at(r).name == "ON_INTERACTION_STATE_CHANGE"
        )
        desk.click_item("eventTable", model.index(row, 1))
    view = desk.widget(name)
    desk.wait(lambda: view.model().rowCount() >= 1 and view.isVisible())
    view.setFocus(Qt.FocusReason.TabFocusReason)
    view.setCurrentIndex(view.model().index(0, 0))
    desk.wait(view.hasFocus)
    desk.qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert not view.hasFocus(), f"Tab stayed in {name} at {view.currentIndex().column()}"


@pytest.mark.parametrize(
    ("field", "front"),
    [("kbSearchBox", "knowledgeDock"), ("customerName", "customerDock")],
)
def test_tab_into_a_dock_behind_another_brings_it_to_the_front(desk, field, front):
    """The customer side and the knowledge base share a place, one behind the other: Tab went
    on into the one behind, and the tester typed a search (Enter sent it to the integration)
    into a box nobody could see."""
    from PySide6.QtWidgets import QTabBar

    window = desk.window
    window.complete()
    bars = [bar for bar in window.findChildren(QTabBar) if bar.count() == 2]
    (bar,) = [bar for bar in bars if {bar.tabText(0), bar.tabText(1)} >= {"Knowledge base"}]
    other = {"knowledgeDock": "customerDock", "customerDock": "knowledgeDock"}[front]
    desk.widget(other).raise_()
    box = desk.widget(field)
    desk.wait(lambda: box.visibleRegion().isEmpty())  # behind the other dock
    box.setFocus(Qt.FocusReason.TabFocusReason)
    desk.wait(box.hasFocus)
    desk.wait(lambda: not box.visibleRegion().isEmpty())
    assert bar.tabText(bar.currentIndex()) == desk.widget(front).windowTitle()


@pytest.mark.parametrize(
    ("button", "kind"), [("offerCallButton", "call"), ("offerChatButton", "chat")]
)
def test_an_offer_that_waits_in_the_queue_says_so(desk, button, kind):
    """Offered while the agent was Not Ready, the call went into the queue and the status bar
    said "✓ A call is coming in": the tester waited for a ring that could not come."""
    desk.click("agentLoginButton")
    desk.wait(lambda: desk.sim.agent.logged_in)
    desk.click(button)
    desk.wait(lambda: len(desk.sim.queued) == 1)
    assert desk.sim.interactions == []
    message = desk.widget("statusMessage").text()
    assert message.startswith(f"✓ A {kind} waits in the queue"), message
    assert desk.widget("queueLabel").isVisible()
    desk.select("agentStateCombo", "ready")  # now it rings
    desk.wait(lambda: desk.state() == "delivery_pending")


def test_an_offer_that_rings_is_coming_in(desk):
    desk.click("agentLoginButton")
    desk.wait(lambda: desk.sim.agent.logged_in)
    desk.select("agentStateCombo", "ready")
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    assert desk.widget("statusMessage").text() == "✓ A call is coming in"


def test_complete_leaves_the_customer_side_in_front(bare_desk):
    """The focus was on Complete; once the interaction was done the button went away and Qt
    handed the focus on to the next control in the Tab order, the knowledge base's search box
    behind the customer side, and the window brought the knowledge base to the front: at every
    Complete the tester had to click back to the customer side for the next contact."""
    from PySide6.QtWidgets import QApplication, QTabBar

    desk = bare_desk
    window = desk.window
    bars = [bar for bar in window.findChildren(QTabBar) if bar.count() == 2]
    (bar,) = [bar for bar in bars if {bar.tabText(0), bar.tabText(1)} >= {"Knowledge base"}]
    desk.widget("customerDock").raise_()
    desk.wait(lambda: bar.tabText(bar.currentIndex()) == "Customer side")
    desk.connected_call()
    desk.click("hangUpButton")
    desk.wait(lambda: desk.widget("interactionState").text() == "Wrap-up")
    complete = desk.widget("completeButton")
    complete.setFocus(Qt.FocusReason.MouseFocusReason)
    desk.wait(complete.hasFocus)
    desk.click("completeButton")
    desk.wait(lambda: not desk.sim.interactions)
    desk.wait(lambda: not complete.isVisible())
    assert bar.tabText(bar.currentIndex()) == "Customer side"
    focused = QApplication.focusWidget()
    assert focused is None or not desk.widget("knowledgeDock").isAncestorOf(focused)


def test_a_focus_handed_on_inside_the_dock_in_front_stays_there(bare_desk):
    """A control that greys under the keyboard focus in the dock in front: Qt hands the focus
    on to the next control of that dock, and there it stays (only a focus handed into the
    dock behind goes to the window)."""
    from PySide6.QtWidgets import QApplication

    desk = bare_desk
    desk.widget("customerDock").raise_()
    name = desk.widget("customerName")
    name.setFocus(Qt.FocusReason.TabFocusReason)
    desk.wait(name.hasFocus)
    name.setEnabled(False)
    try:
        focused = QApplication.focusWidget()
        assert focused is not None and desk.widget("customerDock").isAncestorOf(focused), focused
    finally:
        name.setEnabled(True)
