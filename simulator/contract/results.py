"""The ``OperationResult`` envelope every adApi method resolves with.

OperationResult = OperationSuccess   {status: "success", data: T}
                | OperationError     {status: "error", error: {code, name, message?}}
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter

from simulator.contract.base import WireModel, omit_if_unset
from simulator.contract.enums import ResultErrorCode

__all__ = ["OperationError", "OperationResult", "OperationSuccess", "ResultError", "fail", "ok"]


class ResultError(WireModel):
    """Why an operation failed: the vendor's code, its name, and a human message."""

    code: int
    name: str
    message: str | None = omit_if_unset()


class OperationSuccess(WireModel):
    """A successful operation; ``data`` is present even when it is ``null``."""

    status: Literal["success"] = "success"
    data: Any = None

    @property
    def ok(self) -> bool:
        """True: the operation succeeded."""
        return True

    @property
    def error(self) -> None:
        """No error."""
        return None


class OperationError(WireModel):
    """A failed operation."""

    status: Literal["error"] = "error"
    error: ResultError

    @property
    def ok(self) -> bool:
        """False: the operation failed."""
        return False

    @property
    def data(self) -> None:
        """No data."""
        return None

    @property
    def code(self) -> ResultErrorCode:
        """The error code as an enum."""
        return ResultErrorCode(self.error.code)


OperationResult = Annotated[OperationSuccess | OperationError, Field(discriminator="status")]
"""The envelope, discriminated by ``status``."""

# Built on first use (tests, tools), not at import: the window's start has no use for it.
operation_result_adapter: TypeAdapter[OperationSuccess | OperationError] = TypeAdapter(
    OperationResult, config={"defer_build": True}
)


# ``model_construct``: ``data`` is ``Any`` and ``status`` its default, so validation would
# change nothing, and building the validator (on a deferred model) at every start's first
# action costs more than the action (tests/unit/test_start_models.py proves it the same).
_OK_NULL = OperationSuccess.model_construct(data=None)


def ok(data: Any = None) -> OperationSuccess:
    """A success envelope carrying ``data`` (the envelopes are frozen, so ``null`` is shared)."""
    if data is None:
        return _OK_NULL
    return OperationSuccess.model_construct(data=data)


def fail(code: ResultErrorCode, message: str | None = None) -> OperationError:
    """An error envelope with the vendor's code and name and a message saying what to do."""
    return OperationError(error=ResultError(code=int(code), name=code.name, message=message))
