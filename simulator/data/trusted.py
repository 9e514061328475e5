"""Models built from data already known to be valid, without pydantic's validation.

The built-in tenant is the project's own committed file, read at every start of the window. Its
validation is proven by the tests (``tests/unit/test_tenant_fast_path.py`` checks that this path
gives the same objects, value for value and type for type, as ``Tenant.model_validate``), so at
run time it is built with ``model_construct``: no validator is generated for the tenant's models
before the window is usable (pydantic generates one on a model's first validation, about 15 ms
for the tenant's six models). A user's tenant file is always validated.

Only what such files hold is converted: nested models, lists of them, enums, ``float`` from an
int, ``None``; any other value is kept as it is (a string, a bool, a literal).
"""

from __future__ import annotations

import types
import typing
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel

__all__ = ["construct"]

ModelT = TypeVar("ModelT", bound=BaseModel)


def construct(model: type[ModelT], data: dict[str, Any]) -> ModelT:
    """``model`` from ``data`` (keys by field name or alias) as validation would convert it,
    without validating: only for data a test has validated."""
    values: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        key = name if name in data else field.alias
        if key is not None and key in data:
            values[name] = _value(field.annotation, data[key])
    return model.model_construct(**values)


def _value(annotation: Any, value: Any) -> Any:
    """``value`` converted to ``annotation`` the way validation converts valid input."""
    if value is None:
        return None
    origin = typing.get_origin(annotation)
    if origin is list:
        (item,) = typing.get_args(annotation)
        return [_value(item, element) for element in value]
    if origin is typing.Union or origin is types.UnionType:
        for option in typing.get_args(annotation):
            if _accepts(option, value):
                return _value(option, value)
        return value
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return construct(annotation, value)
        if issubclass(annotation, Enum):
            return annotation(value)
        if annotation is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
    return value


def _accepts(option: Any, value: Any) -> bool:
    """Whether a member of a union takes ``value`` (the first that does converts it)."""
    if option is type(None):
        return False
    if isinstance(option, type):
        if issubclass(option, BaseModel):
            return isinstance(value, dict)
        if issubclass(option, Enum):
            return value in {member.value for member in option}
        if option is float:
            return isinstance(value, int | float) and not isinstance(value, bool)
        return isinstance(value, option)
    if typing.get_origin(option) is list:
        return isinstance(value, list)
    return True  # a Literal: a valid file holds one of its values
