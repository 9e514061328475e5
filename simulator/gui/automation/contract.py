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

__all__ = [
    "ACTION_CONTROLS",
    "CONTROLS",
    "NEEDS",
    "Control",
    "enabling_actions",
    "markdown_table",
    "needed_inputs",
    "not_while_ringing",
    "shortcuts",
]

NEEDS = {
    "dialNumber": "a number in `dialNumber`",
    "transferNumber": "a number in `transferNumber`",
    "chatTransferNumber": "a number in `chatTransferNumber`",
    "chatComposer": "text in `chatComposer`",
    "emailReply": "text in `emailReply`",
    "noteEdit": "text in `noteEdit`",
    "disposition": "a disposition chosen when the service requires one",
    "logged_in": "the agent logged in",
}
"""What each ``Control.needs`` value means (the README table says it in these words)."""

ACTION_CONTROLS = {
    "login": "agentLoginButton",
    "logout": "agentStateCombo",
    "set_agent_state": "agentStateCombo",
    "accept_interaction": "acceptButton",
    "reject_interaction": "rejectButton",
    "leave_interaction": "hangUpButton",
    "start_call": "callButton",
    "set_call_hold": "holdButton",
    "set_call_mute": "muteButton",
    "set_call_recording": "recordButton",
    "blind_transfer": "blindTransferButton",
    "consult_call": "consultButton",
    "transfer": "completeTransferButton",
    "invite_to_call_conference": "conferenceButton",
    "remove_from_call_conference": "removePartyButton",
    "destroy_call_conference": "endConferenceButton",
    "send_dtmf": "dtmfSent",
    "send_chat_message": "chatSendButton",
    "invite_to_chat_conference": "chatInviteButton",
    "send_email_reply": "emailSendButton",
    "set_disposition": "dispositionCombo",
    "add_note": "addNoteButton",
    "complete_interaction": "completeButton",
    "switch_active_interaction": "interactionList",
    "customer_message": "customerWriteButton",
    "customer_answer": "customerAnswerButton",
    "customer_hang_up": "customerHangUpButton",
    "offer_call": "offerCallButton",
    "offer_chat": "offerChatButton",
    "offer_email": "offerEmailButton",
}
"""Which control a refused action explains itself next to (``refusalNote``)."""


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
    needs: tuple[str, ...] = ()
    """Inputs the action needs besides the engine's permission (``NEEDS``): the control is
    disabled until it is there, because the engine would refuse the action without it."""
    dialog: str = ""
    """The dialog the control lives in (``shortcutsDialog``, ``preferencesDialog``): it exists
    while that dialog is open."""
    not_while_ringing: bool = False
    """Disabled while the active interaction rings: a ringing offer is answered with Accept or
    Reject only (wrap-up starts once the agent has the interaction)."""
    several_agents: bool = False
    """Exists only in a window with several agents (``adsim --agent NAME``): around the
    agents' desktops, each of which has every other control of the table."""


_C = Control
_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "Star", "0", "Hash")

