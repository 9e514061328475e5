"""Scenario files are parsed by libyaml when PyYAML has it, with nothing else changed.

``parse_yaml`` reads with libyaml's parser (several times faster on a big file) and the same
resolvers and constructors as the pure-Python parser: the same values and the same marks. A file
libyaml refuses is read again by the pure-Python parser, so that every message is the one the
docs show whichever parser is installed. The garbage collector is paused while a scenario loads.
"""

from __future__ import annotations

import gc
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from simulator.scenarios import loader, source
from simulator.scenarios.source import MarkedDict, MarkedList, YamlSyntaxError, parse_yaml

pytestmark = pytest.mark.skipif(not source.FAST_PARSER, reason="PyYAML without libyaml")

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "fixtures" / "scenarios").glob("*.yaml"))


def _slow(monkeypatch: pytest.MonkeyPatch, text: str) -> Any:
    with monkeypatch.context() as patch:
        patch.setattr(source, "FAST_PARSER", False)
        return parse_yaml(text)


def _shape(value: Any) -> Any:
    """``value`` with every mark it holds, as plain data to compare."""
    if isinstance(value, MarkedDict):
        return (
            "map",
            value.mark,
            [
                (key, value.key_marks[key], value.value_marks[key], _shape(item))
                for key, item in value.items()
            ],
        )
    if isinstance(value, MarkedList):
        return ("seq", value.mark, value.item_marks, [_shape(item) for item in value])
    return (type(value).__name__, value)


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_every_fixture_parses_to_the_same_values_and_marks(monkeypatch, path):
    text = path.read_text(encoding="utf-8")
    assert _shape(parse_yaml(text)) == _shape(_slow(monkeypatch, text))


def test_scalars_marks_and_text_agree_beyond_ascii(monkeypatch):
    text = (
        'name: Ünïcode 😀 — test\nseed: 7\nsteps:\n  - note: "日本語 \\u00e9 \\U0001F600"\n'
        "  - {wait: 1s, on: x}\n  - expect: {payload: {a: 1.5, b: -3, c: +4, d: 0123, e: yes,"
        " f: on, g: ~, h: true, i: 1e5, j: .5}}\n  - a: &x [1, 2]\n    b: *x\n"
        "  - <<: {k: 1}\n    m: 2\n"
    )
    assert _shape(parse_yaml(text)) == _shape(_slow(monkeypatch, text))


def test_a_file_that_starts_with_a_byte_order_mark_parses_alike(monkeypatch):
    text = "\ufeff" + FILES[0].read_text(encoding="utf-8")
    assert _shape(parse_yaml(text)) == _shape(_slow(monkeypatch, text))


def test_a_valid_file_is_read_by_libyaml(monkeypatch):
    class Refusing(source._Loader):
        def __init__(self, *_: Any):
            raise AssertionError("the pure-Python parser read a valid file")

    monkeypatch.setattr(source, "_Loader", Refusing)
    assert parse_yaml("name: x\nsteps: [accept]\n") == {"name": "x", "steps": ["accept"]}


BROKEN = [
    "name: x\n\tseed: 1\n",  # a tab
    "steps:\n  - accept\n - complete\n",  # bad indentation
    "a: b: c\n",  # mapping values not allowed
    "a: [1, 2\n",  # unclosed flow sequence
    'a: "unterminated\n',
    "a: 1\na: 2\n",  # a key twice
    "a: &x [*x]\n",  # an alias to itself
    "a: .inf\n",  # refused number
    'a: "\\ud800"\n',  # lone surrogate
    "a: *nowhere\n",  # unknown alias
    "a: x\x07y\n",  # a control character
    "? [a]\n: 1\n",  # a key that is a list
    "%YAML 9.9\n---\na: 1\n",
    "a: !!python/object:os.system x\n",
    "name:\tx\n",  # libyaml reads a tab after a colon
    "a: {b: c?d}\n",  # libyaml reads a ? inside a flow mapping
    "a: [b?c]\n",
    "a: 1\n\ufeff - b\n",  # libyaml skips a byte order mark here
    "a: >#\n  b\n",  # libyaml reads a comment with no space before it
]


