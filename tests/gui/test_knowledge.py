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


ARTICLE_NAMING_FILES = """
def article(article_id):
    return {"title": "Pictures", "answer": (
        '<p>before</p><img src="%s"><img src="file://%s"><p>after</p>'
    )}


def register(ad_api):
    ad_api.on("ON_GET_KNOWLEDGE_BASE_ARTICLE", article)
"""


def test_an_article_never_makes_the_window_read_a_file_it_names(qtbot, window, sim, tmp_path):
    """``<img src="/dev/zero">`` in an article: the window read /dev/zero until memory ran out.
    A file the article names is not read at all."""
    from PySide6.QtCore import Qt, QUrl
    from PySide6.QtGui import QImage, QTextDocument
    from PySide6.QtWidgets import QListWidget, QListWidgetItem, QTextBrowser

    from simulator.gui.bridge import SimBridge
    from simulator.handlers import HandlerHost

    picture = tmp_path / "picture.png"
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(0xFF0000)
    assert image.save(str(picture))
    plugin = tmp_path / "kb.py"
    plugin.write_text(ARTICLE_NAMING_FILES % (picture, picture), encoding="utf-8")
    host = HandlerHost(sim, timeout=10.0, journal=None)
    try:
        [status] = host.load(plugin)
        assert status.loaded, status.error
        window.attach(SimBridge(sim, host, parent=window))
        assert sim.login().ok
        results = window.findChild(QListWidget, "kbResults")
        item = QListWidgetItem("Pictures")
        item.setData(Qt.ItemDataRole.UserRole, "KB-1")
        results.addItem(item)  # what a search answered
        results.itemClicked.emit(item)
        article = window.findChild(QTextBrowser, "kbArticle")
        qtbot.waitUntil(lambda: "after" in article.toPlainText(), timeout=20_000)
        article.grab()  # laid out and painted: every image asked for
        kind = int(QTextDocument.ResourceType.ImageResource.value)
        for url in (QUrl(str(picture)), QUrl.fromLocalFile(str(picture))):
            loaded = article.document().resource(kind, url)
            # Read, it is the file's bytes (or the 4x4 image made of them).
            assert isinstance(loaded, QImage), (url, type(loaded))
            assert loaded.width() != 4, url
    finally:
        host.close(timeout=5.0)


def test_an_answer_to_an_older_request_is_not_shown_over_a_newer_one(
    qtbot, window, sim, monkeypatch
):
    """An integration answering later: article A's answer arriving after B was clicked (or
    after a new search) showed A under B's title or the new results."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QTextBrowser

    from simulator.engine import widget_requests
    from simulator.gui.bridge import SimBridge

    waiting: dict[str, Any] = {}
    monkeypatch.setattr(
        widget_requests,
        "get_knowledge_base_article",
        lambda _sim, article_id, then=None: waiting.__setitem__(article_id, then),
    )
    monkeypatch.setattr(
        widget_requests,
        "search_knowledge_base",
        lambda _sim, query, then=None: waiting.__setitem__(query, then),
    )
    window.attach(SimBridge(sim, None, parent=window))
    assert sim.login().ok
    results = window.findChild(QListWidget, "kbResults")
    article = window.findChild(QTextBrowser, "kbArticle")
    for article_id in ("KB-A", "KB-B"):
        item = QListWidgetItem(article_id)
        item.setData(Qt.ItemDataRole.UserRole, article_id)
        results.addItem(item)
    results.itemClicked.emit(results.item(0))
    results.itemClicked.emit(results.item(1))
    waiting.pop("KB-B")({"title": "B", "answer": "<p>bee</p>"})
    waiting.pop("KB-A")({"title": "A", "answer": "<p>ay</p>"})
    assert "bee" in article.toPlainText()
    assert "ay" not in article.toPlainText()

    results.itemClicked.emit(results.item(0))
    window.findChild(QLineEdit, "kbSearchBox").setText("password")
    window.findChild(QLineEdit, "kbSearchBox").returnPressed.emit()
    waiting.pop("KB-A")({"title": "A", "answer": "<p>ay</p>"})
    assert article.toPlainText() == ""


FAILING_KNOWLEDGE_BASE = """
def fail(*args):
    raise ConnectionError("the knowledge base is down")


def register(ad_api):
    ad_api.on("ON_SEARCH_KNOWLEDGE_BASE", fail)
    ad_api.on("ON_GET_KNOWLEDGE_BASE_ARTICLE", fail)
"""


def test_a_failing_integration_is_said_not_found_nothing(qtbot, window, sim, tmp_path):
    """A handler that raised (or timed out, or crashed) was shown as "found nothing"."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QTextBrowser

    from simulator.gui.bridge import SimBridge
    from simulator.handlers import HandlerHost

    plugin = tmp_path / "kb_down.py"
    plugin.write_text(FAILING_KNOWLEDGE_BASE, encoding="utf-8")
    host = HandlerHost(sim, timeout=10.0, journal=None)
    try:
        [status] = host.load(plugin)
        assert status.loaded, status.error
        window.attach(SimBridge(sim, host, parent=window))
        assert sim.login().ok
        box = window.findChild(QLineEdit, "kbSearchBox")
        box.setText("password")
        box.returnPressed.emit()
        kb_status = window.findChild(QLabel, "kbStatus")
        qtbot.waitUntil(lambda: kb_status.text() != "Searching…", timeout=20_000)
        assert kb_status.text() == (
            "The integration's search failed (error): see Handler outcomes in the event inspector."
        )
        results = window.findChild(QListWidget, "kbResults")
        item = QListWidgetItem("An article")
        item.setData(Qt.ItemDataRole.UserRole, "KB-1")
        results.addItem(item)
        results.itemClicked.emit(item)
        article = window.findChild(QTextBrowser, "kbArticle")
        qtbot.waitUntil(lambda: article.toPlainText() != "", timeout=20_000)
        assert article.toPlainText().startswith("The integration failed to answer (error)")
    finally:
        host.close(timeout=5.0)
