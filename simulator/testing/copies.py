"""A test that failed with its handler plugins in processes of their own
(``handler_isolation="process"``) on a line that reads its handler's module as the test's
process imported it (``assert len(crm_handler.RECORDS) == 1``): the handler's calls changed
their own process's copy, never this one, and the test failed with ``assert 0 == 1`` and no word
of why. Its report gets a section saying so (``simulator.testing.plugin``).

Said only of what the failing lines themselves read: a name on them (the test's frame, and the
frames it called down to, outside the libraries) that is the module of a file this test's
plugins were loaded from, one of that module's functions or classes, or a mutable object its
namespace holds (``RECORDS``, kept as ``records = crm_handler.RECORDS``). A module that an
earlier test imported, or that the test's module imports but the failing line does not read,
says nothing (``sys.modules`` alone said it of tests that never read it)."""

from __future__ import annotations

import ast
import enum
import functools
import os
import sys
import sysconfig
import types
from pathlib import Path
from typing import Any

__all__ = ["another_copy", "library_folders", "namespaces", "patched"]

_IMMUTABLE = (int, float, complex, str, bytes, bool, type(None), tuple, frozenset, range, enum.Enum)
"""Values whose identity says nothing (``0`` in the test is ``0`` in any module, an enum's
member in every module that names it)."""


def another_copy(harness: Any, item: Any, tb: types.TracebackType | None) -> str | None:
    """The section for a failed test whose failing lines read its handler's module here."""
    if harness is None or harness.handler_isolation != "process" or tb is None:
        return None
    modules = _handler_modules(harness)
    if not modules:
        return None
    for frame, line in _their_frames(item, tb):
        read = _reads(frame, line, modules)
        if read is not None:
            written, module = read
            name = modules[module]
            where = f"{Path(frame.f_code.co_filename).name}:{line}"
            return (
                f"{where} reads {written}, of this test process's copy of the handler module "
                f"{name} ({module.__file__}). With handler_isolation=process the handler "
                "plugin loaded from that file runs in a process of its own: its calls change "
                "that process's copy of the module, never this one, which stays as this test "
                "process left it. Check what the handler did through adsim (adsim.records, "
                "adsim.outcomes) or your CRM's mock, or give this test "
                '@pytest.mark.adsim(handler_isolation="thread").'
            )
    return None


def patched(harness: Any, item: Any, before: Namespaces | None) -> str | None:
    """For a test whose plugins run in processes of their own: what of its handler's module
    it patched in this process (``monkeypatch.setattr(crm_handler, "post", ...)``, a
    ``unittest.mock`` object put in it since ``before``, the namespaces at its ``adsim``'s
    setup), which the handler's calls never see; None if nothing. Not the module's own mock
    (``CLIENT = mock.MagicMock()``), nor one an earlier test left in it."""
    if harness is None or harness.handler_isolation != "process":
        return None
    modules = _handler_modules(harness)
    if not modules:
        return None
    found = []
    monkeypatch = getattr(item, "funcargs", {}).get("monkeypatch")
    for owner, attribute, _ in getattr(monkeypatch, "_setattr", ()):  # undone at its teardown
        module = next((module for module in modules if module is owner), None)
        if module is not None:
            found.append(f"{modules[module]}.{attribute}")
    mock = sys.modules.get("unittest.mock")  # imported by the test if it made a mock
    mocks = (mock.NonCallableMock,) if mock is not None else ()
    for module, name in modules.items():
        kept = (before or {}).get(module)
        if kept is None or kept.get("__spec__") is not vars(module).get("__spec__"):
            continue  # imported or reloaded since (a new __spec__): its own mocks made anew
        found += [
            f"{name}.{key}"
            for key, value in vars(module).items()
            if kept.get(key, _MISSING) is not value and issubclass(type(value), mocks)
        ]
    if not found:
        return None
    return (
        f"This test patched {', '.join(dict.fromkeys(found))} in this test process. With "
        "handler_isolation=process the handler plugin runs in a process of its own, which "
        "loaded its file itself: the patch does not reach its calls. Give the handler what it "
        "should use another way (an environment variable set before adsim, a mock server, as "
        "fixtures/example_integration does), or give this test "
        '@pytest.mark.adsim(handler_isolation="thread").'
    )


