"""The pytest plugin's ini options (``adsim_handlers``, ``adsim_seed`` ...), and a misspelt one
refused: pytest only warns of an unknown option ("Unknown config option: adsim_handler"), and
every test then ran without the handler it named, and passed."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

__all__ = ["INI_OPTIONS", "ini_value", "refuse_misspelt"]

INI_OPTIONS = (
    "adsim_handlers",
    "adsim_seed",
    "adsim_handler_timeout",
    "adsim_handler_isolation",
    "adsim_api_version",
    "adsim_handler_failures",
)
"""Every ini option of the plugin (``pytest_addoption`` declares each)."""


def refuse_misspelt(config: pytest.Config) -> None:
    """A usage error for a key of the ini file that starts with ``adsim`` and is none of
    ``INI_OPTIONS``, naming the one meant."""
    unknown = getattr(config, "_get_unknown_ini_keys", None)  # pytest's own warning's (8, 9)
    try:
        keys = sorted(unknown()) if unknown is not None else []
    except Exception:  # another pytest's insides: its own warning still says it
        keys = []
    for key in keys:
        if str(key).startswith("adsim") and key not in INI_OPTIONS:
            import difflib

            close = difflib.get_close_matches(str(key), INI_OPTIONS, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise pytest.UsageError(
                f"adsim: ini option {key}: not one of adsim's{hint}; they are "
                f"{', '.join(INI_OPTIONS)}"
            )


def ini_value(config: pytest.Config, name: str) -> Any:
    """``config.getini(name)``, or the number written for it in pytest 9's own TOML table
    (``[tool.pytest]`` in pyproject.toml, ``[pytest]`` in pytest.toml): there TOML types the
    values, and pytest refuses a bare number for an option it reads as text (``adsim_seed = 3``:
    "expects a string, got int"), which the plugin then checks as it checks the text ``"3"``.
    Any other value pytest refuses stays its usage error."""
    try:
        return config.getini(name)
    except pytest.UsageError:
        written = _written(config, name)
        if isinstance(written, int | float):  # a bool too: said to be one where it is checked
            return written
        raise


def _written(config: pytest.Config, name: str) -> Any:
    """What the TOML file pytest read has for ``name`` in its pytest table; None when none."""
    path = config.inipath
    if path is None or path.suffix != ".toml":
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    table = data.get("tool", {}) if path.name == "pyproject.toml" else data
    pytest_table = table.get("pytest", {}) if isinstance(table, dict) else {}
    return pytest_table.get(name) if isinstance(pytest_table, dict) else None
