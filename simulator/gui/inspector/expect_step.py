"""Any event as a scenario ``expect`` step (YAML), to paste into a scenario file.

An interaction event expects the fields a tester means: for ``ON_INTERACTION_STATE_CHANGE`` the
state and the fields that changed since the interaction's previous payload, for the others its
state and type; other events expect their positional ``args``. The interaction is named by the
playing scenario's ``as`` name when it has one (``on: sale``), else by its ``interactionId``.
Qt-free.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import yaml

from simulator.gui.inspector.eventlog import changes

if TYPE_CHECKING:
    from simulator.engine import Event

__all__ = ["expect_step"]

_STABLE = ("state", "type")
"""Interaction fields every interaction expectation carries (the rest is what changed)."""


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def expect_step(
    event: Event,
    previous: dict[str, Any] | None = None,
    names: Mapping[str, str] | None = None,
) -> str:
    """The YAML of one ``- expect:`` step that matches ``event`` (and what it changed)."""
    name = str(event.name)
    expect: dict[str, Any] = {"event": name}
    args = list(event.wire_args)
    first = args[0] if args else None
    if isinstance(first, dict) and "interactionId" in first:
        iid = str(first["interactionId"])
        alias = next((n for n, known in (names or {}).items() if known == iid), None)
        payload: dict[str, Any] = {key: first[key] for key in _STABLE if key in first}
        if name == "ON_INTERACTION_STATE_CHANGE" and previous is not None:
            for change in changes(previous, first):
                if not change.removed and _scalar(change.after) and change.key != "duration":
                    payload[change.key] = change.after
        if alias is not None:
            expect["on"] = alias
        else:
            payload = {"interactionId": iid, **payload}
        expect["payload"] = payload
    elif args:
        expect["args"] = args
    step = [{"expect": expect}]
    return yaml.safe_dump(step, sort_keys=False, allow_unicode=True, width=100)
