"""The one exception the engine raises inside an action: it becomes an ``OperationError``."""

from __future__ import annotations

from simulator.contract import ResultErrorCode

__all__ = ["ActionError"]


class ActionError(Exception):
    """An action that cannot happen now; the simulator answers with the vendor's code."""

    def __init__(self, code: ResultErrorCode, message: str):
        self.code = code
        self.message = message
        super().__init__(f"{code.name} ({int(code)}): {message}")
