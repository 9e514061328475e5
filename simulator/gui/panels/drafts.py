"""What the tester types in a field, kept per interaction (``Drafts``), and the chat composer
as the adApi's input box (``InputBox``).

A handler's ``suggest_chat_message`` (``suggestChatMessage``) puts text in the agent's input
box: the widget's state keeps it per chat (``WidgetState.suggestions``), and the window shows it
in that chat's composer. What the agent types there (or sends, emptying it) is written back, so
that a suggestion without ``allowOverwrite`` leaves the agent's own words alone, as the
contract says, and one made once the box is empty fills it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Drafts", "InputBox"]


class Drafts:
    """What the tester typed in one field, kept per interaction: switching to another
    interaction and back keeps it (it was cleared, or worse, stayed to be sent to the other
    customer)."""

    def __init__(self, read: Callable[[], str], write: Callable[[str], None]):
        self._read = read
        self._write = write
        self._for: str | None = None
        self._kept: dict[str, str] = {}

    @property
    def current(self) -> str | None:
        """The interaction the field shows the text of."""
        return self._for

    def show(self, interaction_id: str) -> None:
        """The field now belongs to ``interaction_id``: keep the last one's text, show its own."""
        if interaction_id == self._for:
            return
        if self._for is not None and self._read():
            self._kept[self._for] = self._read()
        self._for = interaction_id
        self._write(self._kept.pop(interaction_id, ""))

    def text_of(self, interaction_id: str) -> str:
        """What was typed for ``interaction_id`` (shown in the field now, or kept aside)."""
        if interaction_id == self._for:
            return self._read()
        return self._kept.get(interaction_id, "")

    def put(self, interaction_id: str, text: str) -> None:
        """Replace the text of ``interaction_id``: in the field when it shows it, else kept."""
        if interaction_id == self._for:
            if self._read() != text:
                self._write(text)
        elif text:
            self._kept[interaction_id] = text
        else:
            self._kept.pop(interaction_id, None)

    def forget(self, interaction_id: str) -> None:
        """The text typed for ``interaction_id`` was used up."""
        if interaction_id == self._for:
            self._write("")
        else:
            self._kept.pop(interaction_id, None)


class InputBox:
    """The chat composer's drafts and the widget state's suggestions kept the same, per chat."""

    def __init__(self, drafts: Drafts):
        self._drafts = drafts
        self._state: Any = None
        self._seen: dict[str, str] = {}
        """Each chat's text as last read from or written to the widget state."""

    def follow(self, state: Any) -> None:
        """Keep to ``state`` (a ``WidgetState``, None without handlers) and take its news."""
        self._state = state
        self.pull()

    def pull(self) -> None:
        """Put each suggestion made since the last look in its chat's draft."""
        state = self._state
        if state is None:
            return
        with state.lock:
            suggested = dict(state.suggestions)
        for interaction_id, text in suggested.items():
            if self._seen.get(interaction_id) != text:
                self._seen[interaction_id] = text
                self._drafts.put(interaction_id, text)

    def changed(self, text: str) -> None:
        """The composer now holds ``text`` (typed, sent, another chat's): so does the box."""
        state, interaction_id = self._state, self._drafts.current
        if state is None or interaction_id is None or self._seen.get(interaction_id) == text:
            return
        self._seen[interaction_id] = text
        with state.lock:
            if text:
                state.suggestions[interaction_id] = text
            else:
                state.suggestions.pop(interaction_id, None)
