"""Ids and URLs in the vendor's formats, drawn from a seeded generator."""

from __future__ import annotations

import functools
import random
from datetime import UTC, datetime

__all__ = ["IdFactory"]

# The version (4) and variant (0b10) bits of uuid.UUID(int=..., version=4), applied to 128 random
# bits without building the object (ids are drawn on every call: a hot path).
_UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_UUID4_SET = (4 << 76) | (0x8000 << 48)
_MS_PER_DAY = 86_400_000


@functools.lru_cache(maxsize=16)
def _utc_day(day: int) -> str:
    """``YYYY-MM-DD`` of a UTC day counted from the epoch (cached: a run spans few days)."""
    return datetime.fromtimestamp(day * 86_400, tz=UTC).strftime("%Y-%m-%d")


class IdFactory:
    """Makes GUIDs, client UUIDs and recording URLs reproducibly from one ``random.Random``."""

    def __init__(self, rng: random.Random):
        self._rng = rng

    def _uuid4(self) -> str:
        raw = (self._rng.getrandbits(128) & _UUID4_CLEAR | _UUID4_SET).to_bytes(16)
        # 8-4-4-4-12 hex digits; ``hex("-", 2)`` writes the three middle groups in one call.
        return f"{raw[:4].hex()}-{raw[4:10].hex('-', 2)}-{raw[10:].hex()}"

    def guid(self) -> str:
        """A server-side GUID: upper case, as in the vendor's examples."""
        return self._uuid4().upper()

    def client_uuid(self) -> str:
        """A client-side id (the widget's ``uuid`` v4): lower case."""
        return self._uuid4()

    def hex32(self) -> str:
        """32 upper-case hex digits (the CRC of a playback URL)."""
        return self._rng.getrandbits(128).to_bytes(16).hex().upper()

    @staticmethod
    def recording_url(host: str, interaction_step_id: str) -> str:
        """``recordingUrl``: the interaction in the admin console."""
        return f"https://{host}/admin/?interactionId={interaction_step_id}"

    def playback_url(self, host: str, tenant_id: str, when_ms: int) -> str:
        """``playbackUrl``: the recording player, in the legacy ``/msgplayback`` shape."""
        day = _utc_day(when_ms // _MS_PER_DAY)
        return (
            f"https://{host}/agentdesktop/msgplayback?tenant_id={tenant_id}"
            f"&rtp_processor_id={self.guid()}&message=recordings/{host}/{day}/{self.guid()}"
            f"&key_id={self.guid()}&CRC={self.hex32()}"
        )
