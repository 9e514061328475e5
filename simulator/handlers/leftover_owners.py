"""Whose plugin left a thread running, when several agents' handler hosts share adsim's process
(the window with several agents and ``--handler-isolation thread``).

A thread does not record who started it. Its code does say where it comes from: the function it
runs (``Thread(target=...)``, a ``Timer``'s function, a subclass's ``run``) belongs to a module,
and each host executed its plugin files as modules of its own (the same file loaded for two
agents is two modules). A thread running a function of exactly one host's plugin module is that
host's agent's. Any other (a library's function as its target, a module two plugins share) cannot
be told: it is said as a plugin of one of the agents, naming them all, never pinned on one.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from typing import Any

__all__ = ["anyone_of", "owners"]


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
