"""Reading a scenario file's YAML while remembering where each value came from.

Mappings and sequences load as ``MarkedDict`` / ``MarkedList``: plain ``dict``/``list`` subclasses
that also hold the line and column of each key, value and item, so that any problem found later
(by pydantic, by the checks after it, or while the scenario runs) can be reported as
``file:line:column``. Scalars resolve as in YAML 1.2 rather than PyYAML's YAML 1.1: only
``true``/``false`` are booleans (``on``, ``yes`` and ``no`` stay text: ``on:`` is a step
modifier), and numbers with a sign or a leading zero stay text (``+14155550134``, ``0123``),
as do dates and ``1e5`` (a float needs a dot, as PyYAML writes them).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from simulator.data.bounded_yaml import (
    FAST_PARSER,
    NESTED_TOO_DEEPLY,
    TAB_PROBLEM,
    BoundedCLoader,
    BoundedLoader,
    EditorLines,
    RefusedValueError,
    is_tab_problem,
    unprintable,
    use_yaml12_scalars,
)

__all__ = [
    "LONG_KEY",
    "DuplicateKeyError",
    "Mark",
    "MarkedDict",
    "MarkedList",
    "YamlSyntaxError",
    "char_mark",
    "key_mark",
    "locate",
    "parse_yaml",
    "scenario_resolvers",
]


@dataclass(frozen=True, slots=True)
class Mark:
    """A position in the file, 1-based."""

    line: int
    column: int


def _mark(loader: Any, node: yaml.Node) -> Mark:
    """Where ``node`` starts, as the user's editor counts lines (``EditorLines``)."""
    return Mark(*loader.lines.at(node.start_mark.line, node.start_mark.column))


class MarkedDict(dict):
    """A YAML mapping that knows where it, its keys and its values start."""

    mark: Mark = Mark(1, 1)
    key_marks: dict[Any, Mark]
    value_marks: dict[Any, Mark]
    source_text: str | None = None
    """The file's text, kept on the root mapping (a formula's marks are found in it)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.key_marks = {}
        self.value_marks = {}


class MarkedList(list):
    """A YAML sequence that knows where it and each item start."""

    mark: Mark = Mark(1, 1)
    item_marks: list[Mark]

    def __init__(self, *args: Any):
        super().__init__(*args)
        self.item_marks = []


class DuplicateKeyError(yaml.MarkedYAMLError):
    """The same key twice in one mapping (PyYAML would silently keep the last)."""

    def __init__(self, *args: Any, key: Any = None):
        super().__init__(*args)
        self.key = key
        """The key, as YAML read it."""


class _Loader(BoundedLoader):
    """SafeLoader with YAML 1.2 scalars and marked containers; aliases bounded, numbers and
    text checked (``simulator.data.bounded_yaml``)."""

    lines = EditorLines("")
    """The text's lines as an editor counts them (set by ``parse_yaml``)."""


use_yaml12_scalars(_Loader)


def scenario_resolvers() -> dict[str, Any]:
    """The implicit scalar resolvers of the scenario loader (for a dumper that round-trips)."""
    return _Loader.yaml_implicit_resolvers


def _written(node: yaml.Node) -> str:
    """A key as the file writes it (``true``, ``~``, ``1.0``), not as Python shows its value."""
    return node.value if isinstance(node, yaml.ScalarNode) else "?"


