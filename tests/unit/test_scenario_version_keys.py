"""A payload key an expectation names must exist in every adApi version its ``api_version:``
lists (docs/versions.md): it is checked in each of them. A key of only one of them passed the
file's check and failed at run time under the other, exit 1 for what is the file's mistake."""

from __future__ import annotations

import textwrap

import pytest

from simulator.cli import main

FLOW = """
name: versions
steps:
  - login
  - set_state: ready
  - call: {{service: Sales}}
    as: c
  - expect:
      event: ON_NEW_INTERACTION
      api_version: {versions}
      payload: {{interactionKind: scenario}}
"""


@pytest.mark.parametrize(
    ("versions", "code", "lacking"),
    [('[5.24.1, "2026"]', 2, "5.24.1"), ('["5.19", "2026"]', 2, "5.19"), ('"2026"', None, None)],
)
def test_a_key_of_only_some_listed_versions_is_refused_when_the_file_loads(
    tmp_path, capsys, versions, code, lacking
):
    flow = tmp_path / "flow.yaml"
    flow.write_text(textwrap.dedent(FLOW.format(versions=versions)), encoding="utf-8")
    result = main(["run", str(flow), "--journal", ":memory:"])
    err = capsys.readouterr().err
    if code is None:
        assert "is not in the" not in err
        return
    assert result == code
    assert (
        f"flow.yaml:11:34: `interactionKind` is not in the ON_NEW_INTERACTION payload of adApi "
        f"{lacking}: check api_version: of this expect"
    ) in err


@pytest.mark.parametrize("command", ["demo", "schema", "generate"])
def test_commands_that_run_no_scenario_do_not_offer_a_scenarios_api_version(capsys, command):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--api-version" in help_text
    assert "a scenario's api_version" not in help_text
