"""Long texts and small screens: what does not fit says so ("…", a tooltip, a scroll bar)
instead of being cut mid-word or squashed until controls overlap."""

from __future__ import annotations

import pytest

from tests.gui.screens import open_on_screen

pytestmark = pytest.mark.gui

LONG = "Maximiliana Alexandrova-Featherstonehaugh de la Cruz y Montenegro-Vasquez III"


def _answer_a_call(desk) -> None:
    """Log in, get ready, and answer an offered call: the call page is showing."""
    desk.click("agentLoginButton")
    desk.choose("agentStateCombo", "Ready")
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    desk.click("acceptButton")


def test_a_long_customer_name_ends_in_an_ellipsis_and_is_whole_in_its_tooltip(desk):
    desk.click("agentLoginButton")
    desk.choose("agentStateCombo", "Ready")
    desk.type("customerName", LONG)
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    for name in ("interactionTitle", "detailCustomer"):
        label = desk.widget(name)
        desk.wait(lambda label=label: label.text().startswith(LONG))
        assert label.width() < label.fontMetrics().horizontalAdvance(label.text()), name
        # It was cut mid-word ("Maximilia") with nothing saying the rest is missing.
        shown = label.shown_text()
        assert shown.endswith("…") and LONG.startswith(shown[:-1]), name
        assert label.toolTip() == label.text(), name


def _squashed(window):
    """Visible buttons and fields the layout gave less than their minimum: cut or overlapping."""
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit

    found = []
    for kind in (QAbstractButton, QLineEdit, QComboBox):
        for widget in window.findChildren(kind):
            if not widget.isVisibleTo(window) or not widget.objectName():
                continue
            # What a layout grants at least: the minimum size where set, else the hint.
            hint = widget.minimumSizeHint()
            width = widget.minimumWidth() or hint.width()
            height = widget.minimumHeight() or hint.height()
            if widget.width() < width or widget.height() < height:
                found.append((widget.objectName(), widget.size(), width, height))
    return sorted(found)


def test_on_a_small_screen_the_window_fits_and_scrolls_instead_of_squashing(desk):
    """The window asked for at least 1238x951 (its panels' minimums added up): on a laptop
    (1366x768) its bottom, the inspector and the status bar, was off the screen, and a smaller
    window had its panels squashed until the dial pad's keys overlapped. Now each area claims at
    most its room on the screen (offscreen's is 800x800): the window fits its height, and a
    panel smaller than its content scrolls."""
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication

    from simulator.gui.theme.style import apply_style_sheet

    apply_style_sheet(QApplication.instance())  # as the window runs: its minimums are larger
    _answer_a_call(desk)
    window = desk.window

    def smallest():
        return window.minimumSizeHint().expandedTo(window.minimumSize())

    # The style sheet's polish and the page's layout arrive as posted events: let them land.
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    room = window.screen().availableGeometry().size()
    assert window.height() <= room.height()
    least = smallest()
    # Its width is at least the agent bar's, whole: it fits a laptop's, 1366 (or 1280).
    assert least.width() <= 1280 and least.height() <= room.height(), (least, room)
    for size in (QSize(1280, room.height()), least):
        window.resize(size)
        desk.wait(lambda size=size: window.size() == size.expandedTo(smallest()))
        desk.wait(lambda: _squashed(window) == [])


