"""What a tester meets in the window when things go wrong around it: a plugin that does not
load, a scenario file that cannot be written. The window must say so where the tester looks,
never carry on as if all were well."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.gui

BROKEN_PLUGIN = textwrap.dedent(
    """
    def register(ad_api):
        raise ValueError("CRM_URL is not set")
    """
)


def _session(window: Any, tmp_path: Path, *handlers: Path, qtbot: Any = None) -> Any:
    """The window's session with ``handlers`` loaded (they load off the GUI thread)."""
    from simulator.gui.options import WindowOptions
    from simulator.gui.session import open_session

    options = WindowOptions(
        handlers=[str(path) for path in handlers], journal=":memory:", isolation="thread"
    )
    session = open_session(options, window.settings, window)
    if qtbot is not None:
        qtbot.waitUntil(lambda: session.bridge.loading is None, timeout=10_000)
    return session


def test_a_plugin_that_did_not_load_is_said_in_the_status_bar(
    qtbot, window, tmp_path, recorder_plugin
):
    """``adsim run`` exits 1 when a ``--handler`` fails to load; the window said
    ``1 plugin(s) · 0 outcome(s)`` and "Logged in", as if the integration were running."""
    from PySide6.QtWidgets import QLabel

    broken = tmp_path / "broken.py"
    broken.write_text(BROKEN_PLUGIN, encoding="utf-8")
    session = _session(window, tmp_path, recorder_plugin, broken, qtbot=qtbot)
    try:
        label = window.findChild(QLabel, "handlerStatus")
        assert "1 not loaded" in label.text(), label.text()
        assert label.property("error") is True
        assert "CRM_URL is not set" in label.toolTip()
        assert "broken" in label.toolTip()
    finally:
        session.close()


def test_plugins_that_all_loaded_are_not_an_error(qtbot, window, tmp_path, recorder_plugin):
    from PySide6.QtWidgets import QLabel

    session = _session(window, tmp_path, recorder_plugin, qtbot=qtbot)
    try:
        label = window.findChild(QLabel, "handlerStatus")
        assert "not loaded" not in label.text()
        assert not label.property("error")
    finally:
        session.close()


def test_reloading_a_fixed_plugin_clears_the_error(qtbot, window, tmp_path):
    from PySide6.QtWidgets import QLabel

    broken = tmp_path / "broken.py"
    broken.write_text(BROKEN_PLUGIN, encoding="utf-8")
    session = _session(window, tmp_path, broken, qtbot=qtbot)
    try:
        label = window.findChild(QLabel, "handlerStatus")
        assert label.property("error") is True
        broken.write_text("def register(ad_api):\n    pass\n", encoding="utf-8")
        session.bridge.reload_plugins()
        qtbot.waitUntil(lambda: not label.property("error"), timeout=10_000)
        assert "not loaded" not in label.text()
    finally:
        session.close()


def test_a_customer_phone_without_digits_is_refused_under_the_call_button(bare_desk):
    """Letters typed as the customer's phone made a call with an empty ANI."""
    desk = bare_desk
    desk.click("agentLoginButton")
    desk.choose("agentStateCombo", "Ready")
    desk.type("customerPhone", "call me")
    desk.click("offerCallButton")
    status = desk.widget("statusMessage")
    desk.wait(lambda: "no digits" in status.text())
    assert status.property("error") is True
    assert "'call me'" in status.text()
    assert not desk.sim.interactions


@pytest.mark.parametrize("where", ["a folder", "a missing folder", "under a file", "a full disk"])
def test_a_scenario_that_cannot_be_saved_is_said_in_the_status_bar(bare_desk, tmp_path, where):
    """File → Save session as scenario… onto a folder, into a missing one, under a file or onto
    a full disk raised out of the menu's slot: nothing on screen, the tester believed it saved."""
    desk = bare_desk
    desk.click("agentLoginButton")
    if where == "a folder":
        target = tmp_path
    elif where == "a missing folder":
        target = tmp_path / "missing" / "session.yaml"
    elif where == "under a file":
        (tmp_path / "notes.txt").write_text("", encoding="utf-8")
        target = tmp_path / "notes.txt" / "session.yaml"
    else:
        target = Path("/dev/full")
        if not target.exists():
            pytest.skip("no /dev/full here")
    desk.window.write_scenario(target)
    status = desk.widget("statusMessage")
    assert status.property("error") is True
    assert str(target) in status.text()
    assert "not saved" in status.text()


def test_a_saved_scenario_is_said_with_its_path(bare_desk, tmp_path):
    desk = bare_desk
    desk.click("agentLoginButton")
    target = tmp_path / "session.yaml"
    desk.window.write_scenario(target)
    assert target.read_text(encoding="utf-8").startswith("# Recorded by adsim")
    status = desk.widget("statusMessage")
    assert not status.property("error")
    assert str(target) in status.text()


