"""Whose is a ``concurrent.futures`` pool's worker still busy at the pytest session's end
(``leftover_owners.pool_work_of``), told without running anyone's code. See
test_pytest_plugin_busy_pools.py for the rest."""

from __future__ import annotations

import importlib.util
import sys
import types

from simulator.handlers import leftover_owners
from tests.unit.test_pytest_plugin_busy_pools import (
    ENDING,
    LIMIT,
    NO_QT,
    STUCK_TASK,
    TEST,
    _named,
)

pytest_plugins = ["pytester"]


class _Touchy(types.ModuleType):
    """A module whose attributes are computed: any read of one is its code."""

    def __getattr__(self, name: str) -> object:
        raise RuntimeError(f"lazy module {name} touched")


def test_the_modules_imported_are_read_without_running_their_code(monkeypatch, tmp_path):
    """``getattr(module, "__file__")`` over sys.modules ran a module's ``__getattr__`` (its
    exception escaped the session's end: a traceback, then a hang) and imported a module
    ``importlib.util.LazyLoader`` left to load."""
    ran: list[str] = []
    heavy = tmp_path / "heavy_for_owners.py"
    heavy.write_text("import builtins\nbuiltins.__dict__['_adsim_heavy_ran'] = True\n")
    spec = importlib.util.spec_from_file_location("heavy_for_owners", heavy)
    assert spec is not None and spec.loader is not None
    spec.loader = importlib.util.LazyLoader(spec.loader)
    lazy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lazy)

    class Odd:
        def __getattribute__(self, name: str) -> object:
            ran.append(name)
            raise RuntimeError(name)

    touchy = _Touchy("touchy")
    monkeypatch.setitem(sys.modules, "heavy_for_owners", lazy)
    monkeypatch.setitem(sys.modules, "touchy_for_owners", touchy)
    monkeypatch.setitem(sys.modules, "odd_for_owners", Odd())  # type: ignore[arg-type]
    found = leftover_owners._plugin_modules([], lambda file: file == str(heavy))
    assert ran == []
    assert not hasattr(__import__("builtins"), "_adsim_heavy_ran")
    assert all(module is not vars(touchy) for module in found)


def test_an_objects_attributes_are_read_without_its_classs_dict_property():
    ran: list[str] = []

    class Client:
        @property
        def __dict__(self) -> dict[str, object]:  # type: ignore[override]
            ran.append("__dict__")
            return {"pool": None}

    class Plain:
        def __init__(self) -> None:
            self.pool = "held"

    assert leftover_owners._attributes(Client()) == []
    assert ran == []
    assert leftover_owners._attributes(Plain()) == ["held"]


WEIRD_CONFTEST = """
import sys
import types


class Touchy(types.ModuleType):
    def __getattr__(self, name):
        raise RuntimeError(f"lazy module {name} touched")


sys.modules["touchy"] = Touchy("touchy")
"""


def test_a_module_that_raises_on_reading_does_not_stop_the_sessions_end(pytester):
    pytester.makepyfile(crm_pool=STUCK_TASK, test_w=TEST)
    pytester.makeconftest(WEIRD_CONFTEST)
    result = pytester.runpytest_subprocess(*NO_QT, timeout=LIMIT)  # before: a traceback, hung
    assert result.ret == 1, result.stdout.str() + result.stderr.str()
    result.stdout.fnmatch_lines([_named("task", 1)])
    result.stderr.fnmatch_lines([ENDING])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
