"""Ids and URLs in the vendor's formats, drawn from a seeded generator."""

from __future__ import annotations

import random
from datetime import UTC, datetime

__all__ = ["IdFactory"]


class IdFactory:
    """Makes GUIDs, client UUIDs and recording URLs reproducibly from one ``random.Random``."""

    def __init__(self, rng: random.Random):
        self._rng = rng

    def _uuid4_hex(self) -> str:
        # The bits of uuid.UUID(int=..., version=4), without building the object (a hot path).
        value = self._rng.getrandbits(128)
        value &= ~(0xC000 << 48)
        value |= 0x8000 << 48
        value &= ~(0xF000 << 64)
        value |= 4 << 76
        text = f"{value:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def guid(self) -> str:
        """A server-side GUID: upper case, as in the vendor's examples."""
        return self._uuid4_hex().upper()

    def client_uuid(self) -> str:
        """A client-side id (the widget's ``uuid`` v4): lower case."""
        return self._uuid4_hex()

    def hex32(self) -> str:
        """32 upper-case hex digits (the CRC of a playback URL)."""
        return f"{self._rng.getrandbits(128):032X}"

    @staticmethod
    def recording_url(host: str, interaction_step_id: str) -> str:
        """``recordingUrl``: the interaction in the admin console."""
        return f"https://{host}/admin/?interactionId={interaction_step_id}"

    def playback_url(self, host: str, tenant_id: str, when_ms: int) -> str:
        """``playbackUrl``: the recording player, in the legacy ``/msgplayback`` shape."""
        day = datetime.fromtimestamp(when_ms / 1000, tz=UTC).strftime("%Y-%m-%d")
        return (
            f"https://{host}/agentdesktop/msgplayback?tenant_id={tenant_id}"
            f"&rtp_processor_id={self.guid()}&message=recordings/{host}/{day}/{self.guid()}"
            f"&key_id={self.guid()}&CRC={self.hex32()}"
        )
