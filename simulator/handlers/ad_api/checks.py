"""How the widget reads a method's arguments before it acts: the request message a method
sends, models taken where the vendor takes plain objects, text UTF-8 cannot carry, and a
pydantic error said in one sentence."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from simulator.contract.json_tree import MAX_DEPTH, TreeScan, scan
from simulator.contract.methods import method_named

__all__ = [
    "WITHOUT_LOGIN",
    "holds_lone_surrogate",
    "not_a_tree",
    "one_sentence",
    "request_message",
    "scanned",
    "wire",
]

WITHOUT_LOGIN = frozenset(
    {"GET_LOGIN_STATE", "LOGIN", "OPEN_LOGIN", "ACTIVATE_PAGE", "GET_CONFIG", "SET_DIAL_CANDIDATES"}
)
"""Request messages that work logged out (every other one answers ``not_logged_in``)."""

_REQUEST_MESSAGES = {
    "get_did_numbers_list": "GET_DID_LIST",
    "get_did_number": "GET_DID",
    "set_did_number": "SET_DID",
    "set_reschedule_window": "SET_RESCHEDULE",
}


def request_message(method: str) -> str:
    """The widget's request message for a method (``set_call_hold`` -> ``SET_CALL_HOLD``)."""
    return _REQUEST_MESSAGES.get(method, method.upper())


def wire(value: Any) -> Any:
    """Accept models where the vendor takes plain objects."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


def holds_lone_surrogate(value: Any, depth: int = 0) -> bool:
    """True when a text anywhere in ``value`` (arguments: text, lists, dicts, models) has a
    surrogate code point UTF-8 cannot encode."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if depth > MAX_DEPTH + 1:
        # Past what an argument may nest (json_tree: the arguments' tuple is one level more):
        # only a model's own fields get here, which json_tree does not walk.
        return False
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="python")
    if isinstance(value, dict):
        return any(
            holds_lone_surrogate(k, depth + 1) or holds_lone_surrogate(v, depth + 1)
            for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return any(holds_lone_surrogate(item, depth + 1) for item in value)
    return False


def one_sentence(message: str, exc: ValidationError) -> str:
    """A pydantic error as the widget would say it: the first problem, no links, one line."""
    error = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in error["loc"])
    text = str(error["msg"]).removeprefix("Value error, ")
    return f"{message}: {where + ' ' if where else ''}{text[:1].lower()}{text[1:]}."


def not_a_tree(message: str, params: tuple[Any, ...]) -> tuple[str | None, tuple[Any, ...]]:
    """The ``invalid_args`` sentence of an argument that is no JSON tree (it contains itself,
    nests or holds absurdly much: ``simulator.contract.json_tree``), checked before anything
    walks the arguments, and the arguments to log and record: such an argument as a text
    saying so, which every later reader (a logger, an expectation, the journal) can walk."""
    first, kept, _scans = scanned(message, params)
    return first, kept


def scanned(
    message: str, params: tuple[Any, ...]
) -> tuple[str | None, tuple[Any, ...], tuple[TreeScan, ...]]:
    """``not_a_tree`` and the walk of each argument it took (``json_tree.scan``), for the
    checks after it to reuse rather than walk the arguments again."""
    spec = method_named(message)
    method = spec.name if spec is not None else message
    first: str | None = None
    kept = list(params)
    scans = []
    for index, value in enumerate(params):
        if spec is not None and index < len(spec.params):
            name = spec.params[index].name
        else:
            name = f"argument {index + 1}"
        found = scan(value, name)  # a model is a leaf: pydantic refuses cycles
        scans.append(found)
        if found.problem is not None:
            first = first or f"{method}: {found.problem}; pass JSON data."
            kept[index] = f"(not JSON data: {found.problem})"
    return first, params if first is None else tuple(kept), tuple(scans)
