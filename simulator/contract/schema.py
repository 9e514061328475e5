"""The JSON Schema of the contract: generated from the models, committed, and checked for drift.

python -m simulator.contract.schema --write   # regenerate the committed file
python -m simulator.contract.schema --check   # exit 1 when the committed file is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic.json_schema import models_json_schema

from simulator.contract import models, results
from simulator.contract.events import EVENTS

__all__ = [
    "SCHEMA_FILE",
    "build_schema",
    "committed_schema",
    "render_json",
    "render_schema",
    "write_or_check",
]

SCHEMA_FILE = "adapi-5.19.schema.json"

_MODELS = (
    models.InteractionData,
    models.CallParty,
    models.ChatParty,
    models.InteractionAssociatedObjectData,
    models.InteractionAssociatedObject,
    models.InteractionAssociatedObjectsData,
    models.AgentStateData,
    models.LoginStateData,
    models.LoginData,
    models.TeamMember,
    models.Team,
    models.ServiceData,
    models.DispositionTarget,
    models.DispositionData,
    models.DIDNumber,
    models.InitiateResult,
    models.RescheduleData,
    models.PhoneDeviceData,
    models.ScreenRecordingState,
    models.PhoneCapabilities,
    models.WebScreenPop,
    models.ServerErrorData,
    models.RecordsValidationResult,
    models.InteractionsState,
    results.ResultError,
    results.OperationSuccess,
    results.OperationError,
)


def build_schema() -> dict[str, Any]:
    """The schema of every wire type (``$defs``) plus the event table."""
    _, top = models_json_schema(
        [(model, "serialization") for model in _MODELS],
        title="Bright Pattern adApi 5.19 (as simulated by agent-desktop-simulator)",
    )
    top["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    top["x-events"] = {
        spec.name.value: {
            "arguments": list(spec.arguments),
            "needsResponse": spec.needs_response,
            "defaultResponse": spec.default_response,
            "since": spec.since,
        }
        for spec in EVENTS.values()
    }
    return top


def render_schema() -> str:
    """The schema as the committed text (stable key order, trailing newline)."""
    return render_json(build_schema())


def committed_schema() -> str:
    """The schema file shipped in the package."""
    return resources.files("simulator.contract").joinpath(SCHEMA_FILE).read_text("utf-8")


def render_json(schema: dict[str, Any]) -> str:
    """A schema as committed text (stable key order, trailing newline)."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_or_check(module: str, path: Path, text: str, argv: list[str] | None = None) -> int:
    """``python -m MODULE --write|--check`` for a committed generated file at ``path``."""
    parser = argparse.ArgumentParser(prog=f"python -m {module}")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true", help="regenerate the committed file")
    group.add_argument("--check", action="store_true", help="fail when the file is stale")
    args = parser.parse_args(argv)
    if args.write:
        path.write_text(text, "utf-8")
        return 0
    if not path.exists() or path.read_text("utf-8") != text:
        print(f"{path} is stale: run `python -m {module} --write`", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Write or check the committed schema file."""
    return write_or_check(
        "simulator.contract.schema", Path(__file__).with_name(SCHEMA_FILE), render_schema(), argv
    )


if __name__ == "__main__":
    raise SystemExit(main())
