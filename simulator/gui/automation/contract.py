"""The automation contract: every control's stable ``objectName``, what it does, what enables it.

QA's own pytest-qt tests find controls with ``window.findChild(QWidget, "holdButton")``. This
table is the single source: the documentation's table (docs/window.md) is generated from it
(``markdown_table``), the window enables each control from its ``actions`` (an action button is
enabled exactly when ``sim.allowed()`` contains one of them) and binds its ``shortcut``. A test
checks that every name here exists in the window and every named control in the window is
listed here.

Each area's controls are listed in a module of their own beside this one (``window_controls``,
``dialog_controls``, ``desk_controls``, ``context_controls``, ``dock_controls``,
``inspector_controls``; what a control says: ``control.Control``); ``CONTROLS`` puts them
together in the documentation's order.

Qt-free so that it can be read (and the table regenerated) without a display.
"""

from __future__ import annotations

from simulator.gui.automation.context_controls import CONTEXT_CONTROLS
from simulator.gui.automation.control import NEEDS, Control
from simulator.gui.automation.desk_controls import DESK_CONTROLS
from simulator.gui.automation.dialog_controls import DIALOG_CONTROLS
from simulator.gui.automation.dock_controls import DOCK_CONTROLS
from simulator.gui.automation.inspector_controls import INSPECTOR_CONTROLS
from simulator.gui.automation.window_controls import WINDOW_CONTROLS

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

ACTION_CONTROLS = {
    "login": "agentLoginButton",
    "logout": "agentStateCombo",
    "set_agent_state": "agentStateCombo",
    "accept_interaction": "acceptButton",
    "reject_interaction": "rejectButton",
    "leave_interaction": "hangUpButton",
    "cancel_dial": "hangUpButton",
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
    "merge_all_calls_into_conference": "mergeCallsButton",
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

CONTROLS: tuple[Control, ...] = (
    *WINDOW_CONTROLS,
    *DIALOG_CONTROLS,
    *DESK_CONTROLS,
    *CONTEXT_CONTROLS,
    *DOCK_CONTROLS,
    *INSPECTOR_CONTROLS,
)
"""Every named control, in the order of the documentation's table (each area's in its module)."""


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
