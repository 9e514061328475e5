"""PySide6's own ``__import__`` is known to the builtins check of thread isolation: a handler
running while the window imports something is not said to have replaced it."""

from __future__ import annotations

import builtins

import PySide6.QtWidgets  # noqa: F401  (shiboken puts its import hook in place)

from simulator.handlers import kept_builtins


def test_the_import_hook_pyside6_puts_in_place_is_one_the_check_knows():
    name = getattr(builtins.__import__, "__name__", None)
    assert name in kept_builtins._QT_IMPORTS, name
