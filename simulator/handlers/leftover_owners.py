"""Whose plugin left a thread running, when several agents' handler hosts share adsim's process
(the window with several agents and ``--handler-isolation thread``).

A thread does not record who started it. Its code does say where it comes from: the function it
runs (``Thread(target=...)``, a ``Timer``'s function, a subclass's ``run``) belongs to a module,
and each host executed its plugin files as modules of its own (the same file loaded for two
agents is two modules). A thread running a function of exactly one host's plugin module is that
host's agent's. Any other (a library's function as its target, a module two plugins share) cannot
be told: it is said as a plugin of one of the agents, naming them all, never pinned on one.

A ``concurrent.futures`` pool's worker runs the pool's loop, whoever's pool it is: its work is a
plugin's when the plugin's code started it or its pool is bound to a name in one of the
plugin's modules (``pool_work_of``), as the pytest session's end tells a handler plugin's pool
from a test's own.
"""

from __future__ import annotations

import functools
import sys
import threading
import types
import weakref
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["anyone_of", "loaded", "loaded_since", "owners", "pool_work_of"]

_LOADED: dict[tuple[str | None, tuple[str, ...]], list[Any]] = {}
"""The handler plugins loaded in this process (thread isolation), by file: [the first loaded,
the count of loads when it was last loaded] (``loaded``)."""
_LOADS = [0]


def loaded(plugin: Any) -> None:
    """A handler host ran ``plugin``'s ``register`` in this process (thread isolation): how
    the pytest session's end knows the plugins of every harness, the ``adsim`` fixture's or a
    test's own ``AdsimHarness`` (``simulator.testing.session_end``)."""
    if getattr(plugin, "own", False) or not (plugin.file or plugin.home):
        return
    _LOADS[0] += 1
    _LOADED.setdefault((plugin.file, tuple(plugin.home)), [plugin, 0])[1] = _LOADS[0]


def loaded_since(mark: int) -> tuple[int, list[Any]]:
    """(the count of loads now, the plugins loaded after ``mark``, a count of before)."""
    return _LOADS[0], [plugin for plugin, last in list(_LOADED.values()) if last > mark]


def _globals_of(thread: threading.Thread) -> dict[str, Any] | None:
    """The module globals of the code ``thread`` runs, None where that is not a function."""
    code: Any = getattr(thread, "_target", None)  # set until its target returns
    if code is None:
        code = getattr(thread, "function", None)  # threading.Timer
    if code is None and type(thread).run is not threading.Thread.run:
        code = type(thread).run
    while isinstance(code, functools.partial):
        code = code.func
    code = getattr(code, "__func__", code)  # a bound method: its function
    found = getattr(code, "__globals__", None)
    return found if isinstance(found, dict) else None


def _modules(host: Any) -> list[int]:
    """The ids of the module globals of ``host``'s plugins (their ``register`` functions')."""
    found = []
    for plugin in getattr(host, "_plugins", ()):
        module = getattr(getattr(plugin, "register", None), "__globals__", None)
        if module is not None and not getattr(plugin, "own", False):
            found.append(id(module))
    return found


def owners(
    threads: Sequence[threading.Thread], hosts: Sequence[Any]
) -> list[tuple[Any, list[str], str]]:
    """``(host, thread names, who started them)`` for the summaries: each thread on the host
    whose plugin's code it runs (``who``: ``a plugin``, the summary's line names the agent);
    those that cannot be told on the first host, ``who`` naming every agent."""
    from simulator.handlers.leftover_threads import pool_workers, shown_name

    pooled = pool_workers()
    if len(hosts) == 1:
        return [(hosts[0], [shown_name(thread, pooled) for thread in threads], "a plugin")]
    by_module: dict[int, list[Any]] = {}
    for host in hosts:
        for module_id in _modules(host):
            by_module.setdefault(module_id, []).append(host)
    mine: dict[int, list[str]] = {}
    unknown: list[str] = []
    for thread in threads:
        runs = _globals_of(thread)
        candidates = by_module.get(id(runs), []) if runs is not None else []
        if len(candidates) == 1:
            mine.setdefault(id(candidates[0]), []).append(shown_name(thread, pooled))
        else:
            unknown.append(shown_name(thread, pooled))
    found = [(host, mine[id(host)], "a plugin") for host in hosts if id(host) in mine]
    if unknown:
        found.append((hosts[0], unknown, anyone_of(hosts)))
    return found


