"""A small, safe expression language for computed checks on an event's payload.

``satisfies: "duration == floor((endTime - startTime) / 1000)"`` in an ``expect`` compares fields
of the event's first argument with each other. The text is parsed with Python's own parser into a
tree and then *walked* here, never evaluated by Python: only the nodes below are allowed, so an
expression can read payload fields and compute, nothing else.

- names are payload fields (``duration``); ``a.b`` reads a key of a mapping
  (``attachedData.order``);
- numbers, text in quotes, ``true``/``false``/``null``;
- ``+ - * / // %``, comparisons (``== != < <= > >=``, chained), ``and``, ``or``, ``not``;
- functions ``floor``, ``ceil``, ``round``, ``abs``, ``len``, ``present(field)``.

A field that the payload leaves out makes the check fail, naming the field (unless it is only
tested with ``present``).

Values compare as JSON values, not as Python's: a number is never a boolean (``1 == true`` and
``0 == false`` are false, as they are for a matcher); ``true``/``false`` take no arithmetic and no
ordering (``true + 1``, ``true < 2``, ``abs(true)`` cannot be computed), and ``and``, ``or``,
``not`` take only ``true`` or ``false`` (``not 0`` cannot be computed: 0 is not false).
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from simulator.scenarios.matching import as_json

__all__ = ["Comparison", "Formula", "FormulaError", "parse_formula"]

_FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "floor": math.floor,
    "ceil": math.ceil,
    "round": round,
    "abs": abs,
    "len": len,
}
_CONSTANTS = {"true": True, "false": False, "null": None}
_BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
# Results beyond these sizes are refused ("cannot be computed") rather than built: a scenario file
# must not be able to make a check allocate gigabytes or spend minutes multiplying.
_MAX_INT_BITS = 1024
_MAX_SHOWN = 200


def _json_equal(left: Any, right: Any) -> bool:
    """Equality of JSON values: a boolean equals only a boolean (Python's ``True == 1`` does not
    hold in JSON), inside lists and mappings too."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left is right
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(
            _json_equal(a, b) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(
            _json_equal(v, right[k]) for k, v in left.items()
        )
    return bool(left == right)


def _kind(value: Any) -> str:
    """What a JSON value is, in the file's words (Python's said ``'str'`` and ``'dict'``)."""
    if isinstance(value, bool) or value is None:
        return as_json(value)
    if isinstance(value, int | float):
        return "a number"
    return (
        "text" if isinstance(value, str) else "a list" if isinstance(value, list) else "a mapping"
    )


def _cannot(symbol: str, left: Any, right: Any) -> TypeError:
    """``{"a": 1} + 1``: why Python refused it, said of JSON values."""
    shown = f"{as_json(left, 40)} {symbol} {as_json(right, 40)}"
    return TypeError(f"{symbol} does not take {_kind(left)} and {_kind(right)}: {shown}")


def _ordered(compare: Callable[[Any, Any], bool], symbol: str) -> Callable[[Any, Any], bool]:
    """An ordering that refuses booleans (``true < 2`` is Python's ``1 < 2``, not JSON's)."""

    def ordered(left: Any, right: Any) -> bool:
        if isinstance(left, bool) or isinstance(right, bool):
            raise TypeError("true and false have no order")
        try:
            return compare(left, right)
        except TypeError:
            raise _cannot(symbol, left, right) from None

    return ordered


_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: _json_equal,
    ast.NotEq: lambda left, right: not _json_equal(left, right),
    ast.Lt: _ordered(operator.lt, "<"),
    ast.LtE: _ordered(operator.le, "<="),
    ast.Gt: _ordered(operator.gt, ">"),
    ast.GtE: _ordered(operator.ge, ">="),
}
_OPERATOR_SYMBOLS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//"}


_SYMBOLS: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}


