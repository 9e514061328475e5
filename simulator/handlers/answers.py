"""Checking a handler's answer to an event that needs one, the way the widget would receive it.

The widget gets the answer through ``postMessage``: it must be JSON data (a model is sent as its
wire JSON) of the shape the event documents. Anything else is junk: it is reported and the
vendor's default (or an earlier handler's answer) is used instead. So is an answer over
``ANSWER_LIMIT`` characters of JSON (1 MiB): the engine never carries (nor the journal keeps) a
50 MB answer into later events; it is refused whole, never cut. And so is a Python handler's
answer holding an integer no JavaScript number (a double) holds exactly: the widget reads the JSON
as JavaScript (``9007199254740993`` arrives as ``9007199254740992``), so the integration would
have passed here and sent another number there. A JS handler's numbers are JavaScript's already:
the widget gets exactly what the handler returned.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, TypeAdapter, ValidationError

from simulator.contract import EventName
from simulator.handlers.limits import ANSWER_LIMIT

__all__ = [
    "AnswerError",
    "check_answer",
    "inexact_integer",
    "javascript_reading",
    "oversized_answer",
]


class AnswerError(ValueError):
    """An answer the widget cannot use."""


class _KnowledgeBaseItem(BaseModel):
    # Its validator is built with the shapes (``_shapes``), not at every start of adsim.
    model_config = ConfigDict(extra="allow", strict=True, defer_build=True)

    id: StrictStr
    text: StrictStr | None = None


@functools.cache
def _shapes() -> dict[EventName, TypeAdapter[Any]]:
    """The documented answer shapes, built on the first answer checked (not at import: a run
    whose handlers answer nothing, or a 5.19 run, never needs the 2026 models)."""
    from simulator.contract.models import (
        CustomTransferData,
        InteractionAssociatedObjectData,
        RecordsValidationResult,
    )
    from simulator.contract.models_2026 import ActivityRecordInfo

    return {
        EventName.ON_WEB_SCREEN_POP_CUSTOM: TypeAdapter(StrictBool),
        EventName.ON_REQUEST_TRANSFER_DATA: TypeAdapter(CustomTransferData),
        EventName.ON_VALIDATE_ASSOCIATED_RECORDS: TypeAdapter(RecordsValidationResult),
        EventName.ON_SEARCH_KNOWLEDGE_BASE: TypeAdapter(list[_KnowledgeBaseItem]),
        EventName.ON_GET_KNOWLEDGE_BASE_ARTICLE: TypeAdapter(dict[str, Any]),
        EventName.ON_GET_KNOWLEDGE_BASE_FOLDER: TypeAdapter(list[dict[str, Any]]),
        EventName.ON_REQUEST_RECORD_INFO: TypeAdapter(InteractionAssociatedObjectData),
        EventName.ON_REQUEST_RECORD_ON_SCREEN: TypeAdapter(InteractionAssociatedObjectData),
        # Asked only in 2026 (the other versions do not wait for the SAVE handler).
        EventName.ON_SAVE_ACTIVITY_RECORD: TypeAdapter(ActivityRecordInfo),
    }


def oversized_answer(name: EventName, size: int, at_least: bool = False) -> str:
    """The ``junk`` error of an answer over ``ANSWER_LIMIT`` characters of JSON (``at_least``:
    ``size`` characters or more)."""
    more = "more than " if at_least else ""
    return (
        f"{name} answer is {more}{size:,} characters of JSON, over adsim's limit of "
        f"{ANSWER_LIMIT:,}; it was not used (the earlier answer or the default was): return "
        "less, or a reference to the data"
    )


def _lone_surrogate(value: Any) -> bool:
    """Whether ``value``'s JSON holds text UTF-8 cannot encode (a lone surrogate)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _as_javascript(number: int) -> str:
    """The number JavaScript's ``JSON.parse`` makes of ``number``'s digits (the nearest
    double), as digits; ``Infinity`` past the largest double."""
    try:
        return str(int(float(number)))
    except OverflowError:
        return "Infinity" if number > 0 else "-Infinity"


