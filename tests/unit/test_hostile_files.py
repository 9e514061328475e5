"""Hostile input files: bad numbers, alias bombs, oversized files, lone surrogates. Each ends in
one line naming the file (and line:column when there is one) and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main
from simulator.data import InputFileError, load_tenant
from simulator.data.bounded_yaml import MAX_EXPANDED_NODES
from simulator.handlers import HandlerHost
from simulator.scenarios import load_scenario
from simulator.scenarios.errors import ScenarioFileError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SCENARIO = FIXTURES / "scenarios" / "inbound_acw_disposition.yaml"
TENANT = next((FIXTURES / "tenants").glob("*.yaml"))


def _run(path: Path, *extra: str) -> int:
    return main(["run", str(path), "--journal", ":memory:", "--no-entry-points", *extra])


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _scenario(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (".inf", ".inf is not a finite number"),
        ("-.inf", "-.inf is not a finite number"),
        (".nan", ".nan is not a finite number"),
        ("1.0e400", "1.0e400 is not a finite number"),
        ("99999999999999999999999", "is too big"),
        ("9000000000", "expected a number of at most 31622400, got the number 9000000000"),
    ],
)
def test_bad_numbers_in_a_scenario_name_file_line_and_column(tmp_path, capsys, value, message):
    path = _scenario(
        tmp_path,
        f"name: numbers\nsettings:\n  ring_timeout_seconds: {value}\nsteps:\n  - call\n",
    )
    assert _run(path) == 2
    line = _one_line(capsys.readouterr().err)
    assert f"{path}:3:" in line and message in line


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("seed: true\n", "2:7", "seed: expected a whole number, got true"),
        (
            "settings: {ring_timeout_seconds: true}\n",
            "2:34",
            "settings.ring_timeout_seconds: expected a number, got true",
        ),
        (
            "settings:\n  max_concurrent_chats: false\n",
            "3:25",
            "settings.max_concurrent_chats: expected a number, got false",
        ),
    ],
)
def test_true_or_false_where_a_number_goes_is_refused_not_one(
    tmp_path, capsys, text, where, message
):
    """pydantic takes true as 1: ``seed: true`` ran with seed 1, ``ring_timeout_seconds: true``
    rang for one second, and nothing said so."""
    path = _scenario(tmp_path, f"name: numbers\n{text}steps:\n  - call\n")
    assert _run(path) == 2
    assert _one_line(capsys.readouterr().err) == f"adsim: {path}:{where}: {message}"


def test_true_as_an_expected_count_is_refused_not_one(tmp_path, capsys):
    path = _scenario(
        tmp_path,
        "name: counts\nsteps:\n  - call\n"
        "  - expect: {event: ON_NEW_INTERACTION, count: {at_least: true}}\n",
    )
    assert _run(path) == 2
    line = _one_line(capsys.readouterr().err)
    assert f"{path}:4:" in line and "expected a whole number, got true" in line


def test_a_tenant_that_is_a_folder_is_called_a_folder(tmp_path, capsys):
    """``tenant: tenants`` (the folder, not the file in it) said "no tenant file": it is there."""
    (tmp_path / "tenants").mkdir()
    path = _scenario(tmp_path, "name: t\ntenant: tenants\nsteps:\n  - call\n")
    assert _run(path) == 2
    assert _one_line(capsys.readouterr().err) == (
        f"adsim: {path}:2:9: {str(tmp_path / 'tenants')!r} is a folder: give the tenant file"
        " (a .yaml) in it"
    )


@pytest.mark.parametrize("kind", ["scenario", "tenant"])
@pytest.mark.parametrize(
    "case",
    [
        (
            "name: x\nsteps:\n  - note: Caf\u00e9\n".encode("cp1252"),
            ":3:14",
            "not UTF-8: byte 0xe9 here (Windows-1252 or Latin-1?); save the file as UTF-8",
        ),
        (
            "name: x\nsteps: []\n".encode("utf-16"),
            "",
            "is UTF-16 (Notepad's 'Unicode'): save it as UTF-8",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "", "not a text file (UTF-8 expected)"),
        # No byte order mark: valid UTF-8, and its first zero byte was "a control character
        # (U+0000) YAML does not allow" at 1:2, with "delete it" as the advice.
        (
            "name: x\nsteps: []\n".encode("utf-16-le"),
            "",
            "is UTF-16 without a byte order mark (every other byte is zero): save it as UTF-8",
        ),
        (
            "name: x\nsteps: []\n".encode("utf-16-be"),
            "",
            "is UTF-16 without a byte order mark (every other byte is zero): save it as UTF-8",
        ),
        (
            "name: Caf\u00e9 call\nsteps: []\n".encode("utf-16-le"),
            "",
            "is UTF-16 without a byte order mark (every other byte is zero): save it as UTF-8",
        ),
    ],
    ids=[
        "windows-1252",
        "utf-16",
        "binary",
        "utf-16-le-no-bom",
        "utf-16-be-no-bom",
        "utf-16-no-bom-beyond-ascii",
    ],
)
def test_a_file_in_another_encoding_is_named_with_where_and_what_to_do(
    tmp_path, capsys, kind, case
):
    """A Windows-1252 or UTF-16 save was "not a text file": the user looked for a binary file
    when one accented letter was the problem; it is named at its line and column now."""
    data, where, message = case
    path = tmp_path / f"{kind}.yaml"
    path.write_bytes(data)
    argv = ["run", str(path)] if kind == "scenario" else ["generate", "--count", "1"]
    if kind == "tenant":
        argv += ["--tenant", str(path)]
    assert main(argv) == 2
    assert _one_line(capsys.readouterr().err) == f"adsim: {path}{where}: {message}"


def test_a_bad_number_in_a_tenant_file_names_its_line_and_column(tmp_path):
    text = TENANT.read_text(encoding="utf-8")
    path = tmp_path / "tenant.yaml"
    cases = (
        (".inf", "not a finite number"),
        ("4000000000", "less than or equal"),
        # pydantic takes true as 1: wrap-up completed itself after one second.
        ("true", "expected a number, got true"),
        ("false", "expected a number, got false"),
    )
    for value, message in cases:
        marker = "acw_timeout_seconds: 60"
        assert marker in text
        path.write_text(text.replace(marker, f"acw_timeout_seconds: {value}", 1), encoding="utf-8")
        with pytest.raises(InputFileError, match=message) as info:
            load_tenant(path)
        assert info.value.line is not None and info.value.column is not None
        assert (
            path.read_text(encoding="utf-8")
            .splitlines()[info.value.line - 1]
            .strip()
            .startswith("acw_timeout_seconds")
        )


def test_true_as_a_services_offer_timeout_is_refused_not_one_second(tmp_path):
    text = TENANT.read_text(encoding="utf-8")
    marker = "acw_timeout_seconds: 60"
    path = tmp_path / "tenant.yaml"
    path.write_text(text.replace(marker, f"{marker}\n    offer_timeout_seconds: true", 1))
    with pytest.raises(InputFileError, match="expected a number, got true"):
        load_tenant(path)


def _bomb(levels: int, indent: str) -> str:
    lines = [f"{indent}l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        refs = ", ".join([f"*l{level - 1}"] * 10)
        lines.append(f"{indent}l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_under_expect_payload_is_refused_before_it_is_built(tmp_path, capsys):
    assert MAX_EXPANDED_NODES < 10**7
    path = _scenario(
        tmp_path,
        "name: bomb\nsteps:\n  - call\n  - expect:\n      event: ON_NEW_INTERACTION\n"
        "      payload:\n        attachedData:\n" + _bomb(7, "          "),
    )
    assert _run(path) == 2
    line = _one_line(capsys.readouterr().err)
    assert str(path) in line and "alias" in line


def test_an_alias_that_contains_itself_is_refused(tmp_path, capsys):
    path = _scenario(tmp_path, "name: loop\nsteps: &s\n  - call\n  - *s\n")
    assert _run(path) == 2
    assert "loop" in _one_line(capsys.readouterr().err)


def test_an_alias_bomb_in_a_tenant_is_refused(tmp_path):
    path = tmp_path / "tenant.yaml"
    path.write_text("name: bomb\n" + _bomb(7, ""), encoding="utf-8")
    with pytest.raises(InputFileError, match="alias") as info:
        load_tenant(path)
    assert info.value.line is not None


def test_a_few_aliases_are_still_fine(tmp_path):
    path = _scenario(
        tmp_path,
        "name: aliases\nsteps:\n  - call: &svc Customer Support\n  - hang_up: customer\n"
        "  - call: *svc\n",
    )
    assert load_scenario(path).scenario.steps[2].value.service == "Customer Support"


def test_an_oversized_scenario_is_refused_without_reading_it(tmp_path, capsys):
    path = tmp_path / "huge.yaml"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB of NULs, instantly
    assert _run(path) == 2
    line = _one_line(capsys.readouterr().err)
    assert str(path) in line and "50.0 MB, over the 10.0 MB limit" in line
    assert "--max-scenario-size" in line


def test_max_scenario_size_sets_the_limit(tmp_path, capsys):
    size = SCENARIO.stat().st_size
    assert size > 1100
    assert _run(SCENARIO, "--max-scenario-size", "0.001") == 2
    assert "over the 1048 bytes limit" in _one_line(capsys.readouterr().err)
    with pytest.raises(ScenarioFileError, match="over the"):
        load_scenario(SCENARIO, max_bytes=size - 1)
    assert load_scenario(SCENARIO, max_bytes=size).scenario.steps


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "1e300", "ten"])
def test_max_scenario_size_must_be_a_sensible_number(value, capsys):
    with pytest.raises(SystemExit) as info:
        main(["run", str(SCENARIO), "--max-scenario-size", value])
    assert info.value.code == 2
    assert "argument --max-scenario-size: " in capsys.readouterr().err


def test_a_lone_surrogate_in_a_scenario_note_is_refused_at_its_place(tmp_path, capsys):
    path = _scenario(
        tmp_path,
        'name: surrogate\nsteps:\n  - call\n  - accept\n  - note: "bad \\ud800 text"\n',
    )
    assert _run(path) == 2
    line = _one_line(capsys.readouterr().err)
    assert f"{path}:5:11:" in line and "lone surrogate" in line


def test_an_ad_api_call_with_a_lone_surrogate_is_invalid_args_and_changes_nothing(ready):
    host = HandlerHost(ready, timeout=5)
    ad_api = host.ad_api("p")
    iid = ready.offer_call().data["id"]
    assert ready.accept_interaction(iid).ok
    assert ad_api.add_note("fine", iid).ok
    for call in (
        lambda: ad_api.add_note("bad \ud800", iid),
        lambda: ad_api.replace_note("\udfff", iid),
        lambda: ad_api.set_variable("k\ud800", "v", iid),
        lambda: ad_api.transfer({"note": ["x", {"deep": "\ud83d"}]}),
    ):
        result = call()
        assert not result.ok
        assert result.error.name == "invalid_args"
        assert "lone surrogate" in result.error.message
    assert ready.interaction(iid).notes == ["fine"]
    host.close()


def test_a_lone_surrogate_in_a_tenant_file_is_refused_at_its_place(tmp_path):
    path = tmp_path / "tenant.yaml"
    path.write_text(
        TENANT.read_text(encoding="utf-8").replace("name: Card Services", 'name: "Card \\udc00"'),
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match="lone surrogate") as info:
        load_tenant(path)
    assert (info.value.line, info.value.column) != (None, None)


def test_a_big_file_without_aliases_is_no_alias_bomb():
    """The bound is on what aliases add beyond the values the file holds: a 10 MB scenario of
    220,000 steps (1.5 million values, no alias) was refused as "an alias bomb?"."""
    import yaml

    from simulator.data.bounded_yaml import RefusedValueError, _expanded_size

    plain = yaml.compose("steps:\n" + "".join(f"  - {{wait: {n}s}}\n" for n in range(20)))
    _expanded_size(plain, limit=10)  # 60 values, none from an alias
    aliased = yaml.compose("a: &a [1, 2, 3, 4, 5]\nb: [*a, *a, *a]\n")
    with pytest.raises(RefusedValueError, match="through its aliases"):
        _expanded_size(aliased, limit=10)