@dataclass(frozen=True)
class Comparison:
    """A payload field compared directly with a number written in the formula
    (``startTime >= 30``, ``30 <= startTime``)."""

    field: str
    op: str
    """The comparison as written (``>=``)."""
    number: int | float
    number_offset: int
    """Where the number is: its 0-based character offset in the text as written."""
    field_first: bool
    """Whether the field is on the left of ``op``."""
    divisor: float = 1
    """What the field is divided by before the comparison (``floor(startTime / 1000) >= 30``
    compares seconds: 1000), 1 when it is compared as it is."""
    written: str = ""
    """The field's side as written (``floor(startTime / 1000)``)."""


def _scaled_field(node: ast.expr) -> tuple[str, float] | None:
    """The field ``node`` reads and what it divides it by: ``startTime`` (1),
    ``startTime / 1000``, ``floor(startTime // 1000)`` (1000); None for anything else."""
    if isinstance(node, ast.Name):
        return None if node.id in _CONSTANTS else (node.id, 1)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ("floor", "ceil", "round")
        and len(node.args) == 1
    ):
        return _scaled_field(node.args[0])
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div | ast.FloorDiv):
        inner, by = _scaled_field(node.left), _number(node.right)
        if inner is not None and by is not None and by > 0:
            return inner[0], inner[1] * by
    return None


def _number(node: ast.expr) -> int | float | None:
    """The number ``node`` writes (``30``, ``-30``), else None."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if not isinstance(node, ast.Constant) or isinstance(node.value, bool):
        return None
    return sign * node.value if isinstance(node.value, int | float) else None


class FormulaError(ValueError):
    """An expression that is not in the language; ``column`` is 1-based inside the text (on
    ``line``), ``offset`` the 0-based character offset in the text as written."""

    def __init__(self, message: str, column: int = 1, line: int = 1):
        super().__init__(message)
        self.column = column
        self.line = line
        self.offset: int = column - 1
        """Where the error is in the text given to ``parse_formula`` (0-based characters)."""


class _AbsentError(Exception):
    """A field the payload leaves out."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


def _path(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of names, else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _path(node.value)
        return f"{head}.{node.attr}" if head is not None else None
    return None


def _check(node: ast.AST) -> None:
    """Refuse every node the language does not have (``FormulaError`` at its column)."""
    column = getattr(node, "col_offset", 0) + 1  # in UTF-8 bytes: parse_formula converts it
    line = getattr(node, "lineno", 1)
    if isinstance(node, ast.Expression):
        _check(node.body)
    elif isinstance(node, ast.Constant):
        if not isinstance(node.value, int | float | str) and node.value is not None:
            raise FormulaError(f"{node.value!r} is not a value the language has", column, line)
        if isinstance(node.value, float) and not math.isfinite(node.value):  # 1e400: infinity
            raise FormulaError(
                "this number is infinite (past 1.8e308): write a smaller one", column, line
            )
    elif isinstance(node, ast.Name | ast.Attribute):
        path = _path(node)
        if path is None:
            raise FormulaError("only field names may be read with '.'", column, line)
        if any(part.startswith("_") for part in path.split(".")):
            raise FormulaError("field names do not start with '_'", column, line)
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise FormulaError("operators are + - * / // %", column, line)
        _check(node.left)
        _check(node.right)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.Not | ast.USub | ast.UAdd):
            raise FormulaError("unary operators are not and -", column, line)
        _check(node.operand)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            _check(value)
    elif isinstance(node, ast.Compare):
        for op in node.ops:
            if type(op) not in _COMPARE:
                raise FormulaError("comparisons are == != < <= > >=", column, line)
        for value in (node.left, *node.comparators):
            _check(value)
    elif isinstance(node, ast.Call):
        name = node.func.id if isinstance(node.func, ast.Name) else None
        known = (*_FUNCTIONS, "present")
        if name not in known or node.keywords or len(node.args) != 1:
            raise FormulaError(
                f"functions are {', '.join(known)}, each with one argument", column, line
            )
        if name == "present" and _path(node.args[0]) is None:
            raise FormulaError("present takes a field name", column, line)
        _check(node.args[0])
    else:
        raise FormulaError(
            "not part of the expression language (fields, numbers, text, + - * / // %, "
            "comparisons, and/or/not, floor/ceil/round/abs/len/present)",
            column,
            line,
        )


