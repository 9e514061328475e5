"""The handlers' import paths integrations and the other packages use keep working wherever the
code lives inside ``simulator.handlers`` (``ad_api`` and ``host`` are packages of modules)."""

from __future__ import annotations

import importlib

import pytest

PATHS = {
    "simulator.handlers": [
        "AdApi",
        "WidgetState",
        "HandlerHost",
        "DEFAULT_TIMEOUT",
        "ISOLATION_MODES",
        "HandlerOutcome",
        "PluginStatus",
    ],
    "simulator.handlers.ad_api": [
        "AdApi",
        "ApiCall",
        "EngineCall",
        "MessageLogger",
        "WidgetState",
        "request_message",
    ],
    "simulator.handlers.host": ["HandlerHost", "DEFAULT_TIMEOUT", "ISOLATION_MODES"],
}


@pytest.mark.parametrize(("module", "names"), PATHS.items(), ids=list(PATHS))
def test_the_import_path_holds_its_names(module: str, names: list[str]) -> None:
    imported = importlib.import_module(module)
    assert [name for name in names if not hasattr(imported, name)] == []
    assert set(names) <= set(imported.__all__)


def test_one_class_whatever_the_path() -> None:
    from simulator.handlers import AdApi, HandlerHost
    from simulator.handlers.ad_api import AdApi as PackageAdApi
    from simulator.handlers.host import HandlerHost as PackageHost

    assert AdApi is PackageAdApi and HandlerHost is PackageHost
    assert AdApi.__module__ == "simulator.handlers.ad_api"
    assert HandlerHost.__module__ == "simulator.handlers.host"
