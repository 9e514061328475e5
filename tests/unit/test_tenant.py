"""Tenant files: the default loads; a broken file names itself and the problem."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from simulator.data import InputFileError, load_tenant


def test_default_tenant():
    tenant = load_tenant()
    assert tenant.service("Sales").require_disposition
    assert (
        tenant.service("7A85D8F6-9AD4-55FA-97A0-1F46B82437E1").find_disposition("204").name
        == "Add to DNC"
    )
    assert tenant.member_by_phone("2001")[1].first_name == "Priya"


def test_yaml_error_names_file_and_line(tmp_path):
    path = tmp_path / "tenant.yaml"
    path.write_text("name: x\nhost: [unclosed\n")
    with pytest.raises(InputFileError) as caught:
        load_tenant(path)
    assert str(caught.value).startswith(f"{path}:")
    assert "YAML" in str(caught.value)


def test_validation_error_names_the_key(tmp_path):
    path = tmp_path / "tenant.yaml"
    path.write_text("name: x\nhost: h\nid: i\n")
    with pytest.raises(InputFileError, match="agent"):
        load_tenant(path)


def test_bad_reference_is_explained(tmp_path):
    default = resources.files("simulator.data").joinpath("default_tenant.yaml").read_text()
    path = tmp_path / "tenant.yaml"
    path.write_text(default.replace("team: E9237EA0-BB44-5CA6-ABBB-C3D0BCEF7119", "team: T-NOPE"))
    with pytest.raises(InputFileError, match="T-NOPE"):
        load_tenant(path)


FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "tenants"


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yaml")), ids=lambda p: p.name)
def test_fixture_tenants_run_a_call(path):
    from simulator.engine import EventRecorder, Simulator

    tenant = load_tenant(path)
    sim = Simulator(tenant, seed=1)
    recorder = EventRecorder()
    sim.subscribe(recorder)
    assert sim.login().ok
    assert sim.set_agent_state("ready").ok
    service = next(s for s in tenant.services if s.type.value in ("inbound_voice", "blended_voice"))
    assert sim.offer_call(service.name).ok
    assert sim.accept_interaction().ok
    sim.advance(30)
    assert sim.leave_and_complete_interaction(service.dispositions[0].name, "ok").ok
    assert recorder.records()[0]["service"] == service.name


def test_a_service_names_its_teams_by_name_or_id(tmp_path):
    default = resources.files("simulator.data").joinpath("default_tenant.yaml").read_text()
    sales_service = "    name: Sales\n    type: blended_voice\n"
    assert sales_service in default
    path = tmp_path / "tenant.yaml"
    path.write_text(default.replace(sales_service, sales_service + "    teams: [Sales]\n"))
    tenant = load_tenant(path)
    assert tenant.service("Sales").teams == [tenant.team("Sales").id]
    path.write_text(default.replace(sales_service, sales_service + "    teams: [Nobody]\n"))
    with pytest.raises(InputFileError, match="no team 'Nobody'"):
        load_tenant(path)
