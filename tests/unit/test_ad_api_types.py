"""Every adApi method's arguments are checked against the vendor's published types (5.19 TYPES),
and a bad argument gets one sentence saying what the vendor expects."""

from __future__ import annotations

import inspect
import re

import pytest

from simulator.contract import ResultErrorCode
from simulator.contract.methods import METHODS, RECORDS, argument_problem, method_named
from simulator.contract.versions import METHODS as VERSIONED
from simulator.engine import Settings, Simulator
from simulator.handlers import AdApi
from simulator.handlers.ad_api import request_message

Code = ResultErrorCode

# A value of the right type for each published type, and one of a wrong type.
GOOD = {
    "string": "x",
    "string | null": None,
    "boolean": True,
    "AgentState": "ready",
    "ChatChannelType": "sms",
    "string[]": ["a"],
    "InteractionScreen": {"url": "https://crm.example.com/1"},
    "CustomTransferData": {"case": "1", "priority": 2},
    "DialCandidate[]": [],
    "RescheduleData": {
        "numberToDial": "14155550123",
        "fromTime": "2026-12-05 09:00:00",
        "untilTime": "2026-12-05 17:00:00",
    },
    "LoginData": {"username": "agent", "password": "secret"},
    "InteractionAssociatedObjectData": {
        "id": "0031",
        "type": "Contact",
        "displayName": "Ann Lee",
        "displayType": "Contact",
        "customFields": {},
    },
    "DispositionTarget": {"service": "Sales"},
    "PhoneDeviceData": {"type": "phone_type_browser"},
}
BAD = {
    "string": 42,
    "string | null": 42,
    "boolean": "yes",
    "AgentState": "sleeping",
    "ChatChannelType": "pigeon",
    "string[]": "a",
    "InteractionScreen": {"url": ["nested"]},
    "CustomTransferData": "data",
    "DialCandidate[]": [{"id": 1}],
    "RescheduleData": {"numberToDial": "14155550123", "fromTime": 1000, "untilTime": 2000},
    "LoginData": {"username": "agent"},
    "InteractionAssociatedObjectData": {"id": "0031"},
    "DispositionTarget": {"service": 7},
    "PhoneDeviceData": {"type": "rotary"},
}

CASES = [
    pytest.param(spec.name, index, id=f"{spec.name}.{param.name}")
    for spec in METHODS.values()
    for index, param in enumerate(spec.params)
]


def facade(method: str):
    spec = METHODS[method]
    for name, member in inspect.getmembers(AdApi):
        if callable(member) and not name.startswith("_") and request_message(name) == spec.message:
            return name
    return None


def test_the_table_covers_every_facade_method_with_the_same_parameters():
    methods = {
        request_message(name)
        for name, member in inspect.getmembers(AdApi)
        if callable(member)
        and not name.startswith("_")
        and name not in ("on", "remove", "inject_message_logger")
    }
    assert methods <= {spec.message for spec in METHODS.values()}
    for spec in METHODS.values():
        name = facade(spec.name)
        if name is None:
            continue
        parameters = [
            p
            for p in inspect.signature(getattr(AdApi, name)).parameters.values()
            if p.name != "self"
        ]
        assert len(parameters) == len(spec.params), spec.signature


def test_set_reschedule_window_takes_strings_as_the_vendor_types_say():
    spec = method_named("SET_RESCHEDULE")
    assert spec is not None and RECORDS["RescheduleData"]["fromTime"] == "DateTime"
    good = GOOD["RescheduleData"]
    assert argument_problem("setRescheduleWindow", [good]) is None
    assert argument_problem("setRescheduleWindow", [good, None]) is None
    assert "fromTime" in (argument_problem("setRescheduleWindow", [BAD["RescheduleData"]]) or "")


def _call(api: AdApi, method: str, args: list):
    return getattr(api, facade(method))(*args)


@pytest.mark.parametrize(("method", "index"), CASES)
def test_a_wrong_type_is_invalid_args_in_one_vendor_sentence(method, index, ready):
    if facade(method) is None:
        pytest.skip(f"{method} is not on the facade")
    spec = METHODS[method]
    versioned = VERSIONED.get(method)
    if versioned is not None and not versioned.simulated:
        pytest.skip(f"{method} is refused in every version (no published signature)")
    if versioned is not None and versioned.since != "5.19":
        # A later method: a desktop of the version that has it.
        ready = Simulator(settings=Settings(api_version=versioned.since))
        ready.login()
    args = [GOOD.get(p.type) for p in spec.params]
    kind = spec.params[index].type
    args[index] = BAD[kind]
    assert argument_problem(method, args) is not None
    result = _call(AdApi(ready), method, args)
    assert result.error is not None and result.error.code == Code.invalid_args, (method, result)
    message = result.error.message or ""
    assert spec.params[index].name in message
    assert "\n" not in message and message.endswith(".")
    assert not re.search(r"https?://|pydantic|validation error|input_value", message), message


@pytest.mark.parametrize("method", list(METHODS))
def test_right_types_pass_the_check(method):
    spec = METHODS[method]
    assert argument_problem(method, [GOOD.get(p.type) for p in spec.params]) is None
    required = [p for p in spec.params if not p.optional and p.type != "string | null"]
    if required:
        missing = argument_problem(method, [])
        assert missing is not None and required[0].name in missing
    too_many = argument_problem(method, [None] * (len(spec.params) + 1))
    assert too_many is not None and "takes" in too_many


def test_validation_errors_from_models_are_one_sentence_without_links(ready):
    api = AdApi(ready)
    # Right shape for the table, wrong for the model behind it: still one sentence.
    result = api.set_phone_device({"type": "phone_type_browser", "phone": 5})
    assert result.error is not None and result.error.code == Code.invalid_args
    assert "errors.pydantic.dev" not in (result.error.message or "")
