"""The automation contract's controls of the docks beside the desktop: the customer side (what the
customer does), the docks themselves and the knowledge base.
"""

from __future__ import annotations

from simulator.gui.automation.control import Control

__all__ = ["DOCK_CONTROLS"]

_C = Control

DOCK_CONTROLS: tuple[Control, ...] = (
    # ------------------------------------------------------------------ customer side
    _C("customerPanel", "QFrame", "Customer side", "Make things happen on the customer's side"),
    _C(
        "customerService",
        "QComboBox",
        "Customer side",
        "Service the contact comes through (first of the right type when it does not fit); "
        "item data: the service's name (None: any service)",
    ),
    _C("customerName", "QLineEdit", "Customer side", "Customer name (empty: generated)"),
    _C("customerPhone", "QLineEdit", "Customer side", "Customer phone (empty: generated)"),
    _C("customerEmail", "QLineEdit", "Customer side", "Customer email (empty: generated)"),
    _C("customerGenerate", "QPushButton", "Customer side", "Fill in a generated customer"),
    _C("customerSubject", "QLineEdit", "Customer side", "Subject of an incoming email"),
    _C(
        "customerMessage",
        "QPlainTextEdit",
        "Customer side",
        "First chat line, email body, or what the customer writes (empty: generated)",
    ),
    _C("offerCallButton", "QPushButton", "Customer side", "An inbound call arrives"),
    _C("offerChatButton", "QPushButton", "Customer side", "A chat arrives"),
    _C("offerEmailButton", "QPushButton", "Customer side", "An email arrives"),
    _C(
        "customerWriteButton",
        "QPushButton",
        "Customer side",
        "The customer writes in the active chat",
        ("customer_message",),
    ),
    _C(
        "customerAnswerButton",
        "QPushButton",
        "Customer side",
        "The far end of the agent's call answers",
        ("remote_answer", "remote_answer_ivr"),
    ),
    _C(
        "customerHangUpButton",
        "QPushButton",
        "Customer side",
        "The customer hangs up / leaves the chat",
        ("customer_hang_up",),
    ),
    # ------------------------------------------------------------------ docks
    _C(
        "inspectorDock",
        "QDockWidget",
        "Inspector",
        "The event inspector (toggle: Ctrl+I)",
        shortcut="Ctrl+I",
    ),
    _C("directoryDock", "QDockWidget", "Directory", "Dock holding the directory"),
    _C("customerDock", "QDockWidget", "Customer side", "Dock holding the customer side"),
    _C("knowledgeDock", "QDockWidget", "Knowledge base", "Dock holding the knowledge base"),
    _C("knowledgePanel", "QFrame", "Knowledge base", "Search the integration's knowledge base"),
    _C("kbSearchBox", "QLineEdit", "Knowledge base", "Search text (Enter searches)"),
    _C(
        "kbSearchButton",
        "QPushButton",
        "Knowledge base",
        "Send ON_SEARCH_KNOWLEDGE_BASE with the search text",
    ),
    _C(
        "kbStatus",
        "QLabel",
        "Knowledge base",
        "How many articles the integration answered, or that its handler failed"
        " (`The integration's search failed (timeout): …`)",
    ),
    _C(
        "kbResults",
        "QListWidget",
        "Knowledge base",
        "The integration's articles; a click opens one (ON_GET_KNOWLEDGE_BASE_ARTICLE)",
    ),
    _C("kbArticle", "QTextBrowser", "Knowledge base", "The article the integration answered"),
)
