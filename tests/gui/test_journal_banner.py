"""A journal that cannot be written: the window says so, holds the events back from the handlers
(and from itself) until the journal is writable again or switched off, and never lets the
engine's ``CommitError`` escape a Qt slot. At start, a journal that cannot be opened for writing
is the window's one-line start error (exit 2), as for ``adsim run``."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.gui

WAIT_MS = 20_000  # a commit may wait the journal's busy_timeout for the lock first


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    return tmp_path / "journal.sqlite"


@pytest.fixture
def journaled(
    qtbot: Any, window: Any, sim: Any, recorder_plugin: Path, journal_path: Path
) -> Iterator[Any]:
    """The window with the recording plugin and a journal on disk (short lock wait)."""
    from simulator.gui.bridge import SimBridge
    from simulator.handlers import HandlerHost
    from simulator.journal import Journal
    from tests.gui.driver import Desk

    journal = Journal.open(journal_path, busy_timeout=0.2)
    host = HandlerHost(sim, timeout=10.0, journal=journal)
    host.load(recorder_plugin)
    window.attach(SimBridge(sim, host, parent=window))
    yield Desk(qtbot, window)
    host.close(timeout=5.0)
    journal.close()


def _lock(path: Path) -> sqlite3.Connection:
    """Another connection takes the journal's write lock and keeps it."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def _handled(desk: Any) -> list[str]:
    return [str(outcome.event_name) for outcome in desk.bridge.outcomes]


def _journaled(path: Path) -> list[str]:
    with sqlite3.connect(path) as reader:
        return [row[0] for row in reader.execute("SELECT name FROM events ORDER BY seq")]


def _logged_in(desk: Any) -> None:
    desk.click("agentLoginButton")
    desk.wait(lambda: "ON_LOGIN" in _handled(desk), WAIT_MS)
    desk.wait(lambda: desk.bridge.host.pending == 0, WAIT_MS)


def test_a_locked_journal_shows_a_banner_holds_events_and_resumes(journaled, journal_path):
    desk = journaled
    _logged_in(desk)
    banner = desk.widget("journalBanner")
    assert not banner.isVisible()
    handled_before = len(_handled(desk))
    events_before = len(desk.bridge.events)
    journaled_before = len(_journaled(journal_path))
    other = _lock(journal_path)
    try:
        desk.choose("agentStateCombo", "Ready")
        desk.wait(banner.isVisible, WAIT_MS)
        text = desk.widget("journalBannerText").text()
        assert str(journal_path) in text
        assert "locked" in text
        assert "held back" in desk.widget("journalHeldLabel").text()
        assert desk.widget("journalOffButton").isEnabled()
        # Held: neither the handlers nor the window's own event log got them.
        assert len(_handled(desk)) == handled_before
        assert len(desk.bridge.events) == events_before
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert len(_journaled(journal_path)) == journaled_before
    # Writable again: the poll timer's retry commits and delivers; the banner goes away.
    desk.wait(lambda: not banner.isVisible(), WAIT_MS)
    desk.wait(lambda: _handled(desk)[-1:] == ["ON_AGENT_STATE_CHANGE"], WAIT_MS)
    assert len(desk.bridge.events) > events_before
    assert _journaled(journal_path)[journaled_before:] == ["ON_AGENT_STATE_CHANGE"]


def test_switching_the_journal_off_delivers_the_held_events_unjournaled(journaled, journal_path):
    desk = journaled
    _logged_in(desk)
    banner = desk.widget("journalBanner")
    journaled_before = _journaled(journal_path)
    other = _lock(journal_path)
    try:
        desk.choose("agentStateCombo", "Ready")
        desk.wait(banner.isVisible, WAIT_MS)
        desk.click("journalOffButton")
        desk.wait(lambda: not banner.isVisible(), WAIT_MS)
        desk.wait(lambda: _handled(desk)[-1:] == ["ON_AGENT_STATE_CHANGE"], WAIT_MS)
    finally:
        other.execute("ROLLBACK")
        other.close()
    # Later events reach the handlers at once and are not journaled either.
    desk.choose("agentStateCombo", "Not Ready: Break")
    desk.wait(lambda: len(_handled(desk)) >= 2 + len(journaled_before), WAIT_MS)
    assert _journaled(journal_path) == journaled_before
    assert desk.bridge.journal is None


def test_a_journal_that_cannot_be_written_at_start_is_one_line_and_exit_2(tmp_path):
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path),
    }
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "--journal", str(folder)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if "propagateSizeHints" not in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"adsim: {folder}: is a folder; pass a journal file")
    assert "Traceback" not in result.stderr