def test_tab_reaches_only_controls_never_a_scroll_area(desk):
    """Tab from Hang up stopped on the call page's scroll area (nothing seen focused), then
    went on to Hold; the scroll areas that let panels fit a small screen are no stops either."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractItemView, QAbstractScrollArea, QPlainTextEdit, QTextEdit

    _answer_a_call(desk)
    window = desk.window
    start = desk.widget("agentStateCombo")
    stops = []
    widget = start.nextInFocusChain()
    while widget is not start:
        tab = widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value
        if tab and widget.isVisibleTo(window) and widget.isEnabled():
            stops.append(widget)
        widget = widget.nextInFocusChain()
    # Lists, tables and editors are stops of their own.
    views = (QAbstractItemView, QTextEdit, QPlainTextEdit)
    bare = [
        type(w).__name__
        for w in stops
        if isinstance(w, QAbstractScrollArea) and not isinstance(w, views)
    ]
    assert bare == []
    names = [w.objectName() for w in stops]
    assert names.index("hangUpButton") < names.index("holdButton")


def test_the_window_follows_its_panels_minimum_once_they_are_built(qtbot, window, sim, host):
    """As the launcher does (the interaction page and the inspector built after the first
    paint, the page polished when first shown): the window kept the minimum of its empty panels,
    so on a screen with room for all the call page scrolled inside a window that could grow."""
    from simulator.gui.bridge import SimBridge
    from simulator.gui.controls import ScrollingPanel
    from tests.gui.driver import Desk

    window.attach(SimBridge(sim, host, parent=window), defer=True)
    window.complete()
    desk = Desk(qtbot, window)
    _answer_a_call(desk)

    def short():
        return [
            (area.widget().objectName(), area.height(), area.minimumSizeHint().height())
            for area in window.findChildren(ScrollingPanel)
            if area.isVisibleTo(window) and area.height() < area.minimumSizeHint().height()
        ]

    desk.wait(lambda: short() == [])


def test_the_call_page_is_never_cut_at_its_right_edge(desk):
    """On a laptop (1366x768) Add to conference, Merge calls and the DTMF keys 3, 6, 9 and #
    were cut off: the call page's scroll area scrolls up and down only, yet claimed no width,
    so the page was narrower than its controls with no way to scroll to them. Now the area
    claims the page's minimum width (and its scroll bar's): the page is whole at every size,
    and where the window is too narrow for it the central area scrolls sideways instead."""
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication, QScrollArea

    from simulator.gui.theme.style import apply_style_sheet

    apply_style_sheet(QApplication.instance())  # as the window runs: its minimums are larger
    _answer_a_call(desk)
    desk.type("transferNumber", "+1 415 555 0177")
    desk.click("consultButton")
    desk.wait(lambda: desk.widget("customerAnswerButton").isEnabled())
    desk.click("customerAnswerButton")
    desk.wait(lambda: desk.widget("mergeCallsButton").isEnabled())
    window = desk.window
    voice = desk.widget("voicePage")
    area = voice.parentWidget().parentWidget()  # the page's viewport's scroll area
    assert isinstance(area, QScrollArea) and area.widget() is voice

    def cut():
        """The call page's controls that stick out of its area's right edge."""
        viewport = area.viewport()
        return [
            name
            for name in ("conferenceButton", "mergeCallsButton", "dtmfKey3", "dtmfKeyHash")
            if desk.widget(name).mapTo(viewport, desk.widget(name).rect().topRight()).x()
            >= viewport.width()
        ]

    def smallest():
        return window.minimumSizeHint().expandedTo(window.minimumSize())

    for size in (QSize(1366, 742), QSize(1280, 720), QSize(600, 500)):
        window.resize(size)
        # The width is the point here (the height may keep an earlier minimum's).
        desk.wait(lambda size=size: window.width() == max(size.width(), smallest().width()))
        desk.wait(lambda: voice.width() <= area.viewport().width() and cut() == [])


def _central_area(window):
    """The scroll area around the central panels (interactions, dial pad, the active one)."""
    from simulator.gui.controls import ScrollingPanel

    widget = window.context.parentWidget()
    while widget is not None and not isinstance(widget, ScrollingPanel):
        widget = widget.parentWidget()
    assert widget is not None
    return widget


def test_the_next_interaction_opens_with_its_header_in_view(desk):
    """On a laptop the central area scrolls up and down. Completing hid the page that had the
    keyboard focus (Complete): Qt moved the focus to the next control in the chain, low in the
    central area, and scrolled it into view; the next interaction opened scrolled down, its
    Accept, Reject and Hang up out of view. An interaction shown anew shows its header."""
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication

    from simulator.gui.theme.style import apply_style_sheet

    apply_style_sheet(QApplication.instance())  # as the window runs: its minimums are larger
    window = desk.window
    window.resize(QSize(1366, 600))
    window.activateWindow()
    desk.qtbot.waitUntil(window.isActiveWindow)
    _answer_a_call(desk)
    area = _central_area(window)
    desk.wait(lambda: area.verticalScrollBar().maximum() > 0)
    desk.click("hangUpButton")
    desk.wait(lambda: desk.widget("completeButton").isEnabled())
    complete = desk.widget("completeButton")
    complete.setFocus()
    desk.wait(complete.hasFocus)
    desk.click("completeButton")
    desk.wait(lambda: desk.active() is None)
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    context = window.context
    top = context.mapTo(area.widget(), context.rect().topLeft()).y()
    desk.wait(lambda: not desk.widget("acceptButton").visibleRegion().isEmpty())
    assert area.verticalScrollBar().value() <= top


def _titles_under(window, note):
    """The section titles (their words) the note covers."""
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QLabel

    covered = []
    for label in window.findChildren(QLabel):
        if label.property("role") != "section" or not label.isVisible():
            continue
        width = label.fontMetrics().horizontalAdvance(label.text())
        words = QRect(label.mapTo(window, label.rect().topLeft()), label.size())
        words.setWidth(min(words.width(), width))
        if words.intersects(note.geometry()):
            covered.append(label.text())
    return covered


@pytest.mark.parametrize("size", [(1366, 742), (1440, 900)])
def test_a_refusal_note_covers_no_section_title_and_goes_at_a_click(desk, size):
    """A refused Blind transfer's note, narrow and four lines tall under the button, covered
    the PARTIES title for its ten seconds. It takes the place under the button that covers
    least (no title), and a click anywhere in the window dismisses it."""
    from PySide6.QtCore import QPoint, QRect, QSize
    from PySide6.QtWidgets import QApplication

    from simulator.gui.theme.style import apply_style_sheet

    apply_style_sheet(QApplication.instance())  # as the window runs: its sizes are its own
    window = desk.window
    window.resize(QSize(*size))
    _answer_a_call(desk)
    desk.type("transferNumber", "12ab")
    note = desk.widget("refusalNote")
    for name in ("blindTransferButton", "consultButton", "conferenceButton"):
        desk.click(name)
        desk.wait(lambda name=name: note.isVisible() and note.property("control") == name)
        control = desk.widget(name)
        below = control.mapTo(window, control.rect().bottomLeft()).y()
        assert 0 <= note.y() - below < 20, name  # right under the button
        assert _titles_under(window, note) == [], name
        assert not note.geometry().intersects(
            QRect(control.mapTo(window, QPoint(0, 0)), control.size())
        ), name
        desk.click("muteButton")  # a click anywhere else
        desk.wait(lambda: not note.isVisible())


@pytest.mark.parametrize("how", ["greyed", "hidden"])
def test_a_control_greyed_or_hidden_under_the_focus_scrolls_nothing(qtbot, how):
    """Merge calls had the keyboard focus when its wait greyed it (Complete, when its page was
    hidden): Qt handed the focus on to the next control, and the scroll area (the central one,
    on a laptop) scrolled that control into view, the call's header and Hang up out of sight.
    The focus moves on without scrolling; Tab still scrolls to the control it reaches."""
    from PySide6.QtCore import QSize, Qt
    from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

    from simulator.gui.controls import scrolling

    content = QWidget()
    layout = QVBoxLayout(content)
    top = QPushButton("Merge calls")
    low = QPushButton("Far below")
    layout.addWidget(top)
    layout.addSpacing(2000)
    layout.addWidget(low)
    area = scrolling(content, lambda room: QSize(200, 100))
    holder = QWidget()
    QVBoxLayout(holder).addWidget(area)
    qtbot.addWidget(holder)
    holder.resize(300, 300)
    holder.show()
    qtbot.waitExposed(holder)
    holder.activateWindow()
    qtbot.waitUntil(holder.isActiveWindow)
    top.setFocus()
    qtbot.waitUntil(top.hasFocus)
    bar = area.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    if how == "greyed":
        top.setEnabled(False)
    else:
        top.hide()
    qtbot.waitUntil(low.hasFocus)
    assert bar.value() == 0
    # Tab is the tester's own move: the control it reaches scrolls into view.
    top.setEnabled(True)
    top.show()
    top.setFocus()
    qtbot.waitUntil(top.hasFocus)
    qtbot.keyClick(top, Qt.Key.Key_Tab)
    qtbot.waitUntil(low.hasFocus)
    assert bar.value() > 0


def test_on_a_big_screen_the_window_opens_at_1440x900_and_stays_so(tmp_path):
    """The docs promise 1440x900; on a 1600x1000 screen the window opened so and grew to
    1440x952-956 as the call page came: each area claimed its share of the screen, and the
    shares of a screen taller than 900 added up to more. They are shares of 1440x900 now."""
    result = open_on_screen(tmp_path, 1600, 1000)
    assert result.returncode == 0, result.stderr
    width, height, least = map(int, result.stdout.split())
    assert (width, height) == (1440, 900), result.stdout
    assert least <= 900


EVENT_TABLE_SEEN = """
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget
for _ in range(12):  # events enough to scroll
    assert bridge.act("set_call_hold", True).ok and bridge.act("set_call_hold", False).ok
