"""The journal cannot be written: a banner across the window until it can, or is switched off.

The engine commits each step's events to the journal before anyone sees them; when a commit
fails (another process holds the journal's lock, the disk is full, the file became read-only)
it holds the events back. The banner (``journalBanner``) says so in one line naming the journal
file and the cause (``journalBannerText``), says how many events are held, and offers to switch
the journal off (``journalOffButton``), which delivers the held events unjournaled. The bridge
retries the commit on its poll timer; the banner goes away by itself once a retry succeeds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from simulator.gui.controls import button, plain_label

if TYPE_CHECKING:
    from simulator.gui.bridge import SimBridge

__all__ = ["JournalBanner"]


class JournalBanner(QFrame):
    """Shown while the journal holds events back; hidden otherwise."""

    shownOrHidden = Signal()
    """The banner comes or goes (the window's areas give it room: see ``MainWindow``)."""

    claims_room = False
    """Shown, or being shown."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("journalBanner")
        self.setProperty("role", "alert")
        self._bridge: SimBridge | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 8, 14, 8)
        row.setSpacing(12)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        self.text = plain_label("", "journalBannerText", selectable=True)
        self.text.setWordWrap(True)
        self.held = plain_label("", "journalHeldLabel")
        # Wrapped as the cause above it: one line of it asked for 1,300 pixels, and the window
        # grew past a 1024-wide screen while the banner showed (and stayed that wide after).
        self.held.setWordWrap(True)
        texts.addWidget(self.text)
        texts.addWidget(self.held)
        row.addLayout(texts, 1)
        self.off = button(
            "journalOffButton",
            "Switch the journal off",
            tooltip=(
                "Deliver the held events without journaling them, and journal nothing more "
                "this session"
            ),
        )
        self.off.clicked.connect(self._switch_off)
        row.addWidget(self.off)
        self.hide()

    def attach(self, bridge: SimBridge) -> None:
        """Follow ``bridge``'s journal."""
        self._bridge = bridge
        bridge.journalStopped.connect(lambda _text: self.refresh())
        bridge.journalResumed.connect(self.refresh)
        self.refresh()

    def setVisible(self, visible: bool) -> None:
        """Show or hide, saying so first when that changes (showing lays the window out at
        once: its areas must know the banner's room by then)."""
        changed = visible != self.claims_room
        self.claims_room = visible
        if changed:
            self.shownOrHidden.emit()
        super().setVisible(visible)

    def refresh(self) -> None:
        """Show the journal's problem and the held events, or hide when there is none."""
        bridge = self._bridge
        problem = bridge.journal_problem if bridge is not None else None
        if bridge is None or problem is None:
            self.hide()
            return
        self.text.setText(problem)
        count = bridge.sim.bus.held_count
        file_change = getattr(bridge.journal, "file_change", None)
        until = (
            # Deleted, moved or replaced: never written again, whatever the retries.
            "until you switch the journal off: its file was deleted, moved or replaced."
            if file_change is not None and file_change() is not None
            else "until the journal can be written (retrying every second) or you switch it off."
        )
        self.held.setText(
            f"{count} event{'s' if count != 1 else ''} held back: neither the handlers nor this "
            f"window get them {until}"
        )
        self.off.setEnabled(bridge.journal is not None)
        self.show()

    def _switch_off(self) -> None:
        if self._bridge is not None:
            self._bridge.switch_journal_off()
