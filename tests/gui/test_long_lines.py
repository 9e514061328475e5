"""A line of a megabyte with nowhere to break (a plugin's note, a result, a page's log line):
Qt lays it out wrapped in time that grows with the square of its length, and the window froze
for minutes (1 MB in the notes view: more than six). The views cut it, say so in the text, and
the whole text stays where it came from."""

from __future__ import annotations

import pytest

from simulator.gui.long_lines import LINE_LIMIT, TEXT_LIMIT, clipped

pytestmark = pytest.mark.gui

MARK = "more characters of this line not shown"


def test_a_short_text_is_shown_as_it_is():
    text = "a note\n" + "x" * (LINE_LIMIT - 10)
    assert clipped(text, "anywhere") == text


def test_a_long_line_is_cut_and_says_how_much_and_where_the_whole_is():
    shown = clipped("head\n" + "A" * 1_000_000 + "\ntail", "the journal has it whole")
    head, cut, tail = shown.split("\n")
    assert (head, tail) == ("head", "tail")
    assert cut.startswith("A" * LINE_LIMIT + " … [990,000 " + MARK)
    assert cut.endswith("; the journal has it whole]")


def test_past_the_text_limit_the_remaining_lines_are_counted():
    lines = ["B" * (LINE_LIMIT - 1)] * 100
    shown = clipped("\n".join(lines)).split("\n")
    assert len("\n".join(shown[:-1])) <= TEXT_LIMIT
    assert shown[-1] == f"… [{100 - (len(shown) - 1)} more line(s) not shown]"


def test_a_note_of_a_megabyte_is_cut_in_the_notes_view_and_whole_in_the_record(bare_desk):
    """As a plugin's ``ad_api.addNote(...)`` adds it (a pasted base64 attachment, a log)."""
    desk = bare_desk
    call = desk.connected_call()
    note = "N" * 300_000
    desk.bridge.act("add_note", note, call.id)
    shown = desk.widget("notesView").toPlainText()
    assert MARK in shown
    assert len(shown) < 2 * LINE_LIMIT
    assert call.notes == [note]  # the engine's, and so the record's, is whole
    # The inspector's JSON pane cuts it too; Copy as JSON copies the whole payload.
    desk.window.complete()
    last = desk.bridge.events.events[-1]
    desk.window.inspector.select_event(last.seq)
    payload = desk.widget("eventJson").toPlainText()
    assert MARK in payload
    assert "Copy as JSON and the journal have it whole" in payload
    from PySide6.QtGui import QGuiApplication

    desk.window.inspector.copy_json()
    assert note in QGuiApplication.clipboard().text()


def test_a_tooltip_or_a_message_of_a_megabyte_shows_its_start_and_how_much_more(bare_desk):
    """Qt took 9 s to show a tooltip of 1 MB, at each hover over a long customer name (its
    label's tooltip is the whole name), a diff cell or a plugin's error."""
    from simulator.gui.controls import ElidedLabel
    from simulator.gui.long_lines import TIP_LIMIT

    name = "Z" * 1_000_000
    label = ElidedLabel()
    label.setText(name)
    assert label.text() == name
    assert label.toolTip() == "Z" * TIP_LIMIT + " … [998,000 more characters not shown]"
    bare_desk.window.show_message("Cannot call: " + name, error=True)
    assert len(bare_desk.widget("statusMessage").text()) < TIP_LIMIT + 100
