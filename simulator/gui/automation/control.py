"""What the automation contract says of one control (``Control``), and what its ``needs`` mean.

The controls themselves are listed by area beside this module (``window_controls``,
``dialog_controls``, ``desk_controls``, ``context_controls``, ``dock_controls``,
``inspector_controls``); ``contract`` puts them together as ``CONTROLS``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["KEYPAD_KEYS", "NEEDS", "Control"]

NEEDS = {
    "dialNumber": "a number in `dialNumber`",
    "transferNumber": "a number in `transferNumber`",
    "chatTransferNumber": "a number in `chatTransferNumber`",
    "chatComposer": "text in `chatComposer`",
    "emailReply": "text in `emailReply`",
    "noteEdit": "text in `noteEdit`",
    "disposition": "a disposition chosen when the service requires one",
    "logged_in": "the agent logged in",
    "no_transfer_wait": "nothing waiting for `ON_REQUEST_TRANSFER_DATA`",
    "no_call_in_progress": "no call connected, dialling or ringing",
}
"""What each ``Control.needs`` value means (the README table says it in these words)."""


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


KEYPAD_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "Star", "0", "Hash")
"""The keys of the dial pad and the DTMF pad, as their objectNames spell them (``dialKeyStar``)."""
