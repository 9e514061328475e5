"""Loading a scenario file: YAML with line numbers, validation, and messages a tester can act on.

Every problem becomes ``file:line:column: what was expected`` (``ScenarioFileError``, an
``InputFileError``: exit code 2, no traceback). The checks run in this order:

1. YAML syntax (with YAML 1.2 scalars, duplicate keys refused);
2. the shape of each step (a known step name, one step per list item, modifiers that fit);
3. pydantic validation of every value;
4. cross-checks: names given with ``as`` before ``on`` uses them, matchers, payload keys, the
   tenant.
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from simulator.contract import InteractionData, models_5_24_1, models_2026
from simulator.data import InputFileError, Tenant, load_tenant
from simulator.data.bounded_yaml import MAX_FILE_BYTES, FileTooLargeError, read_limited
from simulator.scenarios.errors import Problem, ScenarioFileError
from simulator.scenarios.formula import FormulaError, parse_formula
from simulator.scenarios.matching import check_matcher, interaction_names
from simulator.scenarios.model import (
    MODIFIERS,
    STEP_TYPES,
    ExpectSpec,
    Scenario,
    StepModel,
)
from simulator.scenarios.source import (
    Mark,
    MarkedDict,
    MarkedList,
    YamlSyntaxError,
    key_mark,
    locate,
    parse_yaml,
)

__all__ = ["ScenarioFile", "load_scenario", "parse_scenario"]

_NAMING = ("call", "chat", "email", "dial", "consult", "start_chat")
_INTERACTION_EVENTS = frozenset(
    {
        "ON_NEW_INTERACTION",
        "ON_INTERACTION_STATE_CHANGE",
        "ON_INTERACTION_REMOVED",
        "ON_SAVE_ACTIVITY_RECORD",
    }
)
_PAYLOAD_KEYS = tuple((info.alias or name) for name, info in InteractionData.model_fields.items())


def _keys(model: type) -> tuple[str, ...]:
    return tuple((info.alias or name) for name, info in model.model_fields.items())


# The payload keys of each adApi version (interaction events; the activity record from 5.24.1).
_VERSION_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "5.19": (_PAYLOAD_KEYS, _PAYLOAD_KEYS),
    "5.24.1": (
        _keys(models_5_24_1.InteractionData),
        _keys(models_5_24_1.InteractionActivityData),
    ),
    "2026": (_keys(models_2026.InteractionData), _keys(models_2026.InteractionActivityData)),
}


_ALL_KEYS = frozenset(key for pair in _VERSION_KEYS.values() for keys in pair for key in keys)


def _payload_keys(spec: ExpectSpec) -> tuple[str, ...]:
    """The keys an expectation may name: those of every version it is checked in."""
    save = spec.event is not None and spec.event.value == "ON_SAVE_ACTIVITY_RECORD"
    keys: dict[str, None] = {}
    for version in spec.api_version or _VERSION_KEYS:
        keys.update(dict.fromkeys(_VERSION_KEYS[version][1 if save else 0]))
    return tuple(keys)


@dataclass
class ScenarioFile:
    """A validated scenario with the file it came from (for ``file:line:column`` messages)."""

    path: str
    scenario: Scenario
    raw: Any = field(repr=False)
    """The YAML as loaded, with marks."""
    tenant: Tenant = field(repr=False)
    handler_paths: list[Path] = field(default_factory=list)
    """The scenario's ``handlers``, resolved against its folder."""

    @property
    def name(self) -> str:
        """The scenario's title: its ``name``, else the file name."""
        return self.scenario.name or Path(self.path).stem

    def mark(self, *path: Any) -> Mark | None:
        """Where the value at ``path`` (from the top of the file) starts."""
        return locate(self.raw, path)

    def step_mark(self, index: int, *path: Any) -> Mark | None:
        """Where step ``index`` (or a value inside it) starts."""
        return locate(self.raw, ("steps", index, *path))

    def where(self, mark: Mark | None) -> str:
        """``file:line:column`` of a mark."""
        if mark is None:
            return self.path
        return f"{self.path}:{mark.line}:{mark.column}"


