"""Loading a scenario file: YAML with line numbers, validation, and messages a tester can act on.

Every problem becomes ``file:line:column: what was expected`` (``ScenarioFileError``, an
``InputFileError``: exit code 2, no traceback). The checks run in this order:

1. YAML syntax (with YAML 1.2 scalars, duplicate keys refused);
2. the shape of each step (a known step name, one step per list item, modifiers that fit);
3. pydantic validation of every value;
4. cross-checks: names given with ``as`` before ``on`` uses them, matchers, payload keys, the
   tenant.

Each stage is a module: ``shapes``, ``validation_errors``, ``cross_checks`` (messages'
wording: ``wording``); the YAML with positions is ``source``.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from simulator.data import InputFileError, Tenant, load_tenant
from simulator.data.as_written import place_text, retyped, retyped_problem
from simulator.data.bounded_yaml import (
    MAX_FILE_BYTES,
    FileTooLargeError,
    not_utf8,
    read_limited,
    unreadable,
)
from simulator.file_args import not_a_file
from simulator.scenarios.cross_checks import _cross_check
from simulator.scenarios.errors import Problem, ScenarioFileError
from simulator.scenarios.model import Scenario
from simulator.scenarios.shapes import _check_step_shapes
from simulator.scenarios.source import (
    Mark,
    MarkedDict,
    YamlSyntaxError,
    key_mark,
    locate,
    parse_yaml,
)
from simulator.scenarios.validation_errors import _path_text, _pydantic_problems
from simulator.scenarios.wording import _kind

__all__ = ["ScenarioFile", "load_scenario", "parse_scenario"]


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
        """The scenario's title: its ``name``, else the file name. Without the spaces and line
        breaks around it: ``name: >`` ends the name with one."""
        return (self.scenario.name or "").strip() or Path(self.path).stem

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
    except UnicodeDecodeError as exc:
        line, column, message = not_utf8(exc)
        mark = None if line is None or column is None else Mark(line, column)
        raise ScenarioFileError([Problem(shown, mark, message)]) from None
    except IsADirectoryError:  # ``adsim run fixtures/scenarios/``: the docs pass *.yaml
        pattern = Path(path) / "*.yaml"
        raise ScenarioFileError(
            [Problem(shown, None, f"is a folder; give the scenario files in it ({pattern})")]
        ) from None
    except OSError as exc:
        reason = unreadable(exc, path)
        if shown == "-" and isinstance(exc, FileNotFoundError):  # ``cat flow.yaml | adsim run -``
            reason += "; for the standard input give /dev/stdin"
        raise ScenarioFileError(
            [Problem(shown, None, f"cannot read the scenario file: {reason}")]
        ) from None
    return parse_scenario(text, shown, base_dir=Path(path).parent)


def parse_scenario(
    text: str, path: str = "<scenario>", *, base_dir: str | Path | None = None
) -> ScenarioFile:
    """Validate scenario text; ``path`` names it in messages, ``base_dir`` resolves ``tenant``.

    The cyclic garbage collector is paused meanwhile: reading a file makes objects that all
    live on (its nodes, values and marks) and no cycles to collect, and the collector walked
    them again and again (a 4 MB scenario: 16 s to load with it, 6.6 s without)."""
    collecting = gc.isenabled()
    if collecting:
        gc.disable()
    try:
        return _parse_scenario(text, path, base_dir)
    finally:
        if collecting:
            gc.enable()


def _parse_scenario(text: str, path: str, base_dir: str | Path | None) -> ScenarioFile:
    try:
        raw = parse_yaml(text)
    except YamlSyntaxError as exc:
        message = exc.message if exc.refused else f"not valid YAML: {exc.message}"
        raise ScenarioFileError(
            [Problem(path, exc.mark, message + _not_a_scenario(path))]
        ) from None
    problems: list[Problem] = []

    def problem(mark: Mark | None, message: str) -> None:
        problems.append(Problem(path, mark, message))

    if raw is None:
        problem(
            Mark(1, 1), "the file is empty: a scenario is a mapping with name:, seed: and steps:"
        )
        raise ScenarioFileError(problems)
    if not isinstance(raw, MarkedDict):  # what the YAML loader makes of every mapping
        hint = ""
        if isinstance(raw, list):
            hint = " (a list of steps goes under steps:)"
        problem(
            getattr(raw, "mark", Mark(1, 1)),
            f"a scenario is a mapping with name:, seed: and steps:, not {_kind(raw)}{hint}"
            f"{_not_a_scenario(path)}",
        )
        raise ScenarioFileError(problems)

    if "services" in raw and "steps" not in raw:  # ``adsim run tenant.yaml``: ten lines said
        problem(  # every tenant key was unknown, as if the scenario were misspelt
            key_mark(raw, (), "services"),
            "this is a tenant file (services:), not a scenario: give it with --tenant FILE, "
            "or name it in a scenario's tenant:",
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
    for where, written, value in retyped(scenario, raw):  # ``seed: "1_0"`` was seed 10
        text, _step = _path_text(where)
        problem(locate(raw, where), retyped_problem(written, value, f"{text}: " if text else ""))
    if problems:
        raise ScenarioFileError(problems)

    _cross_check(scenario, raw, problem)
    tenant = _tenant(scenario, raw, path, base_dir, problem)
    handler_paths = _handler_paths(scenario, raw, base_dir, problem)
    if problems or tenant is None:
        raise ScenarioFileError(problems)
    return ScenarioFile(path, scenario, raw, tenant, handler_paths)


_OTHER_FILES = {
    ".py": "a .py file is a handler: give it with --handler",
    ".mjs": "a JavaScript module is a handler: give it with --js-handler",
    ".js": "a JavaScript module is a handler: give it with --js-handler",
    ".jsonl": "JSON lines are what adsim writes, events or records, not a scenario",
}
"""What a file that is no YAML is, by its suffix: a scenario's place got another file."""


