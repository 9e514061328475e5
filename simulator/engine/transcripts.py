"""What the 2026 desktop adds around conversations: the summary generation
(``ON_SUMMARY_GENERATION_STARTED``/``_COMPLETED``), the voice transcript
(``ON_VOICE_TRANSCRIPT_MESSAGE``) and the transcripts a page can ask for
(``getChatTranscript``/``getVoiceTranscript``).

The reference gives these no moment and (for the transcripts) no payload: a scenario says when a
summary is generated and what a call's speech recognition heard (steps ``summary`` and
``transcript``); the shapes are the simulator's, documented in docs/versions.md. Earlier versions
never fire the events (the emission edge drops them) and refuse the methods
(``api_method_not_implemented``, by the method table), here and in ``ad_api``.
"""

from __future__ import annotations

from typing import Any

from simulator.contract import EventName, InteractionType, OperationResult, fail, ok
from simulator.engine.core import Code
from simulator.engine.errors import ActionError
from simulator.engine.interaction import ChatMessage, Interaction
from simulator.engine.lifecycle import Lifecycle

__all__ = ["Transcripts", "transcript_lines"]

_PARTIES = ("agent", "customer")


def transcript_lines(lines: list[ChatMessage]) -> list[dict[str, Any]]:
    """A transcript as the methods answer it: ``[{party, text, time}]`` (epoch ms), oldest first."""
    return [{"party": line.sender, "text": line.text, "time": line.time_ms} for line in lines]


class Transcripts(Lifecycle):
    """Summary generation and transcripts (2026)."""

    def generate_summary(
        self,
        interaction_id: str | None = None,
        topics: dict[str, str] | None = None,
        error: str | None = None,
        seconds: float = 2,
    ) -> OperationResult:
        """The desktop generates the interaction's summary: ``ON_SUMMARY_GENERATION_STARTED``
        now, ``ON_SUMMARY_GENERATION_COMPLETED`` ``seconds`` later with ``topics`` (success) or
        ``error`` (``{success: false, errorCode}``)."""

        def body() -> None:
            inter = self._get(interaction_id)
            if seconds < 0:
                raise ActionError(Code.invalid_args, "a summary takes 0 seconds or more")
            iid = inter.id
            self._emit(EventName.ON_SUMMARY_GENERATION_STARTED, iid, interaction_id=iid)
            result: dict[str, Any] = {"interactionId": iid}
            if error is not None:
                result.update(success=False, errorCode=str(error))
            else:
                pairs = (topics or {}).items()
                result.update(
                    success=True, topics=[{"name": str(k), "value": str(v)} for k, v in pairs]
                )
            self._schedule(
                seconds,
                lambda: self._emit(
                    EventName.ON_SUMMARY_GENERATION_COMPLETED, result, interaction_id=iid
                ),
                "summary generated",
            )

        return self._perform(
            "scenario",
            "generate_summary",
            {
                "interaction_id": interaction_id,
                "topics": topics,
                "error": error,
                "seconds": seconds,
            },
            body,
        )

    def voice_transcript(
        self, text: str, party: str = "customer", interaction_id: str | None = None
    ) -> OperationResult:
        """Speech recognition heard ``party`` (``customer`` or ``agent``) say ``text`` on a
        connected call: kept in the call's voice transcript and sent as
        ``ON_VOICE_TRANSCRIPT_MESSAGE({interactionId, party, text, time})``."""

        def body() -> None:
            inter = self._call(interaction_id)
            if party not in _PARTIES:
                raise ActionError(Code.invalid_args, "party is customer or agent")
            if not isinstance(text, str) or not text.strip():
                raise ActionError(Code.invalid_args, "a transcript line needs some text")
            line = ChatMessage(self._now(), party, text)
            inter.voice_transcript.append(line)
            message = {"interactionId": inter.id, **transcript_lines([line])[0]}
            self._emit(EventName.ON_VOICE_TRANSCRIPT_MESSAGE, message, interaction_id=inter.id)

        return self._perform(
            "scenario",
            "voice_transcript",
            {"text": text, "party": party, "interaction_id": interaction_id},
            body,
        )

    def _call(self, interaction_id: str | None) -> Interaction:
        inter = self._get(interaction_id)
        if inter.type is not InteractionType.voice:
            raise ActionError(Code.not_suitable_state, "only a call has a voice transcript")
        return inter

    def get_chat_transcript(self, interaction_id: str | None = None) -> OperationResult:
        """``getChatTranscript(interactionId?)`` (2026): the chat's lines so far."""
        try:
            self._require_method("getChatTranscript")
            inter = self._get(interaction_id)
            if inter.type is not InteractionType.chat:
                raise ActionError(Code.not_suitable_state, "only a chat has a chat transcript")
        except ActionError as exc:
            return _failed(exc)
        return _answer(transcript_lines(inter.transcript))

    def get_voice_transcript(self, interaction_id: str | None = None) -> OperationResult:
        """``getVoiceTranscript(interactionId?)`` (2026): what speech recognition heard on the
        call so far (the scenario's ``transcript`` steps)."""
        try:
            self._require_method("getVoiceTranscript")
            inter = self._call(interaction_id)
        except ActionError as exc:
            return _failed(exc)
        return _answer(transcript_lines(inter.voice_transcript))


def _answer(lines: list[dict[str, Any]]) -> OperationResult:
    return ok(lines)


def _failed(exc: ActionError) -> OperationResult:
    return fail(exc.code, exc.message)
