"""The pytest plugin's ini options (``adsim_handlers``, ``adsim_seed`` ...), and a misspelt one
refused: pytest only warns of an unknown option ("Unknown config option: adsim_handler"), and
every test then ran without the handler it named, and passed."""

from __future__ import annotations

import pytest

__all__ = ["INI_OPTIONS", "refuse_misspelt"]

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
