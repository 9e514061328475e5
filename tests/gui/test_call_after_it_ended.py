"""What the window says about a call once it ended: in wrap-up nothing records, nobody is muted
and no conference goes on, whatever the payload's display flags kept."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def _flags(desk) -> str:
    from simulator.gui.panels.models import InteractionListModel

    view = desk.widget("interactionList")
    model = view.model()
    return str(model.index(0, 0).data(InteractionListModel.FlagsRole) or "")


def test_in_wrap_up_a_recorded_call_says_recorded_not_rec(bare_desk):
    """The call's row kept `rec` and the page `Stop recording` (checked) through the wrap-up,
    after the recording had ended with the call: the engine keeps `callRecording: true` in
    the wrap-up payload, as the widget's display data does (docs/contract.md), and the window
    showed that flag as a recording still going on."""
    desk = bare_desk
    desk.connected_call()
    desk.click("recordButton")
    record = desk.widget("recordButton")
    desk.wait(lambda: record.isChecked() and _flags(desk) == "rec")
    assert record.text() == "Stop recording"
    desk.click("muteButton")
    desk.wait(lambda: _flags(desk) == "muted · rec")
    desk.click("customerHangUpButton")
    desk.wait(lambda: desk.widget("interactionState").text() == "Wrap-up")
    desk.wait(lambda: _flags(desk) == "recorded")
    assert not record.isChecked() and record.text() == "Record"
    assert not record.isEnabled()
    mute = desk.widget("muteButton")
    assert not mute.isChecked() and mute.text() == "Mute"
    # The engine's payload is unchanged: the contract's choice, not the window's.
    assert desk.active().wire()["callRecording"] is True


def test_in_wrap_up_a_call_never_recorded_says_nothing_of_recording(bare_desk):
    desk = bare_desk
    desk.connected_call()
    desk.click("customerHangUpButton")
    desk.wait(lambda: desk.widget("interactionState").text() == "Wrap-up")
    assert _flags(desk) == ""
    assert not desk.widget("recordButton").isChecked()


def test_a_long_service_name_gives_way_to_what_holds_for_the_call(bare_desk):
    """A call on "Customer Support" that was recording said `On hold · Customer Supp…` in the
    interactions list: the row's words were elided from the right, the flags last, so a tester
    could not see that it recorded (or was muted). The service is elided first; the tooltip has
    it all."""
    from PySide6.QtCore import Qt

    from simulator.gui.panels.interactions import detail_text
    from simulator.gui.panels.models import InteractionListModel

    desk = bare_desk
    desk.connected_call()
    desk.click("recordButton")
    desk.click("muteButton")
    desk.wait(lambda: _flags(desk) == "muted · rec")
    view = desk.widget("interactionList")
    index = view.model().index(0, 0)
    service = str(index.data(InteractionListModel.ServiceRole))
    metrics = view.fontMetrics()
    whole = f"· {service} · muted · rec"
    narrow = metrics.horizontalAdvance(whole) - 20
    shown = detail_text(metrics, service, "muted · rec", narrow)
    assert shown.endswith(" · muted · rec") and shown.startswith("· ")
    assert "…" in shown and metrics.horizontalAdvance(shown) <= narrow
    assert detail_text(metrics, service, "muted · rec", 10_000) == whole
    assert detail_text(metrics, service, "", 10_000) == f"· {service}"
    assert detail_text(metrics, "", "rec", 10_000) == "· rec"
    tight = detail_text(metrics, service, "muted · rec", metrics.horizontalAdvance("· muted · rec"))
    assert tight == "· muted · rec"  # no room for the service: the flags alone
    tooltip = str(index.data(Qt.ItemDataRole.ToolTipRole))
    assert f"voice · delivered · {service} · muted · rec" in tooltip.splitlines()