def _not_a_scenario(path: str) -> str:
    """``; <what the file is>`` for a file no scenario is (a handler ...), else nothing."""
    hint = _OTHER_FILES.get(Path(path).suffix.lower())
    return f" ({hint})" if hint else ""


def _empty_folder(folder: Path) -> str | None:
    """Why a ``handlers:`` folder would load nothing, or None when it has plugins."""
    from simulator.handlers.plugins import NO_PLUGINS, plugin_files  # only for a folder

    return None if plugin_files(folder) else f"{str(folder)!r}: {NO_PLUGINS}"


def _handler_paths(
    scenario: Scenario, raw: MarkedDict, base_dir: str | Path | None, problem: Any
) -> list[Path]:
    found = []
    for index, name in enumerate(scenario.handlers):
        if not name:  # the scenario's own folder to pathlib: every *.py beside it would load
            problem(
                locate(raw, ("handlers", index)),
                "an empty handler path: give a file or folder, relative to the scenario file",
            )
            continue
        handler = Path(name)
        if not handler.is_absolute() and base_dir is not None:
            handler = Path(base_dir) / handler
        if not handler.exists():
            problem(
                locate(raw, ("handlers", index)),
                f"no handler file or folder {str(handler)!r} (the path is relative to the "
                "scenario file)",
            )
        elif (not_file := not_a_file(handler)) is not None:  # a pipe: its import waited 10 s
            problem(locate(raw, ("handlers", index)), f"{str(handler)!r}: {not_file}")
        elif handler.is_dir() and (empty := _empty_folder(handler)) is not None:
            problem(locate(raw, ("handlers", index)), empty)
        elif not handler.is_dir() and handler.suffix != ".py":  # said with no line, mid-run
            problem(
                locate(raw, ("handlers", index)),
                f"{str(handler)!r} is no handler: a handler is a .py file with "
                "register(ad_api), or a folder of them (a JavaScript module goes to --js-handler)",
            )
        found.append(handler)
    return found


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
            tenant = Tenant.model_validate(spec)
        except ValidationError as exc:
            for mark, message in _pydantic_problems(exc, raw, set(), within=("tenant",))[:10]:
                problem(mark, message)
            return None
        changed = retyped(tenant, spec)
        for where, written, value in changed:
            label = place_text(("tenant", *where))
            problem(locate(raw, ("tenant", *where)), retyped_problem(written, value, label))
        return None if changed else tenant
    if not spec:
        problem(
            locate(raw, ("tenant",)),
            "an empty tenant path: give the tenant file, relative to the scenario file",
        )
        return None
    tenant_path = Path(spec)
    if not tenant_path.is_absolute() and base_dir is not None:
        tenant_path = Path(base_dir) / tenant_path
    if tenant_path.is_dir():  # it is there: "no tenant file" sent the user looking for it
        problem(
            locate(raw, ("tenant",)),
            f"{str(tenant_path)!r} is a folder: give the tenant file (a .yaml) in it",
        )
        return None
    if not tenant_path.exists():  # a device or a pipe is there: read as --tenant reads it
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
