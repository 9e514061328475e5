"""The automation contract: every control's stable ``objectName``, what it does, what enables it.

QA's own pytest-qt tests find controls with ``window.findChild(QWidget, "holdButton")``. This
table is the single source: the documentation's table (docs/window.md) is generated from it
(``markdown_table``), the window enables each control from its ``actions`` (an action button is
enabled exactly when ``sim.allowed()`` contains one of them) and binds its ``shortcut``. A test
checks that every name here exists in the window and every named control in the window is
listed here.

Qt-free so that it can be read (and the table regenerated) without a display.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CONTROLS", "Control", "enabling_actions", "markdown_table", "shortcuts"]


@dataclass(frozen=True, slots=True)
class Control:
    """One named control of the window."""

    name: str
    """The ``objectName``."""
    kind: str
    """The Qt class."""
    area: str
    purpose: str
    actions: tuple[str, ...] = ()
    """Engine ``Action`` values: enabled exactly when ``sim.allowed()`` holds one of them."""
    shortcut: str = ""


_C = Control
_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "Star", "0", "Hash")

CONTROLS: tuple[Control, ...] = (
    # ------------------------------------------------------------------ window
    _C("mainWindow", "QMainWindow", "Window", "The agent desktop window"),
    _C(
        "simBridge",
        "QObject",
        "Window",
        "The bridge to the simulator (signals: eventArrived, "
        "changed, outcomeArrived, actionFailed)",
    ),
    _C(
        "statusMessage", "QLabel", "Status bar", "Last action refused (property error=true) or done"
    ),
    _C("clockLabel", "QLabel", "Status bar", "Wall-clock time of the simulation"),
    _C("handlerStatus", "QLabel", "Status bar", "Plugins loaded, handler outcomes, failures"),
    _C(
        "actionSaveScenario",
        "QAction",
        "File menu",
        "Save session as scenario… (needs simulator.scenarios)",
        shortcut="Ctrl+Shift+S",
    ),
    _C(
        "actionPreferences",
        "QAction",
        "File menu",
        "Preferences… (tenant, handlers, seed, journal)",
        shortcut="Ctrl+,",
    ),
    _C("actionQuit", "QAction", "File menu", "Quit", shortcut="Ctrl+Q"),
    _C("actionThemeSystem", "QAction", "View menu", "Follow the system's light/dark scheme"),
    _C("actionThemeLight", "QAction", "View menu", "Light palette"),
    _C("actionThemeDark", "QAction", "View menu", "Dark palette"),
    _C("actionShortcuts", "QAction", "Help menu", "List the keyboard shortcuts", shortcut="F1"),
    # ------------------------------------------------------------------ agent bar
    _C("agentBar", "QWidget", "Agent bar", "The strip across the top"),
    _C("agentName", "QLabel", "Agent bar", "The agent's name and extension"),
    _C("agentStateIndicator", "QLabel", "Agent bar", "Coloured dot of the agent state"),
    _C(
        "agentStateCombo",
        "QComboBox",
        "Agent bar",
        "Ready, Not Ready (each tenant reason), Log "
        "out; shows Busy / After Call Work while the system sets them",
    ),
    _C("agentStateTimer", "QLabel", "Agent bar", "Time in the current agent state"),
    _C("agentNextState", "QLabel", "Agent bar", "State chosen while busy, applied after the work"),
    _C("agentLoginButton", "QPushButton", "Agent bar", "Log in (shown while logged out)"),
    _C("tenantLabel", "QLabel", "Agent bar", "Tenant name and seed"),
    # ------------------------------------------------------------------ interactions
    _C("interactionsPanel", "QFrame", "Interactions", "The list of active interactions"),
    _C(
        "interactionList",
        "QListView",
        "Interactions",
        "Live interactions with timers; click to make one active (Ctrl+1…9)",
    ),
    _C("queueLabel", "QLabel", "Interactions", "Offers waiting in the queue"),
    # ------------------------------------------------------------------ dial pad
    _C("dialPad", "QFrame", "Dial pad", "Number entry and keypad"),
    _C("dialNumber", "QLineEdit", "Dial pad", "Number or extension to call (Enter calls)"),
    _C("dialBackspace", "QToolButton", "Dial pad", "Delete the last digit"),
    *(
        _C(
            f"dialKey{key}",
            "QPushButton",
            "Dial pad",
            f"Type {key.replace('Star', '*')}".replace("Hash", "#"),
        )
        for key in _KEYS
    ),
    _C(
        "callButton",
        "QPushButton",
        "Dial pad",
        "Start a call to the number (startCall); enabled while logged in",
        shortcut="Ctrl+D",
    ),
    # ------------------------------------------------------------------ directory
    _C("directoryPanel", "QFrame", "Directory", "Teams and members"),
    _C("directorySearch", "QLineEdit", "Directory", "Filter members by name, extension or state"),
    _C(
        "directoryTree",
        "QTreeView",
        "Directory",
        "Teams, members with their states; click a "
        "member to put the extension in the dial pad and transfer fields",
    ),
    # ------------------------------------------------------------------ context panel
    _C("contextPanel", "QFrame", "Context", "The active interaction"),
    _C("contextStack", "QStackedWidget", "Context", "Empty page or the interaction page"),
    _C("contextEmptyPage", "QWidget", "Context", "Shown with no active interaction"),
    _C("interactionPage", "QWidget", "Context", "Shown with an active interaction"),
    _C("interactionTitle", "QLabel", "Context", "Who the interaction is with (plain text)"),
    _C("interactionState", "QLabel", "Context", "State badge"),
    _C("interactionTimer", "QLabel", "Context", "Time in the current state"),
    _C(
        "interactionDetails",
        "QWidget",
        "Context",
        "Caller details: ANI, DNIS, service, "
        "customer, direction, id (each value a plain-text label detail<Key>)",
    ),
    _C("detailAni", "QLabel", "Context", "ANI"),
    _C("detailDnis", "QLabel", "Context", "DNIS"),
    _C("detailService", "QLabel", "Context", "Service"),
    _C("detailDirection", "QLabel", "Context", "Media and direction"),
    _C("detailCustomer", "QLabel", "Context", "Customer name and company"),
    _C("detailContact", "QLabel", "Context", "Phone or email address"),
    _C("detailId", "QLabel", "Context", "interactionId"),
    _C(
        "acceptButton",
        "QPushButton",
        "Context",
        "Accept the offered interaction",
        ("accept",),
        "Ctrl+A",
    ),
    _C(
        "rejectButton",
        "QPushButton",
        "Context",
        "Reject the offered interaction",
        ("reject",),
        "Ctrl+Shift+A",
    ),
    _C(
        "hangUpButton",
        "QPushButton",
        "Context",
        "Hang up / end chat / close email (leaveInteraction)",
        ("leave",),
        "Ctrl+E",
    ),
    _C("mediaStack", "QStackedWidget", "Context", "Voice, chat or email page"),
    _C("voicePage", "QWidget", "Voice", "Call controls"),
    _C(
        "holdButton",
        "QPushButton",
        "Voice",
        "Hold / resume (checked while on hold)",
        ("hold", "resume"),
        "Ctrl+H",
    ),
    _C(
        "muteButton",
        "QPushButton",
        "Voice",
        "Mute / unmute (checked while muted)",
        ("mute", "unmute"),
        "Ctrl+M",
    ),
    _C(
        "recordButton",
        "QPushButton",
        "Voice",
        "Start / stop recording (checked while recording)",
        ("record_start", "record_stop"),
        "Ctrl+R",
    ),
    _C(
        "transferNumber",
        "QLineEdit",
        "Voice",
        "Number or extension to transfer, consult or conference",
    ),
    _C(
        "blindTransferButton",
        "QPushButton",
        "Voice",
        "Blind transfer to the number",
        ("blind_transfer",),
        "Ctrl+T",
    ),
    _C(
        "consultButton",
        "QPushButton",
        "Voice",
        "Hold and call the number to consult",
        ("consult",),
        "Ctrl+K",
    ),
    _C(
        "completeTransferButton",
        "QPushButton",
        "Voice",
        "Complete the consult transfer",
        ("complete_transfer",),
        "Ctrl+Shift+T",
    ),
    _C(
        "conferenceButton",
        "QPushButton",
        "Voice",
        "Add the number to the call (conference)",
        ("conference_invite",),
        "Ctrl+Shift+K",
    ),
    _C("partyList", "QListWidget", "Voice", "Call parties (plain text)"),
    _C(
        "removePartyButton",
        "QPushButton",
        "Voice",
        "Remove the selected party",
        ("conference_remove",),
    ),
    _C(
        "endConferenceButton",
        "QPushButton",
        "Voice",
        "Drop every added party",
        ("conference_destroy",),
    ),
    *(
        _C(
            f"dtmfKey{key}",
            "QPushButton",
            "Voice",
            f"Send DTMF {key}".replace("Star", "*").replace("Hash", "#"),
            ("dtmf",),
        )
        for key in _KEYS
    ),
    _C("dtmfSent", "QLabel", "Voice", "Digits sent on this call"),
    _C("chatPage", "QWidget", "Chat", "Transcript and composer"),
    _C("chatTranscript", "QTextEdit", "Chat", "Both sides of the chat (plain text)"),
    _C("chatComposer", "QLineEdit", "Chat", "The agent's message (Enter sends)"),
    _C("chatSendButton", "QPushButton", "Chat", "Send the message", ("send_chat",)),
    _C(
        "chatSimulateReplyButton",
        "QPushButton",
        "Chat",
        "Simulate a customer reply",
        ("customer_message",),
    ),
    _C("emailPage", "QWidget", "Email", "The message and the reply editor"),
    _C("emailFrom", "QLabel", "Email", "Sender (plain text)"),
    _C("emailSubject", "QLabel", "Email", "Subject (plain text)"),
    _C("emailBody", "QPlainTextEdit", "Email", "The customer's message"),
    _C("emailReply", "QPlainTextEdit", "Email", "The reply editor"),
    _C(
        "emailSendButton",
        "QPushButton",
        "Email",
        "Send the reply (the email goes to wrap-up)",
        ("send_email_reply",),
    ),
    _C("wrapUpBox", "QFrame", "Wrap-up", "Disposition, notes, complete"),
    _C("acwTimer", "QLabel", "Wrap-up", "Time in after-call work (and the limit)"),
    _C("dispositionCombo", "QComboBox", "Wrap-up", "The service's dispositions", ("disposition",)),
    _C("noteEdit", "QPlainTextEdit", "Wrap-up", "A note to add", ("note",)),
    _C("addNoteButton", "QPushButton", "Wrap-up", "Add the note", ("note",)),
    _C("notesView", "QPlainTextEdit", "Wrap-up", "Notes so far (plain text)"),
    _C(
        "completeButton",
        "QPushButton",
        "Wrap-up",
        "Complete after-call work",
        ("complete",),
        "Ctrl+Return",
    ),
    # ------------------------------------------------------------------ customer side
    _C("customerPanel", "QFrame", "Customer side", "Make things happen on the customer's side"),
    _C(
        "customerService",
        "QComboBox",
        "Customer side",
        "Service the contact comes through (first of the right type when it does not fit)",
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
    # ------------------------------------------------------------------ inspector
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
    _C("kbStatus", "QLabel", "Knowledge base", "How many articles the integration answered"),
    _C(
        "kbResults",
        "QListWidget",
        "Knowledge base",
        "The integration's articles; a click opens one (ON_GET_KNOWLEDGE_BASE_ARTICLE)",
    ),
    _C("kbArticle", "QTextBrowser", "Knowledge base", "The article the integration answered"),
    _C("inspectorTabs", "QTabWidget", "Inspector", "Events, handler outcomes, plugins, timeline"),
    _C("eventsTab", "QWidget", "Inspector", "Every adApi event"),
    _C("eventFilterName", "QComboBox", "Inspector", "Show one event name (or all)"),
    _C("eventFilterInteraction", "QComboBox", "Inspector", "Show one interaction (or all)"),
    _C(
        "eventFilterText",
        "QLineEdit",
        "Inspector",
        "Show events whose name, id or summary contains the text",
    ),
    _C("clearFilterButton", "QPushButton", "Inspector", "Show every event"),
    _C("eventFollow", "QCheckBox", "Inspector", "Keep the newest event in view"),
    _C("eventCount", "QLabel", "Inspector", "Shown and total events"),
    _C("eventTable", "QTableView", "Inspector", "Time, event, interaction, summary"),
    _C("eventJson", "QPlainTextEdit", "Inspector", "The selected event's exact payload"),
    _C(
        "copyJsonButton",
        "QPushButton",
        "Inspector",
        "Copy the selected events as JSON",
        shortcut="Ctrl+Shift+C",
    ),
    _C("outcomesTab", "QWidget", "Inspector", "Handler outcomes"),
    _C(
        "outcomeTable",
        "QTableView",
        "Inspector",
        "Handler, event, duration, status, result or error",
    ),
    _C("outcomeDetail", "QPlainTextEdit", "Inspector", "The selected outcome with its traceback"),
    _C("pluginsTab", "QWidget", "Inspector", "Handler plugins"),
    _C("pluginTable", "QTableView", "Inspector", "Each plugin's load status and error"),
    _C("pluginStatus", "QLabel", "Inspector", "Whether handlers are available"),
    _C("loadPluginButton", "QPushButton", "Inspector", "Load a plugin file"),
    _C("reloadPluginsButton", "QPushButton", "Inspector", "Re-read every plugin from disk"),
    _C("timelineTab", "QWidget", "Inspector", "The timeline"),
    _C(
        "timeline",
        "QWidget",
        "Inspector",
        "Each interaction as a bar of its states with its events as marks",
    ),
)


def enabling_actions() -> dict[str, frozenset[str]]:
    """``objectName`` -> engine actions that enable it (controls that follow ``allowed``)."""
    return {control.name: frozenset(control.actions) for control in CONTROLS if control.actions}


def shortcuts() -> dict[str, str]:
    """``objectName`` -> key sequence."""
    return {control.name: control.shortcut for control in CONTROLS if control.shortcut}


def markdown_table() -> str:
    """The documentation's table of controls (docs/window.md)."""
    lines = [
        "| objectName | Qt class | Area | What it does | Enabled when `sim.allowed()` has "
        "| Shortcut |",
        "|---|---|---|---|---|---|",
    ]
    for control in CONTROLS:
        actions = ", ".join(f"`{action}`" for action in control.actions)
        shortcut = f"`{control.shortcut}`" if control.shortcut else ""
        lines.append(
            f"| `{control.name}` | {control.kind} | {control.area} | {control.purpose} "
            f"| {actions} | {shortcut} |"
        )
    return "\n".join(lines) + "\n"
