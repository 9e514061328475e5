"""The contract models: vendor names, omission of unset keys, complete enums, schema drift."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from simulator import contract
from simulator.contract import (
    EVENTS,
    AgentState,
    CallParty,
    DIDNumber,
    EventName,
    InteractionData,
    InteractionOrigination,
    InteractionState,
    OperationError,
    ResultErrorCode,
    fail,
    ok,
    suggest_event_name,
)
from simulator.contract.results import operation_result_adapter
from simulator.contract.schema import committed_schema, render_schema


def test_interaction_data_has_every_field_of_the_seed_page():
    # ... plus chatParties (2023-04, with chat conferences), which 5.19 payloads leave out.
    wire_names = {f.alias or n for n, f in InteractionData.model_fields.items()} - {"chatParties"}
    assert wire_names == {
        "interactionId", "state", "type", "subject", "associatedObjects", "callParties",
        "callMuted", "callRecording", "attachedData", "phoneNumber", "email", "callDirection",
        "startTime", "endTime", "duration", "description", "disposition", "globalInteractionId",
        "service", "playbackUrl", "recordingUrl", "DNIS", "ANI", "origination",
    }  # fmt: skip


def test_unset_optional_keys_are_omitted_never_null():
    data = InteractionData(interaction_id="A", state="delivered", type="voice")
    wire = data.model_dump(mode="json")
    assert wire == {
        "interactionId": "A",
        "state": "delivered",
        "type": "voice",
        "subject": "",
        "associatedObjects": {"list": [], "selected": None},
        "callParties": [],
        "callMuted": False,
        "callRecording": False,
        "attachedData": {},
    }
    assert CallParty(id="1", name="n", phone="1").model_dump(mode="json") == {
        "id": "1",
        "name": "n",
        "phone": "1",
    }


def test_vendor_spellings_on_the_wire_and_accepted_both_ways():
    data = InteractionData.model_validate(
        {"interactionId": "A", "state": "hold", "type": "voice", "DNIS": "1", "ANI": "2"}
    )
    assert data.dnis == "1"
    assert InteractionData(interaction_id="A", state="hold", type="voice", ani="2").wire()["ANI"]
    assert DIDNumber(id="d", number="1", is_sms=True, is_voice=True).wire()["isSMS"] is True


def test_unknown_keys_are_rejected():
    with pytest.raises(ValidationError):
        InteractionData.model_validate(
            {"interactionId": "A", "state": "hold", "type": "voice", "agentId": "x"}
        )


def test_enums_are_complete():
    assert {s.value for s in InteractionState} >= {
        "unknown", "queued", "ivr", "wrap_up", "wrap_up_hold", "delivered",
        "delivery_pending", "hold", "completed",
    }  # fmt: skip
    assert "integration-api" in {o.value for o in InteractionOrigination}
    assert len(InteractionOrigination) == 12
    assert {s.value for s in AgentState} == {
        "ready", "not_ready", "busy", "after_call_work", "supervising",
    }  # fmt: skip


def test_every_result_error_code():
    assert {c.name: c.value for c in ResultErrorCode} == {
        "not_enough_privileges": 1, "not_logged_in": 2, "invalid_args": 3,
        "logged_without_phone": 4, "banned": 5, "api_not_answer": 6, "invalid_request": 7,
        "timeout": 8, "no_chat_in_service": 9, "empty_number": 10, "no_service": 11,
        "self_call": 12, "no_interaction": 13, "api_method_not_implemented": 14,
        "not_suitable_state": 15, "no_disposition": 16, "object_not_found": 17,
        "no_permissions_did_sms": 18, "no_permissions_did_call": 19,
        "no_channel_in_service": 20, "unknown_error": 99,
    }  # fmt: skip


def test_operation_result_envelope():
    assert ok().model_dump(mode="json") == {"status": "success", "data": None}
    assert ok({"id": "x"}).wire() == {"status": "success", "data": {"id": "x"}}
    error = fail(ResultErrorCode.no_disposition, "pick one")
    assert error.wire() == {
        "status": "error",
        "error": {"code": 16, "name": "no_disposition", "message": "pick one"},
    }
    parsed = operation_result_adapter.validate_python(error.wire())
    assert isinstance(parsed, OperationError)
    assert parsed.code is ResultErrorCode.no_disposition


def test_event_names_of_section_3():
    assert len(EventName) == 30
    assert set(EVENTS) == set(EventName)
    assert EVENTS[EventName.ON_WEB_SCREEN_POP_CUSTOM].default_response is False
    assert EVENTS[EventName.ON_VALIDATE_ASSOCIATED_RECORDS].default_response == {"valid": True}
    needs = {name for name, spec in EVENTS.items() if spec.needs_response}
    assert EventName.ON_REQUEST_TRANSFER_DATA in needs
    assert EventName.ON_SAVE_ACTIVITY_RECORD not in needs


def test_did_you_mean():
    assert suggest_event_name("ON_SAVE_ACTIVITY_RECORDS") == "ON_SAVE_ACTIVITY_RECORD"
    assert suggest_event_name("on_new_interaction") == "ON_NEW_INTERACTION"
    assert suggest_event_name("COMPLETELY_DIFFERENT_THING") is None


def test_committed_schema_has_not_drifted():
    assert committed_schema() == render_schema(), (
        "the JSON Schema changed: run `make schema` and commit "
        "simulator/contract/adapi-5.19.schema.json"
    )


def test_schema_describes_fields_from_docstrings():
    schema = json.loads(committed_schema())
    props = schema["$defs"]["InteractionData"]["properties"]
    assert "Whole seconds" in props["duration"]["description"]
    assert "DNIS" in props


def test_exported_members():
    # pytest rewrites the plugin package's modules and adds @py_builtins, @pytest_ar.
    public = {name for name in dir(contract) if not name.startswith(("_", "@"))}
    modules = {"base", "enums", "events", "methods", "models", "results", "schema", "versions"}
    modules |= {"models_5_24_1", "models_2026", "version_payloads", "field_docs", "tenant_payloads"}
    modules |= {"json_tree"}
    assert public - modules == set(contract.__all__)