@dataclass(frozen=True)
class Formula:
    """A parsed expression: ``fields`` it reads, ``holds(payload)`` to test it."""

    text: str
    tree: ast.Expression
    lead: int = 0
    """How many characters of the text as written precede ``text`` (stripped blanks)."""

    def _char_offset(self, node: ast.expr) -> int:
        """Where ``node`` starts: its 0-based character offset in the text as written."""
        line = self.text.split("\n")[node.lineno - 1]
        # col_offset counts UTF-8 bytes; the offset is in characters.
        column = len(line.encode("utf-8")[: node.col_offset].decode("utf-8", "ignore"))
        return self.lead + _offset(self.text, node.lineno, column)

    @property
    def field_offsets(self) -> dict[str, int]:
        """Where each field in ``fields`` is first read: its 0-based character offset in the
        text as written (from the parse tree, so a field name inside a quoted text or inside a
        longer name earlier on is not mistaken for it)."""
        fields = set(self.fields)
        first: dict[str, int] = {}
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Name) or node.id not in fields:
                continue
            offset = self._char_offset(node)
            first[node.id] = min(offset, first.get(node.id, offset))
        return first

    def comparisons(self) -> list[Comparison]:
        """Every place a top-level field is compared with a written number, as it is or divided
        by a number (``startTime >= 30``, ``floor(startTime / 1000) >= 30``)."""
        found = []
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Compare):
                continue
            sides = [node.left, *node.comparators]
            for index, op in enumerate(node.ops):
                left, right = sides[index], sides[index + 1]
                for side, other, first in ((left, right, True), (right, left, False)):
                    number = _number(other)
                    scaled = _scaled_field(side)
                    if scaled is not None and number is not None:
                        offset = self._char_offset(other)
                        symbol = _SYMBOLS[type(op)]
                        field, divisor = scaled
                        written = ast.get_source_segment(self.text, side) or ast.unparse(side)
                        found.append(
                            Comparison(field, symbol, number, offset, first, divisor, written)
                        )
        return found

    @property
    def fields(self) -> list[str]:
        """The top-level payload fields the expression reads, in order of first use."""
        seen: list[str] = []
        for node in ast.walk(self.tree):
            name = node.id if isinstance(node, ast.Name) else None
            if name is None or name in seen or name in _CONSTANTS or name in _FUNCTIONS:
                continue
            if name != "present":
                seen.append(name)
        return seen

    def failure(self, payload: Mapping[str, Any]) -> str | None:
        """Why ``payload`` does not satisfy the expression (None when it does)."""
        try:
            value = _eval(self.tree.body, payload)
        except _AbsentError as absent:
            return f"{self.text}: {absent.field} is absent"
        except (TypeError, ValueError, ZeroDivisionError, OverflowError, RecursionError) as exc:
            return f"{self.text}: cannot be computed ({exc})"
        if value is True:
            return None
        shown = ", ".join(
            f"{name}={_shown(payload[name])}" if name in payload else f"{name} absent"
            for name in self.fields
        )
        result = "false" if value is False else f"{_shown(value)}, not true"
        return f"{self.text} is {result}" + (f" ({shown})" if shown else "")