def load_scenario(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> ScenarioFile:
    """Read, validate and cross-check a scenario file (``ScenarioFileError`` when it cannot run).

    A file longer than ``max_bytes`` (10 MB by default) is refused before it is read.
    """
    shown = str(path)
    try:
        text = read_limited(path, max_bytes)
    except FileTooLargeError as exc:
        raise ScenarioFileError(
            [Problem(shown, None, f"{exc}; raise it with --max-scenario-size if it is meant")]
        ) from None
    except UnicodeDecodeError:
        raise ScenarioFileError(
            [Problem(shown, None, "not a text file (UTF-8 expected)")]
        ) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ScenarioFileError(
            [Problem(shown, None, f"cannot read the scenario file: {reason}")]
        ) from None
    return parse_scenario(text, shown, base_dir=Path(path).parent)


def parse_scenario(
    text: str, path: str = "<scenario>", *, base_dir: str | Path | None = None
) -> ScenarioFile:
    """Validate scenario text; ``path`` names it in messages, ``base_dir`` resolves ``tenant``."""
    try:
        raw = parse_yaml(text)
    except YamlSyntaxError as exc:
        raise ScenarioFileError(
            [
                Problem(
                    path, exc.mark, exc.message if exc.refused else f"not valid YAML: {exc.message}"
                )
            ]
        ) from None
    problems: list[Problem] = []

    def problem(mark: Mark | None, message: str) -> None:
        problems.append(Problem(path, mark, message))

    if raw is None:
        problem(
            Mark(1, 1), "the file is empty: a scenario is a mapping with name:, seed: and steps:"
        )
        raise ScenarioFileError(problems)
    if not isinstance(raw, dict):
        hint = ""
        if isinstance(raw, list):
            hint = " (a list of steps goes under steps:)"
        problem(
            getattr(raw, "mark", Mark(1, 1)),
            f"a scenario is a mapping with name:, seed: and steps:, not {_kind(raw)}{hint}",
        )
        raise ScenarioFileError(problems)

    raw.source_text = text
    bad_steps = _check_step_shapes(raw, problem)
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        for mark, message in _pydantic_problems(exc, raw, bad_steps):
            problem(mark, message)
        raise ScenarioFileError(problems) from None
    if problems:
        raise ScenarioFileError(problems)

    _cross_check(scenario, raw, problem)
    tenant = _tenant(scenario, raw, path, base_dir, problem)
    handler_paths = _handler_paths(scenario, raw, base_dir, problem)
    if problems or tenant is None:
        raise ScenarioFileError(problems)
    return ScenarioFile(path, scenario, raw, tenant, handler_paths)


def _handler_paths(
    scenario: Scenario, raw: MarkedDict, base_dir: str | Path | None, problem: Any
) -> list[Path]:
    found = []
    for index, name in enumerate(scenario.handlers):
        handler = Path(name)
        if not handler.is_absolute() and base_dir is not None:
            handler = Path(base_dir) / handler
        if not handler.exists():
            problem(
                locate(raw, ("handlers", index)),
                f"no handler file or folder {str(handler)!r} (the path is relative to the "
                "scenario file)",
            )
        found.append(handler)
    return found


# ---------------------------------------------------------------------- describing values


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _suggest(word: Any, choices: Sequence[str]) -> str:
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean `{close[0]}`?)" if close else ""


def _fields_of(model: type[BaseModel]) -> list[str]:
    return [(info.alias or name) for name, info in model.model_fields.items()]


def _step_usage(model: type[StepModel]) -> str:
    return f"e.g. `{model.example}`" if model.example else ""


# ---------------------------------------------------------------------- step shapes