settle()
def rect(widget):
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
area = window.inspector_dock.widget()
seen = QRect(area.viewport().mapTo(window, QPoint(0, 0)), area.viewport().size())
table = window.findChild(QWidget, "eventTable")
bars = [table.horizontalScrollBar(), table.verticalScrollBar()]
# The vertical bar scrolls the events; the horizontal one, when the columns need it, too is
# in view (the Summary column fits by default: there may be none).
print(area.verticalScrollBar().maximum(), seen.contains(rect(table)),
      bars[1].maximum() > 0
      and all(bar.isVisible() and seen.contains(rect(bar)) for bar in bars if bar.maximum() > 0))
"""


def test_at_1440x900_with_a_call_the_event_table_is_whole_on_screen(tmp_path):
    """The inspector's events tab asked for 296 px where the window at 1440x900 gives it 240
    with a call on screen: the inspector scrolled, and the event table's last rows and its
    horizontal scroll bar (the way to its Interaction and Summary columns) were out of sight.
    The copy buttons moved under the table and the details' panes may be shorter: the tab fits,
    the table is whole with its scroll bars."""
    result = open_on_screen(tmp_path, 1600, 1000, EVENT_TABLE_SEEN)
    assert result.returncode == 0, result.stderr
    opened, seen = result.stdout.splitlines()[-2:]
    assert opened.split()[:2] == ["1440", "900"], result.stdout
    # The inspector does not scroll; the table and both its scroll bars are in view.
    assert seen.split() == ["0", "True", "True"], result.stdout


def _combo_texts_cut(window):
    """Visible combo boxes whose shown choice is cut with nothing to say so: neither whole nor
    ending in "…" (QComboBox cut "Choose a disposition (required)…" mid-word)."""
    from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox

    cut = []
    for combo in window.findChildren(QComboBox):
        if not combo.isVisibleTo(window):
            continue
        text = combo.currentText()
        shown = getattr(combo, "shown_text", lambda text=text: text)()
        option = QStyleOptionComboBox()
        combo.initStyleOption(option)
        field = combo.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
        )
        fits = combo.fontMetrics().horizontalAdvance(shown) <= field.width() - 2
        whole_or_said = shown == text or (shown.endswith("…") and text.startswith(shown[:-1]))
        if not (fits and whole_or_said):
            cut.append((combo.objectName(), text, shown, field.width()))
    return cut


def test_at_1440_wide_no_choice_in_a_combo_box_is_cut_without_an_ellipsis(desk):
    """In wrap-up on a service that requires a disposition, the box said `Choose a disposition
    (require`, cut mid-word: a choice that does not fit ends in "…" (and the placeholder is short
    enough to fit: `Required` is said beside the heading)."""
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QApplication

    from simulator.gui.theme.style import apply_style_sheet

    apply_style_sheet(QApplication.instance())  # as the window runs: its sizes are its own
    window = desk.window
    window.resize(QSize(1440, 900))
    desk.wait(lambda: window.width() == 1440)
    window.default_layout()
    desk.wait(lambda: window.directory_dock.width() >= 360)
    desk.click("agentLoginButton")
    desk.choose("agentStateCombo", "Ready")
    desk.select("customerService", "Sales")
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    desk.click("acceptButton")
    desk.click("hangUpButton")
    desk.wait(lambda: desk.state() == "wrap_up")
    disposition = desk.widget("dispositionCombo")
    desk.wait(disposition.isEnabled)
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    assert disposition.currentText() == "Choose a disposition…"
    assert _combo_texts_cut(window) == []
    box = desk.widget("eventFilterInteraction")
    box.addItem(LONG, LONG)  # a choice that cannot fit
    box.setCurrentIndex(box.findData(LONG))
    assert box.shown_text().endswith("…")
    assert _combo_texts_cut(window) == []
    box.showPopup()  # the list shows it whole (the screen permitting)
    try:
        view = box.view()
        desk.wait(view.isVisible)
        assert view.width() >= min(view.sizeHintForColumn(0), window.screen().size().width())
    finally:
        box.hidePopup()


def test_a_fields_clear_button_lies_inside_the_field(desk):
    """The style sheet's button rule made a field's clear button 32 px tall in a 26 px field:
    its icon was drawn over the field's bottom edge (the customer's name, the transfer field)."""
    from PySide6.QtWidgets import QApplication, QLineEdit, QToolButton

    from simulator.gui.theme.style import apply_style_sheet

    apply_style_sheet(QApplication.instance())  # as the window runs
    window = desk.window
    for name in ("customerName", "directorySearch", "dialNumber"):
        desk.type(name, "1002")
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    shown = []
    for field in window.findChildren(QLineEdit):
        for clear in field.findChildren(QToolButton):
            if clear.isVisibleTo(window):
                shown.append(field.objectName())
                assert field.rect().contains(clear.geometry()), (
                    field.objectName(),
                    clear.geometry(),
                    field.rect(),
                )
    assert {"customerName", "directorySearch", "dialNumber"} <= set(shown), shown


def test_an_event_name_too_long_for_its_column_is_whole_in_its_tooltip(desk):
    """The Event column ends a long name in "…" where the table is narrow (at 1440x900 with a
    call on screen): the tooltip had nothing, the Interaction and Summary columns had theirs."""
    from PySide6.QtCore import Qt

    desk.click("agentLoginButton")
    table = desk.widget("eventTable")
    desk.wait(lambda: table.model() is not None and table.model().rowCount() > 0)
    index = table.model().index(0, 1)
    assert index.data(Qt.ItemDataRole.ToolTipRole) == index.data() == "ON_LOGIN"