@pytest.mark.parametrize("text", BROKEN)
def test_a_broken_file_says_what_the_pure_python_parser_says(monkeypatch, text):
    with pytest.raises(YamlSyntaxError) as fast:
        parse_yaml(text)
    with pytest.raises(YamlSyntaxError) as slow:
        _slow(monkeypatch, text)
    assert (fast.value.mark, fast.value.message, fast.value.refused) == (
        slow.value.mark,
        slow.value.message,
        slow.value.refused,
    )


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_while_a_scenario_loads_and_left_as_it_was(monkeypatch, enabled):
    seen: list[bool] = []
    parse = loader._parse_scenario

    def watched(*args: Any) -> Any:
        seen.append(gc.isenabled())
        return parse(*args)

    monkeypatch.setattr(loader, "_parse_scenario", watched)
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(loader.ScenarioFileError):
            loader.parse_scenario("", "x.yaml")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [False]


def test_the_libyaml_loader_is_libyaml():
    assert issubclass(source._FastLoader, yaml.CSafeLoader)


def test_mutated_fixtures_load_alike_or_fail_alike(monkeypatch):
    """Characters YAML cares about inserted, deleted and replaced at random (seeded) in the
    fixtures: both parsers give the same values and marks, or the same message."""
    texts = [path.read_text(encoding="utf-8") for path in FILES]
    pieces = [*" :-\t[]{}#&*!|>'\"%@`,?\n\\.0a~=<", "  ", "\n  ", ": ", "- ", "\u2028"]
    pieces += ["\ufeff", "---"]
    rng = random.Random(11)

    def outcome(text: str) -> Any:
        try:
            return _shape(parse_yaml(text))
        except YamlSyntaxError as exc:
            return (exc.mark, exc.message, exc.refused)

    for _ in range(300):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 3)):
            at, choice = rng.randrange(len(text) + 1), rng.random()
            if choice < 0.4:
                text = text[:at] + rng.choice(pieces) + text[at:]
            elif choice < 0.7:
                text = text[:at] + text[at + rng.randint(1, 3) :]
            else:
                text = text[:at] + rng.choice(pieces) + text[at + 1 :]
        fast = outcome(text)
        with monkeypatch.context() as patch:
            patch.setattr(source, "FAST_PARSER", False)
            slow = outcome(text)
        assert fast == slow, text


def _outcome(text: str) -> Any:
    try:
        return _shape(parse_yaml(text))
    except YamlSyntaxError as exc:
        return (exc.mark, exc.message, exc.refused)


REVIEWED = [
    "a: !\n",  # '' to libyaml, null to PyYAML
    "- !\n",
    "a: &x !\nb: 1\n",
    "name: x\nsteps:\n  - {wait: }\n",  # the empty value's column
    "a: {b: \n}\n",
    "a: {b: , c: 1}\n",
    "a: [b: ]\n",
    "a: # a comment\nb: 1\n",
    "%YAML 1.1#\n---\na: 1\n",  # libyaml reads the directive
    "a: !!float x\n",  # a ValueError in the constructor
    "a: !!int ''\n",
    "a: !!bool x\n",
    "a: !!timestamp x\n",
    "a: !!map [1]\n",
    "a: !!seq {x: 1}\n",
    "!!map [1]\n",
    'a: "\\U00110000"\n',  # past the last character: a ValueError in the scanner
    "[" * 200 + "]" * 200 + "\n",  # deeper than MAX_DEPTH
    "- " * 150 + "x\n",
    "[" * 495 + "]" * 495 + "\n",  # where PyYAML's own recursion gives up
]