def _check_step_shapes(raw: MarkedDict, problem: Any) -> set[int]:
    """Check each step is a known name or a one-step mapping; returns the indexes that are not."""
    steps = raw.get("steps")
    if not isinstance(steps, MarkedList):
        return set()
    bad: set[int] = set()
    names = list(STEP_TYPES)
    for index, item in enumerate(steps):
        mark = steps.item_marks[index]
        if isinstance(item, str):
            model = STEP_TYPES.get(item)
            if model is None:
                problem(
                    mark,
                    f"unknown step `{item}`{_suggest(item, names)}; steps: " + ", ".join(names),
                )
                bad.add(index)
            elif not model.bare:
                problem(mark, f"`{item}` needs a value, {_step_usage(model)}")
                bad.add(index)
            continue
        if not isinstance(item, MarkedDict):
            problem(
                mark,
                f"a step is a name (`- accept`) or a mapping (`- call: Sales`), not {_kind(item)}",
            )
            bad.add(index)
            continue
        keys = list(item)
        step_keys = [k for k in keys if isinstance(k, str) and k in STEP_TYPES]
        if not step_keys:
            unknown = [k for k in keys if k not in MODIFIERS]
            if unknown:
                word = unknown[0]
                problem(
                    item.key_marks.get(word, mark),
                    f"unknown step `{word}`{_suggest(word, names)}; steps: " + ", ".join(names),
                )
            else:
                problem(mark, "this item has only modifiers (on, as, expect_error): add a step")
            bad.add(index)
            continue
        if len(step_keys) > 1:
            second = step_keys[1]
            problem(
                item.key_marks.get(second, mark),
                f"two steps in one item (`{step_keys[0]}` and `{second}`): start each step "
                "with '- ' on its own line",
            )
            bad.add(index)
            continue
        model = STEP_TYPES[step_keys[0]]
        allowed = set(model.model_fields) - {model.key, "as_"} | (
            {"as"} if "as_" in model.model_fields else set()
        )
        for key in keys:
            if key == model.key or key in allowed:
                continue
            key_at = item.key_marks.get(key, mark)
            if key == "as":
                problem(
                    key_at,
                    f"`as:` names an interaction a step creates: only on "
                    f"{', '.join(_NAMING)}, not on `{model.key}`",
                )
            elif key == "on":
                problem(
                    key_at,
                    f"`{model.key}` does not take `on:`"
                    + (
                        " (it acts on the active call)"
                        if model.key in ("consult", "transfer")
                        else ""
                    ),
                )
            elif key == "expect_error":
                problem(key_at, f"`{model.key}` cannot fail, so it takes no expect_error")
            else:
                beside = sorted(allowed) or ["nothing"]
                problem(
                    key_at,
                    f"unknown key `{key}` beside `{model.key}`{_suggest(key, list(STEP_TYPES))}"
                    f"; beside a step may go: {', '.join(beside)} (one step per '- ' item)",
                )
            bad.add(index)
    return bad


# ---------------------------------------------------------------------- pydantic errors

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
    "none_required": "nothing",
}
_BRANCH = re.compile(r"^(str|int|float|bool|none|list\[.*|dict\[.*|literal\[.*|[A-Z]\w*)$")


def _branch_fits(marker: str, node: Any) -> bool:
    """Whether a union branch named ``marker`` (in a pydantic location) is meant for ``node``."""
    if isinstance(node, dict):
        return marker.startswith("dict[") or (marker[0].isupper() and "[" not in marker)
    if isinstance(node, list):
        return marker.startswith("list[")
    if node is None:
        return marker == "none"
    if isinstance(node, bool):
        return marker in ("bool",) or marker.startswith("literal[")
    if isinstance(node, str):
        return marker == "str" or marker.startswith("literal[") or marker[0].isupper()
    if isinstance(node, int | float):
        return marker in ("int", "float", "str") or marker[0].isupper()
    return True


def _walk(raw: Any, loc: Sequence[Any]) -> tuple[list[Any], list[str], Any, bool]:
    """Follow a pydantic location through the raw data: the real path, the union branches taken,
    the node reached, and whether every branch fits the data it was tried on."""
    node = raw
    real: list[Any] = []
    branches: list[str] = []
    fits = True
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            real.append(part)
            node = node[part]
        elif isinstance(part, str) and part not in STEP_TYPES and _BRANCH.match(part):
            branches.append(part)
            if not _branch_fits(part, node):
                fits = False
        # anything else is a tag or a key that is missing: skip it
    return real, branches, node, fits


