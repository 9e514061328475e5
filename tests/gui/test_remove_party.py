"""Remove takes the selected party off the conference; with none selected, the last one added
(never the customer), as its tooltip and the docs say."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def _parties(desk) -> list[str]:
    view = desk.widget("partyList")
    return [view.item(row).text() for row in range(view.count())]


def _invite(desk, number: str) -> None:
    count = len(_parties(desk))
    desk.type("transferNumber", number)
    desk.click("conferenceButton")
    desk.wait(lambda: len(_parties(desk)) == count + 1)


def test_remove_takes_the_selected_party_else_the_last_one_added(bare_desk):
    """With nothing selected Remove took the current row off the call: Tab (or the focus handed
    on from a greyed button) into the list makes its first row, the customer, current without
    selecting it, and the customer was dropped from their own call. The tooltip and the docs
    said "Remove the selected party" and nothing of the last one added."""
    desk = bare_desk
    desk.connected_call()
    _invite(desk, "2001")
    _invite(desk, "2002")
    button = desk.widget("removePartyButton")
    assert "last one added" in button.toolTip()
    customer, first, second = _parties(desk)
    view = desk.widget("partyList")
    # The focus came to the list (the conference button greyed under it: the field emptied),
    # which made its first row, the customer, current without selecting it.
    view.setFocus()
    view.setCurrentRow(0, view.selectionModel().SelectionFlag.NoUpdate)
    assert view.selectedItems() == []
    desk.click("removePartyButton")  # nothing selected
    desk.wait(lambda: _parties(desk) == [customer, first])
    _invite(desk, "2002")
    desk.click_item("partyList", view.model().index(1, 0))
    desk.click("removePartyButton")
    desk.wait(lambda: _parties(desk) == [customer, second])
