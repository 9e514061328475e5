"""``PacketChannel``: the QWebChannel object the shim talks to (``channel.objects.adsim``), packets
in from the page and out to it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

__all__ = ["PacketChannel"]


class PacketChannel(QObject):
    """The object the shim reaches as ``channel.objects.adsim``: ``receive(json)`` from the page,
    ``packet(json)`` to it. ``send`` may be called from any thread."""

    packet = Signal(str)
    arrived = Signal(str)
    _outgoing = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.on_packet: Callable[[dict[str, Any]], Any] | None = None
        self._outgoing.connect(self.packet, Qt.ConnectionType.QueuedConnection)

    @Slot(str)
    def receive(self, text: str) -> None:
        """A packet from the page (JSON)."""
        self.arrived.emit(text)
        try:
            packet = json.loads(text)
        except ValueError:
            return
        if isinstance(packet, dict) and self.on_packet is not None:
            self.on_packet(packet)

    def send(self, packet: dict[str, Any]) -> None:
        """Post a packet to the page (thread-safe: crosses to the GUI thread)."""
        self._outgoing.emit(json.dumps(packet, separators=(",", ":"), ensure_ascii=False))