def _model_at(real: Sequence[Any], raw: Any) -> type[BaseModel] | None:
    """The model class that validates the value at ``real`` (best effort, for key hints)."""
    current: Any = Scenario
    node = raw
    for part in real:
        model = _as_model(current, node)
        if model is Scenario and part == "steps":
            current = "steps"
        elif current == "steps":
            from simulator.scenarios.model import step_key

            key = step_key(node[part]) if isinstance(node, list) else None
            current = STEP_TYPES.get(key) if key else None
        elif model is not None:
            fields = {(info.alias or name): info for name, info in model.model_fields.items()}
            info = fields.get(part)
            current = info.annotation if info is not None else None
        else:
            current = _item_type(current)
        node = node[part] if isinstance(node, dict | list) else None
        if current is None:
            return None
    return _as_model(current, node)


def _item_type(annotation: Any) -> Any:
    for arg in typing.get_args(annotation):
        inner = _item_type(arg) if typing.get_origin(arg) is not None else None
        if typing.get_origin(arg) in (list, dict):
            return typing.get_args(arg)[-1]
        if inner is not None:
            return inner
    if typing.get_origin(annotation) in (list, dict):
        return typing.get_args(annotation)[-1]
    return None


def _as_model(annotation: Any, node: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel) and isinstance(node, dict):
            return arg
    return None


def _pydantic_problems(
    exc: ValidationError, raw: MarkedDict, bad_steps: set[int]
) -> list[tuple[Mark | None, str]]:
    walked = []
    for error in exc.errors(include_url=False):
        loc = error["loc"]
        if len(loc) >= 2 and loc[0] == "steps" and loc[1] in bad_steps:
            continue
        real, _branches, node, fits = _walk(raw, loc)
        if error["type"] == "extra_forbidden" and real and real[-1] == loc[-1]:
            real = real[:-1]
        walked.append((error, tuple(real), node, fits))
    fitting_paths = [real for _e, real, _n, fits in walked if fits]
    grouped: dict[tuple[Any, ...], list[tuple[dict[str, Any], bool, Any]]] = {}
    for error, real, node, fits in walked:
        # A union branch that does not fit the data (the list form of a mapping ...) is noise
        # when another branch got further into the same value.
        if not fits and any(path[: len(real)] == real for path in fitting_paths):
            continue
        if error["type"] in ("missing", "extra_forbidden"):
            real_key: tuple[Any, ...] = (*real, ("key", error["loc"][-1]))
        else:
            real_key = real
        grouped.setdefault(real_key, []).append((error, fits, node))
    out: list[tuple[Mark | None, str]] = []
    for real_key, errors in grouped.items():
        fitting = [e for e in errors if e[1]] or errors
        out.append(_one_problem(raw, real_key, fitting))
    return out


def _path_text(real: Sequence[Any]) -> tuple[str, type[StepModel] | None]:
    """``call.customer.phone`` for a location inside step ``call``, and that step's model."""
    parts = list(real)
    model: type[StepModel] | None = None
    if len(parts) >= 2 and parts[0] == "steps":
        parts = parts[2:]
        if parts and isinstance(parts[0], str) and parts[0] in STEP_TYPES:
            model = STEP_TYPES[parts[0]]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text, model


def _one_problem(
    raw: MarkedDict, real_key: tuple[Any, ...], errors: list[tuple[dict[str, Any], bool, Any]]
) -> tuple[Mark | None, str]:
    error, _fits, node = errors[0]
    kind = error["type"]
    if real_key and isinstance(real_key[-1], tuple) and real_key[-1][0] == "key":
        real = real_key[:-1]
        key = real_key[-1][1]
        where, step = _path_text(real)
        model = _model_at(real, raw)
        if kind == "extra_forbidden":
            choices = _fields_of(model) if model is not None else []
            hint = f"; expected one of: {', '.join(choices)}" if choices else ""
            if key in MODIFIERS and step is not None:
                hint = (
                    f"; modifiers go beside the step's key, not inside its value:\n"
                    f"    - {step.key}: ...\n      {key}: ..."
                )
            inside = f" in `{where}`" if where else ""
            return key_mark(raw, real, key), (
                f"unknown key `{key}`{inside}{_suggest(key, choices)}{hint}"
            )
        inside = f" in `{where}`" if where else ""
        usage = f", {_step_usage(step)}" if step is not None else ""
        return locate(raw, real), f"`{key}` is required{inside}{usage}"

    real = list(real_key)
    where, step = _path_text(real)
    mark = locate(raw, real)
    label = f"{where}: " if where else ""
    expected: list[str] = []
    for err, _f, _n in errors:
        text = _EXPECTED.get(err["type"])
        if text is None:
            continue
        if err["type"] in ("model_type", "dict_type", "model_attributes_type"):
            model = _model_at(real, raw) if not real or real[-1] else None
            if model is None:
                model = _spec_of_union(real, raw)
            if model is not None:
                short = getattr(model, "short_help", "")
                fields = ", ".join(_fields_of(model))
                text = (f"{short} or " if short else "") + f"a mapping with {fields}"
        if text not in expected:
            expected.append(text)
    if expected:
        usage = ""
        if step is not None and len(real) <= 3:
            usage = f" ({_step_usage(step)})"
        return mark, f"{label}expected {' or '.join(expected)}, got {_kind(node)}{usage}"
    if kind in ("literal_error", "enum"):
        choices = re.findall(r"'([^']*)'", error.get("ctx", {}).get("expected", ""))
        listed = ", ".join(choices[:8]) + (", ..." if len(choices) > 8 else "")
        return mark, (
            f"{label}expected one of {listed}, got {_kind(node)}{_suggest(node, choices)}"
        )
    message = error["msg"]
    message = message.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return mark, f"{label}{message}"


