"""pydantic's validation errors turned into ``file:line:column`` messages a tester can act on.

A location in pydantic's error is followed through the marked YAML (skipping union tags), the
errors of union branches that do not fit the data are dropped, and what is left becomes one
message per place: what was expected, what was there, and an example of the step.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from simulator.data import Tenant
from simulator.data.model_wording import EXPECTED as _EXPECTED
from simulator.data.model_wording import item_type, written
from simulator.data.tenant_unique import relocated
from simulator.scenarios.model import MODIFIERS, STEP_TYPES, Scenario, StepModel
from simulator.scenarios.source import Mark, MarkedDict, key_mark, locate
from simulator.scenarios.wording import _fields_of, _kind, _step_usage, _suggest

_BRANCH = re.compile(r"^(str|int|float|bool|none|list\[.*|dict\[.*|literal\[.*|[A-Z]\w*)$")
_VALIDATED = re.compile(r"^function-\w+\[.*, (\w+)\]$")


_KEY_ERRORS = ("extra_forbidden", "invalid_key")
"""A key that is not one of the mapping's: unknown, or not text (``5: 1`` was reported as
"[5]: Keys should be strings", at its value)."""


def _branch(part: str) -> str:
    """A union branch's name: that of its model for a model with a validator of its own
    (``function-after[_check(), ExpectSpec]``: a list there was reported as not a mapping)."""
    validated = _VALIDATED.match(part)
    return validated.group(1) if validated else part


def _branch_fits(marker: str, node: Any) -> bool:
    """Whether a union branch named ``marker`` (in a pydantic location) is meant for ``node``."""
    if isinstance(node, dict):
        return marker.startswith("dict[") or (marker[0].isupper() and "[" not in marker)
    if isinstance(node, list):
        return marker.startswith("list[")
    if node is None:
        return marker == "none"
    if isinstance(node, bool):
        return marker in ("bool",) or marker.startswith("literal[")
    if isinstance(node, str):
        return marker == "str" or marker.startswith("literal[") or marker[0].isupper()
    if isinstance(node, int | float):
        return marker in ("int", "float", "str") or marker[0].isupper()
    return True


def _walk(raw: Any, loc: Sequence[Any]) -> tuple[list[Any], list[str], Any, bool]:
    """Follow a pydantic location through the raw data: the real path, the union branches taken,
    the node reached, and whether every branch fits the data it was tried on."""
    node = raw
    real: list[Any] = []
    branches: list[str] = []
    fits = True
    for at, part in enumerate(loc):
        if at == 2 and loc[0] == "steps" and part in STEP_TYPES:
            # The step's tag (its name), not its key: followed as a key, a modifier beside it
            # (``expect_error: bogus``) was reported at the step's own value.
            continue
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            real.append(part)
            node = node[part]
        elif isinstance(part, str) and part not in STEP_TYPES and _BRANCH.match(_branch(part)):
            branches.append(_branch(part))
            if not _branch_fits(_branch(part), node):
                fits = False
        # anything else is a tag or a key that is missing: skip it
    return real, branches, node, fits


def _model_at(real: Sequence[Any], raw: Any, *, any_value: bool = False) -> type[BaseModel] | None:
    """The model class that validates the value at ``real`` (best effort, for key hints);
    ``any_value``: of a field that takes a model or something else, the model even when the
    value there is no mapping (what a mapping there would hold: ``count: 1.5``)."""
    current: Any = Scenario
    node = raw
    for part in real:
        model = _as_model(current, node)
        if model is Scenario and part == "steps":
            current = "steps"
        elif model is Scenario and part == "tenant":
            current = Tenant  # an inline tenant (validated on its own)
        elif current == "steps":
            from simulator.scenarios.model import step_key

            key = step_key(node[part]) if isinstance(node, list) else None
            current = STEP_TYPES.get(key) if key else None
        elif model is not None:
            fields = {(info.alias or name): info for name, info in model.model_fields.items()}
            info = fields.get(part)
            current = info.annotation if info is not None else None
        else:
            current = item_type(current)
        node = node[part] if isinstance(node, dict | list) else None
        if current is None:
            return None
    return _as_model(current, node, any_value=any_value)


def _as_model(annotation: Any, node: Any, *, any_value: bool = False) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        model = isinstance(arg, type) and issubclass(arg, BaseModel)
        if model and (isinstance(node, dict) or any_value):
            return arg
    return None


def _pydantic_problems(
    exc: ValidationError, raw: MarkedDict, bad_steps: set[int], within: tuple[str, ...] = ()
) -> list[tuple[Mark | None, str]]:
    """One message per place for ``exc``: the scenario's, or (``within=("tenant",)``) that of a
    part validated on its own, whose locations start there."""
    walked = []
    for given in exc.errors(include_url=False):
        found = relocated(given)  # a tenant's value given twice: at the second one
        loc = (*within, *found["loc"])
        error: ErrorDetails = {**found, "loc": loc}
        if len(loc) >= 2 and loc[0] == "steps" and loc[1] in bad_steps:
            continue
        path, _branches, node, fits = _walk(raw, loc)
        if error["type"] in _KEY_ERRORS and path and path[-1] == loc[-1]:
            path = path[:-1]
        walked.append((error, tuple(path), node, fits))
    fitting_paths = [real for _e, real, _n, fits in walked if fits]
    grouped: dict[tuple[Any, ...], list[tuple[ErrorDetails, bool, Any]]] = {}
    for error, real, node, fits in walked:
        # A union branch that does not fit the data (the list form of a mapping ...) is noise
        # when another branch got further into the same value.
        if not fits and any(path[: len(real)] == real for path in fitting_paths):
            continue
        if error["type"] in ("missing", *_KEY_ERRORS):
            real_key: tuple[Any, ...] = (*real, ("key", error["loc"][-1]))
        else:
            real_key = real
        grouped.setdefault(real_key, []).append((error, fits, node))
    out: list[tuple[Mark | None, str]] = []
    for real_key, errors in grouped.items():
        fitting = [e for e in errors if e[1]] or errors
        out.append(_one_problem(raw, real_key, fitting))
    return out


def _path_text(real: Sequence[Any]) -> tuple[str, type[StepModel] | None]:
    """``call.customer.phone`` for a location inside step ``call``, and that step's model."""
    parts = list(real)
    model: type[StepModel] | None = None
    if len(parts) >= 2 and parts[0] == "steps":
        parts = parts[2:]
        if parts and isinstance(parts[0], str) and parts[0] in STEP_TYPES:
            model = STEP_TYPES[parts[0]]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text, model