def _what(key: Any) -> str:
    """What YAML read a key as, in words."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return f"the boolean {str(key).lower()}"
    if isinstance(key, int | float):
        return f"the number {key}"
    return f"the text {key!r}"


def _twice(loader: Any, first: tuple[Any, yaml.Node], key: Any, again: yaml.Node) -> str:
    """The message for ``key`` written at ``again``, the key ``first`` (value, node) again."""
    first_key, first_node = first
    line = _mark(loader, first_node).line
    was, now = _written(first_node), _written(again)
    if was == now:
        return f"the key `{now}` appears twice in this mapping (first on line {line}): keep one"
    if _what(first_key) == _what(key):
        read = f"both as {_what(key)}"
    else:  # 1 and true, 1 and 1.0: equal keys to a mapping
        read = f"`{was}` as {_what(first_key)} and `{now}` as {_what(key)}, one key in a mapping"
    return (
        f"the key `{now}` is the key `{was}` of line {line} again: YAML reads {read}; keep "
        f'one, or quote both to make them two texts ("{was}", "{now}")'
    )


def _construct_map(loader: _Loader, node: yaml.MappingNode):
    data = MarkedDict()
    data.mark = _mark(loader, node)
    yield data
    loader.flatten_mapping(node)
    key_nodes: dict[Any, tuple[Any, yaml.Node]] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                "a key must be a plain value, not a list or a mapping",
                key_node.start_mark,
            ) from None
        if key in data:
            raise DuplicateKeyError(
                "while reading a mapping",
                node.start_mark,
                _twice(loader, key_nodes[key], key, key_node),
                key_node.start_mark,
                key=key,
            )
        key_nodes[key] = (key, key_node)
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_marks[key] = _mark(loader, key_node)
        data.value_marks[key] = _mark(loader, value_node)


def _construct_seq(loader: _Loader, node: yaml.SequenceNode):
    data = MarkedList()
    data.mark = _mark(loader, node)
    yield data
    for item in node.value:
        data.append(loader.construct_object(item, deep=True))
        data.item_marks.append(_mark(loader, item))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


class _ReadAgainError(Exception):
    """libyaml read the file otherwise than PyYAML would: read it with ``_Loader``."""


class _FastLoader(BoundedCLoader):
    """``_Loader`` on libyaml's parser: the same resolvers and constructors, the same values and
    marks; a file it cannot load is read again by ``_Loader``, whose messages the docs show."""

    lines = EditorLines("")
    """The text's lines as an editor counts them (set by ``_fast_load``)."""
    questions = False
    """The text has a ``?``: check that none is in a plain value inside ``{...}``/``[...]``."""

    def construct_document(self, node: yaml.Node) -> Any:
        """Build the document, unless PyYAML would read one of its ``?`` otherwise."""
        if self.questions and _question_in_flow(node):
            raise _ReadAgainError
        return super().construct_document(node)


