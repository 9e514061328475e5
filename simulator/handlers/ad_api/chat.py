"""``ad_api`` methods of chats: the chat conference, sending and suggesting messages, the
transcript."""

from __future__ import annotations

from simulator.contract import OperationResult, ResultErrorCode, fail, ok
from simulator.handlers.ad_api.core import AdApiCore

__all__ = ["ChatMethods"]

Code = ResultErrorCode


class ChatMethods(AdApiCore):
    """Chats: conference, messages, suggestions, transcript."""

    def invite_to_chat_conference(
        self, party_id: str, interaction_id: str | None = None
    ) -> OperationResult:
        """``inviteToChatConference(partyId, interactionId?)``: a colleague joins the chat."""
        return self._do(
            "invite_to_chat_conference",
            lambda: self._sim.invite_to_chat_conference(party_id, interaction_id),
            party_id,
            interaction_id,
        )

    def remove_from_chat_conference(
        self, party_id: str, interaction_id: str | None = None
    ) -> OperationResult:
        """``removeFromChatConference(partyId, interactionId?)``: a colleague leaves the chat."""
        return self._do(
            "remove_from_chat_conference",
            lambda: self._sim.remove_from_chat_conference(party_id, interaction_id),
            party_id,
            interaction_id,
        )

    def send_chat_message(self, message: str, interaction_id: str | None = None) -> OperationResult:
        """``sendChatMessage(message, interactionId?)``: chat only."""
        return self._do(
            "send_chat_message",
            lambda: self._sim.send_chat_message(message, interaction_id),
            message,
            interaction_id,
        )

    def suggest_chat_message(
        self, message: str, allow_overwrite: bool = False, interaction_id: str | None = None
    ) -> OperationResult:
        """``suggestChatMessage(message, allowOverwrite?, interactionId?)``: put text in the
        agent's input box (kept unless ``allow_overwrite`` when text is already there)."""

        def body() -> OperationResult:
            key, found = self._interaction_id(interaction_id)
            if key is None:
                return self._logged_in() or found
            inter = self._sim.interaction(key)
            if inter is None or inter.type.value != "chat":
                return fail(Code.not_suitable_state, "suggestChatMessage works on chats only")
            if not isinstance(message, str):
                return fail(Code.invalid_args, "a suggestion is text")
            with self._widget.lock:
                if allow_overwrite or not self._widget.suggestions.get(key):
                    self._widget.suggestions[key] = message
            return ok()

        return self._do("suggest_chat_message", body, message, allow_overwrite, interaction_id)

    def get_chat_transcript(self, interaction_id: str | None = None) -> OperationResult:
        """``getChatTranscript(interactionId?)`` (2026) -> the chat's lines so far,
        ``[{party, text, time}]`` (the vendor publishes no signature: the simulator's shape)."""
        return self._do(
            "get_chat_transcript",
            lambda: self._sim.get_chat_transcript(interaction_id),
            interaction_id,
        )
