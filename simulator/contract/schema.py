"""The JSON Schema of the contract: generated from the models, committed, and checked for drift.

python -m simulator.contract.schema --write   # regenerate the committed files (one per version)
python -m simulator.contract.schema --check   # exit 1 when a committed file is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic.json_schema import models_json_schema

from simulator.contract import models, models_5_24_1, models_2026, results
from simulator.contract.events import EVENTS
from simulator.contract.field_docs import describe_fields
from simulator.contract.versions import DEFAULT_API_VERSION, ApiVersion, events_for

__all__ = [
    "SCHEMA_FILE",
    "build_schema",
    "committed_schema",
    "render_json",
    "render_schema",
    "schema_file",
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


_REPLACED_5_24_1 = {
    models.InteractionData: models_5_24_1.InteractionData,
    models.InteractionAssociatedObjectsData: models_5_24_1.InteractionAssociatedObjectsData,
    models.AgentStateData: models_5_24_1.AgentStateData,
    models.InteractionsState: models_5_24_1.InteractionsState,
}
_REPLACED_2026 = {
    **_REPLACED_5_24_1,
    models.InteractionData: models_2026.InteractionData,
    models.InteractionsState: models_2026.InteractionsState,
}
_ADDED: dict[ApiVersion, tuple[type, ...]] = {
    ApiVersion.v5_24_1: (models_5_24_1.InteractionActivityData,),
    ApiVersion.v2026: (models_2026.InteractionActivityData, models_2026.ActivityRecordInfo),
}


def _models(version: ApiVersion) -> tuple[type, ...]:
    if version is ApiVersion.v5_19:
        return _MODELS
    replaced = _REPLACED_2026 if version is ApiVersion.v2026 else _REPLACED_5_24_1
    return (*(replaced.get(model, model) for model in _MODELS), *_ADDED[version])


def schema_file(version: ApiVersion | str = DEFAULT_API_VERSION) -> str:
    """The committed schema file's name for ``version`` (``adapi-5.24.1.schema.json``)."""
    return f"adapi-{ApiVersion(version).value}.schema.json"


def build_schema(version: ApiVersion | str = DEFAULT_API_VERSION) -> dict[str, Any]:
    """The schema of every wire type (``$defs``) plus the event table, for ``version``."""
    version = ApiVersion(version)
    describe_fields(*_models(version))
    _, top = models_json_schema(
        [(model, "serialization") for model in _models(version)],
        title=f"Bright Pattern adApi {version.value} (as simulated by agent-desktop-simulator)",
    )
    top["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    top["x-events"] = {
        spec.name.value: {
            "arguments": list(spec.arguments),
            "needsResponse": spec.needs_response,
            "defaultResponse": spec.default_response,
            "since": spec.since,
        }
        # Every event, each with its ``since``: one a version lacks is listed with the version
        # that has it (the 5.19 file has listed them so from the start).
        for spec in {**EVENTS, **events_for(version)}.values()
    }
    return top


def render_schema(version: ApiVersion | str = DEFAULT_API_VERSION) -> str:
    """The schema as the committed text (stable key order, trailing newline)."""
    return render_json(build_schema(version))


def committed_schema(version: ApiVersion | str = DEFAULT_API_VERSION) -> str:
    """The schema file shipped in the package for ``version``."""
    return resources.files("simulator.contract").joinpath(schema_file(version)).read_text("utf-8")


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
    """Write or check the committed schema files, one per version."""
    code = 0
    for version in ApiVersion:
        path = Path(__file__).with_name(schema_file(version))
        code = max(
            code, write_or_check("simulator.contract.schema", path, render_schema(version), argv)
        )
    return code


if __name__ == "__main__":
    raise SystemExit(main())
