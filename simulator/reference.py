"""The README's reference tables, generated from the code so they cannot drift from it.

python -m simulator.reference --write   # refresh the tables between the README's markers
python -m simulator.reference --check   # exit 1 when a table is stale (a test runs this)
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from pathlib import Path

from simulator.contract import EVENTS, EventName

__all__ = ["EMITTED", "ad_api_table", "events_table", "js_name", "refresh"]

EMITTED: dict[EventName, str] = {
    EventName.ON_LOGIN: "login",
    EventName.ON_LOGOUT: "logout",
    EventName.ON_NEW_INTERACTION: "an interaction is first seen (delivered, or dialled)",
    EventName.ON_INTERACTION_STATE_CHANGE: "any field of the payload changed",
    EventName.ON_INTERACTION_REMOVED: "completed (then ON_SAVE_ACTIVITY_RECORD at once)",
    EventName.ON_ACTIVE_INTERACTION_SWITCHED: "the active interaction changes (null: none)",
    EventName.ON_AGENT_STATE_CHANGE: "the agent's state or Not Ready reason changes",
    EventName.ON_REQUEST_TRANSFER_DATA: "a transfer or conference without custom data",
    EventName.ON_LOAD_TRANSFER_DATA: "a call transferred to the agent with data arrives",
    EventName.ON_SHOW_SCREEN: "switching back to an interaction with a saved CRM screen",
    EventName.ON_SERVER_ERROR: "login with wrong credentials (invalid_credentials 109)",
    EventName.ON_WEB_SCREEN_POP_CUSTOM: "delivery or answer on a service with a web screen pop",
    EventName.ON_SAVE_ACTIVITY_RECORD: "right after ON_INTERACTION_REMOVED, once each",
}
"""When the simulated desktop emits each event; the others are delivered to handlers but the
simulation does not produce them yet."""

_JS_NAMES = {"did": "DID"}


def js_name(python_name: str) -> str:
    """The vendor's camelCase method name of a snake_case facade method."""
    head, *rest = python_name.split("_")
    return head + "".join(_JS_NAMES.get(part, part.capitalize()) for part in rest)


def events_table() -> str:
    """Every adApi event: handler arguments, whether the answer is used, its default."""
    lines = [
        "| Event | Handler arguments | Answer used | Default answer | Since | Emitted when |",
        "|---|---|---|---|---|---|",
    ]
    for name, spec in EVENTS.items():
        arguments = ", ".join(f"`{argument}`" for argument in spec.arguments) or "—"
        answer = "yes" if spec.needs_response else "no"
        default = f"`{spec.default_response!r}`" if spec.needs_response else "—"
        default = default.replace("True", "true").replace("False", "false").replace("None", "null")
        when = EMITTED.get(name, "not produced by the simulation yet")
        lines.append(
            f"| `{name.value}` | {arguments} | {answer} | {default} | {spec.since} | {when} |"
        )
    return "\n".join(lines)


def ad_api_table() -> str:
    """Every method of the ``ad_api`` a plugin receives, with the vendor's name."""
    from simulator.handlers import AdApi

    lines = ["| `ad_api` method | adApi | What it does |", "|---|---|---|"]
    for name, function in inspect.getmembers(AdApi, inspect.isfunction):
        if name.startswith("_"):
            continue
        doc = (inspect.getdoc(function) or "").strip().split("\n\n")[0]
        summary = " ".join(doc.split()).replace("``", "`").replace("|", "\\|")
        parameters = [
            parameter.name
            if parameter.default is inspect.Parameter.empty
            else f"{parameter.name}={parameter.default!r}"
            for parameter in inspect.signature(function).parameters.values()
            if parameter.name != "self"
        ]
        signature = f"{name}({', '.join(parameters)})"
        lines.append(f"| `{signature}` | `{js_name(name)}` | {summary} |")
    return "\n".join(lines)


_TABLES = {"events": events_table, "ad_api": ad_api_table}


def refresh(text: str) -> str:
    """``text`` with every ``<!-- NAME:begin -->...<!-- NAME:end -->`` table regenerated."""
    for name, build in _TABLES.items():
        pattern = re.compile(rf"(<!-- {name}:begin -->).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"the README has no <!-- {name}:begin --> ... :end --> markers")
        table = build()
        text = pattern.sub(lambda m, table=table: f"{m.group(1)}\n{table}\n{m.group(2)}", text)
    return text


def main(argv: list[str] | None = None) -> int:
    """Write or check the README's generated tables."""
    parser = argparse.ArgumentParser(prog="python -m simulator.reference")
    parser.add_argument("--readme", type=Path, default=Path("README.md"))
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true")
    group.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = args.readme.read_text("utf-8")
    fresh = refresh(text)
    if args.write:
        args.readme.write_text(fresh, "utf-8")
        return 0
    if fresh != text:
        print(
            f"{args.readme}: stale tables: run `python -m simulator.reference --write`",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
