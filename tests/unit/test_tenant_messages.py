"""A tenant file's mistakes in words a tester can act on. ``extension: 1001`` (an extension, a
DID or a phone number written without quotes, as YAML reads a number) was "Input should be a
valid string (1 problem(s) in all)"; ``0123`` was read as the octal number 83 first."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator.data
from simulator.cli import main

DEFAULT = Path(simulator.data.__file__).parent / "default_tenant.yaml"
FIRST_NAME = "  - id: BF99153F-684E-5174-9562-645949BD9A8A\n    name: Customer Support\n"
FIRST_TYPE = "    name: Customer Support\n    type: inbound_voice\n"


def _edited(tmp_path: Path, old: str, new: str) -> tuple[Path, int, int]:
    """The built-in tenant with ``old`` replaced by ``new`` once; the line and column of it."""
    text = DEFAULT.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "tenant.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    before = text[: text.index(old)]
    return path, before.count("\n") + 1, len(before) - before.rfind("\n")


def test_a_number_where_the_tenant_takes_text_says_to_quote_it(tmp_path, capsys):
    path, line, column = _edited(tmp_path, 'extension: "1001"', "extension: 1001")
    assert main(["generate", "--count", "1", "--tenant", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {path}:{line}:{column + len('extension: ')}: agent.extension: expected text, "
        'got the number 1001: write it in quotes ("1001")\n'
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('extension: "1001"', "extension: 01001"),  # YAML 1.1: the octal number 513
        ("name: Offer rejected,", "name: No,"),  # YAML 1.1: false
        ("name: Offer rejected,", "name: On,"),  # YAML 1.1: true
    ],
)
def test_words_and_digits_yaml_1_1_read_otherwise_are_text_as_in_a_scenario(
    tmp_path, capsys, old, new
):
    """A tenant file's plain scalars read as YAML 1.2 (as a scenario's, and a tenant inline in
    one): a disposition named ``No`` was ``false`` and refused, an extension ``01001`` the
    number 513, where the same tenant inline in a scenario took them as text."""
    path, _line, _column = _edited(tmp_path, old, new)
    assert main(["generate", "--count", "1", "--tenant", str(path)]) == 0, capsys.readouterr()


def test_an_unknown_key_names_the_keys_the_place_takes(tmp_path, capsys):
    """As a scenario's steps say it, not pydantic's "Extra inputs are not permitted"."""
    path, line, _column = _edited(tmp_path, FIRST_TYPE, FIRST_TYPE.replace("type:", "kind:"))
    assert main(["generate", "--count", "1", "--tenant", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"adsim: {path}:{line + 1}:")
    assert ": unknown key `kind` in `services[0]`" in err
    assert "; expected one of: id, name, type, did," in err
    assert "`type` is required" not in err  # the misspelling first, not what it left out ...
    assert err.rstrip().endswith("(2 problems in all)")  # ... and how many there are


def test_a_value_outside_its_choices_lists_them(tmp_path, capsys):
    path, line, _column = _edited(tmp_path, FIRST_TYPE, FIRST_TYPE.replace("inbound_voice", "fax"))
    assert main(["generate", "--count", "1", "--tenant", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {path}:{line + 1}:{len('    type: ') + 1}: services[0].type: expected one of "
        "inbound_voice, outbound_voice, blended_voice, chat, email, got the text 'fax'\n"
    )


def test_a_missing_key_says_where_it_is_required(tmp_path, capsys):
    path, _line, _column = _edited(
        tmp_path, FIRST_NAME, "  - id: BF99153F-684E-5174-9562-645949BD9A8A\n"
    )
    assert main(["generate", "--count", "1", "--tenant", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.endswith(": `name` is required in `services[0]`\n")