def _spec_of_union(real: Sequence[Any], raw: Any) -> type[BaseModel] | None:
    """The spec model of a step's value (``call`` -> ``CallSpec``) when the value is wrong."""
    where, step = _path_text(real)
    if step is None or where != step.key:
        return None
    annotation = step.model_fields[step.key].annotation
    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


# ---------------------------------------------------------------------- cross-checks


def _cross_check(scenario: Scenario, raw: MarkedDict, problem: Any) -> None:
    named: dict[str, int] = {}

    def use(name: str | None, path: tuple[Any, ...]) -> None:
        """``name`` (at ``path`` from the top of the file) must be given earlier with ``as``."""
        if name is None or name in named:
            return
        hint = f"; names so far: {', '.join(named)}" if named else "; no interaction is named yet"
        problem(
            locate(raw, path),
            f"no interaction is named `{name}`: name it first with `as: {name}` on a "
            f"{', '.join(_NAMING)} step{_suggest(name, list(named))}{hint}",
        )

    for index, step in enumerate(scenario.steps):
        at = ("steps", index)
        use(step.target, (*at, "on"))
        if step.key == "switch":
            use(step.value, (*at, "switch"))
        if step.key == "expect":
            many = isinstance(step.value, list)
            specs = step.value if many else [step.value]
            for number, spec in enumerate(specs):
                inner = (*at, "expect", number) if many else (*at, "expect")
                _check_expect(spec, raw, inner, problem, use)
        given = step.name_given
        if given is not None:
            if given in named:
                first = locate(raw, ("steps", named[given], "as"))
                problem(
                    locate(raw, (*at, "as")),
                    f"the name `{given}` is already given on line {first.line if first else '?'}"
                    ": give each interaction its own name",
                )
            else:
                named[given] = index


