"""Signals in the order Python started their handlers.

Python runs a signal's handler between two bytecodes, inside one already running when the
signal comes meanwhile: two signals sent back to back (Ctrl-C, then a CI runner's SIGTERM) can
have the second's handler run before the first line of the first's, or in its middle. adsim's
stopper (``simulator.interrupts``), the window's and a ``--page`` run's handlers take them in
turn with these.

Standard library only: it is in place before a command's imports.
"""

from __future__ import annotations

from collections.abc import Callable
from types import CodeType, FrameType

__all__ = ["in_turn", "inside", "on_stack"]


def inside(frame: FrameType | None, handler: CodeType) -> bool:
    """Whether a signal's handler was called (``frame``: the frame it interrupted) while a
    handler of ``handler``'s code was running. Python runs a signal's handler between two
    bytecodes, inside one already running when the signal comes meanwhile, and that can be
    before the first line of the one running: two signals sent back to back (Ctrl-C, then a
    CI runner's SIGTERM) had the second's handler run first, inside the first's (the stop
    said and ended as SIGTERM's), or in the middle of it (its line never written). A handler
    that must take signals in the order Python started them queues one that comes inside it."""
    return on_stack(frame, handler)


def on_stack(frame: FrameType | None, code: CodeType) -> bool:
    """Whether a frame of ``code`` is ``frame`` or one of its callers."""
    while frame is not None:
        if frame.f_code is code:
            return True
        frame = frame.f_back
    return False


def in_turn(handle: Callable[[int], None]) -> Callable[[int, FrameType | None], None]:
    """A signal handler that calls ``handle(signum)`` for each signal in the order Python
    started their handlers: one whose handler Python ran inside another's (``inside``) is
    handled after it. For the window's and a ``--page`` run's handlers (adsim's stopper does
    the same, with its stop raised at the end)."""
    later: list[int] = []

    def handler(signum: int, frame: FrameType | None) -> None:
        if inside(frame, handler.__code__):
            later.append(signum)
            return
        handle(signum)
        while later:
            handle(later.pop(0))

    return handler