def _one_problem(
    raw: MarkedDict, real_key: tuple[Any, ...], errors: list[tuple[ErrorDetails, bool, Any]]
) -> tuple[Mark | None, str]:
    error, _fits, node = errors[0]
    kind = error["type"]
    if real_key and isinstance(real_key[-1], tuple) and real_key[-1][0] == "key":
        real: Sequence[Any] = real_key[:-1]
        key = real_key[-1][1]
        where, step = _path_text(real)
        model = _model_at(real, raw)
        if kind in _KEY_ERRORS:
            choices = _fields_of(model) if model is not None else []
            hint = f"; expected one of: {', '.join(choices)}" if choices else ""
            if key in MODIFIERS and step is not None:
                hint = (
                    f"; modifiers go beside the step's key, not inside its value:\n"
                    f"    - {step.key}: ...\n      {key}: ..."
                )
            inside = f" in `{where}`" if where else ""
            return key_mark(raw, real, key), (
                f"unknown key `{written(key)}`{inside}{_suggest(key, choices)}{hint}"
            )
        inside = f" in `{where}`" if where else ""
        usage = f", {_step_usage(step)}" if step is not None else ""
        return locate(raw, real), f"`{key}` is required{inside}{usage}"

    real = list(real_key)
    where, step = _path_text(real)
    mark = locate(raw, real)
    label = f"{where}: " if where else ""
    expected: list[str] = []
    for err, _f, _n in errors:
        text = _EXPECTED.get(err["type"])
        if text is None:
            continue
        if err["type"] in ("model_type", "dict_type", "model_attributes_type"):
            model = _model_at(real, raw, any_value=True) if not real or real[-1] else None
            if model is None:
                model = _spec_of_union(real, raw)
            if model is not None:
                short = getattr(model, "short_help", "")
                fields = ", ".join(_fields_of(model))
                text = (f"{short} or " if short else "") + f"a mapping with {fields}"
        if text not in expected:
            expected.append(text)
    if expected:
        usage = ""
        if step is not None and len(real) <= 3:
            usage = f" ({_step_usage(step)})"
        return mark, f"{label}expected {' or '.join(expected)}, got {_kind(node)}{usage}"
    if kind in ("literal_error", "enum"):
        choices = re.findall(r"'([^']*)'", error.get("ctx", {}).get("expected", ""))
        listed = ", ".join(choices[:8]) + (", ..." if len(choices) > 8 else "")
        return mark, (
            f"{label}expected one of {listed}, got {_kind(node)}{_suggest(node, choices)}"
        )
    bound = _BOUNDS.get(kind)
    if bound is not None:  # pydantic's "Input should be greater than or equal to 0"
        limit = error.get("ctx", {}).get(bound[0])
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)  # "greater than 0", not "0.0"
        return mark, f"{label}expected a number {bound[1]} {limit}, got {_kind(node)}"
    message = error["msg"]
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return mark, f"{label}{message}"


_BOUNDS = {
    "greater_than_equal": ("ge", "of at least"),
    "greater_than": ("gt", "greater than"),
    "less_than_equal": ("le", "of at most"),
    "less_than": ("lt", "less than"),
}
"""A number out of its field's range: the bound pydantic names in its context, in words."""


def _spec_of_union(real: Sequence[Any], raw: Any) -> type[BaseModel] | None:
    """The spec model of a step's value (``call`` -> ``CallSpec``) when the value is wrong."""
    where, step = _path_text(real)
    if step is None or where != step.key:
        return None
    annotation = step.model_fields[step.key].annotation
    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None
