"""Documentation that cannot rot: generated tables are fresh, every command and fixture is
described in the README."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from simulator.cli import build_parser
from simulator.reference import refresh

README = Path(__file__).resolve().parents[2] / "README.md"
TEXT = README.read_text("utf-8")


def test_generated_tables_are_fresh():
    assert refresh(TEXT) == TEXT, "run `python -m simulator.reference --write` and commit README"


def test_every_subcommand_is_in_the_command_table():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    section = TEXT.split("## The command line", 1)[1].split("\n## ", 1)[0]
    for command in sub.choices:
        assert f"`adsim {command}" in section, f"`adsim {command}` is not documented"


def test_every_fixture_and_option_of_the_plugin_is_documented():
    plugin = (Path(__file__).resolve().parents[2] / "simulator/testing/plugin.py").read_text()
    fixtures = re.findall(r"@pytest\.fixture\ndef (\w+)", plugin)
    options = re.findall(r'"(--adsim-[\w-]+)"', plugin)
    inis = re.findall(r'addini\(\s*"(\w+)"', plugin)
    section = TEXT.split("## Testing your integration with pytest", 1)[1].split("\n## ", 1)[0]
    for name in fixtures + options + inis:
        assert name in section, f"{name} is not documented"
