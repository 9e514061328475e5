"""Plugins installed packages declare as entry points (group ``agent_desktop_simulator.handlers``).

An entry point's plugin is named ``dist (entry point NAME = module:attr)``: its package, then
the entry point as its ``entry_points.txt`` declares it. A load error points at the innermost
line of the traceback in the package's own files (its top-level package's folder, or its
module), the place to fix; where there is none (the entry point names a module or an attribute
that does not exist, or a value that is no module), the error names the entry point, with no
line: there is no file, and line 1 of one was a place nothing is.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
from types import ModuleType
from typing import TYPE_CHECKING

from simulator.handlers.plugins import (
    ENTRY_POINT_GROUP,
    Plugin,
    PluginSource,
    a_stop,
    close_of,
    describe,
    register_of,
)

if TYPE_CHECKING:
    import importlib.metadata

__all__ = [
    "discover_entry_points",
    "entry_point_plugin",
    "entry_source",
    "installed_entry_points",
]


def entry_source(name: str, value: str, dist: str | None) -> str:
    """How an entry point's plugin is named: ``acme-crm-adsim (entry point crm = acme.crm)``."""
    return f"{dist or '?'} (entry point {name} = {value})"


def _entry_point_file(module_name: str) -> str | None:
    """The file of a top-level module, found without running any of its code (``find_spec``
    of a submodule imports its package)."""
    try:
        spec = importlib.util.find_spec(module_name)
    except Exception:  # a finder of an installed package's own that raised: no file known
        return None
    return spec.origin if spec is not None and spec.origin not in (None, "built-in") else None


def _home(module_name: str) -> tuple[str, ...]:
    """Where an entry point's own code is: its top-level package's folders, or its module's file
    (found without running any of it). The innermost frame there is where its error is."""
    top = module_name.partition(".")[0]
    try:
        spec = importlib.util.find_spec(top)
    except Exception:
        return ()
    if spec is None:
        return ()
    if spec.submodule_search_locations is not None:
        return tuple(os.path.realpath(folder) for folder in spec.submodule_search_locations)
    if spec.origin in (None, "built-in", "frozen"):
        return ()
    return (os.path.realpath(spec.origin),)


def _entry_module(entry: importlib.metadata.EntryPoint) -> str | None:
    """The module an entry point names; ``None`` when its value names none (``acme-crm.handler``,
    the distribution's name: ``EntryPoint.module`` raises ``AttributeError`` there)."""
    try:
        return entry.module
    except AttributeError:
        return None


def _malformed_entry(entry: importlib.metadata.EntryPoint, source: str) -> str:
    """The load error of an entry point whose value names no module."""
    module = re.sub(r"[^\w.]", "_", entry.value.split(":")[0].strip()) or "my_package.handler"
    return (
        f"{source}: {entry.value!r} names no module: an entry point's value is a module's "
        f"dotted name ({module}), or module:function ({module}:register)"
    )


def _syntax_error(exc: SyntaxError) -> str | None:
    """``file:line: syntax error: ...`` of a module Python could not compile; None for a
    SyntaxError with no file behind it (``ast.parse`` of a string the plugin reads)."""
    if not exc.filename or not exc.lineno or not os.path.isfile(exc.filename):
        return None
    return f"{exc.filename}:{exc.lineno}: syntax error: {exc.msg}"


def entry_point_plugin(
    entry: importlib.metadata.EntryPoint, again: bool, dist: str | None = None
) -> Plugin:
    """Import an entry point's module (again: reloaded) and find its ``register``; ``dist``:
    its package's name, where ``entry`` was rebuilt without it (a plugin's process)."""
    source = entry_source(entry.name, entry.value, dist or getattr(entry.dist, "name", None))
    module = _entry_module(entry)
    if module is None:
        return Plugin(entry.name, source, None, error=_malformed_entry(entry, source))
    plugin = Plugin(entry.name, source, None, home=_home(module))
    try:
        if again and module in sys.modules:
            importlib.reload(sys.modules[module])
        loaded = entry.load()
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt) and a_stop(exc):  # Ctrl-C, SIGTERM: no error
            raise
        syntax = _syntax_error(exc) if isinstance(exc, SyntaxError) else None
        where = plugin.at(exc) or source
        plugin.error = syntax or f"{where}: {describe(exc)} while importing it"
        return plugin
    file = getattr(sys.modules.get(module), "__file__", None)
    plugin.file = file if isinstance(file, str) else None
    if isinstance(loaded, ModuleType):
        plugin.register, plugin.error = register_of(loaded, source)
        plugin.on_close = close_of(loaded)
    elif callable(loaded):
        plugin.register = loaded
    else:
        plugin.error = f"{source}: {entry.value} is neither a module nor register()"
    return plugin


_ENTRIES: dict[tuple[str, tuple[str, ...]], list[importlib.metadata.EntryPoint]] = {}


def installed_entry_points(group: str = ENTRY_POINT_GROUP) -> list[importlib.metadata.EntryPoint]:
    """The entry points of ``group``, sorted by name: scanned once per process and ``sys.path``
    (the scan reads every installed distribution's metadata)."""
    key = (group, tuple(sys.path))
    entries = _ENTRIES.get(key)
    if entries is None:
        # Here, not at the top: email.*, zipfile, csv ... (~10 ms) that the window and plugin
        # processes of .py files never need (only `adsim run/demo` scan entry points).
        import importlib.metadata

        entries = sorted(importlib.metadata.entry_points(group=group), key=lambda e: e.name)
        _ENTRIES[key] = entries
    return entries


def _isolated_entry(entry: importlib.metadata.EntryPoint, group: str) -> Plugin:
    dist = getattr(entry.dist, "name", None) or "?"
    source = entry_source(entry.name, entry.value, dist)
    locator = {"kind": "entry", "entry": entry.name, "value": entry.value, "group": group}
    locator["dist"] = dist  # the rebuilt entry point has none: its errors name it as here
    module = _entry_module(entry)
    if module is None:  # nothing to start a process for
        return Plugin(entry.name, source, None, error=_malformed_entry(entry, source))
    # find_spec of a submodule imports its package: plugin code that must not run here.
    file = _entry_point_file(module) if "." not in module else None
    return Plugin(entry.name, source, file, locator=locator, home=_home(module))


def discover_entry_points(group: str = ENTRY_POINT_GROUP, isolated: bool = False) -> PluginSource:
    """The plugins installed packages declare under the entry-point ``group``; ``isolated``:
    described for child processes, not imported here."""
    calls = 0

    def read() -> list[Plugin]:
        nonlocal calls
        calls += 1
        if calls > 1:  # a reload: packages may have been installed meanwhile
            _ENTRIES.pop((group, tuple(sys.path)), None)
        entries = installed_entry_points(group)
        if isolated:
            return [_isolated_entry(entry, group) for entry in entries]
        from simulator.handlers import exit_guard

        plugins = []
        for entry in entries:
            # An os._exit in its import is this entry point's (said by its name, not "plugins").
            name = entry_source(entry.name, entry.value, getattr(entry.dist, "name", None))
            with exit_guard.loading(name):
                plugins.append(entry_point_plugin(entry, again=calls > 1))
        return plugins

    return PluginSource(read)
