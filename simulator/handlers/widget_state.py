"""What the widget itself keeps for one desktop (not the engine): ``WidgetState``, shared by
every plugin's ``ad_api``, and the ``ApiCall`` records a scenario run checks its expectations
against.

Outside the ``ad_api`` package (which re-exports it): every ``HandlerHost`` holds a
``WidgetState`` from the start, and importing ``ad_api`` (its ~25 methods' modules and the
contract's method table, ~2 ms) waits for the first plugin, so the window is usable sooner."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator.contract import PhoneDevice

__all__ = ["ApiCall", "MessageLogger", "WidgetState"]

MessageLogger = Callable[[str, list[Any]], Any]
"""``injectMessageLogger``'s callback: ``(type, params)`` for every packet."""


@dataclass(frozen=True)
class ApiCall:
    """One ``ad_api`` call and the envelope it received (recorded for scenario expectations)."""

    method: str
    """The vendor's method name (``setDisposition``)."""
    params: list[Any]
    """The arguments, as on the wire."""
    result: dict[str, Any]
    """The ``OperationResult`` envelope, as on the wire."""
    plugin: str
    time_ms: int


@dataclass
class WidgetState:
    """What the widget itself keeps (not the engine): shared by every plugin of one desktop."""

    minimized: bool = False
    phone_device: dict[str, Any] = field(
        default_factory=lambda: {"type": PhoneDevice.phone_type_browser.value}
    )
    screen_recording: dict[str, bool] = field(
        default_factory=lambda: {"allowed": True, "active": False, "muted": False}
    )
    reschedule: dict[str, dict[str, Any]] = field(default_factory=dict)
    """``setRescheduleWindow`` data per interaction id."""
    suggestions: dict[str, str] = field(default_factory=dict)
    """``suggestChatMessage`` text in the agent's input box, per interaction id."""
    loggers: list[MessageLogger] = field(default_factory=list)
    calls: list[ApiCall] | None = None
    """Every ``ad_api`` call with its envelope, once ``record_calls()`` turned recording on (a
    scenario run does; a long window session does not keep them)."""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record_calls(self) -> list[ApiCall]:
        """Start keeping every call (idempotent); returns the live list."""
        with self.lock:
            if self.calls is None:
                self.calls = []
            return self.calls

    def log(self, packet_type: str, params: list[Any]) -> None:
        """Give a packet to every injected message logger (a failing logger is ignored)."""
        for logger in tuple(self.loggers):
            try:
                logger(packet_type, params)
            except Exception:  # a logger must never break the desktop
                continue