def _question_in_flow(root: yaml.Node) -> bool:
    """Whether a plain value inside a flow collection holds a ``?``: libyaml reads ``{b: c?d}``
    as ``c?d``, PyYAML ends the value at the ``?`` (and refuses the file). Everywhere else (a
    comment, quoted text, a block value, ``? key``) both read it alike. Each node once: aliases
    share them."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, in_flow = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            if in_flow and not node.style and "?" in node.value:
                return True
            continue
        if not isinstance(node, yaml.CollectionNode):
            continue
        in_flow = in_flow or bool(node.flow_style)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, in_flow))
                stack.append((value, in_flow))
        else:
            stack.extend((item, in_flow) for item in node.value)
    return False


_FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
_FastLoader.yaml_constructors = dict(_Loader.yaml_constructors)


class YamlSyntaxError(Exception):
    """The text is not YAML; ``mark`` says where the parser gave up."""

    def __init__(self, mark: Mark | None, message: str, *, refused: bool = False):
        self.mark = mark
        self.message = message
        self.refused = refused
        """Valid YAML holding a value adsim refuses (a number, a text, an alias bomb)."""
        super().__init__(message)


_PYTHON_ONLY = re.compile(
    "|".join(
        (
            "[\t\ufeff]",
            "[>|][-+0-9]*#",  # a block scalar's header with a comment and no space before it
            r"(?:^|(?<=[\s\[\]{},]))!(?=[\s,\]}]|$)",  # the tag ! alone
            r":[ \t\r\n]*[,}\]]|:[ \t]+#",  # an empty value in {...} or before a comment
            "(?m:^%)",  # a directive
            yaml.reader.Reader.NON_PRINTABLE.pattern,
        )
    )
)
"""What only the pure-Python parser reads (see ``parse_yaml``)."""


def parse_yaml(text: str) -> Any:
    """Parse one YAML document into marked containers; ``YamlSyntaxError`` when it is not YAML.

    libyaml's parser reads it when PyYAML has it (a 4 MB scenario: ~4 s, against ~16 s in
    PyYAML's own Python), with the same resolvers and constructors: the same values and marks.
    A file it refuses is read again by the pure-Python parser, which says what is wrong in its
    own words: the messages stay the same whichever parser is installed (a value the
    constructors refuse is the same refusal either way: said at once, an alias bomb not read
    twice). So is a file libyaml may read where PyYAML refuses it, or reads otherwise: one with
    a tab (PyYAML refuses ``key:<TAB>value``, and adsim names the tab), a ``?`` in a plain
    value inside ``{...}`` or ``[...]`` (PyYAML ends the value at it; found in what libyaml
    read, so a ``?`` elsewhere, in a comment or a text, keeps the fast parser), a byte order
    mark after the file's first character (libyaml skips it), a block scalar's ``>`` or ``|``
    with a ``#`` right after it, the tag ``!`` alone (an empty value: ``''`` to libyaml, null
    to PyYAML), an empty value in ``{...}`` or before a comment (its column), a directive
    (``%YAML``), or a character PyYAML's reader refuses. (Found by feeding both parsers the
    fixtures with YAML's characters inserted, deleted and replaced at random, and by review:
    tests/unit/
    test_scenario_fast_parser.)"""
    lines = EditorLines(text)
    if FAST_PARSER and not _PYTHON_ONLY.search(text, 1 if text.startswith("\ufeff") else 0):
        try:
            return _fast_load(text, lines)
        except (RefusedValueError, DuplicateKeyError) as exc:
            raise _syntax_error(exc, lines) from None
        except Exception:
            pass
    loader: _Loader | None = None
    try:
        loader = _Loader(text)  # its reader refuses a control character here
        loader.lines = lines
        try:
            return loader.get_single_data()  # a SafeLoader subclass: no arbitrary objects
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, lines) from None
    except yaml.reader.ReaderError as exc:  # a control character: checked before parsing
        line, column, message = unprintable(exc, text)
        at = Mark(line, column) if line is not None and column is not None else None
        raise YamlSyntaxError(at, message, refused=True) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(None, str(exc)) from None
    except RecursionError:
        raise YamlSyntaxError(None, NESTED_TOO_DEEPLY, refused=True) from None
    except (ValueError, TypeError, OverflowError) as exc:  # the scanner: "\U00110000"
        mark = loader.get_mark() if loader is not None else None
        at = Mark(*lines.at(mark.line, mark.column)) if mark is not None else None
        raise YamlSyntaxError(at, f"cannot be read here ({exc})") from None


def _fast_load(text: str, lines: EditorLines) -> Any:
    """``text`` read by libyaml (``_ReadAgainError``, or its own error, when it cannot be)."""
    loader = _FastLoader(text)
    loader.lines = lines
    loader.questions = "?" in text
    try:
        return loader.get_single_data()  # a SafeLoader's constructors
    finally:
        loader.dispose()


def _syntax_error(exc: yaml.MarkedYAMLError, lines: EditorLines) -> YamlSyntaxError:
    """``exc`` said as a scenario's problem: where, and what to do."""
    mark = exc.problem_mark or exc.context_mark
    where = Mark(*lines.at(mark.line, mark.column)) if mark is not None else None
    problem = exc.problem or "not valid YAML"
    if is_tab_problem(problem):
        return YamlSyntaxError(where, TAB_PROBLEM, refused=True)
    if problem == "but found another document":  # PyYAML's words, after "expected a single"
        return YamlSyntaxError(
            where,
            "a second YAML document (after ---) here: a scenario file holds one scenario; put "
            "each in a file of its own",
            refused=True,
        )
    if _key_too_long(exc):  # at the key's start: PyYAML's mark is past its 1,024th character
        start = exc.context_mark
        assert start is not None
        return YamlSyntaxError(Mark(*lines.at(start.line, start.column)), LONG_KEY)
    if problem == "mapping values are not allowed here":
        problem += (
            " (a step with more keys needs a colon after its name: `- accept:`; quote text "
            "that contains ': ')"
        )
    if isinstance(exc, DuplicateKeyError) and _is_step_name(exc.key):
        problem += " (each step is its own list item: start it with '- ')"
    context = f" ({exc.context})" if exc.context and not isinstance(exc, DuplicateKeyError) else ""
    refused = isinstance(exc, RefusedValueError | DuplicateKeyError)  # valid YAML, said as such
    if mark is not None and not refused:
        context += lines.break_before(mark.line)  # a comment's U+2028 ended the comment
    return YamlSyntaxError(where, f"{problem}{context}", refused=refused)


LONG_KEY = (
    "a key longer than 1,024 characters (YAML reads no longer one before its ':'): shorten it"
)
"""What PyYAML calls "could not find expected ':'", at the 1,025th character of a long key."""


def _key_too_long(exc: yaml.MarkedYAMLError) -> bool:
    """Whether ``exc`` is PyYAML giving up on a key of more than 1,024 characters."""
    start, end = exc.context_mark, exc.problem_mark
    return (
        exc.context == "while scanning a simple key"
        and start is not None
        and end is not None
        and start.line == end.line
        and end.column - start.column >= 1024
    )