def anyone_of(hosts: Sequence[Any]) -> str:
    """Who started what cannot be told apart: ``a plugin`` with one host, else a plugin of one
    of the agents, naming them (``a plugin of jane or omar (adsim cannot tell whose: ...)``)."""
    if len(hosts) == 1:
        return "a plugin"
    agents = [str(host.sim.name) for host in hosts]
    named = ", ".join(agents[:-1]) + f" or {agents[-1]}"
    return f"a plugin of {named} (adsim cannot tell whose: they share its process)"


def pool_work_of(thread: threading.Thread, plugins: Sequence[Any]) -> bool:
    """Whether the work a ``concurrent.futures`` pool's worker ``thread`` is busy with is
    ``plugins``' (``Plugin``s: their names, files, packages' folders): their code started the
    worker (``exit_guard.started_by``: a pool's workers start at its ``submit``, a pool local
    to ``register()`` too, whatever its task runs, C code included), or its pool is bound to a
    name of one of their modules, or to an attribute of an object so bound (``POOL =
    ThreadPoolExecutor(...)``, its workers started by a test's call). What the worker runs now
    tells nothing: a test's own pool running a plugin's function is the test's."""
    from simulator.handlers import exit_guard

    mine = _is_plugins_file(plugins)
    started = exit_guard.started_by(thread)
    if started is not None:
        names, where = started
        if set(names.split(" or ")) & {plugin.name for plugin in plugins}:
            return True
        if mine(where.rpartition(":")[0]):
            return True
    args = getattr(thread, "_args", ())  # the pool's loop's: (a weak reference to its pool, ...)
    pool = args[0]() if args and isinstance(args[0], weakref.ref) else None
    if pool is None:
        return False
    for module in _plugin_modules(plugins, mine):
        for value in list(module.values()):  # a thread of the plugin may add names
            if value is pool or any(held is pool for held in _attributes(value)):
                return True
    return False


def _is_plugins_file(plugins: Sequence[Any]) -> Callable[[str], bool]:
    """A test of a file name: is it one of ``plugins``' code (``Plugin._mine``), remembered."""
    seen: dict[str, bool] = {}

    def mine(filename: str) -> bool:
        if filename not in seen:
            seen[filename] = any(plugin._mine(filename) for plugin in plugins)
        return seen[filename]

    return mine


def _plugin_modules(plugins: Sequence[Any], mine: Callable[[str], bool]) -> list[dict[str, Any]]:
    """The globals of ``plugins``' modules: their ``register``'s, and each module imported whose
    file is theirs (a package plugin's other modules). Read without running any code of a
    module's (its ``__getattr__``; a lazily loaded module is not imported by it)."""
    found: dict[int, dict[str, Any]] = {}
    for plugin in plugins:
        module = getattr(plugin.register, "__globals__", None)
        if isinstance(module, dict):
            found[id(module)] = module
    for module in list(sys.modules.values()):
        try:
            names = _module_dict(module)
            file = names.get("__file__") if names is not None else None
            if names is not None and isinstance(file, str) and mine(file):
                found[id(names)] = names
        except Exception:  # an odd entry of sys.modules: not a plugin's module
            continue
    return list(found.values())


_MODULE_DICT: Any = vars(types.ModuleType)["__dict__"]
"""The module type's own ``__dict__`` descriptor: a module's namespace, no ``__getattr__``."""
_CLASS_DICT: Any = vars(type)["__dict__"]
_MRO: Any = vars(type)["__mro__"]


def _module_dict(module: object) -> dict[str, Any] | None:
    """``module``'s namespace when it is a module (``types.ModuleType``'s own slot), else None."""
    if not issubclass(type(module), types.ModuleType):  # no __class__ of its own asked
        return None
    names = _MODULE_DICT.__get__(module)
    return names if isinstance(names, dict) else None


def _attributes(value: Any) -> list[Any]:
    """The attributes ``value`` holds in its ``__dict__`` (an object, a class), read without
    running its code (no ``__getattr__``, no ``__dict__`` property of its class: only the
    instance dictionary Python itself keeps); none for a module (a module a plugin imported is
    not the plugin's)."""
    try:
        if issubclass(type(value), types.ModuleType):
            return []
        if issubclass(type(value), type):
            return list(_CLASS_DICT.__get__(value).values())
        for klass in _MRO.__get__(type(value)):
            slot = _CLASS_DICT.__get__(klass).get("__dict__")
            if slot is not None:
                if not isinstance(slot, types.GetSetDescriptorType):
                    return []  # a property of the class's own: its code
                held = slot.__get__(value)
                return list(held.values()) if isinstance(held, dict) else []
        return []
    except Exception:  # an odd object: none of its attributes
        return []
