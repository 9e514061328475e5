"""The window's knowledge-base search box: the integration's articles are shown as it answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def kb_desk(qtbot: Any, window: Any, sim: Any) -> Any:
    from simulator.gui.bridge import SimBridge
    from simulator.handlers import HandlerHost

    host = HandlerHost(sim, timeout=10.0, journal=None)
    [status] = host.load(ROOT / "fixtures" / "handlers" / "knowledge_base.py")
    assert status.loaded, status.error
    window.attach(SimBridge(sim, host, parent=window))
    yield window
    host.close(timeout=5.0)


def test_search_and_open_an_article(qtbot, kb_desk, sim):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit, QListWidget, QPushButton, QTextBrowser

    window = kb_desk
    box = window.findChild(QLineEdit, "kbSearchBox")
    search = window.findChild(QPushButton, "kbSearchButton")
    results = window.findChild(QListWidget, "kbResults")
    article = window.findChild(QTextBrowser, "kbArticle")
    assert sim.login().ok
    box.setText("reset password")
    qtbot.mouseClick(search, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: results.count() == 1, timeout=20_000)
    assert results.item(0).text() == "Reset a forgotten password"
    results.itemClicked.emit(results.item(0))
    qtbot.waitUntil(lambda: "spam" in article.toPlainText(), timeout=20_000)
    assert article.toPlainText().startswith("Reset a forgotten password")


def test_logged_out_the_box_says_so(qtbot, kb_desk, sim):
    from PySide6.QtWidgets import QLabel, QLineEdit

    window = kb_desk
    window.findChild(QLineEdit, "kbSearchBox").setText("anything")
    assert window.knowledge is not None
    window.knowledge._search()
    assert "Log in" in window.findChild(QLabel, "kbStatus").text()
