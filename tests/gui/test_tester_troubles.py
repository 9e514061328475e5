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


def _session(window: Any, tmp_path: Path, *handlers: Path) -> Any:
    from simulator.gui.options import WindowOptions
    from simulator.gui.session import open_session

    options = WindowOptions(
        handlers=[str(path) for path in handlers], journal=":memory:", isolation="thread"
    )
    return open_session(options, window.settings, window)


def test_a_plugin_that_did_not_load_is_said_in_the_status_bar(
    qtbot, window, tmp_path, recorder_plugin
):
    """``adsim run`` exits 1 when a ``--handler`` fails to load; the window said
    ``1 plugin(s) · 0 outcome(s)`` and "Logged in", as if the integration were running."""
    from PySide6.QtWidgets import QLabel

    broken = tmp_path / "broken.py"
    broken.write_text(BROKEN_PLUGIN, encoding="utf-8")
    session = _session(window, tmp_path, recorder_plugin, broken)
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

    session = _session(window, tmp_path, recorder_plugin)
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
    session = _session(window, tmp_path, broken)
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