def test_saving_over_a_scenario_replaces_it_whole_keeping_its_mode(bare_desk, tmp_path):
    desk = bare_desk
    desk.click("agentLoginButton")
    target = tmp_path / "session.yaml"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    desk.window.write_scenario(target)
    assert target.read_text(encoding="utf-8").startswith("# Recorded by adsim")
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(path.name for path in tmp_path.iterdir()) == ["session.yaml"]


def test_a_long_value_full_of_numbers_is_coloured_in_one_pass(qtbot):
    """A pasted log in a note (20,000 lines with numbers: one JSON line of 800 KB) froze the
    window for minutes when its event was selected: for each number the highlighter counted
    the quotes of all the text before it. Run off the GUI thread with a bound a hundred times
    what one pass takes, so a return to the old way fails here rather than hanging CI."""
    import threading

    from PySide6.QtGui import QTextDocument

    from simulator.gui.inspector.json_view import JsonHighlighter

    highlighter = JsonHighlighter(QTextDocument())
    log = "log line 12345 took 67 ms\\n" * 40_000
    line = f'  "description": "{log}", "duration": 42, "ok": true, "n": null'
    found: dict[int, str] = {}
    worker = threading.Thread(
        target=lambda: found.update(highlighter.token_kinds(line)), daemon=True
    )
    worker.start()
    worker.join(120)
    assert not worker.is_alive(), "colouring one long line did not finish"
    kinds = {line[start : start + 4]: kind for start, kind in found.items()}
    assert found[line.index('"description"')] == "key"
    assert found[line.index('"log line')] == "string"
    assert kinds["42, "] == "number"
    assert kinds["true"] == "literal"
    assert kinds["null"] == "literal"
    assert "number" not in {kind for start, kind in found.items() if start < line.index('",')}


def test_a_plugin_problem_outside_any_call_is_counted_in_the_status_bar(qtbot, window, tmp_path):
    """``adsim run`` fails for a plugin whose close() raised or whose process died between
    calls; the window showed nothing of it (only calls' outcomes were counted)."""
    from PySide6.QtWidgets import QLabel

    plugin = tmp_path / "crm_flush.py"
    plugin.write_text(
        "def register(ad_api):\n    pass\n\n\ndef close():\n    raise OSError('flush failed')\n",
        encoding="utf-8",
    )
    session = _session(window, tmp_path, plugin, qtbot=qtbot)
    try:
        label = window.findChild(QLabel, "handlerStatus")
        assert "problem" not in label.text()
        session.bridge.reload_plugins()  # its close() runs first, and raises
        qtbot.waitUntil(lambda: "1 plugin problem(s)" in label.text(), timeout=10_000)
        assert f"plugin crm_flush: its close() raised: {plugin}:6: OSError: flush failed" in (
            label.toolTip()
        )
    finally:
        session.close()


@pytest.mark.parametrize("offer", ["offerCallButton", "offerChatButton", "offerEmailButton"])
def test_a_refused_offer_keeps_the_customers_message(bare_desk, offer):
    """The message typed for the customer was cleared even when the offer was refused."""
    desk = bare_desk
    desk.click("agentLoginButton")
    desk.choose("agentStateCombo", "Ready")
    desk.type("customerPhone", "call me")
    desk.type("customerEmail", "nobody")
    desk.type("customerMessage", "My parcel is late.")
    desk.click(offer)
    status = desk.widget("statusMessage")
    desk.wait(lambda: status.property("error") is True)
    assert not desk.sim.interactions
    assert desk.widget("customerMessage").toPlainText() == "My parcel is late."


def _wheel(widget: Any) -> None:
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(widget.rect().center())),
        QPoint(0, 0),
        QPoint(0, -120),  # one notch down
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_scrolling_over_a_combo_box_never_acts(bare_desk):
    """The wheel over the wrap-up's disposition chose one (an adApi action), over the agent
    state a next state: a tester scrolling the window set them without knowing."""
    desk = bare_desk
    desk.click("agentLoginButton")
    desk.choose("agentStateCombo", "Ready")
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    desk.click("acceptButton")
    desk.click("hangUpButton")
    call = desk.active()
    service = desk.widget("customerService").currentText()
    for name in ("dispositionCombo", "agentStateCombo", "customerService"):
        _wheel(desk.widget(name))
    assert call.disposition is None
    assert desk.widget("dispositionCombo").currentData() is None
    assert desk.widget("agentNextState").text() == ""
    assert desk.widget("customerService").currentText() == service
    # Clicked into, a combo box takes the wheel as before.
    desk.window.activateWindow()
    desk.widget("dispositionCombo").setFocus()
    desk.wait(desk.widget("dispositionCombo").hasFocus)
    _wheel(desk.widget("dispositionCombo"))
    assert call.disposition is not None
