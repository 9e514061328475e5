"""Field docstrings reach the generated schemas as pydantic's ``use_attribute_docstrings`` would
put them there, without the models reading their source at import (start-up time)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from simulator.contract.field_docs import attribute_docstrings, describe_fields

_DOCS = ConfigDict(use_attribute_docstrings=True)


class Inner(BaseModel):
    a: int
    """Inner a."""
    b: str = ""


class InnerDocs(BaseModel):
    model_config = _DOCS
    a: int
    """Inner a."""
    b: str = ""


class Outer(BaseModel):
    x: int
    """The x.

    Two paragraphs, indented as docstrings are."""
    inner: Inner
    """The inner one."""
    explicit: int = Field(default=0, description="Said in Field.")
    """Not this one."""
    plain: int = 0
    many: list[Inner] | None = None
    """Several."""


class OuterDocs(BaseModel):
    model_config = _DOCS
    x: int
    """The x.

    Two paragraphs, indented as docstrings are."""
    inner: InnerDocs
    """The inner one."""
    explicit: int = Field(default=0, description="Said in Field.")
    """Not this one."""
    plain: int = 0
    many: list[InnerDocs] | None = None
    """Several."""


class Child(Outer):
    x: int  # declared again without a docstring: pydantic gives it none
    extra: bool = False
    """Only the child has it."""


class ChildDocs(OuterDocs):
    model_config = _DOCS
    x: int
    extra: bool = False
    """Only the child has it."""


def _descriptions(model: type[BaseModel]) -> dict[str, str | None]:
    return {name: field.description for name, field in model.model_fields.items()}


def test_descriptions_are_the_ones_use_attribute_docstrings_gives():
    assert _descriptions(Outer)["x"] is None  # nothing read at class creation
    Inner(a=1)  # built before: its schema must be rebuilt, and the outer ones after it
    describe_fields(Child, Outer)
    for model, twin in ((Inner, InnerDocs), (Outer, OuterDocs), (Child, ChildDocs)):
        assert _descriptions(model) == _descriptions(twin), model
    schema = Outer.model_json_schema()
    assert schema["properties"]["x"]["description"].startswith("The x.\n\nTwo paragraphs")
    assert schema["$defs"]["Inner"]["properties"]["a"]["description"] == "Inner a."
    assert Child.model_json_schema()["properties"]["extra"]["description"] == (
        "Only the child has it."
    )
    assert Outer(x=1, inner=Inner(a=2)).model_dump()["inner"] == {"a": 2, "b": ""}


def test_describing_again_changes_nothing():
    describe_fields(Outer)
    before = Outer.__pydantic_validator__
    describe_fields(Outer)
    assert Outer.__pydantic_validator__ is before  # not rebuilt: nothing was missing


def test_only_the_class_own_attributes_are_read():
    assert attribute_docstrings(Child) == {"extra": "Only the child has it."}
    assert attribute_docstrings(Inner) == {"a": "Inner a."}
