"""The context panel: the active interaction with its media page and wrap-up.

Header (who, state, timer, accept/reject/hang up) and caller details are common; below them a
page per media type (voice controls, chat transcript and composer, email and reply editor) sits
beside the wrap-up box (disposition, notes, complete, ACW timer). Everything shown comes from the
simulator on each refresh; the panel remembers only which interaction its widgets were filled
for, so it does not refill a transcript that has not changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from simulator.gui.controls import VerticalScroll, button, card_in, plain_label
from simulator.gui.long_lines import tip
from simulator.gui.panels.interactions import MEDIA_ICONS, STATE_NAMES
from simulator.gui.panels.models import ring_remaining_ms
from simulator.gui.theme.icons import icon, set_label_icon
from simulator.gui.theme.palette import state_color
from simulator.gui.times import duration_text

if TYPE_CHECKING:
    from simulator.engine import Interaction
    from simulator.gui.bridge import SimBridge
    from simulator.gui.panels.used_numbers import UsedNumbers

__all__ = ["ContextPanel", "badge_text_color"]


def _luminance(color: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def badge_text_color(background: str) -> str:
    """White or near-black, whichever contrasts more with ``background`` (WCAG ratio)."""
    light = _luminance(background)
    on_white = 1.05 / (light + 0.05)
    on_black = (light + 0.05) / (_luminance("#111111") + 0.05)
    return "#ffffff" if on_white >= on_black else "#111111"


def _badge(label: QLabel, text: str, color: str) -> None:
    label.setText(text)
    label.setStyleSheet(
        f"background: {color}; color: {badge_text_color(color)}; border-radius: 10px;"
        " padding: 2px 10px; font-weight: 600;"
    )


class ContextPanel(QWidget):
    """The active interaction: header, details, media page, wrap-up."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._bridge: SimBridge | None = None
        self._used: UsedNumbers | None = None
        frame, frame_layout = card_in(self, "contextPanel", margins=0)
        self.stack = QStackedWidget(frame)
        self.stack.setObjectName("contextStack")
        frame_layout.addWidget(self.stack)

        empty = QWidget()
        empty.setObjectName("contextEmptyPage")
        empty_layout = QVBoxLayout(empty)
        empty_layout.addStretch(1)
        picture = plain_label()
        set_label_icon(picture, "headset", 72, "border")
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        empty_layout.addWidget(picture)
        self.empty_text = plain_label("Starting…", role="empty")
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setWordWrap(True)
        empty_layout.addWidget(self.empty_text)
        empty_layout.addStretch(2)
        self.stack.addWidget(empty)
        self._built = False
        self._shown: tuple[str, bool] | None = None
        """The interaction the page showed last and whether it rang (None: the empty page)."""

    def _build_page(self) -> None:
        """The interaction page: built at ``attach``, after the window is on screen (it is the
        biggest part of the window and nothing shows it before there is a simulator)."""
        if self._built:
            return
        self._built = True
        page = QWidget()
        page.setObjectName("interactionPage")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.setSpacing(10)
        header = QHBoxLayout()
        header.setSpacing(10)
        self.media_icon = plain_label()
        self.title = plain_label("", "interactionTitle", role="title", selectable=True, elide=True)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.state = plain_label("", "interactionState")
        self.timer = plain_label("", "interactionTimer", role="timer")
        self.timer.setToolTip("Time in this state")
        self.total = plain_label("", "interactionDuration", role="muted")
        self.total.setToolTip("Total time since the interaction started")
        self.countdown = plain_label("", "ringCountdown", role="countdown")
        self.countdown.setToolTip("The offer rings out (is missed) when this reaches zero")
        self.countdown.hide()
        self.accept = button(
            "acceptButton", "Accept", "phone", tone="good", tooltip="Accept (Ctrl+A)"
        )
        self.reject = button(
            "rejectButton", "Reject", "x", tone="bad", tooltip="Reject (Ctrl+Shift+A)"
        )
        self.hang_up = button(
            "hangUpButton", "Hang up", "phone-off", tone="bad", tooltip="Hang up (Ctrl+E)"
        )
        for widget in (self.accept, self.reject, self.hang_up):
            widget.setMinimumHeight(36)
            widget.setIconSize(QSize(18, 18))
        header.addWidget(self.media_icon)
        header.addWidget(self.title, 1)
        header.addWidget(self.state)
        header.addWidget(self.timer)
        header.addWidget(self.total)
        header.addWidget(self.countdown)
        header.addSpacing(8)
        header.addWidget(self.accept)
        header.addWidget(self.reject)
        header.addWidget(self.hang_up)
        layout.addLayout(header)

        details = QWidget()
        details.setObjectName("interactionDetails")
        grid = QGridLayout(details)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        self.details: dict[str, QLabel] = {}
        fields = (
            ("Customer", "detailCustomer"),
            ("Contact", "detailContact"),
            ("Service", "detailService"),
            ("Media", "detailDirection"),
            ("ANI", "detailAni"),
            ("DNIS", "detailDnis"),
            ("Interaction", "detailId"),
        )
        for position, (caption, name) in enumerate(fields):
            row, column = divmod(position, 2)
            value = plain_label("", name, role="value", selectable=True, elide=True)
            value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            grid.addWidget(plain_label(caption, role="key"), row, column * 2)
            grid.addWidget(value, row, column * 2 + 1)
            self.details[name] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        layout.addWidget(details)

        body = QHBoxLayout()
        body.setSpacing(14)
        from simulator.gui.panels.media import ChatPage, EmailPage, VoicePage, WrapUpBox

        self.media = QStackedWidget()
        self.media.setObjectName("mediaStack")
        self.voice = VoicePage()
        self.chat = ChatPage()
        self.email = EmailPage()
        self.media.addWidget(VerticalScroll(self.voice))
        self.media.addWidget(self.chat)
        self.media.addWidget(self.email)
        self.wrap_up = WrapUpBox()
        self.wrap_up.setMinimumWidth(220)
        self.wrap_up.setMaximumWidth(340)
        body.addWidget(self.media, 3)
        body.addWidget(self.wrap_up, 2)
        layout.addLayout(body, 1)
        self.stack.addWidget(page)
        self._wire()

    # ------------------------------------------------------------------ wiring

    def _wire(self) -> None:
        self.accept.clicked.connect(lambda: self._act("accept_interaction"))
        self.reject.clicked.connect(lambda: self._act("reject_interaction"))
        self.hang_up.clicked.connect(self._hang_up)
        voice = self.voice
        voice.hold.clicked.connect(self._toggle_hold)
        voice.mute.clicked.connect(
            lambda: self._with(lambda i: self._act("set_call_mute", not i.muted))
        )
        voice.record.clicked.connect(
            lambda: self._with(lambda i: self._act("set_call_recording", not i.recording))
        )
        voice.blind.clicked.connect(lambda: self._transfer(voice.number, "blind_transfer", None))
        voice.consult.clicked.connect(self._consult)
        voice.complete_transfer.clicked.connect(self._complete_transfer)
        voice.merge.clicked.connect(self._merge_calls)
        voice.conference.clicked.connect(
            lambda: self._transfer(voice.number, "invite_to_call_conference", None)
        )
        voice.remove_party.clicked.connect(self._remove_party)
        voice.end_conference.clicked.connect(lambda: self._act("destroy_call_conference"))
        for key, pad in voice.keys.items():
            pad.clicked.connect(lambda _=False, k=key: self._act("send_dtmf", k))
        self.chat.send.clicked.connect(self._send_chat)
        self.chat.composer.returnPressed.connect(self._send_chat)
        self.chat.simulate.clicked.connect(self._simulate_reply)
        chat = self.chat
        chat.transfer.clicked.connect(
            lambda: self._transfer(chat.transfer_number, "blind_transfer", None)
        )
        chat.invite.clicked.connect(
            lambda: self._transfer(chat.transfer_number, "invite_to_chat_conference")
        )
        self.email.send.clicked.connect(self._send_email)
        # currentIndexChanged: a test may select by item data (the refresh blocks signals).
        self.wrap_up.disposition.currentIndexChanged.connect(self._disposition)
        self.wrap_up.add_note.clicked.connect(self._add_note)
        self.wrap_up.complete.clicked.connect(self._complete)

    def retint(self) -> None:
        """Redraw what carries colours of its own (the chat transcript)."""
        if self._built:
            self.chat.forget()

    def attach(self, bridge: SimBridge, *, build: bool = True) -> None:
        """Show ``bridge``'s active interaction (``build=False``: the interaction page is built
        by ``build()`` or when the first interaction needs it)."""
        from simulator.gui.panels.used_numbers import UsedNumbers

        self._bridge = bridge
        self._used = UsedNumbers(
            bridge, lambda: (self.voice.number, self.chat.transfer_number) if self._built else ()
        )
        bridge.before_timers.append(self._before_timers)
        if build:
            self._build_page()
        self.refresh()

    def build(self) -> None:
        """Build the interaction page now."""
        self._build_page()
        self.refresh()

    def _active(self) -> Interaction | None:
        if self._bridge is None:
            return None
        sim = self._bridge.sim
        iid = sim.active_interaction_id
        return sim.interaction(iid) if iid else None

    def _act(self, action: str, *args: Any) -> Any:
        inter = self._active()
        if self._bridge is None or inter is None:
            return None
        return self._bridge.act(action, *args, inter.id)

    def _with(self, work: Any) -> None:
        inter = self._active()
        if inter is not None:
            work(inter)

    def _toggle_hold(self) -> None:
        inter = self._active()
        if inter is not None:
            self._act("set_call_hold", inter.state.value != "hold")

    def _transfer(self, field: Any, action: str, *args: Any) -> None:
        """An action taking ``field``'s number: one that went through uses the number up."""
        number = field.text().strip()
        if self._used is not None:
            self._used.act(field, lambda: self._act(action, number, *args))

    def _consult(self) -> None:
        if self._bridge is not None and self._used is not None:
            bridge, number = self._bridge, self.voice.number.text().strip()
            self._used.act(self.voice.number, lambda: bridge.act("consult_call", number))

    def _complete_transfer(self) -> None:
        if self._bridge is not None:
            self._bridge.act("transfer")

    def _merge_calls(self) -> None:
        # The desktop's own button: without data the integration is asked for it.
        if self._bridge is not None:
            self._bridge.act("merge_all_calls_into_conference")

    def _remove_party(self) -> None:
        party = self.voice.selected_party()
        if party is not None:
            self._act("remove_from_call_conference", party)
        elif self._bridge is not None:
            self._bridge.actionFailed.emit("remove party: select a party first")

    def _send_chat(self) -> None:
        text = self.chat.composer.text()
        if not self.chat.send.isEnabled():
            return
        result = self._act("send_chat_message", text)
        if result is not None and result.ok:
            self.chat.composer.clear()

    def _simulate_reply(self) -> None:
        if self._bridge is not None:
            self._act("customer_message", self._bridge.customer_line())

    def _send_email(self) -> None:
        result = self._act("send_email_reply", self.email.reply.toPlainText())
        if result is not None and result.ok:
            self.email.reply.clear()

    def _disposition(self, row: int) -> None:
        name = self.wrap_up.disposition.itemData(row)
        if name:
            self._act("set_disposition", name)

    def _add_note(self) -> Any:
        result = self._act("add_note", self.wrap_up.note.toPlainText())
        if result is not None and result.ok:
            self.wrap_up.note.clear()
        return result

    def _before_timers(self, now_ms: int) -> None:
        """The after-call work limit is about to complete an interaction: the note typed for
        it and not added yet is added first, as Complete does (the limit dropped it: the
        activity record had no description, nothing said). A refused note is said."""
        if not self._built or self._bridge is None:
            return
        for inter in self._bridge.sim.interactions:
            limit = inter.service.acw_timeout_seconds if inter.service else None
            if not inter.in_wrap_up or inter.end_ms is None or limit is None:
                continue
            if now_ms < inter.end_ms + round(limit * 1000):
                continue
            note = self.wrap_up.draft_note(inter.id)
            if not note.strip():
                continue
            result = self._bridge.act("add_note", note, inter.id)
            if result.ok:
                self.wrap_up.forget_draft_note(inter.id)
                self._bridge.actionDone.emit("acw_limit_note")

    def _hang_up(self) -> None:
        """Hang up; without after-call work the activity record is saved now, so a note still
        in the note field is added first (as at Complete)."""
        inter = self._active()
        service = inter.service if inter is not None else None
        if self.wrap_up.note.toPlainText().strip() and not (service and service.after_call_work):
            result = self._add_note()
            if result is None or not result.ok:
                return
        # A call still dialling is cancelled (adApi's leaveInteraction refuses it).
        dialling = inter is not None and inter.state.value == "unknown"
        self._act("cancel_dial" if dialling else "leave_interaction")

    def _complete(self) -> None:
        """Complete; a note still in the note field is added first: it went nowhere (the
        activity record without it, nothing said). A refused note stops the completion."""
        if self.wrap_up.note.toPlainText().strip():
            result = self._add_note()
            if result is None or not result.ok:
                return
        self._act("complete_interaction")

    # ------------------------------------------------------------------ showing

    def refresh(self) -> None:
        """Show the engine's active interaction."""
        if self._bridge is None:
            return
        sim = self._bridge.sim
        inter = self._active()
        if inter is not None and not self._built:
            self._build_page()  # an interaction came before the deferred build: build it now
        if inter is None:
            if not sim.agent.logged_in:
                text = "Logged out. Log in from the agent bar."
            elif str(sim.agent.phase) == "ready":
                text = (
                    "No active interaction.\nYou are Ready: wait for a contact, dial a "
                    "number, or use the customer side."
                )
            else:
                text = (
                    "No active interaction.\nChoose Ready to take contacts, dial a number, "
                    "or use the customer side."
                )
            self.empty_text.setText(text)
            self.stack.setCurrentIndex(0)
            if self._built:
                self.wrap_up.clear()
            self._opened(None)
            return
        self.stack.setCurrentIndex(1)
        state = inter.state.value
        media = inter.type.value
        color = state_color(state)
        self.media_icon.setPixmap(icon(MEDIA_ICONS.get(media, "phone"), color).pixmap(28, 28))
        self.title.setText(inter.display_name)
        _badge(self.state, STATE_NAMES.get(state, state), color)
        ringing = state == "delivery_pending"
        # A ringing offer is answered with Accept or Reject only, as agent desktops do.
        self.accept.setVisible(ringing)
        self.reject.setVisible(ringing)
        self.hang_up.setVisible(not ringing)
        self.hang_up.setText({"chat": "End chat", "email": "Close"}.get(media, "Hang up"))
        self._details(inter)
        if media == "voice":
            self.media.setCurrentIndex(0)
            self.voice.show_interaction(inter)
        elif media == "chat":
            self.media.setCurrentIndex(1)
            customer = inter.customer.name if inter.customer is not None else "Customer"
            self.chat.show_interaction(inter, customer)
        else:
            self.media.setCurrentIndex(2)
            self.email.show_interaction(inter)
        self.wrap_up.show_interaction(inter, sim.now_ms)
        self.tick()
        self._opened((inter.id, ringing))

    def _opened(self, shown: tuple[str, bool] | None) -> None:
        """An interaction shown anew (or none; or answered) shows the page's top, its header
        with Accept, Reject and Hang up. Where the window is short (a laptop's) the central
        area scrolls: a page hidden with the keyboard focus in it (Complete) had Qt move the
        focus to the next control in the chain, low in that area, and scroll it into view, and
        the next interaction opened scrolled down, its header out of view."""
        if shown == self._shown:
            return
        self._shown = shown
        widget = self.parentWidget()
        while widget is not None and not isinstance(widget, QScrollArea):
            widget = widget.parentWidget()
        content = widget.widget() if widget is not None else None
        if widget is None or content is None:
            return
        top = self.mapTo(content, QPoint(0, 0)).y()
        bar = widget.verticalScrollBar()
        if bar.value() > top:
            bar.setValue(top)
        for index in range(self.media.count() if self._built else 0):
            page = self.media.widget(index)
            if isinstance(page, QScrollArea):  # the call page's own
                page.verticalScrollBar().setValue(0)

    def tick(self) -> None:
        """Repaint the timers."""
        if not self._built:
            return
        inter = self._active()
        if inter is None or self._bridge is None:
            return
        self.chat.input_box.follow(getattr(self._bridge.host, "widget", None))  # suggestions
        now = self._bridge.sim.now_ms
        since = inter.history[-1][0] if inter.history else inter.created_ms
        self.timer.setText(duration_text(now - since))
        remaining = ring_remaining_ms(self._bridge.sim, inter)
        # In wrap-up the wrap-up box has the after-call timer: one timer, not two. While an
        # offer rings out, the countdown is its timer: the time in state and the total (the
        # same, the time it has rung) gave the header's room up, and at 1440 wide the name
        # was cut to "Maria …".
        self.timer.setVisible(not inter.in_wrap_up and remaining is None)
        self.total.setText(f"Total {duration_text(now - inter.created_ms)}")
        self.total.setVisible(remaining is None)
        self.countdown.setVisible(remaining is not None)
        if remaining is not None:
            self.countdown.setText(f"Rings out in {(remaining + 999) // 1000} s")
        self.wrap_up.tick(inter, now)

    def _details(self, inter: Interaction) -> None:
        customer = inter.customer
        who = ""
        if customer is not None:
            who = f"{customer.name} · {customer.company}" if customer.company else customer.name
        elif inter.parties:
            who = inter.parties[0].name
        direction = inter.type.value
        if inter.call_direction is not None:
            direction += f" · {inter.call_direction.value}"
        if inter.consult_of is not None:
            direction += " · consult"
        contact = inter.phone_number or inter.email or ""
        values = {
            "detailCustomer": who,
            "detailContact": contact,
            "detailService": inter.service.name if inter.service else "",
            "detailDirection": direction,
            "detailAni": inter.ani or "",
            "detailDnis": inter.dnis or "",
            "detailId": inter.id,
        }
        for name, value in values.items():
            label = self.details[name]
            label.setText(value or "—")
            label.setToolTip(tip(value))
