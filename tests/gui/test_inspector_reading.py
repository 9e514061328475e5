"""The inspector is made for reading: a remembered splitter, wrapped and coloured JSON, headers
never clipped, an empty state for every view, a per-interaction diff of state changes and "copy
as scenario expect step"."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QPlainTextEdit, QSplitter

pytestmark = pytest.mark.gui


def _call_with_hold(desk: Any) -> Any:
    bridge = desk.bridge
    bridge.act("login")
    bridge.act("set_agent_state", "ready")
    bridge.act("offer_call", None, None)
    bridge.act("accept_interaction")
    bridge.act("set_call_hold", True)
    return desk.active()


def _select(desk: Any, predicate: Any) -> Any:
    model = desk.widget("eventTable").model()
    row = next(r for r in range(model.rowCount()) if predicate(model.event_at(r)))
    desk.click_item("eventTable", model.index(row, 1))
    return model.event_at(row)


def _last_state_change(desk: Any) -> Any:
    model = desk.widget("eventTable").model()
    rows = [
        r
        for r in range(model.rowCount())
        if model.event_at(r).name == "ON_INTERACTION_STATE_CHANGE"
    ]
    desk.click_item("eventTable", model.index(rows[-1], 1))
    return model.event_at(rows[-1])


def test_a_state_change_shows_what_changed_old_to_new(desk):
    _call_with_hold(desk)
    _last_state_change(desk)
    diff = desk.widget("eventDiff")
    assert desk.widget("eventDiff").isVisible()
    rows = {
        diff.item(row, 0).text(): (diff.item(row, 1).text(), diff.item(row, 2).text())
        for row in range(diff.rowCount())
    }
    assert rows["state"] == ("delivered", "hold")
    assert "interactionId" not in rows  # unchanged fields are not listed


def test_the_diff_explains_itself_when_there_is_nothing_to_compare(desk):
    _call_with_hold(desk)
    empty = desk.widget("eventDiffEmpty")
    assert empty.isVisible()
    _select(desk, lambda event: event.name == "ON_LOGIN")
    assert not desk.widget("eventDiff").isVisible()
    assert "not a state change" in empty.text().lower()


def test_copy_as_expect_step_gives_a_step_that_passes_on_these_events(desk):
    from simulator.scenarios.expectations import ExpectContext, check
    from simulator.scenarios.loader import parse_scenario

    call = _call_with_hold(desk)
    _last_state_change(desk)
    desk.click("copyExpectButton")
    text = QGuiApplication.clipboard().text()
    step = yaml.safe_load(text)[0]["expect"]
    assert step["event"] == "ON_INTERACTION_STATE_CHANGE"
    assert step["payload"]["interactionId"] == call.id
    assert step["payload"]["state"] == "hold"
    indented = "".join(f"  {line}\n" for line in text.splitlines())
    scenario = parse_scenario(f"name: pasted\nseed: 7\nsteps:\n{indented}")
    spec = scenario.scenario.steps[0].expect
    context = ExpectContext(sim=desk.sim, events=desk.bridge.events.events, names={})
    assert check(spec, context) == []
    # And it is a real check: another state does not pass.
    wrong = parse_scenario(
        f"name: pasted\nseed: 7\nsteps:\n{indented.replace('state: hold', 'state: wrap_up')}"
    )
    assert check(wrong.scenario.steps[0].expect, context) != []


def test_the_json_pane_wraps_and_colours_the_payload(desk):
    _call_with_hold(desk)
    desk.widget("inspectorSplitter").setSizes([900, 300])  # a narrow pane
    _select(desk, lambda event: event.name == "ON_NEW_INTERACTION")
    json_view = desk.widget("eventJson")
    assert json_view.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    desk.wait(lambda: json_view.horizontalScrollBar().maximum() == 0)
    document = json_view.document()
    block = document.firstBlock()
    colours = {}
    while block.isValid():
        for fmt in block.layout().formats():
            piece = block.text()[fmt.start : fmt.start + fmt.length]
            colours[piece] = fmt.format.foreground().color().name()
        block = block.next()
    from simulator.gui.theme.palette import colors

    c = colors()
    assert colours['"event"'] == c.accent  # keys
    assert colours['"ON_NEW_INTERACTION"'] == c.good  # strings
    assert any(colour == c.warn for piece, colour in colours.items() if piece.isdigit())


def test_headers_are_never_clipped(desk):
    _call_with_hold(desk)
    for name in ("eventTable", "outcomeTable", "pluginTable"):
        table = desk.widget(name)
        header = table.horizontalHeader()
        bold = QFont(header.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        model = table.model()
        for column in range(model.columnCount()):
            title = str(model.headerData(column, header.orientation()))
            # The outcome table's header is styled tighter (4 px beside a title, not 8): Qt's
            # own measure of what shows its title whole.
            need = metrics.horizontalAdvance(title) + 16
            if name == "outcomeTable":
                need = header.sectionSizeHint(column)
            assert header.sectionSize(column) >= need, (
                name,
                title,
                header.sectionSize(column),
            )


def test_every_view_has_an_empty_state(bare_desk):
    desk = bare_desk
    inspector = desk.widget("inspectorTabs")
    assert desk.widget("eventsEmpty").isVisible()
    assert "No events yet" in desk.widget("eventsEmpty").text()
    for tab, name, words in (
        (1, "outcomesEmpty", "No handlers"),
        (2, "pluginsEmpty", "No handler host"),
        (3, "timelineEmpty", "No interactions yet"),
    ):
        inspector.setCurrentIndex(tab)
        desk.wait(desk.widget(name).isVisible)
        assert words in desk.widget(name).text()
    assert not desk.widget("reloadPluginsButton").isEnabled()
    inspector.setCurrentIndex(0)
    desk.bridge.act("login")
    desk.wait(lambda: not desk.widget("eventsEmpty").isVisible())
    desk.widget("eventFilterText").setText("nothing matches this")
    desk.wait(desk.widget("eventsEmpty").isVisible)
    assert "No event matches" in desk.widget("eventsEmpty").text()


def test_reload_all_needs_a_plugin(desk, host):
    assert desk.widget("reloadPluginsButton").isEnabled()


def _shares(splitter: Any) -> float:
    first, second = splitter.sizes()
    return first / (first + second)


@pytest.fixture
def no_style_sheet() -> Any:
    """The application without the window's style sheet, whatever an earlier test applied: its
    larger controls leave the inspector too short, at offscreen's 800x800, for the details'
    panes to be anywhere but at their minimum, where no position can be remembered."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    sheet = app.styleSheet()
    app.setStyleSheet("")
    yield
    app.setStyleSheet(sheet)