def _exact_in_javascript(number: int) -> bool:
    """Whether a JavaScript number (a double) holds ``number`` exactly (2**60 yes, 2**53+1 no)."""
    try:
        return float(number) == number
    except OverflowError:
        return False


def _key_text(key: Any) -> str:
    # A Python caller's dict may have a key that is not text (JSON would write 1 as "1").
    return str.__repr__(key) if isinstance(key, str) else repr(key)


def inexact_integer(wire: Any) -> tuple[str, int] | None:
    """Where the first integer no JavaScript number holds exactly in ``wire`` (JSON data) is
    (``['case']['id']``; ``""`` for ``wire`` itself), and the integer; None when none."""
    todo: list[tuple[str, Any]] = [("", wire)]
    while todo:
        path, item = todo.pop()
        if type(item) is int and not _exact_in_javascript(item):
            return path, item
        if isinstance(item, dict):
            inner = [(f"{path}[{_key_text(key)[:40]}]", v) for key, v in item.items()]
        elif isinstance(item, list | tuple):
            inner = [(f"{path}[{index}]", v) for index, v in enumerate(item)]
        else:
            continue
        todo.extend(reversed(inner))  # the first found is the first in the text
    return None


def javascript_reading(number: int, what: str) -> str:
    """``9007199254740993): the widget reads <what> as JavaScript and would get
    9007199254740992``: the words after an inexact integer's place."""
    return (
        f"{_shown(str(number))}): the widget reads {what} as JavaScript and would get "
        f"{_shown(_as_javascript(number))}"
    )


def _shown(digits: str) -> str:
    return digits if len(digits) <= 30 else f"{digits[:20]}..., {len(digits):,} digits"


def check_answer(
    name: EventName, value: Any, *, any_transfer_data: bool = False, from_javascript: bool = False
) -> Any:
    """The wire JSON of a non-None answer to ``name``, or ``AnswerError`` saying what is wrong.

    Transfer data must be a flat object of scalars, as the vendor's widget checks it;
    ``any_transfer_data`` (the setting ``transfer_data_shape: "any"``) takes any JSON, the
    documentation's type. ``from_javascript``: a JS handler's answer, whose numbers are
    JavaScript's already (``JSON.stringify`` writes 2**60 as ``1152921504606847000``, which
    the widget reads back as 2**60): not checked for exactness."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as exc:
        raise AnswerError(
            f"{name} answer is not JSON ({type(value).__name__}: {exc}); return JSON data"
        ) from None
    if len(text) > ANSWER_LIMIT:
        raise AnswerError(oversized_answer(name, len(text)))
    if "\\ud" in text.lower() and _lone_surrogate(value):
        # Carried on, it reached the colleague's handlers and ended `adsim run -o` in a
        # UnicodeEncodeError: no UTF-8 text (the widget's, a file's) can hold it.
        raise AnswerError(
            f"{name} answer has a lone surrogate (an unpaired \\ud800-\\udfff); return valid "
            "Unicode text"
        )
    wire = json.loads(text)
    inexact = None if from_javascript else inexact_integer(wire)
    if inexact is not None:
        where, number = inexact
        raise AnswerError(
            f"{name} answer has an integer not representable exactly as a JavaScript number "
            f"(a double) at {where or 'answer'} ({javascript_reading(number, 'the answer')}; "
            "return it as a string"
        )
    shape = _shapes().get(name)
    if any_transfer_data and name is EventName.ON_REQUEST_TRANSFER_DATA:
        shape = None
    if shape is not None:
        try:
            shape.validate_python(wire, strict=True)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "answer"
            raise AnswerError(
                f"{name} answer has the wrong shape ({where}: {first['msg']}); "
                f"got {json.dumps(wire)[:120]}"
            ) from None
    return wire
