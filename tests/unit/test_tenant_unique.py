"""What must be unique in a tenant is refused where it is written a second time: two agents on
extension 1001 (a dial reached the first), two teams named alike (``--agent bob@Sales``), two
dispositions alike in a service (``set_disposition``) were accepted and the first one taken."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator.data
from simulator.cli import main
from simulator.data import load_tenant
from simulator.scenarios.errors import ScenarioFileError
from simulator.scenarios.loader import parse_scenario

DEFAULT = Path(simulator.data.__file__).parent / "default_tenant.yaml"


def _edited(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """The built-in tenant with ``old`` replaced by ``new`` once; the line of the change."""
    text = DEFAULT.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / "tenant.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path, text[: text.index(old)].count("\n") + 1


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'first_name: Omar, last_name: Haddad, extension: "1002"',
            'first_name: Omar, last_name: Haddad, extension: "1001"',
            "teams[0].members[0].extension: '1001' is also the extension of agent; dialling an "
            "extension reaches one agent: give each its own",
        ),
        (
            'first_name: Priya, last_name: Nair, extension: "2001"',
            'first_name: Priya, last_name: Nair, extension: "1003"',
            "teams[1].members[0].extension: '1003' is also the extension of teams[0].members[1]",
        ),
        (
            "    name: Sales\n    members:",
            "    name: Customer Support\n    members:",
            "teams[1].name: 'Customer Support' is also the name of teams[0]; a team is named by "
            "its id or name",
        ),
        (
            'code: "102", name: Answer provided',
            'code: "102", name: Problem solved',
            "services[0].dispositions[1].name: 'Problem solved' is also the name of "
            "services[0].dispositions[0]; set_disposition finds a disposition by its id, code or "
            "name",
        ),
        (
            'code: "102"',
            'code: "101"',
            "services[0].dispositions[1].code: '101' is also the code of "
            "services[0].dispositions[0]",
        ),
    ],
    ids=[
        "agent-extension",
        "member-extension",
        "team-name",
        "disposition-name",
        "disposition-code",
    ],
)
def test_a_value_given_twice_is_refused_at_the_second(tmp_path, capsys, old, new, message):
    path, line = _edited(tmp_path, old, new)
    assert main(["demo", "--tenant", str(path), "--journal", ":memory:"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"adsim: {path}:{line}:")
    assert message in err, err
    assert len(err.splitlines()) == 1


def test_a_service_named_twice_is_named_at_its_line(tmp_path, capsys):
    path, line = _edited(
        tmp_path,
        "    name: Sales\n    type: blended_voice",
        "    name: Customer Support\n    type: blended_voice",
    )
    assert main(["demo", "--tenant", str(path), "--journal", ":memory:"]) == 2
    err = capsys.readouterr().err
    # It was "tenant.yaml:4:1: service names must be unique": the file's top, no name.
    assert err.startswith(f"adsim: {path}:{line}:11: services[")
    assert "'Customer Support' is also the name of services[0]" in err


def test_the_built_in_tenant_has_nothing_twice():
    load_tenant(DEFAULT)  # validated as a user's file is


def test_a_scenarios_inline_tenant_is_refused_at_its_line():
    text = (
        "tenant:\n  name: x\n  host: h\n  id: t\n"
        "  agent: {id: a, login_id: a, first_name: A, last_name: B, extension: '1', team: t1}\n"
        "  teams:\n    - {id: t1, name: T}\n    - {id: t1, name: U}\n"
        "  services: []\nsteps: []\n"
    )
    with pytest.raises(ScenarioFileError) as info:
        parse_scenario(text, "s.yaml")
    found = str(info.value)
    assert "s.yaml:8:12: tenant.teams[1].id: 't1' is also the id of teams[0]" in found, found


def test_a_disposition_named_as_another_ones_code_is_refused(tmp_path, capsys):
    """``set_disposition("101")`` found whichever came first of the disposition whose code is
    101 and the one named 101."""
    path, line = _edited(tmp_path, 'code: "102", name: Answer provided', 'code: "102", name: "101"')
    assert main(["demo", "--tenant", str(path), "--journal", ":memory:"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"adsim: {path}:{line}:")
    assert (
        "services[0].dispositions[1].name: '101' is also the code of services[0].dispositions[0]"
        in err
    )


def test_one_dispositions_own_fields_may_be_alike(tmp_path):
    old, new = 'code: "102", name: Answer provided', 'code: "102", name: "102"'
    path, _line = _edited(tmp_path, old, new)
    load_tenant(path)  # its code and its name are the same: still one disposition


def test_a_team_whose_id_is_another_teams_name_is_refused():
    text = (
        "tenant:\n  name: x\n  host: h\n  id: t\n"
        "  agent: {id: a, login_id: a, first_name: A, last_name: B, extension: '1', team: t1}\n"
        "  teams:\n    - {id: t1, name: Sales}\n    - {id: Sales, name: Support}\n"
        "  services: []\nsteps: []\n"
    )
    with pytest.raises(ScenarioFileError) as info:
        parse_scenario(text, "s.yaml")
    assert "tenant.teams[0].name: 'Sales' is also the id of teams[1]" in str(info.value)


def _place(path: Path, value: str) -> str:
    """``line:column`` of the first ``value`` in the file, as an editor counts them."""
    text = path.read_text(encoding="utf-8")
    before = text[: text.index(value)]
    return f"{before.count(chr(10)) + 1}:{len(before) - before.rfind(chr(10))}"


@pytest.mark.parametrize(
    ("edit", "value", "message"),
    [
        (
            ("  team: E9237EA0-BB44-5CA6-ABBB-C3D0BCEF7119\nteams:", "  team: Nowhere\nteams:"),
            "Nowhere",
            "agent.team: 'Nowhere' is not one of the teams: give a team's id "
            "(E9237EA0-BB44-5CA6-ABBB-C3D0BCEF7119 Customer Support, "
            "9AA9CA33-F495-55BF-975C-F768A769071F Sales, 98FD3558-EAE3-500F-9119-49915E6B15F4 "
            "Billing)",
        ),
        (
            (
                "    name: Sales\n    type: blended_voice\n",
                "    name: Sales\n    type: blended_voice\n    teams: [Sales, Nobody]\n",
            ),
            "Nobody",
            "services[1].teams[1]: no team 'Nobody': give a team's id or name (Customer "
            "Support, Sales, Billing)",
        ),
        (
            ("default_outbound_service: Outbound Calls", "default_outbound_service: Outbond Calls"),
            "Outbond Calls",
            "default_outbound_service: 'Outbond Calls' is not a service (did you mean "
            "`Outbound Calls`?)",
        ),
    ],
    ids=["agent-team", "service-team", "default-outbound-service"],
)
def test_a_name_that_finds_nothing_is_refused_at_its_line(tmp_path, capsys, edit, value, message):
    """They were refused at the file's top (``tenant.yaml:4:1``), the agent's team with the
    teams' ids as a Python set, in no fixed order."""
    path, _line = _edited(tmp_path, *edit)
    assert main(["demo", "--tenant", str(path), "--journal", ":memory:"]) == 2
    err = capsys.readouterr().err
    assert err == f"adsim: {path}:{_place(path, value)}: {message}\n"


def test_an_inline_tenants_unknown_team_is_refused_at_its_line():
    text = (
        "tenant:\n  name: x\n  host: h\n  id: t\n"
        "  agent: {id: a, login_id: a, first_name: A, last_name: B, extension: '1',\n"
        "          team: t2}\n"
        "  teams:\n    - {id: t1, name: T}\n"
        "  services: []\nsteps: []\n"
    )
    with pytest.raises(ScenarioFileError) as info:
        parse_scenario(text, "s.yaml")
    found = str(info.value)
    assert "s.yaml:6:17: tenant.agent.team: 't2' is not one of the teams" in found, found
