"""The number typed for a transfer is used up by a transfer that went through.

The transfer fields (the call's ``transferNumber``, the chat's ``chatTransferNumber``) kept the
last number after the transfer was done, and the next call's transfer started pre-filled with
the previous party: one click on Blind transfer sent a new customer to the last colleague. A
blind transfer, a consult, an invitation to a conference or to a chat that went through empties
the field it took its number from (a consult's number is the call placed: Complete transfer and
Merge calls need none). One refused (a wrong number) or not done (the calls changed while the
handlers answered ``ON_REQUEST_TRANSFER_DATA``) leaves the number there to correct or try again.
One that waits for the handlers' answer empties the field once it happened; a number typed
meanwhile is the tester's next one and stays. A click in the directory puts one number in both
fields: the other field still holding the number used empties too (a consult used the call's,
and the next chat opened with the colleague in its field). Qt-free: the field is anything with
``text()`` and ``clear()``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["UsedNumbers"]


@dataclass(slots=True)
class _Waiting:
    wait: Any
    """The bridge's ``TransferWait`` of the action."""
    field: Any
    text: str


class UsedNumbers:
    """Empties a transfer field once the action that took its number went through."""

    def __init__(self, bridge: Any, fields: Callable[[], tuple[Any, ...]] = tuple):
        self._bridge = bridge
        self._fields = fields
        """Every transfer field (built with the interaction page, maybe after this): a number
        used up in one is used up in the others."""
        self._waiting: list[_Waiting] = []
        bridge.actionDone.connect(self._settled)
        bridge.actionFailed.connect(self._settled)

    def act(self, field: Any, action: Callable[[], Any]) -> Any:
        """Run ``action`` (a bridge action taking ``field``'s number); empty ``field`` once it
        went through. Its result."""
        text = field.text()
        before = list(self._bridge.waiting)
        result = action()
        if result is None or not result.ok:
            return result
        new = [wait for wait in self._bridge.waiting if wait not in before]
        if new:
            self._waiting.append(_Waiting(new[-1], field, text))
        else:
            self._empty(field, text)
        return result

    def _settled(self, *_: Any) -> None:
        """A waiting action's answer came (its ``actionDone`` or ``actionFailed``)."""
        waiting = self._bridge.waiting
        for entry in [entry for entry in self._waiting if entry.wait not in waiting]:
            self._waiting.remove(entry)
            if entry.wait.carried_out():
                self._empty(entry.field, entry.text)

    def _empty(self, field: Any, text: str) -> None:
        """Empty ``field``, and the other fields holding the same number, unless the tester
        typed another number since."""
        for each in (field, *(other for other in self._fields() if other is not field)):
            if text.strip() and each.text() == text:
                each.clear()