def parse_formula(text: str) -> Formula:
    """Parse ``text`` (``FormulaError`` with a column when it is not in the language)."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("an expression cannot be empty")
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    try:
        tree = ast.parse(stripped, mode="eval")
    except (RecursionError, MemoryError):
        raise FormulaError("the expression is nested too deeply") from None
    except SyntaxError as exc:
        error = FormulaError(f"not an expression: {exc.msg}", (exc.offset or 1) + lead)
        error.offset = lead + _offset(stripped, exc.lineno or 1, (exc.offset or 1) - 1)
        raise error from None
    try:
        _check(tree)
    except RecursionError:
        raise FormulaError("the expression is nested too deeply") from None
    except FormulaError as exc:
        line = stripped.split("\n")[exc.line - 1] if exc.line <= stripped.count("\n") + 1 else ""
        chars = len(line.encode("utf-8")[: exc.column - 1].decode("utf-8", "ignore"))
        exc.offset = lead + _offset(stripped, exc.line, chars)
        raise
    return Formula(stripped, tree, lead)


def _offset(text: str, line: int, column: int) -> int:
    """The 0-based character offset of (1-based ``line``, 0-based character ``column``)."""
    lines = text.split("\n")
    return sum(len(part) + 1 for part in lines[: max(line, 1) - 1]) + column


def _shown(value: Any) -> str:
    """``value`` as JSON for a message (``null``, ``true``, ``"text"``), cut short."""
    return as_json(value, _MAX_SHOWN)


def _arithmetic(op: ast.operator, left: Any, right: Any) -> Any:
    """``left op right``, without Python's text/list repetition and %-formatting (the language
    has neither), without booleans as numbers (``true + 1``), and without numbers too large to
    be a payload value."""
    if isinstance(left, bool) or isinstance(right, bool):
        raise TypeError("true and false are not numbers")
    if isinstance(op, ast.Mult) and (
        isinstance(left, str | list | tuple) or isinstance(right, str | list | tuple)
    ):
        raise TypeError("text and lists cannot be multiplied")
    if isinstance(op, ast.Mod) and isinstance(left, str | list | tuple):
        raise TypeError("% takes numbers")
    try:
        value = _BINARY[type(op)](left, right)
    except TypeError:
        raise _cannot(_OPERATOR_SYMBOLS.get(type(op), "%"), left, right) from None
    if isinstance(value, int) and value.bit_length() > _MAX_INT_BITS:
        raise OverflowError("the number is too large")
    if isinstance(value, float) and not math.isfinite(value):  # 1e308 * 10 > 0 held: no JSON
        raise OverflowError("the result is not a finite number")
    return value


def _boolean(value: Any, word: str) -> bool:
    """``value`` when it is true or false; ``and``/``or``/``not`` take nothing else (0 is not
    false, "" is not false, null is not false)."""
    if not isinstance(value, bool):
        raise TypeError(f"{word} takes true or false, not {_shown(value)}")
    return value


def _read(path: str, payload: Mapping[str, Any]) -> Any:
    value: Any = payload
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            raise _AbsentError(path)
        value = value[part]
    return value


def _eval(node: ast.expr, payload: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and node.id in _CONSTANTS and node.id not in payload:
        return _CONSTANTS[node.id]
    if isinstance(node, ast.Name | ast.Attribute):
        return _read(_path(node) or "", payload)
    if isinstance(node, ast.BinOp):
        return _arithmetic(node.op, _eval(node.left, payload), _eval(node.right, payload))
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, payload)
        if isinstance(node.op, ast.Not):
            return not _boolean(operand, "not")
        if isinstance(operand, bool):
            raise TypeError("true and false are not numbers")
        return -operand if isinstance(node.op, ast.USub) else +operand
    if isinstance(node, ast.BoolOp):
        word = "and" if isinstance(node.op, ast.And) else "or"
        for value in node.values:  # short-circuit: ``present(a) and a > 1`` reads a only if there
            if _boolean(_eval(value, payload), word) is (word == "or"):
                return word == "or"
        return word == "and"
    if isinstance(node, ast.Compare):
        left = _eval(node.left, payload)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _eval(right_node, payload)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        if node.func.id == "present":
            try:
                _read(_path(node.args[0]) or "", payload)
            except _AbsentError:
                return False
            return True
        argument = _eval(node.args[0], payload)
        name = node.func.id
        takes = "text, a list or a mapping" if name == "len" else "a number"
        if isinstance(argument, bool):
            raise TypeError(f"{name} takes {takes}, not {_shown(argument)}")
        try:
            return _FUNCTIONS[name](argument)
        except TypeError:
            raise TypeError(f"{name} takes {takes}, not {_shown(argument)}") from None
    raise TypeError("unsupported expression")  # _check refused it already
