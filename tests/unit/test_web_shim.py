"""The adApi shim (static/api.js) stays in step with the Python contract and ships as data."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from simulator.contract import EVENTS
from simulator.web import REQUESTS, UNSIMULATED, runner_path, shim_path

SHIM = shim_path().read_text(encoding="utf-8")


def _methods() -> dict[str, str]:
    tables = [SHIM.split(f"var {name} = [", 1)[1].split("];", 1)[0] for name in _TABLES]
    return dict(re.findall(r'\["(\w+)", "(\w+)"\]', "".join(tables)))


_TABLES = ("METHODS", "METHODS_2")  # Comm.Widget 1.0's methods, then the ones 2.0 adds


def test_the_shim_and_the_runner_are_package_data() -> None:
    assert shim_path().is_file() and runner_path().is_file()
    assert "window.brightpattern" in SHIM or "root.brightpattern" in SHIM


def test_every_simulated_method_is_in_the_shim_with_its_request_message() -> None:
    methods = _methods()
    messages = set(methods.values())
    assert set(REQUESTS) <= messages
    assert messages - set(REQUESTS) == set(UNSIMULATED)
    assert methods["getDIDNumbersList"] == "GET_DID_LIST"
    assert methods["setRescheduleWindow"] == "SET_RESCHEDULE"
    assert methods["setCallHold"] == "SET_CALL_HOLD"


def test_camel_case_names_match_the_facade() -> None:
    def snake(name: str) -> str:
        name = name.replace("DID", "Did")
        return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()

    for camel, message in _methods().items():
        if message in REQUESTS:
            assert REQUESTS[message] == snake(camel), camel


def test_need_response_events_match_the_contract() -> None:
    block = SHIM.split("var NEED_RESPONSE = [", 1)[1].split("];", 1)[0]
    listed = set(re.findall(r'"(ON_\w+)"', block))
    assert listed == {name.value for name, spec in EVENTS.items() if spec.needs_response}


def test_default_handlers_and_timeout() -> None:
    assert 'this._add("ON_WEB_SCREEN_POP_CUSTOM"' in SHIM
    assert 'this._add("ON_VALIDATE_ASSOCIATED_RECORDS"' in SHIM
    assert "DEFAULT_TIMEOUT_MS = 20000" in SHIM
    assert 'name: "api_not_answer"' in SHIM


def test_the_shims_event_names_are_every_versions_events() -> None:
    from simulator.contract import EventName

    block = SHIM.split("var EVENT_NAMES = [", 1)[1].split("];", 1)[0]
    assert re.findall(r'"(ON_\w+)"', block) == [name.value for name in EventName]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_shims_namespace_holds_only_what_a_page_or_adsim_uses() -> None:
    """``window.brightpattern.instances`` (how many AdApi the page constructed) was left on the
    namespace once adsim no longer read it: a page saw a counter nothing used."""
    script = (
        "globalThis.brightpattern = {};"
        f"require({json.dumps(str(shim_path()))});"
        "const ns = globalThis.brightpattern;"
        "new ns.AdApi({ standalone: true });"
        "console.log(JSON.stringify(Object.getOwnPropertyNames(ns).sort()));"
    )
    done = subprocess.run(
        ["node", "-e", script], capture_output=True, text=True, timeout=60, check=True
    )
    names = json.loads(done.stdout.splitlines()[-1])
    assert names == ["AdApi", "METHODS", "NEED_RESPONSE", "transports", "widgetVersion"]