def test_the_splitters_remember_their_position(qtbot, settings, sim, no_style_sheet):
    from simulator.gui.bridge import SimBridge
    from simulator.gui.window import MainWindow

    first = MainWindow(settings)
    qtbot.addWidget(first)
    first.attach(SimBridge(sim, None, parent=first))
    first.show()
    qtbot.waitExposed(first)
    outer = first.findChild(QSplitter, "inspectorSplitter")
    inner = first.findChild(QSplitter, "eventDetailSplitter")
    default = _shares(outer)
    # Narrower than by default (the table takes most of the width by default, and at
    # offscreen's 800x800 the details' minimum keeps it from being much wider).
    outer.setSizes([300, 900])
    inner.setSizes([100, 120])
    wanted = _shares(outer), _shares(inner)
    assert wanted[0] < default - 0.1  # moved away from the default
    first.close()

    second = MainWindow(settings)
    qtbot.addWidget(second)
    second.attach(SimBridge(sim, None, parent=second))
    second.show()
    qtbot.waitExposed(second)
    outer = second.findChild(QSplitter, "inspectorSplitter")
    inner = second.findChild(QSplitter, "eventDetailSplitter")
    # Where the tester left them, in proportion (the panes may be laid out at another size).
    assert _shares(outer) == pytest.approx(wanted[0], abs=0.02)
    assert _shares(inner) == pytest.approx(wanted[1], abs=0.02)
