"""The first check of a scenario's steps, before pydantic: each item is a known step name or a
mapping with one step and the modifiers that fit it (``as``, ``on``, ``expect_error``).

Steps that fail here are left out of pydantic's messages, which would only repeat the problem
less clearly.
"""

from __future__ import annotations

from typing import Any

from simulator.data.model_wording import written
from simulator.scenarios.model import MODIFIERS, STEP_TYPES
from simulator.scenarios.source import MarkedDict, MarkedList
from simulator.scenarios.wording import _kind, _step_usage, _suggest

_NAMING = ("call", "chat", "email", "dial", "consult", "start_chat")


def _check_step_shapes(raw: MarkedDict, problem: Any) -> set[int]:
    """Check each step is a known name or a one-step mapping; returns the indexes that are not."""
    steps = raw.get("steps")
    if not isinstance(steps, MarkedList):
        return set()
    bad: set[int] = set()
    names = list(STEP_TYPES)
    for index, item in enumerate(steps):
        mark = steps.item_marks[index]
        if isinstance(item, str):
            model = STEP_TYPES.get(item)
            if model is None:
                problem(
                    mark,
                    f"unknown step `{written(item)}`{_suggest(item, names)}; steps: "
                    + ", ".join(names),
                )
                bad.add(index)
            elif not model.bare:
                problem(mark, f"`{item}` needs a value, {_step_usage(model)}")
                bad.add(index)
            continue
        if not isinstance(item, MarkedDict):
            problem(
                mark,
                f"a step is a name (`- accept`) or a mapping (`- call: Sales`), not {_kind(item)}",
            )
            bad.add(index)
            continue
        keys = list(item)
        step_keys = [k for k in keys if isinstance(k, str) and k in STEP_TYPES]
        if not step_keys:
            unknown = [k for k in keys if k not in MODIFIERS]
            if unknown:
                word = unknown[0]
                problem(
                    item.key_marks.get(word, mark),
                    f"unknown step `{written(word)}`{_suggest(word, names)}; steps: "
                    + ", ".join(names),
                )
            else:
                problem(mark, "this item has only modifiers (on, as, expect_error): add a step")
            bad.add(index)
            continue
        if len(step_keys) > 1:
            second = step_keys[1]
            problem(
                item.key_marks.get(second, mark),
                f"two steps in one item (`{step_keys[0]}` and `{second}`): start each step "
                "with '- ' on its own line",
            )
            bad.add(index)
            continue
        model = STEP_TYPES[step_keys[0]]
        allowed = set(model.model_fields) - {model.key, "as_"} | (
            {"as"} if "as_" in model.model_fields else set()
        )
        for key in keys:
            if key == model.key or key in allowed:
                continue
            key_at = item.key_marks.get(key, mark)
            if key == "as":
                problem(
                    key_at,
                    f"`as:` names an interaction a step creates: only on "
                    f"{', '.join(_NAMING)}, not on `{model.key}`",
                )
            elif key == "on":
                problem(
                    key_at,
                    f"`{model.key}` does not take `on:`"
                    + (
                        " (it acts on the active call)"
                        if model.key in ("consult", "transfer")
                        else " (it merges all the agent's calls)"
                        if model.key == "merge"
                        else ""
                    ),
                )
            elif key == "expect_error":
                problem(key_at, f"`{model.key}` cannot fail, so it takes no expect_error")
            else:
                beside = sorted(allowed) or ["nothing"]
                problem(
                    key_at,
                    f"unknown key `{written(key)}` beside `{model.key}`"
                    f"{_suggest(key, list(STEP_TYPES))}"
                    f"; beside a step may go: {', '.join(beside)} (one step per '- ' item)",
                )
            bad.add(index)
    return bad