Namespaces = dict[types.ModuleType, dict[str, Any]]


def namespaces(harness: Any) -> Namespaces:
    """What the handler modules of this process hold now, name by name (``patched`` tells
    what a test put in them since)."""
    return {module: dict(vars(module)) for module in _handler_modules(harness)}


def _handler_modules(harness: Any) -> dict[types.ModuleType, str]:
    """The modules of this process loaded from the files of ``harness``'s plugins, and their
    names: copies of what the plugins' processes run."""
    files = {
        os.path.realpath(status.source)
        for host in harness._hosts()
        for status in host.plugins
        if status.loaded and status.source.endswith(".py")
    }
    names = {os.path.basename(file) for file in files}
    modules: dict[types.ModuleType, str] = {}
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        # The basename first: realpath of a thousand modules is a thousand system calls.
        if (
            isinstance(file, str)
            and os.path.basename(file) in names
            and os.path.realpath(file) in files
        ):
            modules[module] = name
    return modules


def library_folders() -> tuple[str, ...]:
    """Python's and the installed libraries' folders (a frame there is none of the test's)."""
    paths = sysconfig.get_paths()
    found = {os.path.realpath(paths[key]) for key in ("stdlib", "purelib", "platlib")}
    return tuple(folder + os.sep for folder in found)


_PACKAGE = os.path.realpath(Path(__file__).parents[1]) + os.sep
"""The simulator's own folder (outside the libraries' in an editable install)."""


def _their_frames(item: Any, tb: types.TracebackType) -> list[tuple[types.FrameType, int]]:
    """The frames of the test's file and below it that are not the libraries', with the line
    each was at when the test failed."""
    test_file = os.path.realpath(str(getattr(item, "path", "")))
    libraries = (*library_folders(), _PACKAGE)
    frames: list[tuple[types.FrameType, int]] = []
    started = False
    walk: types.TracebackType | None = tb
    while walk is not None:
        frame = walk.tb_frame
        file = os.path.realpath(frame.f_code.co_filename)
        started = started or file == test_file
        if started and not file.startswith(libraries):
            frames.append((frame, walk.tb_lineno))
        walk = walk.tb_next
    return frames