CONTROLS: tuple[Control, ...] = (
    # ------------------------------------------------------------------ window
    _C(
        "mainWindow",
        "QMainWindow",
        "Window",
        "The agent desktop window; with several agents, each agent's desktop (property "
        "`agent`: the agent's name)",
    ),
    _C(
        "centerWindow",
        "QMainWindow",
        "Agents",
        "With several agents (`--agent`): the window holding every agent's desktop",
        several_agents=True,
    ),
    _C(
        "agentSwitcher",
        "QTabBar",
        "Agents",
        "The agent whose desktop is in front; a tab per agent: `<name> (<ext>) · <state>`, "
        "`· <n> ringing` while offers ring there (another agent's: a dot, in the ringing "
        "colour). Tab data: the agent's name; select by it: `setCurrentIndex(i)` of the tab "
        "whose `tabData(i)` is the name",
        several_agents=True,
    ),
    _C(
        "agentDesks",
        "QStackedWidget",
        "Agents",
        "Every agent's desktop (a `mainWindow` each); the switcher's choice in front",
        several_agents=True,
    ),
    _C(
        "simBridge",
        "QObject",
        "Window",
        "The bridge to the simulator (signals: eventArrived, "
        "changed, outcomeArrived, actionFailed, journalStopped, journalResumed, "
        "pluginsLoading, pluginsChanged)",
    ),
    _C(
        "statusMessage", "QLabel", "Status bar", "Last action refused (property error=true) or done"
    ),
    _C(
        "refusalNote",
        "QLabel",
        "Window",
        "A refused action explained next to its control (property `control`: that control's "
        "objectName); hidden after the next success, a click or 10 s",
    ),
    _C(
        "journalBanner",
        "QFrame",
        "Window",
        "Shown while the journal cannot be written (events held back); hidden otherwise",
    ),
    _C(
        "journalBannerText",
        "QLabel",
        "Window",
        "`The journal cannot be written: <file>: <cause>; …`: the journal file and why",
    ),
    _C(
        "journalHeldLabel",
        "QLabel",
        "Window",
        "How many events are held back from the handlers and the window",
    ),
    _C(
        "journalOffButton",
        "QPushButton",
        "Window",
        "Switch the journal off: deliver the held events unjournaled, journal nothing more",
    ),
    _C("clockLabel", "QLabel", "Status bar", "Wall-clock time of the simulation"),
    _C(
        "handlerStatus",
        "QLabel",
        "Status bar",
        "Plugins loaded, handler outcomes, failures; plugins that did not load: "
        "`N not loaded`, property error=true, their errors as its tooltip; plugin failures "
        "outside any call (a process that died between calls, a close() that raised): "
        "`N plugin problem(s)`, each in its tooltip; while plugins load: `Loading plugins: "
        "<file>… <n> s`, or past the load timeout with thread isolation `Plugins: <file> still "
        "loading after <n> s` (property error=true)",
    ),
    _C(
        "actionSaveScenario",
        "QAction",
        "File menu",
        "Save what you did as a scenario file",
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
    # ------------------------------------------------------------------ dialogs
    _C(
        "shortcutsDialog",
        "QDialog",
        "Shortcuts (F1)",
        "The keyboard shortcuts",
        dialog="shortcutsDialog",
    ),
    _C(
        "shortcutsTable",
        "QTableWidget",
        "Shortcuts (F1)",
        "Keys (as key caps; the item text is the plain keys, e.g. `Ctrl+Shift+T`) and action",
        dialog="shortcutsDialog",
    ),
    _C("shortcutsButtons", "QDialogButtonBox", "Shortcuts (F1)", "Close", dialog="shortcutsDialog"),
    _C(
        "preferencesDialog",
        "QDialog",
        "Preferences",
        "Session settings for the next start",
        dialog="preferencesDialog",
    ),
    _C(
        "prefTenant",
        "QLineEdit",
        "Preferences",
        "Tenant file (empty: built-in)",
        dialog="preferencesDialog",
    ),
    _C(
        "prefTenantBrowse",
        "QToolButton",
        "Preferences",
        "Choose the tenant file",
        dialog="preferencesDialog",
    ),
    _C(
        "prefHandlers",
        "QPlainTextEdit",
        "Preferences",
        "Handler files or directories, one per line",
        dialog="preferencesDialog",
    ),
    _C("prefSeed", "QSpinBox", "Preferences", "Seed", dialog="preferencesDialog"),
    _C(
        "prefApiVersion",
        "QComboBox",
        "Preferences",
        "The adApi version to simulate: `5.19`, `5.24.1` or `2026` (item data)",
        dialog="preferencesDialog",
    ),
    _C(
        "prefJournal",
        "QLineEdit",
        "Preferences",
        "Journal file (empty: the default one)",
        dialog="preferencesDialog",
    ),
    _C(
        "prefJournalBrowse",
        "QToolButton",
        "Preferences",
        "Choose the journal file",
        dialog="preferencesDialog",
    ),
    _C(
        "prefButtons",
        "QDialogButtonBox",
        "Preferences",
        "Save or Cancel",
        dialog="preferencesDialog",
    ),
    # ------------------------------------------------------------------ agent bar
    _C("agentBar", "QWidget", "Agent bar", "The strip across the top"),
    _C("agentName", "QLabel", "Agent bar", "The agent's name and extension"),
    _C("agentStateIndicator", "QLabel", "Agent bar", "Coloured dot of the agent state"),
    _C(
        "agentStateCombo",
        "QComboBox",
        "Agent bar",
        "The engine's exact state and reason; choose Ready, Not Ready (each tenant reason) "
        "or Log out. Item data: `ready`, `not_ready:<reason>`, `logout`; a state the agent "
        "cannot choose shows as a disabled first item (`not_ready`, `not_ready:No Answer`, "
        "`busy`, `after_call_work`, `supervising`). Select by id: "
        "`setCurrentIndex(findData(id))`",
    ),
    _C(
        "agentStateLabel",
        "QLabel",
        "Status bar",
        "Read-only: the engine's agent state and reason, e.g. `Ready`, `Not Ready`, "
        "`Not Ready: No Answer`, `Busy`, `After Call Work`, `Supervising`, `Logged out`",
    ),
    _C("agentStateTimer", "QLabel", "Agent bar", "Time in the current agent state"),
    _C(
        "agentNextState",
        "QLabel",
        "Agent bar",
        "The state chosen while busy, applied after the work: `→ next: Not Ready: Lunch`",
    ),
    _C("agentLoginButton", "QPushButton", "Agent bar", "Log in (shown while logged out)"),
    _C("tenantLabel", "QLabel", "Agent bar", "Tenant name, seed and adApi version"),
    # ------------------------------------------------------------------ interactions
    _C("interactionsPanel", "QFrame", "Interactions", "The list of active interactions"),
    _C(
        "interactionList",
        "QListView",
        "Interactions",
        "Live interactions with timers (a ringing offer counts down to its ring timeout: "
        "`−00:17`); click to make one active (Ctrl+1…9). Rows by id: "
        "`model().match(model().index(0, 0), Qt.UserRole + 1, interactionId)`, or by a playing "
        "scenario's `as` name with `Qt.UserRole + 9`",
    ),
    _C("queueLabel", "QLabel", "Interactions", "Offers waiting in the queue"),
    _C(
        "missedCallNotice",
        "QWidget",
        "Agent bar",
        "Shown after a ring-out until dismissed: who was missed, when, and the agent's state",
    ),
    _C(
        "missedCallText",
        "QLabel",
        "Agent bar",
        "Two lines: `Missed call from <name> at HH:MM:SS` and "
        "`You were set to Not Ready: No Answer`",
    ),
    _C("dismissMissedButton", "QToolButton", "Agent bar", "Dismiss the missed-call notice"),
    _C(
        "interactionHistory",
        "QListWidget",
        "Interactions",
        "Interactions that ended, newest first: `<Missed|Done|Not answered> · <name> · <media> "
        "· HH:MM:SS`; item data: the interactionId (`Qt.UserRole`), the outcome "
        "(`Qt.UserRole + 1`)",
    ),
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
        "Call the number in the dial pad",
        shortcut="Ctrl+D",
        needs=("logged_in", "dialNumber"),
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
    _C(
        "interactionState",
        "QLabel",
        "Context",
        "State badge: `Ringing`, `Dialling`, `Connected`, `On hold`, `In IVR`, `Wrap-up`",
    ),
    _C(
        "interactionTimer",
        "QLabel",
        "Context",
        "Time in the current state (hidden in wrap-up: `acwTimer` counts it)",
    ),
    _C("interactionDuration", "QLabel", "Context", "Total time: `Total 03:12`"),
    _C(
        "ringCountdown",
        "QLabel",
        "Context",
        "While an offer rings with a ring timeout: `Rings out in 17 s`",
    ),
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
        "Hang up / end chat / close email; hidden while ringing (Accept or Reject then)",
        ("leave",),
        "Ctrl+E",
        not_while_ringing=True,
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
        needs=("transferNumber",),
    ),
    _C(
        "consultButton",
        "QPushButton",
        "Voice",
        "Hold and call the number to consult",
        ("consult",),
        "Ctrl+K",
        needs=("transferNumber",),
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
        needs=("transferNumber",),
    ),
    _C(
        "partyList",
        "QListWidget",
        "Voice",
        "Parties on the call (plain text; empty once the call has ended)",
    ),
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
    _C(
        "chatSendButton",
        "QPushButton",
        "Chat",
        "Send the message",
        ("send_chat",),
        needs=("chatComposer",),
    ),
    _C(
        "chatSimulateReplyButton",
        "QPushButton",
        "Chat",
        "Simulate a customer reply",
        ("customer_message",),
    ),
    _C(
        "chatTransferNumber",
        "QLineEdit",
        "Chat",
        "Extension, user id or chat service to transfer the chat to or invite (a directory "
        "click fills it in)",
    ),
    _C(
        "chatTransferButton",
        "QPushButton",
        "Chat",
        "Transfer the chat: to a colleague's desktop or a chat service (the agent leaves it)",
        ("blind_transfer",),
        needs=("chatTransferNumber",),
    ),
    _C(
        "chatInviteButton",
        "QPushButton",
        "Chat",
        "Invite a colleague into the chat (chat conference)",
        ("chat_invite",),
        needs=("chatTransferNumber",),
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
        needs=("emailReply",),
    ),
    _C("wrapUpBox", "QFrame", "Wrap-up", "Disposition, notes, complete"),
    _C("acwTimer", "QLabel", "Wrap-up", "Time in after-call work (and the limit)"),
    _C(
        "dispositionCombo",
        "QComboBox",
        "Wrap-up",
        "The service's dispositions; item data: the disposition's name (None on the placeholder)",
        ("disposition",),
        not_while_ringing=True,
    ),
    _C(
        "dispositionRequired",
        "QLabel",
        "Wrap-up",
        "Shown when the service requires a disposition: `Required`",
    ),
    _C("noteEdit", "QPlainTextEdit", "Wrap-up", "A note to add", ("note",), not_while_ringing=True),
    _C(
        "addNoteButton",
        "QPushButton",
        "Wrap-up",
        "Add the note",
        ("note",),
        needs=("noteEdit",),
        not_while_ringing=True,
    ),
    _C("notesView", "QPlainTextEdit", "Wrap-up", "Notes so far (plain text)"),
    _C(
        "completeButton",
        "QPushButton",
        "Wrap-up",
        "Complete after-call work",
        ("complete",),
        "Ctrl+Return",
        needs=("disposition",),
        not_while_ringing=True,
    ),
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
    _C("inspectorTabs", "QTabWidget", "Inspector", "Events, handler outcomes, plugins, timeline"),
    _C("eventsTab", "QWidget", "Inspector", "Every adApi event"),
    _C(
        "eventFilterName",
        "QComboBox",
        "Inspector",
        "Show one event name (or all); item data: the event name, `*` for all",
    ),
    _C(
        "eventFilterInteraction",
        "QComboBox",
        "Inspector",
        "Show one interaction (or all); item data: the interactionId, `*` for all",
    ),
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
    _C(
        "inspectorSplitter",
        "QSplitter",
        "Inspector",
        "The event table beside the details; its position is remembered between runs",
    ),
    _C("eventsEmpty", "QLabel", "Inspector", "Why the event table is empty (no events, filtered)"),
    _C(
        "eventDetailSplitter",
        "QSplitter",
        "Inspector",
        "The JSON above the changes; its position is remembered between runs",
    ),
    _C(
        "eventJson",
        "QPlainTextEdit",
        "Inspector",
        "The selected event's exact payload (wrapped, syntax colours)",
    ),
    _C(
        "eventDiff",
        "QTableWidget",
        "Inspector",
        "For an ON_INTERACTION_STATE_CHANGE: each field that changed since the interaction's "
        "previous payload (Field, Before, After; `(absent)` / `(removed)`)",
    ),
    _C("eventDiffEmpty", "QLabel", "Inspector", "Why there is no diff to show"),
    _C(
        "copyExpectButton",
        "QPushButton",
        "Inspector",
        "Copy the selected event as a scenario `expect` step (YAML)",
    ),
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
    _C("outcomesEmpty", "QLabel", "Inspector", "Why there are no outcomes yet"),
    _C(
        "outcomeSplitter",
        "QSplitter",
        "Inspector",
        "The outcome table beside the detail (remembered)",
    ),
    _C("outcomeDetail", "QPlainTextEdit", "Inspector", "The selected outcome with its traceback"),
    _C("pluginsTab", "QWidget", "Inspector", "Handler plugins"),
    _C("pluginTable", "QTableView", "Inspector", "Each plugin's load status and error"),
    _C("pluginsEmpty", "QLabel", "Inspector", "Why there are no plugins"),
    _C("pluginStatus", "QLabel", "Inspector", "Whether handlers are available"),
    _C("loadPluginButton", "QPushButton", "Inspector", "Load a plugin file"),
    _C(
        "reloadPluginsButton",
        "QPushButton",
        "Inspector",
        "Re-read every plugin from disk (enabled with at least one plugin)",
    ),
    _C("timelineTab", "QWidget", "Inspector", "The timeline"),
    _C("timelineEmpty", "QLabel", "Inspector", "Shown before the first interaction"),
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


def needed_inputs() -> dict[str, tuple[str, ...]]:
    """``objectName`` -> the ``NEEDS`` keys it waits for."""
    return {control.name: control.needs for control in CONTROLS if control.needs}


def not_while_ringing() -> frozenset[str]:
    """The controls disabled while the active interaction rings."""
    return frozenset(control.name for control in CONTROLS if control.not_while_ringing)


def shortcuts() -> dict[str, str]:
    """``objectName`` -> key sequence."""
    return {control.name: control.shortcut for control in CONTROLS if control.shortcut}


def markdown_table() -> str:
    """The documentation's table of controls (docs/window.md)."""
    lines = [
        "| objectName | Qt class | Area | What it does | Enabled when (`sim.allowed()` has) "
        "| Shortcut |",
        "|---|---|---|---|---|---|",
    ]
    for control in CONTROLS:
        actions = ", ".join(f"`{action}`" for action in control.actions)
        needs = [NEEDS[need] for need in control.needs]
        if control.not_while_ringing:
            needs.append("not while ringing")
        if needs:
            actions = f"{actions} and {', '.join(needs)}" if actions else ", ".join(needs)
        shortcut = f"`{control.shortcut}`" if control.shortcut else ""
        lines.append(
            f"| `{control.name}` | {control.kind} | {control.area} | {control.purpose} "
            f"| {actions} | {shortcut} |"
        )
    return "\n".join(lines) + "\n"
