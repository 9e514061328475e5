"""Actions that wait for the integration's transfer data before they happen.

A transfer, a conference invitation or a merge without data asks the handlers
``ON_REQUEST_TRANSFER_DATA`` and is carried out once they answer (a handler may take up to its
timeout). The engine accepts the action at once (``result.ok``), but nothing has moved yet: the
window says it waits, keeps the transfer controls greyed, and says done (or not done: the calls
changed meanwhile) once the answer came. Qt-free: the bridge feeds it events and notices.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["ASKS_TRANSFER_DATA", "TransferWait", "TransferWaits"]

_EVENT = "ON_REQUEST_TRANSFER_DATA"

ASKS_TRANSFER_DATA: dict[str, tuple[str, str]] = {
    "blind_transfer": ("Transferring", "the transfer did not happen: {why}"),
    "transfer": ("Completing the transfer", "the transfer was not completed: {why}"),
    "invite_to_call_conference": (
        "Adding to the conference",
        "nobody was added to the conference: {why}",
    ),
    "merge_all_calls_into_conference": ("Merging the calls", "the calls were not merged: {why}"),
    "invite_to_chat_conference": ("Inviting into the chat", "nobody was invited: {why}"),
}
"""The actions that may wait for ``ON_REQUEST_TRANSFER_DATA``: what the window says meanwhile,
and what it says when the answer came and the action could no longer happen."""

_WHY = "the interaction changed while the handlers answered ON_REQUEST_TRANSFER_DATA"


@dataclass(slots=True)
class TransferWait:
    """One action waiting for the handlers' answer."""

    action: str
    responses: tuple[Any, ...]
    """The ``Response`` of each ``ON_REQUEST_TRANSFER_DATA`` the action asked (usually one)."""
    carried_out: Callable[[], bool]
    """Whether the action happened, asked once every answer is in."""
    since: float = field(default_factory=time.monotonic)

    @property
    def pending(self) -> bool:
        """True while a handler's answer is still out."""
        return any(response.pending for response in self.responses)

    def waiting_text(self, now: float | None = None) -> str:
        """``Merging the calls: waiting for the handlers' answer to ON_REQUEST_TRANSFER_DATA…
        3 s``."""
        doing = ASKS_TRANSFER_DATA[self.action][0]
        seconds = int((time.monotonic() if now is None else now) - self.since)
        text = f"{doing}: waiting for the handlers' answer to {_EVENT}…"
        return f"{text} {seconds} s" if seconds >= 1 else text

    def not_done_text(self) -> str:
        """What the status bar says when the answer came and the action could not happen."""
        text = ASKS_TRANSFER_DATA[self.action][1].format(why=_WHY)
        return text[0].upper() + text[1:]


class TransferWaits:
    """The actions of one desktop waiting for ``ON_REQUEST_TRANSFER_DATA`` answers."""

    def __init__(self) -> None:
        self.waits: list[TransferWait] = []
        self._notices: Counter[tuple[str, str | None]] = Counter()
        """Notices by kind and interaction: another interaction's transfer at the same moment
        is not this one's carried out."""

    def note(self, notice: Any) -> None:
        """Count a notice of the engine (``merged``, ``transferred`` ...) for its interaction;
        a chat conference's only when someone joined (it says so too when a party left)."""
        if notice.kind == "chat_conference" and not str(notice.detail).endswith(" joined"):
            return
        self._notices[(notice.kind, notice.interaction_id)] += 1

    def begin(
        self, action: str, events: Sequence[Any], sim: Any, interaction_id: str | None
    ) -> TransferWait | None:
        """The wait ``action`` (just accepted, its ``events`` delivered) is in, or None when it
        waits for nothing (data given, no handler asked, the answer in already)."""
        if action not in ASKS_TRANSFER_DATA:
            return None
        responses = tuple(
            event.response
            for event in events
            if str(event.name) == _EVENT and event.response is not None and event.response.pending
        )
        if not responses:
            return None
        # The interaction the handlers were asked about is the one the notice names (a
        # complete transfer's or a merge's is the customer's call, not the active consult).
        asked = tuple(
            dict.fromkeys(
                event.interaction_id or interaction_id
                for event in events
                if str(event.name) == _EVENT and event.response is not None
            )
        )
        wait = TransferWait(action, responses, self._check(action, sim, interaction_id, asked))
        self.waits.append(wait)
        return wait

    def settled(self) -> list[TransferWait]:
        """The waits whose answers all came (removed from ``waits``), in order."""
        done = [wait for wait in self.waits if not wait.pending]
        if done:
            self.waits = [wait for wait in self.waits if wait.pending]
        return done

    def _check(
        self, action: str, sim: Any, interaction_id: str | None, asked: tuple[str | None, ...]
    ) -> Callable[[], bool]:
        """How to tell, once answered, that ``action`` happened: the engine's notice of it on
        an interaction ``asked`` about, or (an added party, which has none) the party on the
        call."""
        if action == "invite_to_call_conference":
            iid = interaction_id or sim.active_interaction_id
            inter = sim.interaction(iid) if iid else None
            before = len(inter.parties) if inter is not None else 0

            def party_added() -> bool:
                now = sim.interaction(iid) if iid else None
                return now is not None and len(now.parties) > before

            return party_added
        kind = {
            "merge_all_calls_into_conference": "merged",
            "invite_to_chat_conference": "chat_conference",
        }.get(action, "transferred")
        keys = [(kind, iid) for iid in asked]
        seen = [self._notices[key] for key in keys]
        return lambda: any(self._notices[key] > was for key, was in zip(keys, seen, strict=True))
