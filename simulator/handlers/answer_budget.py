"""The widget's wait for the integration's transfer data: at most ``transfer_data_wait_seconds``.

The vendor's widget waits 2 000 ms for ``ON_REQUEST_TRANSFER_DATA_RESPONSE``; then it performs the
transfer without data, and an answer that comes later is dropped. With the setting
``transfer_data_wait_seconds`` (``2`` for the vendor's way) the handler host does the same: when
the wait is over the simulation goes on with no data (the journal's answer is ``null``), and the
handler that answered late is reported as a ``timeout`` outcome. The wait is on the wall clock,
as the widget's is: it is how long the integration's code takes. Without the setting (the
default) the transfer waits for the handlers, each up to the handler timeout.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from simulator.contract import EventName

__all__ = ["AnswerBudget", "answer_budget", "late_answer_error"]


class AnswerBudget:
    """A running wait for an answer: ``give_up`` runs (once, on a timer thread) when it is over,
    unless ``cancel`` came first."""

    def __init__(self, seconds: float, give_up: Callable[[], None]):
        self.seconds = seconds
        self._lock = threading.Lock()
        self._state = "waiting"
        self._give_up = give_up
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.name = "adsim-answer-budget"  # adsim's own: no plugin's leftover
        self._timer.start()

    def _expire(self) -> None:
        with self._lock:
            if self._state != "waiting":
                return
            self._state = "expired"
        self._give_up()

    @property
    def expired(self) -> bool:
        """True once the wait is over (the simulation went on without the answer)."""
        return self._state == "expired"

    def cancel(self) -> bool:
        """Stop waiting because the answer is here: False when it came too late."""
        with self._lock:
            if self._state == "expired":
                return False
            self._state = "answered"
        self._timer.cancel()
        return True


def answer_budget(sim: Any, name: EventName, give_up: Callable[[], None]) -> AnswerBudget | None:
    """The wait for the answer to ``name`` on ``sim``, or None when it is not bounded."""
    if name is not EventName.ON_REQUEST_TRANSFER_DATA:
        return None
    seconds = sim.settings.transfer_data_wait_seconds
    return None if seconds is None else AnswerBudget(seconds, give_up)


def late_answer_error(budget: AnswerBudget) -> str:
    """What a handler that answered after the wait is told (its outcome's error)."""
    return (
        f"ON_REQUEST_TRANSFER_DATA: answered after the widget's {budget.seconds:g} s wait "
        "(transfer_data_wait_seconds); the transfer went on without data, the answer was dropped"
    )