def _check_expect(
    spec: ExpectSpec, raw: MarkedDict, at: tuple[Any, ...], problem: Any, use: Any
) -> None:
    use(spec.on, (*at, "on"))
    matchers: list[tuple[tuple[Any, ...], Any]] = []
    if spec.payload is not None:
        matchers += [(("payload", key), value) for key, value in spec.payload.items()]
    if spec.args is not None:
        matchers += [(("args", index), value) for index, value in enumerate(spec.args)]
    if spec.handler is not None and spec.handler.result is not None:
        matchers.append((("handler", "result"), spec.handler.result))
    if spec.api is not None:
        matchers += [(("api", "args", i), value) for i, value in enumerate(spec.api.args or [])]
        if spec.api.data is not None:
            matchers.append((("api", "data"), spec.api.data))
    if spec.answer is not None:
        matchers.append((("answer",), spec.answer))
    if spec.satisfies is not None:
        _check_formula(spec, raw, at, problem)
    for path, value in matchers:
        for inner, message in check_matcher(value):
            problem(locate(raw, (*at, *path, *inner)), message)
        for inner, name in interaction_names(value):
            use(name, (*at, *path, *inner))
    if spec.event is not None and spec.event.value in _INTERACTION_EVENTS:
        keys = [("payload", key) for key in (spec.payload or {})]
        keys += [("present", i) for i in range(len(spec.present))]
        keys += [("absent", i) for i in range(len(spec.absent))]
        known = _payload_keys(spec)
        for path in keys:
            key = path[1] if path[0] == "payload" else getattr(spec, path[0])[path[1]]
            if key in known or (path[0] == "absent" and key in _ALL_KEYS):
                continue  # (a later version's key is absent from an earlier one's payload)
            if key in _ALL_KEYS:
                versions = ", ".join(spec.api_version or ())
                problem(
                    locate(raw, (*at, *path)),
                    f"`{key}` is not in the {spec.event} payload of adApi {versions}: "
                    "check api_version: of this expect",
                )
                continue
            if key not in _PAYLOAD_KEYS:
                mark = (
                    key_mark(raw, (*at, "payload"), key)
                    if path[0] == "payload"
                    else locate(raw, (*at, *path))
                )
                problem(
                    mark,
                    f"`{key}` is not a key of InteractionData{_suggest(key, _PAYLOAD_KEYS)}; "
                    f"keys: {', '.join(_PAYLOAD_KEYS)}",
                )


def _check_formula(spec: ExpectSpec, raw: MarkedDict, at: tuple[Any, ...], problem: Any) -> None:
    """``satisfies`` must parse, and read fields the event's payload has: errors point at the
    character inside the expression."""
    text = spec.satisfies or ""
    mark = locate(raw, (*at, "satisfies"))
    try:
        formula = parse_formula(text)
    except FormulaError as exc:
        problem(_inside(mark, raw, (*at, "satisfies"), exc.column), f"satisfies: {exc}")
        return
    if spec.event is None or spec.event.value not in _INTERACTION_EVENTS:
        return
    for name in formula.fields:
        if name not in _PAYLOAD_KEYS:
            column = text.find(name) + 1
            problem(
                _inside(mark, raw, (*at, "satisfies"), column),
                f"satisfies: `{name}` is not a key of InteractionData"
                f"{_suggest(name, _PAYLOAD_KEYS)}",
            )


def _inside(mark: Mark | None, raw: MarkedDict, path: tuple[Any, ...], column: int) -> Mark | None:
    """The mark of character ``column`` (1-based) of a one-line text value at ``path``."""
    if mark is None:
        return None
    quoted = getattr(raw, "source_text", None)
    shift = 0
    if isinstance(quoted, str):
        lines = quoted.splitlines()
        if 0 < mark.line <= len(lines):
            line = lines[mark.line - 1]
            if mark.column - 1 < len(line) and line[mark.column - 1] in "'\"":
                shift = 1
    return Mark(mark.line, mark.column + shift + column - 1)


def _tenant(
    scenario: Scenario,
    raw: MarkedDict,
    path: str,
    base_dir: str | Path | None,
    problem: Any,
) -> Tenant | None:
    spec = scenario.tenant
    if spec is None:
        return _default_tenant()
    if isinstance(spec, dict):
        try:
            return Tenant.model_validate(spec)
        except ValidationError as exc:
            for error in exc.errors(include_url=False)[:10]:
                loc = ("tenant", *error["loc"])
                where = ".".join(str(part) for part in error["loc"])
                problem(locate(raw, loc), f"tenant.{where}: {error['msg']}")
            return None
    tenant_path = Path(spec)
    if not tenant_path.is_absolute() and base_dir is not None:
        tenant_path = Path(base_dir) / tenant_path
    if not tenant_path.is_file():
        problem(
            locate(raw, ("tenant",)),
            f"no tenant file {str(tenant_path)!r} (the path is relative to the scenario file)",
        )
        return None
    try:
        return load_tenant(tenant_path)
    except InputFileError as exc:
        problem(locate(raw, ("tenant",)), f"the tenant file is not usable: {exc}")
        return None


_DEFAULT: list[Tenant] = []


def _default_tenant() -> Tenant:
    # The built-in tenant is immutable (frozen models): parse it once per process.
    if not _DEFAULT:
        _DEFAULT.append(load_tenant())
    return _DEFAULT[0]
