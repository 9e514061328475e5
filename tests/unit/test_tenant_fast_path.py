"""The built-in tenant is built without validation (start-up time): it must be exactly the
tenant validation gives, value for value, type for type, field set for field set."""

from __future__ import annotations

from enum import Enum
from importlib import resources
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from simulator.data import Service, Tenant, load_tenant
from simulator.data.builtin_tenant import builtin_data, builtin_tenant, main, render_json
from simulator.data.trusted import construct


def _same(built: Any, validated: Any, where: str = "tenant") -> None:
    """Fail naming the first place where the two differ (``==`` alone would take 20 for
    20.0 and a string for an enum member)."""
    assert type(built) is type(validated), f"{where}: {type(built)} != {type(validated)}"
    if isinstance(validated, BaseModel):
        assert built.model_fields_set == validated.model_fields_set, where
        for name in type(validated).model_fields:
            _same(getattr(built, name), getattr(validated, name), f"{where}.{name}")
    elif isinstance(validated, list):
        assert len(built) == len(validated), where
        for index, (one, other) in enumerate(zip(built, validated, strict=True)):
            _same(one, other, f"{where}[{index}]")
    else:
        assert built == validated, f"{where}: {built!r} != {validated!r}"


def _default_data() -> dict[str, Any]:
    text = resources.files("simulator.data").joinpath("default_tenant.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def test_builtin_tenant_is_the_validated_tenant():
    _same(load_tenant(), Tenant.model_validate(_default_data()))
    assert load_tenant() == Tenant.model_validate(_default_data())


def test_the_fast_path_compares_types_not_only_values():
    """The comparison above would see an int where validation gives a float."""
    data = _default_data()
    service = {**data["services"][0], "offer_timeout_seconds": 20}
    built = construct(Service, service)
    assert built.offer_timeout_seconds == 20.0
    assert type(built.offer_timeout_seconds) is float
    _same(built, Service.model_validate(service))
    with pytest.raises(AssertionError):
        _same(Service.model_construct(**service), Service.model_validate(service))


def test_team_names_become_ids_as_in_validation():
    data = _default_data()
    data["services"][0] = {**data["services"][0], "teams": ["Sales"]}
    validated = Tenant.model_validate(data)
    assert validated.services[0].teams == [validated.team("Sales").id]  # type: ignore[union-attr]
    _same(builtin_tenant(data), validated)


def test_enums_are_members():
    tenant = load_tenant()
    kinds = [service.type for service in tenant.services]
    assert all(isinstance(kind, Enum) for kind in kinds)


def test_a_user_file_is_still_validated(tmp_path):
    data = _default_data()
    data["services"][0]["acw_timeout_seconds"] = 0
    path = tmp_path / "tenant.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    from simulator.data import InputFileError

    with pytest.raises(InputFileError, match="acw_timeout_seconds"):
        load_tenant(path)


def test_the_json_twin_is_the_yaml():
    assert builtin_data() == _default_data()
    assert main(["--check"]) == 0, "run `python -m simulator.data.builtin_tenant --write`"


def test_the_check_fails_on_a_stale_twin(tmp_path, monkeypatch):
    import simulator.data.builtin_tenant as builtin

    stale = tmp_path / "default_tenant.json"
    stale.write_text(render_json().replace("Acme", "Acne"), "utf-8")
    monkeypatch.setattr(builtin, "__file__", str(tmp_path / "builtin_tenant.py"))
    assert builtin.main(["--check"]) == 1


def test_the_builtin_tenant_needs_no_yaml_parser():
    """PyYAML's import is a tenth of the window's start: only a user's file needs it."""
    import subprocess
    import sys

    probe = (
        "import sys; from simulator.data import load_tenant; load_tenant(); "
        "from simulator.engine import Simulator; Simulator().login(); "
        "print('yaml' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "False"
