"""The knowledge-base search box: the agent searches the integration's knowledge base
(``ON_SEARCH_KNOWLEDGE_BASE``) and opens an article (``ON_GET_KNOWLEDGE_BASE_ARTICLE``); the
integration's answers are shown as they come (a handler may answer later, from its own thread:
the answer arrives on the window's thread through the simulation's posted work)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QWidget,
)

from simulator.gui.controls import button, card_in, plain_label, section
from simulator.gui.long_lines import tip

if TYPE_CHECKING:
    from simulator.gui.bridge import SimBridge

__all__ = ["KnowledgePanel"]

_ID = Qt.ItemDataRole.UserRole
_SEE_OUTCOMES = "see Handler outcomes in the event inspector."


class _ArticleDocument(QTextDocument):
    """The article's HTML, reading no file it names: Qt read an ``<img>``'s or a stylesheet's
    local file on the window's thread (``<img src="/dev/zero">`` until memory ran out)."""

    def loadResource(self, kind: int, name: Any) -> Any:
        """An empty image or text, whatever is asked (nothing would make Qt read the file)."""
        if kind == QTextDocument.ResourceType.ImageResource.value:
            blank = QImage(1, 1, QImage.Format.Format_ARGB32)
            blank.fill(0)
            return blank
        return ""


class KnowledgePanel(QWidget):
    """Search the integration's knowledge base and read its articles."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._bridge: SimBridge | None = None
        self._asked = 0
        """Counts searches: an answer to an older search is not shown over a newer one."""
        self._opened = 0
        """Counts articles asked for (and searches): an answer to an older one is not shown."""
        frame, layout = card_in(self, "knowledgePanel", margins=10, spacing=6)
        layout.addWidget(section("Knowledge base"))
        row = QHBoxLayout()
        self.query = QLineEdit(frame)
        self.query.setObjectName("kbSearchBox")
        self.query.setPlaceholderText("Search the integration's articles")
        self.query.setClearButtonEnabled(True)
        self.search = button(
            "kbSearchButton", "Search", "search", tooltip="ON_SEARCH_KNOWLEDGE_BASE"
        )
        row.addWidget(self.query, 1)
        row.addWidget(self.search)
        layout.addLayout(row)
        self.status = plain_label("", "kbStatus", role="muted")
        layout.addWidget(self.status)
        self.results = QListWidget(frame)
        self.results.setObjectName("kbResults")
        self.results.setMaximumHeight(140)
        layout.addWidget(self.results)
        self.article = QTextBrowser(frame)
        self.article.setObjectName("kbArticle")
        self.article.setOpenLinks(False)  # the article is the integration's HTML: never navigate
        self.article.setDocument(_ArticleDocument(self.article))
        layout.addWidget(self.article, 1)
        self.search.clicked.connect(self._search)
        self.query.returnPressed.connect(self._search)
        self.results.itemActivated.connect(self._open)
        self.results.itemClicked.connect(self._open)

    def attach(self, bridge: SimBridge) -> None:
        """Search through ``bridge``'s simulator."""
        self._bridge = bridge
        self.search.setEnabled(True)

    def _search(self) -> None:
        bridge = self._bridge
        text = self.query.text().strip()
        if bridge is None or not text:
            return
        if not bridge.sim.agent.logged_in:
            self.status.setText("Log in to search the knowledge base.")
            return
        self._asked += 1
        self._opened += 1  # an article still on its way belongs to the old results
        asked = self._asked
        self.status.setText("Searching…")
        self.results.clear()
        self.article.clear()
        from simulator.engine import widget_requests as requests  # not before the first paint

        sent: list[Any] = []
        sent.append(
            requests.search_knowledge_base(
                bridge.sim, text, then=lambda answer: self._show_results(asked, answer, sent)
            )
        )

    def _failed(self, sent: list[Any]) -> str | None:
        """How the handlers of the request in ``sent`` failed (``timeout``, ``crashed`` ...),
        or None: their outcomes are recorded before the answer runs ``then``."""
        host = self._bridge.host if self._bridge is not None else None
        seq = getattr(sent[0], "seq", None) if sent else None
        if host is None or seq is None:
            return None
        failed = [o.status for o in host.outcomes if o.event_seq == seq and o.status != "ok"]
        return ", ".join(failed) or None

    def _show_results(self, asked: int, answer: Any, sent: list[Any]) -> None:
        if asked != self._asked:
            return
        self.results.clear()
        items = answer if isinstance(answer, list) else []
        for entry in items:
            if not isinstance(entry, dict) or "id" not in entry:
                continue
            title = entry.get("title") or entry.get("text") or str(entry["id"])
            item = QListWidgetItem(str(title))
            item.setData(_ID, str(entry["id"]))
            item.setToolTip(tip(str(entry.get("text", ""))))
            self.results.addItem(item)
        count = self.results.count()
        failed = self._failed(sent)
        if count:
            self.status.setText(f"{count} article{'s' if count != 1 else ''} from the integration")
        elif failed:
            self.status.setText(f"The integration's search failed ({failed}): {_SEE_OUTCOMES}")
        else:
            self.status.setText("The integration found nothing (or does not answer).")

    def _open(self, item: QListWidgetItem) -> None:
        bridge = self._bridge
        if bridge is None:
            return
        article_id = item.data(_ID)
        self._opened += 1
        opened = self._opened
        from simulator.engine import widget_requests as requests  # not before the first paint

        sent: list[Any] = []
        sent.append(
            requests.get_knowledge_base_article(
                bridge.sim,
                str(article_id),
                then=lambda answer: self._show_article(opened, answer, sent),
            )
        )

    def _show_article(self, opened: int, answer: Any, sent: list[Any] | None = None) -> None:
        if opened != self._opened:
            return
        if not isinstance(answer, dict):
            failed = self._failed(sent or [])
            self.article.setPlainText(
                f"The integration failed to answer ({failed}): {_SEE_OUTCOMES}"
                if failed
                else "The integration has no such article."
            )
            return
        import html  # here: html.entities (~2 ms) is not for the first paint

        title = html.escape(str(answer.get("title", "")))
        body = str(answer.get("answer", ""))
        self.article.setHtml(f"<h3>{title}</h3>{body}")