@pytest.mark.parametrize("text", REVIEWED, ids=range(len(REVIEWED)))
def test_what_review_found_loads_alike_or_fails_alike(monkeypatch, text):
    fast = _outcome(text)
    with monkeypatch.context() as patch:
        patch.setattr(source, "FAST_PARSER", False)
        slow = _outcome(text)
    assert fast == slow


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("a: !!float x\n", (1, 4), "a float value that cannot be read (ValueError: "),
        ("a: !!map [1]\n", (1, 4), "a map value that cannot be read ("),
        ("[" * 200 + "]" * 200 + "\n", None, "the YAML is nested more than 100 levels deep"),
        ("[" * 600 + "]" * 600 + "\n", None, "the YAML is nested more than 100 levels deep"),
    ],
)
def test_a_value_no_tag_can_hold_and_a_deep_nest_are_bad_input_not_tracebacks(text, where, message):
    with pytest.raises(YamlSyntaxError) as caught:
        parse_yaml(text)
    mark = caught.value.mark
    assert (None if mark is None else (mark.line, mark.column)) == where
    assert caught.value.message.startswith(message)
    assert caught.value.refused


def test_an_alias_bomb_is_refused_without_a_second_read(monkeypatch):
    class Refusing(source._Loader):
        def __init__(self, *_: Any):
            raise AssertionError("the pure-Python parser read it again")

    monkeypatch.setattr(source, "_Loader", Refusing)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(7)
    )
    with pytest.raises(YamlSyntaxError, match="alias bomb"):
        parse_yaml(bomb)


QUESTIONS_OUTSIDE_FLOW_VALUES = [
    "# why?\nname: x\nsteps: [accept]\n",  # a comment
    'name: "what?"\nsteps: [accept]\n',  # quoted text
    "name: what? really?\nsteps: [accept]\n",  # a plain value in a block mapping
    "name: x\nsteps:\n  - note: is it? yes\n  - expect: {event: ON_LOGIN, payload: {a: 'b?'}}\n",
    "name: |\n  a ? b\nsteps: [accept]\n",  # a block value
    "? name\n: x\nsteps: [accept]\n",  # a complex key, in block context
    "name: x\nsteps: [accept] # ok?\n",
]


@pytest.mark.parametrize("text", QUESTIONS_OUTSIDE_FLOW_VALUES)
def test_a_question_mark_outside_flow_values_is_read_by_libyaml(monkeypatch, text):
    """Any ``?`` sent the whole file to the pure-Python parser, ~3x slower (a 2.3 MB file:
    7.1 s against 2.2 s to parse): only one in a plain value inside ``{...}``/``[...]`` is read
    otherwise by the two parsers."""
    expected = _shape(_slow(monkeypatch, text))

    class Refusing(source._Loader):
        def __init__(self, *_: Any):
            raise AssertionError("the pure-Python parser read a file libyaml reads alike")

    monkeypatch.setattr(source, "_Loader", Refusing)
    assert _shape(parse_yaml(text)) == expected


QUESTIONS_IN_FLOW = [
    "a: [x, {b: c?}]\n",
    "a: [b, ?c]\n",
    "a: {? b: c}\n",
    "a: {? b}\n",
    "a: &x {b: c?d}\nb: *x\n",
    "a: {\n  b: c?d\n}\n",
    "a: [b\n  ?c]\n",
    "- {a: b}\n- c?d\n",
    "a: {b?: c}\n",
    "a: [[[x?]]]\n",
    "a: [{b: [c, d?e]}]\n",
]


@pytest.mark.parametrize("text", QUESTIONS_IN_FLOW)
def test_a_question_mark_in_a_flow_collection_loads_or_fails_as_pyyaml_says(monkeypatch, text):
    fast = _outcome(text)
    with monkeypatch.context() as patch:
        patch.setattr(source, "FAST_PARSER", False)
        slow = _outcome(text)
    assert fast == slow


def test_question_marks_inserted_at_random_load_alike_or_fail_alike(monkeypatch):
    """``?``, ``? `` and `` ?`` inserted at random (seeded) places of the fixtures."""
    texts = [path.read_text(encoding="utf-8") for path in FILES]
    rng = random.Random(5)
    for _ in range(200):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 2)):
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(["?", "? ", " ?", "?\n"]) + text[at:]
        fast = _outcome(text)
        with monkeypatch.context() as patch:
            patch.setattr(source, "FAST_PARSER", False)
            slow = _outcome(text)
        assert fast == slow, text
