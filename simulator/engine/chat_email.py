"""Chat and email: messages both ways, the email reply, and the start methods the vendor leaves
unimplemented.
"""

from __future__ import annotations

from typing import Any

from simulator.contract import OperationResult
from simulator.engine.core import Code
from simulator.engine.errors import ActionError
from simulator.engine.interaction import ChatMessage
from simulator.engine.lifecycle import Lifecycle
from simulator.engine.tables import Action

__all__ = ["ChatEmail"]


class ChatEmail(Lifecycle):
    """Chat lines and email replies."""

    def send_chat_message(self, message: str, interaction_id: str | None = None) -> OperationResult:
        """``sendChatMessage``: the agent writes in a chat."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.send_chat)
            if not isinstance(message, str) or not message.strip():
                raise ActionError(Code.invalid_args, "a chat message needs some text")
            inter.transcript.append(ChatMessage(self._now(), "agent", message))
            self._notice("chat_message", inter.id, message)

        return self._perform(
            "agent",
            "send_chat_message",
            {"message": message, "interaction_id": interaction_id},
            body,
        )

    def customer_message(self, text: str, interaction_id: str | None = None) -> OperationResult:
        """The customer writes in a chat."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.customer_message)
            if not text.strip():
                raise ActionError(Code.invalid_args, "a chat message needs some text")
            inter.transcript.append(ChatMessage(self._now(), "customer", text))
            self._notice("chat_message", inter.id, text)

        return self._perform(
            "customer",
            "customer_message",
            {"text": text, "interaction_id": interaction_id},
            body,
        )

    def send_email_reply(
        self, body_text: str, interaction_id: str | None = None
    ) -> OperationResult:
        """Reply to an email (the agent desktop's reply editor); the email goes to wrap-up."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.send_email_reply)
            if not isinstance(body_text, str) or not body_text.strip():
                raise ActionError(Code.invalid_args, "a reply needs some text")
            inter.transcript.append(ChatMessage(self._now(), "agent", body_text))
            self._notice("email_reply", inter.id, body_text)
            self._transition(inter, Action.send_email_reply)
            self._refresh_agent()

        return self._perform(
            "agent",
            "send_email_reply",
            {"body_text": body_text, "interaction_id": interaction_id},
            body,
        )

    def start_chat(
        self, channel: str, address: str, initial_object: dict[str, Any] | None = None
    ) -> OperationResult:
        """``startChat``: not simulated in this version (answers ``api_method_not_implemented``)."""
        return self._perform(
            "agent",
            "start_chat",
            {"channel": channel, "address": address},
            lambda: self._not_implemented("startChat"),
        )

    def start_email(
        self, email: str, initial_object: dict[str, Any] | None = None
    ) -> OperationResult:
        """``startEmail``: the vendor's build answers ``api_method_not_implemented``; so do we."""
        return self._perform(
            "agent", "start_email", {"email": email}, lambda: self._not_implemented("startEmail")
        )

    def _not_implemented(self, method: str) -> None:
        self._require_login()
        raise ActionError(Code.api_method_not_implemented, f"{method} is not implemented")