def test_make_host_turns_a_locked_journal_into_a_session_error(sim, journal_path):
    from simulator.gui.session import SessionError, make_host
    from simulator.journal import Journal

    Journal.open(journal_path).close()
    other = _lock(journal_path)
    try:
        with pytest.raises(SessionError, match="locked"):
            make_host(sim, str(journal_path))
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_while_events_are_held_the_desktop_shows_the_engine_and_the_inspector_waits(
    journaled, journal_path
):
    """The docs said the interaction view stopped with the journal; it shows the engine (the
    offer that rang meanwhile), and only the inspector and the handlers wait."""
    desk = journaled
    _logged_in(desk)
    desk.select("agentStateCombo", "ready")
    desk.wait(lambda: desk.bridge.host.pending == 0, WAIT_MS)
    banner = desk.widget("journalBanner")
    events_before = len(desk.bridge.events)
    other = _lock(journal_path)
    try:
        desk.click("offerCallButton")
        desk.wait(banner.isVisible, WAIT_MS)
        (call,) = desk.sim.interactions
        assert desk.widget("interactionList").model().rowCount() == 1
        assert desk.widget("interactionState").text() == "Ringing"
        desk.click("acceptButton")
        assert call.state.value == "delivered"
        assert desk.widget("interactionState").text() == "Connected"
        assert len(desk.bridge.events) == events_before
        assert "ON_NEW_INTERACTION" not in _handled(desk)
    finally:
        other.execute("ROLLBACK")
        other.close()
    desk.wait(lambda: not banner.isVisible(), WAIT_MS)
    desk.wait(lambda: "ON_NEW_INTERACTION" in _handled(desk), WAIT_MS)
    assert len(desk.bridge.events) > events_before


@pytest.mark.parametrize("at_close", ["still locked", "writable again"])
def test_closing_with_events_held_says_what_nobody_got(qtbot, window, journal_path, at_close):
    """The window closed under the banner: the held events were neither journaled nor handled,
    and nothing said so (exit 0). The close tries the commit once more, and what it still
    cannot journal is said (``adsim`` prints it and exits 1)."""
    from simulator.gui.options import WindowOptions
    from simulator.gui.session import open_session
    from tests.gui.driver import Desk

    options = WindowOptions(journal=str(journal_path), isolation="thread")
    session = open_session(options, window.settings, window)
    sim = session.sim
    desk = Desk(qtbot, window)
    desk.select("agentStateCombo", "ready")
    journaled_before = _journaled(journal_path)
    other = _lock(journal_path)
    try:
        desk.click("offerCallButton")
        qtbot.waitUntil(lambda: sim.bus.held is not None, timeout=WAIT_MS)
        held = sim.bus.held_count
        assert held >= 1
        if at_close == "writable again":
            other.execute("ROLLBACK")
        lost = session.close()
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()
    if at_close == "still locked":
        assert len(lost) == 1, lost
        assert lost[0].startswith(f"the window closed with {held} event(s) of ")
        assert "never journaled nor delivered" in lost[0]
        assert str(journal_path) in lost[0]
        assert _journaled(journal_path) == journaled_before
    else:
        assert lost == []
        assert "ON_NEW_INTERACTION" in _journaled(journal_path)[len(journaled_before) :]


def test_the_banner_takes_its_room_from_the_areas_never_the_screen(journaled, journal_path):
    """On a 1600x1000 screen the window (952 pixels at least) grew to 1012 when the banner
    appeared, its status bar below the screen. The central area and the inspector now give the
    banner's height up while it shows (they scroll): the window asks for no more room."""
    from PySide6.QtWidgets import QApplication

    from simulator.gui.theme.style import apply_style_sheet

    apply_style_sheet(QApplication.instance())  # as the window runs: its minimums are larger
    desk = journaled
    _logged_in(desk)
    desk.choose("agentStateCombo", "Ready")
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending", WAIT_MS)
    desk.click("acceptButton")  # the call page: the central area needs all its room
    desk.wait(lambda: desk.bridge.host.pending == 0, WAIT_MS)
    window = desk.window
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    least = window.minimumSizeHint().height()
    before = window.height()
    banner = desk.widget("journalBanner")
    other = _lock(journal_path)
    try:
        desk.click("holdButton")
        desk.wait(banner.isVisible, WAIT_MS)
        QApplication.sendPostedEvents()
        QApplication.processEvents()
        assert window.minimumSizeHint().height() <= least
        assert window.height() == before
    finally:
        other.execute("ROLLBACK")
        other.close()
    desk.wait(lambda: not banner.isVisible(), WAIT_MS)