def _statement_expressions(file: str, line: int) -> list[ast.AST]:
    """The expressions of the statement at ``line`` (a compound statement's header only)."""
    try:
        tree = ast.parse(Path(file).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return []
    found: ast.stmt | None = None
    for node in ast.walk(tree):
        # The narrowest statement holding the line (a nested one over its parent, ast.walk
        # giving parents first): a compound statement's body is not its header's line.
        if (
            isinstance(node, ast.stmt)
            and node.lineno <= line <= (node.end_lineno or node.lineno)
            and (found is None or _span(node) <= _span(found))
        ):
            found = node
    if found is None:
        return []
    return [
        value
        for field, value in ast.iter_fields(found)
        if field not in ("body", "orelse", "finalbody", "handlers", "cases")
        for value in (value if isinstance(value, list) else [value])
        if isinstance(value, ast.AST)
    ]


def _span(node: ast.stmt) -> int:
    return (node.end_lineno or node.lineno) - node.lineno


_MISSING = object()


def _value(node: ast.AST, frame: types.FrameType) -> Any:
    """What a name or a dotted name through modules is in ``frame`` (no code of theirs runs)."""
    if isinstance(node, ast.Name):
        for scope in (frame.f_locals, frame.f_globals):
            if node.id in scope:
                return scope[node.id]
        return _MISSING
    if isinstance(node, ast.Attribute):
        owner = _value(node.value, frame)
        if issubclass(type(owner), types.ModuleType):  # no __class__ of a proxy read
            return vars(owner).get(node.attr, _MISSING)
    return _MISSING


def _reads(
    frame: types.FrameType, line: int, modules: dict[types.ModuleType, str]
) -> tuple[str, types.ModuleType] | None:
    """What of the handler ``modules`` the statement at ``line`` of ``frame`` reads, named as
    it is written there (``crm_handler.RECORDS``), and its module; None when nothing."""
    if any(frame.f_globals is vars(module) for module in modules):
        return None  # the module's own code running: what the test called is said above it
    source = Path(frame.f_code.co_filename)
    for expression in _statement_expressions(str(source), line):
        found = _read_in(expression, frame, modules, prefix=False)
        if found is not None:
            return found
    return None


def _read_in(
    node: ast.AST, frame: types.FrameType, modules: dict[types.ModuleType, str], prefix: bool
) -> tuple[str, types.ModuleType] | None:
    """What of ``modules`` ``node`` reads. A dotted name that resolves (to anything) is what
    is read, not its prefix (``acme.phones.normalize`` reads no ``acme``, ``acme.TIMEOUT`` a
    constant); a module as the prefix of what did not resolve is not read whole either."""
    if isinstance(node, ast.Name | ast.Attribute):
        value = _value(node, frame)
        if value is not _MISSING:
            if prefix and issubclass(type(value), types.ModuleType):
                return None
            module = _whose(value, modules)
            if module is None:
                return None
            written = ast.unparse(node)
            named = _named(value, module, modules[module])
            return (written if named == written else f"{written} ({named})"), module
        if isinstance(node, ast.Attribute):
            return _read_in(node.value, frame, modules, prefix=True)
        return None
    for child in ast.iter_child_nodes(node):
        found = _read_in(child, frame, modules, prefix=False)
        if found is not None:
            return found
    return None


def _named(value: Any, module: types.ModuleType, name: str) -> str:
    """``value`` as the module names it (``crm_handler.RECORDS``)."""
    if value is module:
        return name
    imported = _imported_names(getattr(module, "__file__", None)) or frozenset()
    keys = [key for key, kept in vars(module).items() if kept is value]
    key = next((key for key in keys if key not in imported), keys[0] if keys else None)
    return f"{name}.{key}" if key is not None else f"an object of {name}"


_STATELESS = (
    types.ModuleType,
    types.BuiltinFunctionType,
    types.MethodWrapperType,
    types.WrapperDescriptorType,
    types.MethodDescriptorType,
)
"""What holds no state of a module's even when mutable in principle (``now = time.time``)."""


def _whose(value: Any, modules: dict[types.ModuleType, str]) -> types.ModuleType | None:
    """The handler module ``value`` is, or is its own (a function or class it defines, a
    mutable object it binds under a name of its own, never one it imported: ``from os import
    environ``). Only identities, types and attributes of functions and classes are read: no
    code of the test's runs (``isinstance`` would read a proxy's ``__class__``)."""
    for module in modules:
        if value is module:
            return module
    kind = type(value)
    if issubclass(kind, (*_STATELESS, *_IMMUTABLE)):
        return None
    function = value.__func__ if kind is types.MethodType else value
    for module in modules:
        if type(function) is types.FunctionType:
            if function.__globals__ is vars(module):
                return module  # its function: its globals are this copy's
        elif issubclass(kind, type):
            if vars(module).get(value.__name__) is value and value.__module__ == module.__name__:
                return module
        elif _bound_by_itself(value, module):
            return module
    return None


def _bound_by_itself(value: Any, module: types.ModuleType) -> bool:
    """``value`` is bound in ``module``'s namespace under a name its source does not bind by
    an import (nor a dunder: ``__builtins__``); nothing of an unreadable or ``*`` source."""
    imported = _imported_names(getattr(module, "__file__", None))
    if imported is None:
        return False
    return any(
        kept is value and key not in imported and not key.startswith("__")
        for key, kept in vars(module).items()
    )


@functools.lru_cache(maxsize=128)
def _imported_names(file: str | None) -> frozenset[str] | None:
    """The names the module at ``file`` binds by ``import``; None if unknown (unreadable,
    ``from x import *``)."""
    if not isinstance(file, str):
        return None
    try:
        tree = ast.parse(Path(file).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError, UnicodeDecodeError):
        return None
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                if alias.name == "*":
                    return None
                names.add(alias.asname or alias.name.split(".")[0])
    return frozenset(names)
