"""The media pages of the context panel: voice controls, chat, email, and the wrap-up box.

Imported when the window is attached to a simulator, after it is on screen: nothing shows these
pages before there is an interaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSizePolicy,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from simulator.gui.controls import ElidedComboBox, button, card_in, plain_label, section
from simulator.gui.long_lines import clipped
from simulator.gui.panels.drafts import Drafts, InputBox
from simulator.gui.panels.phone import KEYS, key_name
from simulator.gui.theme.icons import set_icon
from simulator.gui.theme.palette import colors, state_color
from simulator.gui.times import clock_text, duration_text

if TYPE_CHECKING:
    from simulator.engine import Interaction

__all__ = ["ChatPage", "EmailPage", "VoicePage", "WrapUpBox"]


class VoicePage(QWidget):
    """Hold, mute, record; transfer, consult, conference, merge; parties; DTMF keypad."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("voicePage")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(section("Call controls"))
        row = QHBoxLayout()
        row.setSpacing(8)
        self.hold = button(
            "holdButton", "Hold", "pause", checkable=True, tooltip="Hold or resume (Ctrl+H)"
        )
        self.mute = button(
            "muteButton", "Mute", "mic-off", checkable=True, tooltip="Mute or unmute (Ctrl+M)"
        )
        self.record = button(
            "recordButton",
            "Record",
            "record",
            checkable=True,
            tooltip="Start or stop recording (Ctrl+R)",
        )
        for widget in (self.hold, self.mute, self.record):
            widget.setIconSize(QSize(18, 18))
            widget.setMinimumHeight(36)
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addSpacing(4)
        layout.addWidget(section("Transfer and conference"))
        self.number = QLineEdit(self)
        self.number.setObjectName("transferNumber")
        self.number.setPlaceholderText("Number or extension (pick one in the directory)")
        self.number.setClearButtonEnabled(True)
        layout.addWidget(self.number)
        grid = QGridLayout()
        grid.setSpacing(6)
        self.blind = button(
            "blindTransferButton",
            "Blind transfer",
            "transfer",
            tooltip="Transfer the call to the number (Ctrl+T)",
        )
        self.consult = button(
            "consultButton",
            "Consult",
            "consult",
            tooltip="Hold the call and call the number (Ctrl+K)",
        )
        self.complete_transfer = button(
            "completeTransferButton",
            "Complete transfer",
            "merge",
            tooltip="Join the customer and the consulted party (Ctrl+Shift+T)",
        )
        self.conference = button(
            "conferenceButton",
            "Add to conference",
            "user-plus",
            tooltip="Add the number to the call (Ctrl+Shift+K)",
        )
        self.merge = button(
            "mergeCallsButton",
            "Merge calls",
            "users",
            tooltip="Merge the held call and the consult call into one conference",
        )
        # What starts with the number on the first row; what ends a consult on the second
        # (a third row pushed the parties' buttons out of sight at the window's usual size).
        grid.addWidget(self.blind, 0, 0)
        grid.addWidget(self.consult, 0, 1)
        grid.addWidget(self.conference, 0, 2)
        grid.addWidget(self.complete_transfer, 1, 1)
        grid.addWidget(self.merge, 1, 2)
        layout.addLayout(grid)
        layout.addSpacing(4)
        lower = QHBoxLayout()
        lower.setSpacing(14)
        parties_column = QVBoxLayout()
        parties_column.setSpacing(6)
        parties_column.addWidget(section("Parties"))
        self.parties = QListWidget(self)
        self.parties.setObjectName("partyList")
        self.parties.setMinimumHeight(60)
        self.parties.setMaximumHeight(120)
        parties_column.addWidget(self.parties, 1)
        party_row = QHBoxLayout()
        self.remove_party = button("removePartyButton", "Remove", "user-minus")
        self.remove_party.setToolTip(
            "Remove the selected party from the conference (none selected: the last one added)"
        )
        self.end_conference = button("endConferenceButton", "End conference", "users-x")
        party_row.addWidget(self.remove_party)
        party_row.addWidget(self.end_conference)
        parties_column.addLayout(party_row)
        lower.addLayout(parties_column, 3)
        keypad_column = QVBoxLayout()
        keypad_column.setSpacing(6)
        keypad_column.addWidget(section("Keypad (DTMF)"))
        keypad = QGridLayout()
        keypad.setSpacing(5)
        self.keys: dict[str, Any] = {}
        for position, key in enumerate(KEYS):
            pad = button(f"dtmfKey{key_name(key)}", key)
            pad.setProperty("key", True)
            pad.setProperty("dtmf", True)
            # Tab reaches them (a keyboard-only tester had no way to send a digit); a click
            # leaves the focus where it was.
            pad.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            keypad.addWidget(pad, position // 3, position % 3)
            self.keys[key] = pad
        keypad_column.addLayout(keypad)
        self.dtmf_sent = plain_label("", "dtmfSent", role="muted")
        keypad_column.addWidget(self.dtmf_sent)
        lower.addLayout(keypad_column, 2)
        layout.addLayout(lower)
        layout.addStretch(1)
        self._parties_shown: list[tuple[str, str, str]] = []

    def show_interaction(self, inter: Interaction) -> None:
        """Reflect flags and parties of the call."""
        on_hold = inter.state.value == "hold"
        self.hold.setChecked(on_hold)
        self.hold.setText("Resume" if on_hold else "Hold")
        self._icon(self.hold, "play" if on_hold else "pause")
        # The mute and the recording end with the call: in wrap-up nothing records (the
        # payload's ``callRecording`` keeps the value it had, as the widget's display data does;
        # ``callMuted`` too with ``mute_after_call: keep``).
        muted = inter.muted and not inter.in_wrap_up
        self.mute.setChecked(muted)
        self.mute.setText("Unmute" if muted else "Mute")
        self._icon(self.mute, "mic" if muted else "mic-off")
        recording = inter.recording and not inter.in_wrap_up
        self.record.setChecked(recording)
        self.record.setText("Stop recording" if recording else "Record")
        self._icon(self.record, "stop" if recording else "record")
        # After the call ends (wrap-up) nobody is on it any more, the customer included.
        on_call = [] if inter.in_wrap_up else inter.parties
        parties = [(party.id, party.name, party.phone) for party in on_call]
        if parties != self._parties_shown:
            self._parties_shown = parties
            self.parties.clear()
            for party_id, name, phone in parties:
                # QListWidgetItem text is plain text.
                item = QListWidgetItem(f"{name}  ·  {phone}")
                item.setData(Qt.ItemDataRole.UserRole, party_id)
                self.parties.addItem(item)
        sent = inter.dtmf_sent
        self.dtmf_sent.setText(f"Sent: {sent}" if sent else "")

    def selected_party(self) -> str | None:
        """The selected party's id, else the last one added (never the first, the customer).
        The selected one, not the current one: Tab into the list makes its first row (the
        customer) current without selecting it, and Remove took the customer off the call."""
        selected = self.parties.selectedItems()
        if selected:
            return str(selected[0].data(Qt.ItemDataRole.UserRole))
        if len(self._parties_shown) > 1:
            return self._parties_shown[-1][0]
        return None

    @staticmethod
    def _icon(widget: Any, name: str) -> None:
        if widget.property("adsimIcon") != name:
            set_icon(widget, name)


class ChatPage(QWidget):
    """The transcript with both sides, a composer and a simulated customer reply."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("chatPage")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(section("Chat"))
        self.transcript = QTextEdit(self)
        self.transcript.setObjectName("chatTranscript")
        self.transcript.setReadOnly(True)
        self.transcript.setAcceptRichText(False)
        layout.addWidget(self.transcript, 1)
        row = QHBoxLayout()
        self.composer = QLineEdit(self)
        self.composer.setObjectName("chatComposer")
        self.composer.setPlaceholderText("Write to the customer and press Enter")
        self.send = button("chatSendButton", "Send", "send", tone="accent")
        row.addWidget(self.composer, 1)
        row.addWidget(self.send)
        layout.addLayout(row)
        self.simulate = button("chatSimulateReplyButton", "Simulate customer reply", "sparkles")
        self.simulate.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        layout.addWidget(self.simulate)
        # A chat goes to a colleague's desktop or a chat service (contact-center.md).
        transfer = QHBoxLayout()
        self.transfer_number = QLineEdit(self)
        self.transfer_number.setObjectName("chatTransferNumber")
        self.transfer_number.setPlaceholderText("Extension or chat service")
        self.transfer_number.setToolTip(
            "A colleague's extension or a chat service to transfer the chat to or invite "
            "(a click in the directory fills it in)"
        )
        self.transfer_number.setClearButtonEnabled(True)
        self.transfer = button(
            "chatTransferButton",
            "Transfer chat",
            "transfer",
            tooltip="Send the chat to the colleague or service, then leave it",
        )
        self.invite = button(
            "chatInviteButton",
            "Invite to chat",
            "user-plus",
            tooltip="Bring the colleague into the chat (a chat conference)",
        )
        transfer.addWidget(self.transfer_number, 1)
        transfer.addWidget(self.transfer)
        transfer.addWidget(self.invite)
        layout.addLayout(transfer)
        self._shown: tuple[str, int] | None = None
        self._drafts = Drafts(self.composer.text, self.composer.setText)
        self.input_box = InputBox(self._drafts)
        """A handler's ``suggest_chat_message`` in the composer (``follow`` the widget state)."""
        self.composer.textChanged.connect(self.input_box.changed)

    def forget(self) -> None:
        """Refill the transcript at the next refresh (after a colour scheme change)."""
        self._shown = None

    def show_interaction(self, inter: Interaction, customer_name: str) -> None:
        """Append lines not shown yet (inserted as plain text, never as HTML)."""
        self.input_box.pull()  # before the composer changes hands: a suggestion is never lost
        self._drafts.show(inter.id)
        key = (inter.id, len(inter.transcript))
        if key == self._shown:
            return
        start = 0
        if self._shown is not None and self._shown[0] == inter.id:
            start = self._shown[1]
        else:
            self.transcript.clear()
        self._shown = key
        c = colors()
        cursor = self.transcript.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        who_format = QTextCharFormat()
        who_format.setFontWeight(QFont.Weight.DemiBold)
        time_format = QTextCharFormat()
        time_format.setForeground(QColor(c.muted))
        text_format = QTextCharFormat()  # the palette's text colour, light or dark
        for line in inter.transcript[start:]:
            if not cursor.atStart():
                cursor.insertBlock()
            agent = line.sender == "agent"
            who_format.setForeground(QColor(c.accent if agent else c.good))
            cursor.insertText("You" if agent else customer_name, who_format)
            cursor.insertText(f"  {clock_text(line.time_ms)[:8]}", time_format)
            cursor.insertBlock()
            cursor.insertText(clipped(line.text, "the transcript event has it whole"), text_format)
            cursor.insertBlock()
        self.transcript.setTextCursor(cursor)
        self.transcript.ensureCursorVisible()


class EmailPage(QWidget):
    """The customer's message and the reply editor."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("emailPage")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(section("Email"))
        form = QFormLayout()
        form.setHorizontalSpacing(12)
        # Not ``sender``: that name is QObject.sender(), which Qt itself calls.
        self.from_label = plain_label("", "emailFrom", selectable=True)
        self.subject = plain_label("", "emailSubject", selectable=True)
        self.subject.setStyleSheet("font-weight: 600;")
        form.addRow(plain_label("From", role="key"), self.from_label)
        form.addRow(plain_label("Subject", role="key"), self.subject)
        layout.addLayout(form)
        self.body = QPlainTextEdit(self)
        self.body.setObjectName("emailBody")
        self.body.setReadOnly(True)
        layout.addWidget(self.body, 2)
        layout.addWidget(section("Reply"))
        self.reply = QPlainTextEdit(self)
        self.reply.setTabChangesFocus(True)  # Tab leaves the field, as in every other one
        self.reply.setObjectName("emailReply")
        self.reply.setPlaceholderText("Write the reply")
        layout.addWidget(self.reply, 2)
        row = QHBoxLayout()
        row.addStretch(1)
        self.send = button("emailSendButton", "Send reply", "reply", tone="accent")
        row.addWidget(self.send)
        layout.addLayout(row)
        self._shown: tuple[str, int] | None = None
        self._drafts = Drafts(self.reply.toPlainText, self.reply.setPlainText)

    def show_interaction(self, inter: Interaction) -> None:
        """Fill the message once per email (and again when the thread grows)."""
        self._drafts.show(inter.id)
        key = (inter.id, len(inter.transcript))
        if key == self._shown:
            return
        grew = self._shown is not None and self._shown[0] == inter.id
        self._shown = key
        customer = inter.customer
        name = customer.name if customer is not None else ""
        self.from_label.setText(f"{name} <{inter.email}>" if name else str(inter.email or ""))
        self.subject.setText(inter.subject_line or "(no subject)")
        parts = []
        for line in inter.transcript:
            who = "You" if line.sender == "agent" else name or "Customer"
            parts.append(f"— {who}, {clock_text(line.time_ms)[:8]} —\n{line.text}")
        self.body.setPlainText(clipped("\n\n".join(parts), "the email's event has it whole"))
        if grew:  # the reply just sent, at the end, in view (it was below, out of sight)
            bar = self.body.verticalScrollBar()
            bar.setValue(bar.maximum())


class WrapUpBox(QWidget):
    """Disposition, notes, complete and the after-call work timer."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        frame, layout = card_in(self, "wrapUpBox", margins=12, spacing=8)
        top = QHBoxLayout()
        top.addWidget(section("Wrap-up"))
        top.addStretch(1)
        self.acw = plain_label("", "acwTimer", role="timer")
        top.addWidget(self.acw)
        layout.addLayout(top)
        heading = QHBoxLayout()
        heading.addWidget(plain_label("Disposition", role="key"))
        self.required = plain_label("Required", "dispositionRequired", role="required")
        self.required.setToolTip("This service needs a disposition before you complete")
        self.required.hide()
        heading.addWidget(self.required)
        heading.addStretch(1)
        layout.addLayout(heading)
        self.disposition = ElidedComboBox(frame)
        self.disposition.setObjectName("dispositionCombo")
        self.disposition.setEnabled(False)
        layout.addWidget(self.disposition)
        layout.addWidget(plain_label("Note", role="key"))
        self.note = QPlainTextEdit(frame)
        # Tab leaves the field: it typed a tab into the note and a keyboard-only tester
        # could go no further (Ctrl+Tab was the only way out).
        self.note.setTabChangesFocus(True)
        self.note.setObjectName("noteEdit")
        self.note.setPlaceholderText("Add a note for the activity record")
        self.note.setMaximumHeight(80)
        self.note.setEnabled(False)
        layout.addWidget(self.note)
        self.add_note = button("addNoteButton", "Add note", "note")
        layout.addWidget(self.add_note)
        layout.addWidget(plain_label("Notes", role="key"))
        self.notes = QPlainTextEdit(frame)
        self.notes.setObjectName("notesView")
        self.notes.setReadOnly(True)
        self.notes.setPlaceholderText("No notes yet")
        layout.addWidget(self.notes, 1)
        self.complete = button(
            "completeButton",
            "Complete",
            "check",
            tone="accent",
            tooltip="Finish after-call work (Ctrl+Enter)",
        )
        self.complete.setMinimumHeight(38)
        layout.addWidget(self.complete)
        self._dispositions_for: str | None = None
        self._drafts = Drafts(self.note.toPlainText, self.note.setPlainText)

    def draft_note(self, interaction_id: str) -> str:
        """The note typed for ``interaction_id`` and not added yet."""
        return self._drafts.text_of(interaction_id)

    def forget_draft_note(self, interaction_id: str) -> None:
        """The typed note of ``interaction_id`` was added."""
        self._drafts.forget(interaction_id)

    def show_interaction(self, inter: Interaction, now_ms: int) -> None:
        """Dispositions of the service, notes so far, ACW timer in wrap-up."""
        service = inter.service
        self._drafts.show(inter.id)
        if self._dispositions_for != inter.id:
            self._dispositions_for = inter.id
            self.disposition.blockSignals(True)
            self.disposition.clear()
            required = bool(
                service is not None and service.use_dispositions and service.require_disposition
            )
            self.required.setVisible(required)
            self.disposition.setProperty("required", required)
            # "Required" is said beside the heading above: the box's room is for the choice.
            self.disposition.addItem("Choose a disposition…", None)
            if service is not None and service.use_dispositions:
                for disposition in service.dispositions:
                    self.disposition.addItem(disposition.name, disposition.name)
            self.disposition.blockSignals(False)
        chosen = self.disposition.findData(inter.disposition) if inter.disposition else 0
        self.disposition.blockSignals(True)
        self.disposition.setCurrentIndex(max(0, chosen))
        self.disposition.blockSignals(False)
        # Long lines cut (a plugin's note of a megabyte froze the window for minutes).
        notes = clipped("\n".join(inter.notes), "the interaction and its record have it whole")
        if self.notes.toPlainText() != notes:
            self.notes.setPlainText(notes)
        self.tick(inter, now_ms)

    def tick(self, inter: Interaction, now_ms: int) -> None:
        """The ACW timer: time in wrap-up, and its limit when the service has one."""
        if inter.in_wrap_up and inter.end_ms is not None:
            text = f"ACW {duration_text(now_ms - inter.end_ms)}"
            limit = inter.service.acw_timeout_seconds if inter.service else None
            if limit:
                text += f" / {duration_text(limit * 1000)}"
            self.acw.setText(text)
            self.acw.setStyleSheet(f"color: {state_color('wrap_up')};")
        else:
            self.acw.setText("")

    def clear(self) -> None:
        """No interaction."""
        self._dispositions_for = None
        self.required.hide()
        self.disposition.clear()
        self.notes.clear()
        self.acw.setText("")