def test_closing_with_the_journal_switched_off_and_still_unwritable_says_so(
    qtbot, window, journal_path
):
    """Switched off because it could not be written, the journal could not take the end of
    its run (``journal-off``) at the close either: ``adsim journal runs`` cannot say how the
    run ended, and the close said nothing (exit 0). Said as ``adsim run`` says an incomplete
    journal (``adsim`` exits 1)."""
    from simulator.gui.options import WindowOptions
    from simulator.gui.session import open_session
    from tests.gui.driver import Desk

    options = WindowOptions(journal=str(journal_path), isolation="thread")
    session = open_session(options, window.settings, window)
    sim = session.sim
    desk = Desk(qtbot, window)
    desk.select("agentStateCombo", "ready")
    other = _lock(journal_path)
    try:
        desk.click("offerCallButton")
        qtbot.waitUntil(lambda: sim.bus.held is not None, timeout=WAIT_MS)
        desk.click("journalOffButton")
        qtbot.waitUntil(lambda: sim.bus.held is None, timeout=WAIT_MS)
        lost = session.close()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert len(lost) == 1, lost
    assert lost[0].startswith(f"journal {journal_path}: cannot write the end of the run"), lost
    assert lost[0].endswith("the journal of jane's run is incomplete"), lost


def test_closing_once_the_journal_took_the_end_it_could_not_take_says_nothing_of_it(
    qtbot, window, journal_path
):
    """Switched off while locked, the journal could not take the end of its run then; the lock
    gone, the close wrote it. The close said it could not (`cannot write the end of the run
    (journal-off): database is locked ...; the journal of jane's run is incomplete`, exit 1):
    a failure cured since, the journal whole."""
    from simulator.gui.options import WindowOptions
    from simulator.gui.session import open_session
    from tests.gui.driver import Desk

    options = WindowOptions(journal=str(journal_path), isolation="thread")
    session = open_session(options, window.settings, window)
    sim = session.sim
    desk = Desk(qtbot, window)
    desk.select("agentStateCombo", "ready")
    other = _lock(journal_path)
    try:
        desk.click("offerCallButton")
        qtbot.waitUntil(lambda: sim.bus.held is not None, timeout=WAIT_MS)
        desk.click("journalOffButton")
        qtbot.waitUntil(lambda: sim.bus.held is None, timeout=WAIT_MS)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert session.close() == []
    with sqlite3.connect(journal_path) as reader:
        ending, ended_ms = reader.execute("SELECT ending, ended_ms FROM runs").fetchone()
    assert ending is None and ended_ms is not None  # its end: journal-off, written


def test_a_journal_file_deleted_mid_session_is_not_said_to_be_retried(journaled, journal_path):
    """Deleted while the window wrote to it, the journal never takes an event again (the banner
    says `nothing more is written`), but the line under it said the events were held `until
    the journal can be written (retrying every second) or you switch it off`: a tester waited
    for a retry that cannot succeed. It says the switch is the way on; the switch delivers
    them, and nothing is delivered before."""
    desk = journaled
    _logged_in(desk)
    handled_before = len(_handled(desk))
    banner = desk.widget("journalBanner")
    journal_path.unlink()
    desk.choose("agentStateCombo", "Ready")
    desk.wait(banner.isVisible, WAIT_MS)
    text = desk.widget("journalBannerText").text()
    assert str(journal_path) in text and "deleted or moved" in text, text
    held = desk.widget("journalHeldLabel").text()
    assert "retrying" not in held, held
    assert held.startswith("1 event held back: neither the handlers nor this window get them"), held
    assert "switch the journal off: its file was deleted, moved or replaced" in held, held
    assert len(_handled(desk)) == handled_before
    desk.click("journalOffButton")
    desk.wait(lambda: not banner.isVisible(), WAIT_MS)
    desk.wait(lambda: _handled(desk)[-1:] == ["ON_AGENT_STATE_CHANGE"], WAIT_MS)


def test_the_banner_never_widens_the_window(journaled, journal_path):
    """On a 1024x768 screen the window (912 pixels wide at least) grew to 1359 when the banner
    appeared, the directory and the customer side off the screen's right edge, and stayed that
    wide once the banner had gone: the line counting the held events did not wrap. It wraps as
    the line above it does: the banner asks for no more width than the window's areas."""
    from PySide6.QtWidgets import QApplication

    from simulator.gui.theme.style import apply_style_sheet

    apply_style_sheet(QApplication.instance())  # as the window runs: its minimums are larger
    desk = journaled
    _logged_in(desk)
    desk.choose("agentStateCombo", "Ready")
    window = desk.window
    QApplication.sendPostedEvents()
    QApplication.processEvents()
    least = window.minimumSizeHint().width()
    banner = desk.widget("journalBanner")
    other = _lock(journal_path)
    try:
        desk.click("offerCallButton")
        desk.wait(banner.isVisible, WAIT_MS)
        desk.wait(lambda: "held back" in desk.widget("journalHeldLabel").text(), WAIT_MS)
        QApplication.sendPostedEvents()
        QApplication.processEvents()
        assert window.minimumSizeHint().width() <= least
    finally:
        other.execute("ROLLBACK")
        other.close()
    desk.wait(lambda: not banner.isVisible(), WAIT_MS)
