"""Ringing counts down to the ring timeout; a missed call leaves a notice and a history entry.
The simulator runs on the virtual clock: the test moves it with ``sim.advance``."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui


def test_a_ringing_offer_counts_down_to_the_ring_timeout(ringing_desk):
    desk = ringing_desk
    desk.type("customerName", "Ada Lovelace")
    desk.click("offerCallButton")
    countdown = desk.widget("ringCountdown")
    desk.wait(countdown.isVisible)
    assert countdown.text() == "Rings out in 20 s"
    desk.sim.advance(3)
    desk.wait(lambda: countdown.text() == "Rings out in 17 s")
    model = desk.widget("interactionList").model()
    assert model.data(model.index(0, 0), model.RemainingRole) == 17_000
    desk.click("acceptButton")
    desk.wait(lambda: not countdown.isVisible())
    assert model.data(model.index(0, 0), model.RemainingRole) is None


def test_a_missed_call_leaves_a_notice_and_a_history_entry(ringing_desk):
    desk = ringing_desk
    desk.type("customerName", "Ada Lovelace")
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    iid = desk.active().id
    desk.sim.advance(20)
    notice = desk.widget("missedCallNotice")
    desk.wait(notice.isVisible)
    text = desk.widget("missedCallText").text()
    assert text.startswith("Missed call from Ada Lovelace at ")
    assert text.endswith("\nYou were set to Not Ready: No Answer")
    history = desk.widget("interactionHistory")
    desk.wait(lambda: history.count() == 1)
    item = history.item(0)
    assert item.data(Qt.ItemDataRole.UserRole) == iid
    assert item.data(Qt.ItemDataRole.UserRole + 1) == "Missed"
    assert item.text().startswith("Missed · Ada Lovelace · voice · ")
    desk.click("dismissMissedButton")
    assert not notice.isVisible()


def test_a_handled_call_is_done_in_the_history(ringing_desk):
    desk = ringing_desk
    desk.select("customerService", "Customer Support")
    desk.click("offerCallButton")
    desk.click("acceptButton")
    desk.click("hangUpButton")
    desk.click("completeButton")
    history = desk.widget("interactionHistory")
    desk.wait(lambda: history.count() == 1)
    assert history.item(0).data(Qt.ItemDataRole.UserRole + 1) == "Done"
    assert not desk.widget("missedCallNotice").isVisible()


def test_after_the_call_the_party_list_is_empty_and_one_timer_counts(ringing_desk):
    desk = ringing_desk
    desk.select("customerService", "Customer Support")
    desk.click("offerCallButton")
    desk.click("acceptButton")
    assert desk.widget("partyList").count() == 1
    desk.sim.advance(65)
    desk.click("customerHangUpButton")
    desk.wait(lambda: desk.state() == "wrap_up")
    assert desk.widget("partyList").count() == 0
    assert not desk.widget("interactionTimer").isVisible()
    assert desk.widget("acwTimer").text().startswith("ACW 00:00")
    assert desk.widget("interactionDuration").text() == "Total 01:05"


def test_interaction_rows_are_found_by_id(ringing_desk):
    desk = ringing_desk
    desk.click("offerChatButton")
    desk.click("acceptButton")
    desk.click("offerChatButton")
    desk.wait(lambda: len(desk.sim.interactions) == 2)
    model = desk.widget("interactionList").model()
    first = desk.sim.interactions[0].id
    found = model.match(model.index(0, 0), Qt.ItemDataRole.UserRole + 1, first)
    assert [index.row() for index in found] == [0]


def test_every_state_badge_is_readable_in_both_schemes():
    from simulator.gui.panels.context import badge_text_color
    from simulator.gui.panels.interactions import STATE_NAMES
    from simulator.gui.theme.palette import DARK, LIGHT, state_color

    def contrast(a: str, b: str) -> float:
        def lum(color: str) -> float:
            values = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
            lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in values]
            return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

        high, low = sorted((lum(a), lum(b)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    for palette in (LIGHT, DARK):
        for state in STATE_NAMES:
            background = state_color(state, palette)
            ratio = contrast(background, badge_text_color(background))
            assert ratio >= 4.5, (palette.scheme, state, background, ratio)


def test_team_names_use_the_whole_row_of_the_directory(bare_desk):
    tree = bare_desk.widget("directoryTree")
    model = tree.model()
    assert model.rowCount() > 0
    for row in range(model.rowCount()):
        assert tree.isFirstColumnSpanned(row, model.index(row, 0).parent())


@pytest.mark.parametrize("name", ["Maria Gonzalez", "Priya Natarajan"])
def test_a_ringing_header_at_1440_wide_shows_a_short_name_whole(ringing_desk, name):
    """At 1440 wide the ringing header (state, timer, total, countdown, Accept, Reject) left
    the name about 107 pixels: `Priya N…`. While the countdown shows, the timer and the total
    (both the time it has rung) give it their room; a name that does not fit still ends in
    "…"."""
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication

    from simulator.gui.theme.style import apply_style_sheet

    apply_style_sheet(QApplication.instance())  # as the window runs: its sizes are its own
    desk = ringing_desk
    window = desk.window
    window.resize(QSize(1440, 900))
    desk.wait(lambda: window.width() == 1440)
    window.default_layout()  # the docks as the window opens at that size (offscreen's is small)
    desk.wait(lambda: window.directory_dock.width() >= 360)
    title = desk.widget("interactionTitle")
    for customer, whole in ((name, True), (f"{name} {name} {name} {name}", False)):
        desk.widget("customerName").clear()
        desk.type("customerName", customer)
        desk.click("offerCallButton")
        desk.wait(lambda customer=customer: title.text() == customer)
        desk.wait(desk.widget("ringCountdown").isVisible)
        QApplication.sendPostedEvents()
        QApplication.processEvents()
        assert (title.shown_text() == customer) is whole, (title.shown_text(), title.width())
        assert not desk.widget("interactionTimer").isVisible()
        assert not desk.widget("interactionDuration").isVisible()
        desk.click("rejectButton")
        desk.wait(lambda: not desk.sim.interactions)
        desk.select("agentStateCombo", "ready")


@pytest.mark.parametrize(
    ("service", "limit", "said"),
    [
        (
            "Customer Support",
            None,
            "✓ Ended: in wrap-up ('Customer Support' has after-call work): complete it when "
            "you are done",
        ),
        (
            "Customer Support",
            30,
            "✓ Ended: in wrap-up ('Customer Support' has after-call work): complete it, or it "
            "completes by itself after 30 s",
        ),
        (
            "IT Helpdesk",
            None,
            "✓ Ended and completed ('IT Helpdesk' has no after-call work): its activity record "
            "is saved",
        ),
    ],
)
def test_hang_up_says_what_the_service_does_after_it(qtbot, window, service, limit, said):
    """The status bar said `Ended; wrap-up if the service has it`: whether there was a
    wrap-up, the window knew; it says which, by the service's own after-call work setting."""
    from simulator.data import load_tenant
    from simulator.engine import Settings, Simulator
    from simulator.gui.bridge import SimBridge
    from tests.gui.driver import Desk

    tenant = load_tenant(None)
    services = [
        s.model_copy(update={"acw_timeout_seconds": limit}) if s.name == service else s
        for s in tenant.services
    ]
    sim = Simulator(
        tenant.model_copy(update={"services": services}),
        seed=7,
        settings=Settings(outbound_answer_seconds=None),
    )
    window.attach(SimBridge(sim, None, parent=window))
    desk = Desk(qtbot, window)
    desk.click("agentLoginButton")
    desk.select("agentStateCombo", "ready")
    desk.select("customerService", service)
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    desk.click("acceptButton")
    desk.click("hangUpButton")
    status = desk.widget("statusMessage")
    desk.wait(lambda: status.text() == said)
