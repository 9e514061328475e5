"""How the window writes a clock time and a duration (timers, tables, the timeline)."""

from __future__ import annotations

import time

__all__ = ["clock_text", "duration_text"]


def clock_text(epoch_ms: int) -> str:
    """``HH:MM:SS.mmm`` in local time."""
    seconds, ms = divmod(int(epoch_ms), 1000)
    return time.strftime("%H:%M:%S", time.localtime(seconds)) + f".{ms:03d}"


def duration_text(ms: int | float) -> str:
    """``MM:SS`` (or ``H:MM:SS``) for a timer."""
    total = max(0, int(ms // 1000))
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes:02d}:{seconds:02d}"
