"""The automation contract's controls around the agent: the agent bar, the interaction list and
history, the dial pad and the directory.
"""

from __future__ import annotations

from simulator.gui.automation.control import KEYPAD_KEYS, Control

__all__ = ["DESK_CONTROLS"]

_C = Control

DESK_CONTROLS: tuple[Control, ...] = (
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
        '`You were set to Not Ready: No Answer`; a long name ends in "…" (whole in the '
        "tooltip)",
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
    _C(
        "dialNumber",
        "QLineEdit",
        "Dial pad",
        "Number or extension to call (Enter calls; with Call greyed it says why)",
    ),
    _C("dialBackspace", "QToolButton", "Dial pad", "Delete the last digit"),
    *(
        _C(
            f"dialKey{key}",
            "QPushButton",
            "Dial pad",
            f"Type {key.replace('Star', '*')}".replace("Hash", "#"),
        )
        for key in KEYPAD_KEYS
    ),
    _C(
        "callButton",
        "QPushButton",
        "Dial pad",
        "Call the number in the dial pad",
        shortcut="Ctrl+D",
        needs=("logged_in", "dialNumber", "no_call_in_progress"),
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
)
