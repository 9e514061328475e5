"""The JSON Schema of the scenario format: generated from the models, committed, drift-checked.

Point an editor at it for completion and checking (VS Code with the YAML extension: add
``# yaml-language-server: $schema=<path>/scenario.schema.json`` at the top of a scenario file).

python -m simulator.scenarios.schema --write   # regenerate the committed file
python -m simulator.scenarios.schema --check   # exit 1 when the committed file is stale
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from simulator.contract.field_docs import describe_fields
from simulator.contract.schema import render_json, write_or_check
from simulator.scenarios.model import Scenario

__all__ = ["SCHEMA_FILE", "build_schema", "committed_schema", "render_schema"]

SCHEMA_FILE = "scenario.schema.json"


class _TextTakesNumbers(GenerateJsonSchema):
    """Text fields take a number too, as the loader does (``coerce_numbers_to_str``: ``dtmf:
    5``, ``blind_transfer: 2001``, ``kb_article: 12`` are text): an editor underlined them."""

    def str_schema(self, schema: Any) -> dict[str, Any]:
        """A text field's schema, which a number also satisfies."""
        return {**super().str_schema(schema), "type": ["string", "number"]}

    def literal_schema(self, schema: Any) -> dict[str, Any]:
        """A choice of texts, with the numbers YAML reads for those that are numbers
        (``api_version: 2026``, ``5.19``), which the loader takes as that text."""
        out = super().literal_schema(schema)
        numbers = [n for n in map(_number_of, schema["expected"]) if n is not None]
        if not numbers:
            return out
        texts = out["enum"] if "enum" in out else [out["const"]]
        return {"enum": [*texts, *numbers], "type": ["string", "number"]}


def _number_of(value: Any) -> int | float | None:
    """The number YAML reads for ``value`` when written bare, if that reads back as it."""
    if not isinstance(value, str):
        return None
    for kind in (int, float):
        try:
            number = kind(value)
        except ValueError:
            continue
        return number if str(number) == value else None
    return None


def build_schema() -> dict[str, Any]:
    """The schema of a scenario file."""
    describe_fields(Scenario)
    schema = Scenario.model_json_schema(mode="validation", schema_generator=_TextTakesNumbers)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Agent Desktop Simulator scenario"
    return schema


def render_schema() -> str:
    """The schema as the committed text (stable key order, trailing newline)."""
    return render_json(build_schema())


def committed_schema() -> str:
    """The schema file shipped in the package."""
    return resources.files("simulator.scenarios").joinpath(SCHEMA_FILE).read_text("utf-8")


def main(argv: list[str] | None = None) -> int:
    """Write or check the committed schema file."""
    return write_or_check(
        "simulator.scenarios.schema", Path(__file__).with_name(SCHEMA_FILE), render_schema(), argv
    )


if __name__ == "__main__":
    raise SystemExit(main())
