"""The customer side: make things happen to the agent (a call, a chat, an email, a reply, a
hang-up) from a generated or a chosen customer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from simulator.gui.controls import button, card_in, plain_label, section

if TYPE_CHECKING:
    from simulator.data.customers import Customer
    from simulator.gui.bridge import SimBridge

__all__ = ["CustomerPanel"]

_VOICE_TYPES = ("inbound_voice", "blended_voice")
_TYPE_NAMES = {
    "inbound_voice": "voice",
    "blended_voice": "voice",
    "outbound_voice": "outbound",
    "chat": "chat",
    "email": "email",
}


class CustomerPanel(QWidget):
    """Offer calls, chats and emails; the customer writes, answers or hangs up."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._bridge: SimBridge | None = None
        frame, layout = card_in(self, "customerPanel", margins=10, spacing=6)
        layout.addWidget(section("Customer side"))
        form = QFormLayout()
        form.setHorizontalSpacing(8)
        form.setVerticalSpacing(5)
        self.service = QComboBox(frame)
        self.service.setObjectName("customerService")
        form.addRow(plain_label("Service", role="key"), self.service)
        name_row = QHBoxLayout()
        self.name = self._line("customerName", "Generated")
        self.generate = button("customerGenerate", "New", "sparkles", tooltip="A new customer")
        self.generate.setEnabled(True)
        name_row.addWidget(self.name, 1)
        name_row.addWidget(self.generate)
        form.addRow(plain_label("Name", role="key"), name_row)
        self.phone = self._line("customerPhone", "Generated")
        form.addRow(plain_label("Phone", role="key"), self.phone)
        self.email = self._line("customerEmail", "Generated")
        form.addRow(plain_label("Email", role="key"), self.email)
        self.subject = self._line("customerSubject", "Question about my order")
        form.addRow(plain_label("Subject", role="key"), self.subject)
        layout.addLayout(form)
        self.message = QPlainTextEdit(frame)
        self.message.setTabChangesFocus(True)  # Tab leaves the field (see WrapUpBox's note)
        self.message.setObjectName("customerMessage")
        self.message.setPlaceholderText("Message (empty: the customer makes one up)")
        self.message.setMaximumHeight(64)
        layout.addWidget(self.message)
        offers = QGridLayout()
        offers.setSpacing(6)
        self.offer_call = button("offerCallButton", "Call", "phone-incoming", tone="good")
        self.offer_chat = button("offerChatButton", "Chat", "chat", tone="accent")
        self.offer_email = button("offerEmailButton", "Email", "mail", tone="accent")
        for column, widget in enumerate((self.offer_call, self.offer_chat, self.offer_email)):
            widget.setToolTip("The customer contacts the service")
            offers.addWidget(widget, 0, column)
        layout.addLayout(offers)
        layout.addWidget(section("Active interaction"))
        acts = QGridLayout()
        acts.setSpacing(6)
        self.write = button("customerWriteButton", "Customer writes", "chat")
        self.answer = button("customerAnswerButton", "Far end answers", "phone")
        self.hang_up = button("customerHangUpButton", "Customer hangs up", "phone-off")
        acts.addWidget(self.write, 0, 0)
        acts.addWidget(self.answer, 0, 1)
        acts.addWidget(self.hang_up, 1, 0, 1, 2)
        layout.addLayout(acts)
        layout.addStretch(1)
        self.generate.clicked.connect(self._generate)
        self.offer_call.clicked.connect(lambda: self._offer("offer_call"))
        self.offer_chat.clicked.connect(lambda: self._offer("offer_chat"))
        self.offer_email.clicked.connect(lambda: self._offer("offer_email"))
        self.write.clicked.connect(self._write)
        self.answer.clicked.connect(lambda: self._on_active("customer_answer"))
        self.hang_up.clicked.connect(lambda: self._on_active("customer_hang_up"))

    def _line(self, name: str, placeholder: str) -> QLineEdit:
        line = QLineEdit(self)
        line.setObjectName(name)
        line.setPlaceholderText(placeholder)
        line.setClearButtonEnabled(True)
        return line

    def attach(self, bridge: SimBridge) -> None:
        """Act on ``bridge``'s simulator."""
        self._bridge = bridge
        self.service.clear()
        self.service.addItem("Any service of the right type", None)
        for service in bridge.sim.tenant.services:
            kind = str(service.type)
            if kind == "outbound_voice":
                continue
            self.service.addItem(f"{service.name} ({_TYPE_NAMES.get(kind, kind)})", service.name)
        for widget in (self.offer_call, self.offer_chat, self.offer_email):
            widget.setEnabled(True)

    def _service_for(self, types: tuple[str, ...]) -> str | None:
        name = self.service.currentData()
        if name is None or self._bridge is None:
            return None
        service = self._bridge.sim.tenant.service(str(name))
        return service.name if service is not None and str(service.type) in types else None

    def _customer(self) -> dict[str, str] | None:
        name = self.name.text().strip()
        phone = self.phone.text().strip()
        email = self.email.text().strip()
        if not (name or phone or email):
            return None
        customer: dict[str, str] = {}
        if name:
            first, _, last = name.partition(" ")
            customer["first_name"] = first
            customer["last_name"] = last
        if phone:
            customer["phone"] = phone
        if email:
            customer["email"] = email
        return customer

    def _generate(self) -> None:
        if self._bridge is None:
            return
        customer = self._bridge.sim.customers.customer()
        self.name.setText(customer.name)
        self.phone.setText("+" + customer.phone)
        self.email.setText(customer.email)

    def _offer(self, action: str) -> None:
        if self._bridge is None:
            return
        text = self.message.toPlainText().strip() or None
        customer = self._customer()
        if action == "offer_call":
            result = self._bridge.act(action, self._service_for(_VOICE_TYPES), customer)
        elif action == "offer_chat":
            made_up = None
            if text is None:
                # The customer opens on a topic and keeps to it (every chat opened "Hello, I
                # need some help please.", and each later line was on a topic of its own).
                made_up, text = self._bridge.sim.customers.chat_opening()
            result = self._bridge.act(action, self._service_for(("chat",)), customer, text)
            data = result.data if result.ok else None
            if made_up is not None and isinstance(data, dict) and data.get("id"):
                self._bridge.chat_topics[data["id"]] = made_up
        else:
            subject = self.subject.text().strip() or None
            sender: Customer | dict[str, str] | None = customer
            body = text
            if body is None:
                # The customer writes one up, signed with their own name (it was another's),
                # on the topic of the subject it makes up too (the subject was always "Question
                # about my order", whatever the body asked).
                sim = self._bridge.sim
                sender = sim.resolve_customer(customer)
                topic, body = sim.customers.email(sender.first_name)
                subject = subject or topic
            result = self._bridge.act(action, self._service_for(("email",)), sender, subject, body)
        if result.ok:  # refused, the tester's message stays to correct and offer again
            self.message.clear()

    def _write(self) -> None:
        if self._bridge is None:
            return
        text = self.message.toPlainText().strip() or self._bridge.customer_line()
        result = self._on_active("customer_message", text)
        if result is not None and result.ok:
            self.message.clear()

    def _on_active(self, action: str, *args: Any) -> Any:
        if self._bridge is None:
            return None
        iid = self._bridge.sim.active_interaction_id
        if iid is None:
            return None
        return self._bridge.act(action, *args, iid)
