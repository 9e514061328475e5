"""Every emitted payload matches its version's committed JSON Schema file (issue 16).

The pydantic models are checked elsewhere; here the committed ``adapi-<version>.schema.json`` is
read as an integrator's tooling would read it and each event argument is validated against it
with a real JSON Schema validator, so a drift between what the engine emits and what the file
promises fails.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from simulator.contract.schema import schema_file
from simulator.contract.versions import ApiVersion
from simulator.scenarios import ScenarioRunner, load_scenario

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "simulator" / "contract"
SCENARIOS = ROOT / "fixtures" / "scenarios"
VERSIONS = [v.value for v in ApiVersion]

# A voice call with a disposition, a chat, an email, transfers, a CRM record pop and validation,
# a web screen pop, not-ready reasons: between them every payload type the fixtures emit.
FIXTURES = (
    "inbound_acw_disposition",
    "required_disposition",
    "chat",
    "email",
    "blind_transfer",
    "consult_transfer",
    "colleague_consult_transfer",
    "colleague_merge_conference",
    "record_info_and_recording_mute",
    "screen_pop",
    "not_ready_reasons",
)

_INTERACTION = "#/$defs/InteractionData"

# (event, argument) -> the committed definition the argument's wire JSON must match.
_ARGUMENTS: dict[tuple[str, str], str] = {
    ("ON_LOGIN", "loginState"): "#/$defs/LoginStateData",
    ("ON_NEW_INTERACTION", "newInteraction"): _INTERACTION,
    ("ON_INTERACTION_STATE_CHANGE", "interaction"): _INTERACTION,
    ("ON_INTERACTION_REMOVED", "removedInteraction"): _INTERACTION,
    ("ON_AGENT_STATE_CHANGE", "state"): "#/$defs/AgentStateData/properties/state",
    ("ON_AGENT_STATE_CHANGE", "notReadyReason"): (
        "#/$defs/AgentStateData/properties/notReadyReason"
    ),
    ("ON_OPEN_RECORD", "record"): "#/$defs/InteractionAssociatedObjectData",
    ("ON_VALIDATE_ASSOCIATED_RECORDS", "records"): "#/$defs/InteractionAssociatedObjectsData",
    ("ON_WEB_SCREEN_POP_CUSTOM", "webScreenPop"): "#/$defs/WebScreenPop",
    ("ON_PHONE_CAPABILITIES_CHANGE", "caps"): "#/$defs/PhoneCapabilities",
    ("ON_SCREEN_RECORDING_STATE_CHANGE", "state"): "#/$defs/ScreenRecordingState",
    ("ON_SERVER_ERROR", "error"): "#/$defs/ServerErrorData",
}
# Arguments the schema gives no definition for: plain JSON types.
_PLAIN: dict[str, dict[str, Any]] = {
    "interactionId": {"type": "string"},
    "activatedInteractionId": {"type": ["string", "null"]},
    "articleId": {"type": "string"},
    "query": {"type": "string"},
    "language": {"type": ["string", "null"]},
    "folderId": {"type": ["string", "null"]},
    "options": {"type": "object"},
    "data": {"type": "object"},
    "payload": {"type": "object", "required": ["id", "type"]},
}


def _schema(version: str) -> dict[str, Any]:
    return json.loads((CONTRACT / schema_file(version)).read_text("utf-8"))


def _validator(schema: dict[str, Any], ref: str) -> Draft202012Validator:
    """A validator of one definition of ``schema`` (its ``$defs`` stay resolvable)."""
    return Draft202012Validator({**schema, "$ref": ref})


def _save_ref(version: str) -> str:
    """5.19 saves an ``InteractionData``; later versions an ``InteractionActivityData``."""
    return _INTERACTION if version == "5.19" else "#/$defs/InteractionActivityData"


def _run(stem: str, version: str):
    source = load_scenario(SCENARIOS / f"{stem}.yaml")
    result = ScenarioRunner(
        replace(source, scenario=source.scenario.for_api_version(version))
    ).run()
    assert result.exit_code == 0, [str(f) for f in result.failures] + [str(result.error)]
    return result.events


def test_the_committed_files_are_valid_draft_2020_12_schemas():
    for version in VERSIONS:
        schema = _schema(version)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("stem", FIXTURES)
def test_every_emitted_payload_matches_its_versions_committed_schema(stem, version):
    schema = _schema(version)
    events = schema["x-events"]
    refs = {**_ARGUMENTS, ("ON_SAVE_ACTIVITY_RECORD", "activity"): _save_ref(version)}
    validators: dict[str, Draft202012Validator] = {}
    checked: set[str] = set()
    for event in _run(stem, version):
        name = event.name.value
        arguments = events[name]["arguments"]
        # The emitted arguments are the committed table's, in order (trailing ones may be left off).
        assert len(event.wire_args) <= len(arguments), (name, event.wire_args)
        for argument, value in zip(arguments, event.wire_args, strict=False):
            ref = refs.get((name, argument))
            if ref is None:
                assert argument in _PLAIN, f"{name}.{argument}: no schema to check it against"
                Draft202012Validator(_PLAIN[argument]).validate(value)
                continue
            validator = validators.setdefault(ref, _validator(schema, ref))
            errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
            assert not errors, (
                f"{version} {stem}: {name}.{argument} does not match {schema_file(version)} "
                f"{ref}:\n" + "\n".join(f"  {list(e.absolute_path)}: {e.message}" for e in errors)
            )
            checked.add(ref)
    assert _INTERACTION in checked  # every fixture has an interaction
    if stem != "not_ready_reasons":
        assert _save_ref(version) in checked


def test_the_library_exercises_every_payload_definition():
    """Between them the fixtures emit each definition the event table maps to."""
    seen: set[tuple[str, str]] = set()
    for version in VERSIONS:
        events = _schema(version)["x-events"]
        for stem in FIXTURES:
            for event in _run(stem, version):
                arguments = events[event.name.value]["arguments"][: len(event.wire_args)]
                seen.update((event.name.value, a) for a in arguments)
    # No fixture drives the phone, screen recording or a server error.
    unemitted = {
        "ON_PHONE_CAPABILITIES_CHANGE",
        "ON_SCREEN_RECORDING_STATE_CHANGE",
        "ON_SERVER_ERROR",
    }
    emitted = {key for key in _ARGUMENTS if key[0] not in unemitted}
    assert emitted <= seen, emitted - seen


def _selected_save(version: str) -> dict[str, Any]:
    """The SAVE payload of an answered call with one selected CRM record, in ``version``."""
    for event in _run("record_info_and_recording_mute", version):
        if event.name.value == "ON_SAVE_ACTIVITY_RECORD":
            return event.wire_args[0]
    raise AssertionError("no ON_SAVE_ACTIVITY_RECORD")


def test_a_save_payload_of_one_version_fails_the_others_schema():
    old, new = _selected_save("5.19"), _selected_save("5.24.1")
    old_selected = old["associatedObjects"]["selected"]
    new_selected = new["associatedObjects"]["selected"]
    assert not isinstance(old_selected, list) and isinstance(new_selected, list)
    old_save = _validator(_schema("5.19"), _save_ref("5.19"))
    new_save = _validator(_schema("5.24.1"), _save_ref("5.24.1"))
    old_save.validate(old)
    new_save.validate(new)
    with pytest.raises(ValidationError) as failed:
        old_save.validate(new)
    assert any(
        list(e.absolute_path) == ["associatedObjects", "selected"]
        for e in old_save.iter_errors(new)
    ), failed.value
    with pytest.raises(ValidationError):
        new_save.validate(old)
    assert any(
        list(e.absolute_path) == ["associatedObjects", "selected"]
        for e in new_save.iter_errors(old)
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_the_schema_holds_the_keys_the_wire_always_has_and_never_a_null(version):
    """Keys always sent (``callMuted`` ...) are required; an omitted key is never ``null``."""
    saved = _selected_save(version)
    interaction = _validator(_schema(version), _INTERACTION)
    activity = _validator(_schema(version), _save_ref(version))
    activity.validate(saved)
    for key in ("subject", "callMuted", "callRecording", "attachedData", "callParties"):
        missing = {k: v for k, v in saved.items() if k != key}
        assert not interaction.is_valid(missing), f"{version}: {key} may be left out"
    for key in ("startTime", "DNIS", "disposition", "callDirection", "origination"):
        assert not interaction.is_valid({**saved, key: None}), f"{version}: {key} may be null"
    # ``selected`` is the one required ``string | null`` of the 5.19 form.
    if version == "5.19":
        record_less = {**saved, "associatedObjects": {"list": [], "selected": None}}
        interaction.validate(record_less)
        assert not interaction.is_valid({**saved, "associatedObjects": {"list": []}})
    state = _validator(_schema(version), "#/$defs/AgentStateData")
    assert not state.is_valid(
        {"state": "ready", "reservedForIncomingInteraction": False, "notReadyReason": None}
    )
    assert not state.is_valid({"state": "ready"})


@pytest.mark.parametrize("version", VERSIONS)
def test_a_record_opened_as_docs_scenarios_writes_it_matches_the_schema(version):
    """``open_record: {record: {id, type, displayName, displayType}}`` (docs/scenarios.md) sends
    the record as written; ``customFields`` is optional in a record an integration or a scenario
    gives (``customFields?``), and the schema made it required."""
    from simulator.scenarios import parse_scenario

    text = """\
name: open a record
steps:
  - call: Sales
  - wait: 2s
  - accept
  - open_record:
      record: {id: "0031", type: Contact, displayName: Ann Lee, displayType: Contact}
"""
    source = parse_scenario(text, "open_record.yaml")
    result = ScenarioRunner(
        replace(source, scenario=source.scenario.for_api_version(version))
    ).run()
    assert result.error is None, result.error
    opened = [e for e in result.events if e.name.value == "ON_OPEN_RECORD"]
    assert len(opened) == 1
    ref = _ARGUMENTS[("ON_OPEN_RECORD", "record")]
    validator = _validator(_schema(version), ref)
    assert [e.message for e in validator.iter_errors(opened[0].wire_args[0])] == []
    stored = _validator(_schema(version), "#/$defs/InteractionAssociatedObject")
    assert "customFields" in stored.schema["$defs"]["InteractionAssociatedObject"]["required"]