def _is_step_name(key: Any) -> bool:
    """Whether ``key`` names a step (``- call: a`` then ``call: b`` in the same item)."""
    from simulator.scenarios.steps import STEP_TYPES  # a file's error only: steps import this

    return isinstance(key, str) and key in STEP_TYPES


def locate(root: Any, path: Sequence[Any]) -> Mark | None:
    """Where the value at ``path`` (keys and indexes from ``root``) starts in the file.

    Parts of ``path`` that do not name a key or an index (pydantic adds union tags and type
    names to its error locations) are skipped; a key that is missing gives the mark of the
    mapping that lacks it.
    """
    node = root
    best: Mark | None = getattr(root, "mark", None)
    for part in path:
        if isinstance(node, MarkedDict) and part in node:
            best = node.value_marks.get(part, best)
            node = node[part]
        elif (
            isinstance(node, MarkedList)
            and isinstance(part, int)
            and not isinstance(part, bool)
            and 0 <= part < len(node)
        ):
            best = node.item_marks[part]
            node = node[part]
    return best


def key_mark(root: Any, path: Sequence[Any], key: Any) -> Mark | None:
    """Where ``key`` itself is written in the mapping at ``path`` (for "unknown key" errors)."""
    node = root
    for part in path:
        inside_list = isinstance(node, MarkedList) and isinstance(part, int)
        if (isinstance(node, MarkedDict) and part in node) or (
            inside_list and 0 <= part < len(node)
        ):
            node = node[part]
        else:
            return locate(root, path)
    if isinstance(node, MarkedDict) and key in node.key_marks:
        return node.key_marks[key]
    return locate(root, path)


_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_EDITOR_BREAK = re.compile("\r\n|[\r\n]")
"""Where an editor breaks lines: marks are its lines (``EditorLines``)."""
_BLANK = " \t\r\n\x85\u2028\u2029"
_ESCAPE_LENGTH = {"x": 4, "u": 6, "U": 10}


def _index(source: str, mark: Mark) -> int | None:
    """The 0-based index in ``source`` of a mark (lines broken as an editor breaks them)."""
    position = 0
    for _ in range(mark.line - 1):
        found = _EDITOR_BREAK.search(source, position)
        if found is None:
            return None
        position = found.end()
    return position + mark.column - 1


def _mark_of(source: str, index: int) -> Mark:
    line, line_start = 1, 0
    for found in _EDITOR_BREAK.finditer(source, 0, index):
        line, line_start = line + 1, found.end()
    return Mark(line, index - line_start + 1)


def char_mark(source: str | None, start: Mark | None, value: str, offset: int) -> Mark | None:
    """Where character ``offset`` (0-based) of the text ``value`` is written in ``source``, the
    text scalar starting at ``start`` (its node's mark): plain, quoted, or a ``|``/``>`` block
    over several lines. The value's characters are followed through the file (indentation and
    folded line breaks skipped, quotes and escapes read), so the mark is exact wherever the
    value sits; ``start`` when the file does not hold the value as expected."""
    if start is None or source is None:
        return start
    position = _index(source, start)
    if position is None or position >= len(source):
        return start
    style = source[position]
    if style in "|>":
        header_end = _BREAK.search(source, position)
        if header_end is None:
            return start
        position = header_end.end()
    elif style in "'\"":
        position += 1
    else:
        style = ""
    index = 0
    offset = max(0, min(offset, len(value)))  # a syntax error may sit just past the end
    while index < offset:
        char = value[index]
        if char in _BLANK:  # a run of blanks: a folded line break, indentation, spaces
            while index < offset and value[index] in _BLANK:
                index += 1
            while position < len(source) and source[position] in _BLANK:
                position += 1
            continue
        while position < len(source) and source[position] in _BLANK:
            position += 1  # indentation of a continued line
        if position >= len(source):
            return start
        written = source[position]
        if style == "'" and char == "'" and source.startswith("''", position):
            position += 2
        elif style == '"' and written == "\\":
            code = source[position + 1 : position + 2]
            position += _ESCAPE_LENGTH.get(code, 2)
        elif written == char:
            position += 1
        else:
            return start
        index += 1
    while position < len(source) and source[position] in _BLANK:
        position += 1
    return _mark_of(source, position)
