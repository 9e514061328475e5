"""A window kept open all day: call after call costs the same, whatever came before.

Counts, never time: what a paint draws, and what the window keeps, after K calls and after
many more."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def _calls(desk, count: int) -> None:
    """``count`` calls offered, answered, ended and completed through the window's bridge."""
    bridge = desk.bridge
    for _ in range(count):
        iid = bridge.act("offer_call").data["id"]
        assert bridge.act("accept_interaction", iid).ok
        assert bridge.act("leave_interaction", iid).ok
        assert bridge.act("complete_interaction", iid).ok


def _painted_marks(desk) -> int:
    """How many event marks the timeline draws in one paint of what is on screen."""
    timeline = desk.widget("timeline")
    desk.wait(timeline.isVisible)
    timeline.repaint()
    return len(timeline.marks())


def test_the_timeline_paints_what_is_on_screen_not_every_call_of_the_day(bare_desk):
    """The timeline drew every interaction of the session, with each of its event marks, at
    every paint, and it repaints at each event: after 1,500 calls a paint drew 10,500 marks
    (185 ms), and each call took 114 ms of the window's time instead of 15."""
    desk = bare_desk
    desk.bridge.act("login")
    desk.bridge.act("set_agent_state", "ready", None)
    desk.window.inspector.setCurrentIndex(3)
    timeline = desk.widget("timeline")
    _calls(desk, 1)
    _painted_marks(desk)
    # More calls than the screen shows rows: the first count is of a full screen.
    on_screen = timeline.visibleRegion().boundingRect().height() // timeline.ROW + 2
    _calls(desk, on_screen)
    first = _painted_marks(desk)
    assert first > 0
    _calls(desk, 5 * on_screen)
    assert timeline.height() > 6 * on_screen * timeline.ROW  # every call still has its row
    assert _painted_marks(desk) <= first
