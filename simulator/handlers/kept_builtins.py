"""Python's builtins, kept from a plugin that replaces or deletes one.

adsim's own code runs beside a plugin's: all of adsim with ``--handler-isolation thread``, the
code that talks to adsim in a plugin's own process. A plugin that replaced a builtin
(``builtins.len = ...``, ``builtins.print = lambda *a, **k: None``) or deleted one broke that
code where the plugin could not see it: in adsim's process the summary printed nothing, or a
traceback could not be formatted and the handler thread died with the run waiting for ever; in
a plugin's process its answers were framed wrong and the call waited for its timeout, or it
ended with adsim's own traceback. So after a plugin's import and ``register()`` and after each
handler call, a builtin it replaced or deleted is put back and said (an incident: exit 1).
Names it adds (``gettext.install()``'s ``_``) are its own and stay.
"""

from __future__ import annotations

import builtins

__all__ = ["Builtins", "builtins_line", "mend_builtins", "now"]

Builtins = dict[str, object]


def now() -> Builtins:
    """The builtins as they are (a copy)."""
    return dict(builtins.__dict__)


_MISSING = object()


def mend_builtins(before: Builtins) -> list[str]:
    """Put back each builtin of ``before`` that was replaced or deleted since; their names."""
    current = builtins.__dict__
    try:  # each call's check: a C loop over values that are the same objects (~3 µs, a seventh
        if current == before:  # of the loop below); one equal to what it replaced is no change
            return []
    except Exception:  # a replacement whose == raises (a numpy array's): the loop below says it
        pass
    changed = [
        name
        for name, value in before.items()
        if current.get(name, _MISSING) is not value and not _qt_import(name, current)
    ]
    for name in changed:
        current[name] = before[name]
    return changed


_QT_IMPORTS = frozenset({"__feature_import__", "__lazy_import__"})
"""shiboken's own ``__import__``s (Qt for Python): it puts ``__feature_import__`` in place as it is
imported, and ``__lazy_import__`` for a moment during imports on any thread."""


def _qt_import(name: str, current: dict[str, object]) -> bool:
    """Whether ``name`` is ``__import__`` and Qt's shiboken has it now: its own doing (an
    import on another thread while the call ran, or Qt imported), not the plugin's; put
    "back", it would undo Qt's import hook (or a lazy import in progress)."""
    if name != "__import__":
        return False
    return getattr(current.get(name), "__name__", None) in _QT_IMPORTS


def builtins_line(who: str, names: list[str], where: str) -> str:
    """The incident of ``who`` replacing or deleting the builtins ``names``."""
    shown = ", ".join(sorted(names))
    return (
        f"{who} replaced or deleted the builtin(s) {shown}, which adsim's own code {where} "
        "uses; adsim put them back (change a name of the plugin's own, not builtins)"
    )
