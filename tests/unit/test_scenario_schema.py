"""The committed JSON Schema of scenario files matches the models and describes every step."""

from __future__ import annotations

import json

from simulator.scenarios.model import STEP_TYPES
from simulator.scenarios.schema import committed_schema, main, render_schema


def test_committed_schema_is_up_to_date():
    assert committed_schema() == render_schema(), (
        "run: python -m simulator.scenarios.schema --write"
    )
    assert main(["--check"]) == 0


def test_every_step_is_in_the_schema_with_its_short_form():
    schema = json.loads(committed_schema())
    assert schema["$schema"].startswith("https://json-schema.org/")
    items = schema["properties"]["steps"]["items"]["oneOf"]
    refs = {item["$ref"].rsplit("/", 1)[-1] for item in items}
    assert len(refs) == len(STEP_TYPES)
    defs = schema["$defs"]
    accept = defs["AcceptStep"]["anyOf"]
    assert {"const": "accept"} in accept
    call_spec = defs["CallSpec"]["anyOf"]
    assert call_spec[0]["type"] == "string"
    assert "Settings" in defs
    wait = defs["WaitSpec"]["anyOf"][0]["anyOf"]
    assert {s.get("type") for s in wait} == {"number", "string"}
