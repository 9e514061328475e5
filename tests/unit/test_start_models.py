"""What the first usable engine validates: nothing of the tenant nor the result envelopes.

Each pydantic model builds its validator on first use (``defer_build``); the window's start
(default tenant, a simulator, a login) must not pay for validators it does not use. The fast
paths must give exactly what validation gives.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from pydantic import ValidationError

from simulator.contract.results import OperationSuccess, ok
from simulator.engine.settings import Settings, settings_for

_PROBE = """
import json
from pydantic import BaseModel
from simulator.data import load_tenant
from simulator.engine import Simulator, WallClock
from simulator.engine.settings import settings_for

sim = Simulator(load_tenant(), clock=WallClock(), settings=settings_for("5.19"))
assert sim.login().ok

def models(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from models(sub)

print(json.dumps(sorted({m.__qualname__ for m in models(BaseModel)
                         if m.__dict__.get("__pydantic_complete__")})))
"""


def test_login_with_the_default_tenant_builds_no_tenant_settings_or_result_validator():
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    built = set(json.loads(out))
    unwanted = {
        "Tenant",
        "Service",
        "TeamDefinition",
        "Member",
        "AgentProfile",
        "Disposition",
        "OperationSuccess",
        "OperationError",
        "Settings",
    }
    assert not built & unwanted, built


def test_ok_is_the_validated_envelope():
    for data in (None, {"a": [1, 2]}, "text", 0, []):
        built, validated = ok(data), OperationSuccess(data=data)
        assert built == validated
        assert built.model_fields_set == validated.model_fields_set
        assert built.wire() == validated.wire()
        assert built.data is data or data is None


@pytest.mark.parametrize("version", ["5.19", "5.24.1", "2026"])
def test_settings_for_a_version_are_the_validated_settings(version):
    built, validated = settings_for(version), Settings(api_version=version)
    assert built == validated
    assert built.model_fields_set == validated.model_fields_set == {"api_version"}
    assert built.model_dump() == validated.model_dump()


def test_settings_for_an_unknown_version_are_refused_as_before():
    with pytest.raises(ValidationError, match="api_version"):
        settings_for("5.20")
