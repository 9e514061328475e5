"""A tenant file's mistakes in words a tester can act on. ``extension: 1001`` (an extension, a
DID or a phone number written without quotes, as YAML reads a number) was "Input should be a
valid string (1 problem(s) in all)"; ``0123`` was read as the octal number 83 first."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator.data
from simulator.cli import main

DEFAULT = Path(simulator.data.__file__).parent / "default_tenant.yaml"


def _edited(tmp_path: Path, old: str, new: str) -> tuple[Path, int, int]:
    """The built-in tenant with ``old`` replaced by ``new`` once; the line and column of it."""
    text = DEFAULT.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "tenant.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    before = text[: text.index(old)]
    return path, before.count("\n") + 1, len(before) - before.rfind("\n")


@pytest.mark.parametrize("written", ["1001", "0123"])
def test_a_number_where_the_tenant_takes_text_says_to_quote_it(tmp_path, capsys, written):
    path, line, column = _edited(tmp_path, 'extension: "1001"', f"extension: {written}")
    assert main(["generate", "--count", "1", "--tenant", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {path}:{line}:{column + len('extension: ')}: agent.extension: expected text, "
        f'got the number {written}: write it in quotes ("{written}")\n'
    )


def test_a_word_yaml_reads_as_a_boolean_says_to_quote_it(tmp_path, capsys):
    """A disposition named ``No`` (or ``Yes``, ``On``, ``Off``) is ``false`` to YAML 1.1."""
    path, line, _column = _edited(tmp_path, "name: Offer rejected,", "name: No,")
    assert main(["generate", "--count", "1", "--tenant", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"adsim: {path}:{line}:")
    assert err.endswith(
        ': expected text, got No, which YAML reads as false: write it in quotes ("No")\n'
    )
