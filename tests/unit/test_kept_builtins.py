"""``mend_builtins``'s quick check (one comparison of the builtins with what they were) keeps
the slow loop's word on a builtin a plugin replaced."""

from __future__ import annotations

import builtins

from simulator.handlers import kept_builtins


class _Ambiguous:
    """A replacement whose ``==`` raises, as a numpy array's does in a truth test."""

    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        raise ValueError("The truth value of an array with more than one element is ambiguous")


def test_a_builtin_replaced_by_an_object_whose_equality_raises_is_put_back_and_said():
    before = kept_builtins.now()
    real = builtins.ascii
    builtins.ascii = _Ambiguous()  # type: ignore[assignment]
    try:
        assert kept_builtins.mend_builtins(before) == ["ascii"]
        assert builtins.ascii is real
    finally:
        builtins.ascii = real


def test_nothing_replaced_and_a_name_added_are_no_change():
    before = kept_builtins.now()
    assert kept_builtins.mend_builtins(before) == []
    builtins.__dict__["_adsim_test_name"] = str  # gettext.install()'s ``_``: the plugin's own
    try:
        assert kept_builtins.mend_builtins(before) == []
    finally:
        del builtins.__dict__["_adsim_test_name"]


def _named(name: str):
    def hook(*args, **kwargs):
        return real(*args, **kwargs)

    real = builtins.__import__
    hook.__name__ = name
    return hook


def test_pyside6s_own_import_hooks_are_no_plugins_change():
    """shiboken puts ``__feature_import__`` in place as PySide6 is imported, and
    ``__lazy_import__`` for a moment during an import on any thread (the window's, while a
    handler ran in thread isolation): that was said to be the plugin's doing (exit 1), and
    "put back" undid Qt's hook."""
    real = builtins.__import__
    for name in ("__lazy_import__", "__feature_import__"):
        before = kept_builtins.now()
        hook = _named(name)
        builtins.__import__ = hook
        try:
            assert kept_builtins.mend_builtins(before) == []
            assert builtins.__import__ is hook
        finally:
            builtins.__import__ = real


def test_a_plugins_own_import_hook_is_still_put_back_and_said():
    real = builtins.__import__
    before = kept_builtins.now()
    builtins.__import__ = _named("my_import")
    try:
        assert kept_builtins.mend_builtins(before) == ["__import__"]
        assert builtins.__import__ is real
    finally:
        builtins.__import__ = real
