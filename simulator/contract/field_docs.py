"""Attribute docstrings as field descriptions, attached when a JSON Schema is generated.

The models document each field with a docstring under it. pydantic's ``use_attribute_docstrings``
would read them at class creation, by finding and parsing each class's source: about 30 ms of
every start (a tenth of ``adsim demo``), for descriptions that only the generated JSON Schemas
show. So the models do not set it, and the schema generators call ``describe_fields`` first: it
gives each field the description pydantic would have given it (the docstring under the field in
the nearest class that declares it; an explicit ``Field(description=...)`` wins) and rebuilds
the models so their schemas carry it. It is idempotent, and changes nothing but descriptions.
"""

from __future__ import annotations

import ast
import functools
import inspect
import sys
import typing
from typing import Any

from pydantic import BaseModel

__all__ = ["attribute_docstrings", "describe_fields"]


@functools.cache
def _module_docstrings(module_name: str) -> dict[str, dict[str, str]]:
    """Per class qualified name in the module's source, its attributes' docstrings."""
    module = sys.modules.get(module_name)
    try:
        tree = ast.parse(inspect.getsource(module)) if module is not None else None
    except (OSError, TypeError):  # no source (a frozen build): no descriptions, as pydantic
        tree = None
    found: dict[str, dict[str, str]] = {}
    pending: list[tuple[str, ast.AST]] = [("", tree)] if tree is not None else []
    while pending:
        prefix, node = pending.pop()
        for child in getattr(node, "body", ()):
            if isinstance(child, ast.ClassDef):
                qualname = f"{prefix}{child.name}"
                found[qualname] = _class_docstrings(child)
                pending.append((f"{qualname}.", child))
    return found


def _class_docstrings(node: ast.ClassDef) -> dict[str, str]:
    """What pydantic's ``use_attribute_docstrings`` reads: a string statement right after an
    annotated assignment to a name, cleaned as a docstring."""
    docs: dict[str, str] = {}
    for before, after in zip(node.body, node.body[1:], strict=False):
        if (
            isinstance(before, ast.AnnAssign)
            and isinstance(before.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[before.target.id] = inspect.cleandoc(after.value.value)
    return docs


def attribute_docstrings(cls: type) -> dict[str, str]:
    """The docstrings of the attributes ``cls`` itself declares (not inherited ones)."""
    return _module_docstrings(cls.__module__).get(cls.__qualname__, {})


def _declaring_class(model: type[BaseModel], name: str) -> type | None:
    for cls in model.__mro__:
        if name in inspect.get_annotations(cls):
            return cls
    return None


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The models a field's type names (inside unions, lists, mappings, ``Annotated``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in typing.get_args(annotation) for model in _models_in(arg)]


def _reachable(roots: tuple[type[BaseModel], ...]) -> list[type[BaseModel]]:
    """The roots and every model their fields use, each after the models it uses (so that a
    rebuilt model takes its fields' rebuilt schemas)."""
    ordered: list[type[BaseModel]] = []
    seen: set[type[BaseModel]] = set()

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for field in model.model_fields.values():
            for used in _models_in(field.annotation):
                visit(used)
        ordered.append(model)

    for root in roots:
        visit(root)
    return ordered


def describe_fields(*roots: type[BaseModel]) -> None:
    """Give every field of ``roots``, and of the models their fields use, its attribute
    docstring as description where it has none, and rebuild the models when one changed."""
    models = _reachable(roots)
    changed = False
    for model in models:
        for name, field in model.model_fields.items():
            declaring = _declaring_class(model, name)
            if field.description is not None or declaring is None:
                continue
            doc = attribute_docstrings(declaring).get(name)
            if doc is not None:
                field.description = doc
                changed = True
    if changed:
        for model in models:
            model.model_rebuild(force=True)
