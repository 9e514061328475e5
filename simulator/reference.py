"""The documentation's reference tables, generated from the code so they cannot drift from it.

python -m simulator.reference --write   # refresh the tables between the pages' markers
python -m simulator.reference --check   # exit 1 when a table is stale (a test runs this)

The tables live in the documentation site's pages (``docs/``), between
``<!-- NAME:begin -->`` and ``<!-- NAME:end -->`` markers.
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from simulator.contract import EVENTS, EventName
from simulator.contract.events import EventSpec
from simulator.contract.versions import METHODS, ApiVersion, events_for
from simulator.engine.widget_requests import ANSWERED_BY_REQUEST

__all__ = [
    "EMITTED",
    "PAGES",
    "ad_api_table",
    "cli_reference",
    "events_table",
    "js_name",
    "refresh",
]

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
    EventName.ON_SAVE_ACTIVITY_RECORD: "right after ON_INTERACTION_REMOVED, once each "
    "(2026: the answer, an ActivityRecordInfo, is stored)",
    EventName.ON_SCREEN_RECORDING_STATE_CHANGE: "`setScreenRecordingMute` changes the state",
    EventName.ON_WIDGET_MINIMIZED_CHANGE: "`setWidgetMinimized` changes it",
    **{name: f"on request: {how}" for name, how in ANSWERED_BY_REQUEST.items()},
    EventName.ON_VALIDATE_ASSOCIATED_RECORDS: "completing an interaction that has associated "
    "records (`completeInteraction`, `leaveAndCompleteInteraction`, the after-call-work limit); "
    "on request: " + ANSWERED_BY_REQUEST.get(EventName.ON_VALIDATE_ASSOCIATED_RECORDS, ""),
    EventName.ON_SUMMARY_GENERATION_STARTED: "the scenario's `summary` step",
    EventName.ON_SUMMARY_GENERATION_COMPLETED: "the `summary` step's `seconds` later",
    EventName.ON_VOICE_TRANSCRIPT_MESSAGE: "the scenario's `transcript` step (a line heard on "
    "the call)",
    EventName.ON_REQUEST_RECORD_INFO: "the scenario pops a CRM record by id and type "
    "(`crm_pop`); on request: " + ANSWERED_BY_REQUEST.get(EventName.ON_REQUEST_RECORD_INFO, ""),
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
        "| Event | Handler arguments | Answer used | Default answer | Since | Versions "
        "| Emitted when |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, spec in EVENTS.items():
        arguments = ", ".join(f"`{argument}`" for argument in spec.arguments) or "—"
        answer = "yes" if spec.needs_response else "no"
        default = f"`{spec.default_response!r}`" if spec.needs_response else "—"
        default = default.replace("True", "true").replace("False", "false").replace("None", "null")
        for version, changed in _event_changes(name):
            if changed.arguments != spec.arguments:
                arguments += f"; {version}: " + (
                    ", ".join(f"`{argument}`" for argument in changed.arguments) or "—"
                )
            if changed.needs_response and not spec.needs_response:
                answer += f"; {version}: yes (`null`)"
        when = EMITTED.get(name, "not produced by the simulation yet")
        versions = ", ".join(v.value for v in ApiVersion if v.has(spec.since))
        lines.append(
            f"| `{name.value}` | {arguments} | {answer} | {default} | {spec.since} | {versions} "
            f"| {when} |"
        )
    return "\n".join(lines)


def _event_changes(name: EventName) -> list[tuple[str, EventSpec]]:
    """The versions where the event's arguments or answer differ from the one before."""
    changes = []
    previous = EVENTS[name]
    for version in ApiVersion:
        spec = events_for(version).get(name)
        if spec is None:
            continue
        if (spec.arguments, spec.needs_response) != (previous.arguments, previous.needs_response):
            changes.append((version.value, spec))
        previous = spec
    return changes


def ad_api_table() -> str:
    """Every method of the ``ad_api`` a plugin receives, with the vendor's name."""
    from simulator.handlers import AdApi

    lines = [
        "| `ad_api` method | adApi | Since | Versions | What it does |",
        "|---|---|---|---|---|",
    ]
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
        spec = METHODS.get(js_name(name))
        since = spec.since if spec is not None else "5.19"
        versions = ", ".join(
            v.value for v in ApiVersion if spec is None or v.has(spec.since, spec.until)
        )
        if spec is not None and not spec.simulated:
            versions += " (refused: unpublished)"
        lines.append(f"| `{signature}` | `{js_name(name)}` | {since} | {versions} | {summary} |")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _text(text: str) -> str:
    """A table cell of prose: ``<`` would open an HTML tag in Markdown."""
    return _cell(text).replace("<", "&lt;")


def _options_table(parser: argparse.ArgumentParser) -> list[str]:
    formatter = parser._get_formatter()
    lines = ["| Option | What it does |", "|---|---|"]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction | argparse._HelpAction):
            continue
        if action.help == argparse.SUPPRESS:
            continue
        usage = formatter._format_args(action, formatter._get_default_metavar_for_optional(action))
        if action.option_strings:
            flags = ", ".join(action.option_strings)
            option = f"{flags} {usage}" if action.nargs != 0 else flags
        else:
            option = formatter._format_args(action, action.dest)
        help_text = formatter._expand_help(action) if action.help else ""
        lines.append(f"| `{_cell(option)}` | {_text(help_text)} |")
    return lines


def _subcommands(
    parser: argparse.ArgumentParser,
) -> dict[str, tuple[str, argparse.ArgumentParser]]:
    """Each subcommand's name, its one-line help and its parser."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            return {name: (helps.get(name, ""), child) for name, child in action.choices.items()}
    return {}


def cli_reference() -> str:
    """Every ``adsim`` command and its options, read from the argument parser."""
    from simulator.cli import build_parser

    def section(prog: str, summary: str, parser: argparse.ArgumentParser) -> list[str]:
        lines = [f"### `{prog}`", "", *([_text(summary), ""] if summary else [])]
        options = _options_table(parser)
        lines += [*options, ""] if len(options) > 2 else []
        for name, (help_text, child) in _subcommands(parser).items():
            lines += section(f"{prog} {name}", help_text, child)
        return lines

    parser = build_parser()
    return "\n".join(section("adsim", parser.description or "", parser)).rstrip("\n")


_TABLES: dict[str, Callable[[], str]] = {
    "events": events_table,
    "ad_api": ad_api_table,
    "cli": cli_reference,
}

PAGES: dict[str, tuple[str, ...]] = {"handlers.md": ("events", "ad_api"), "cli.md": ("cli",)}
"""Which generated tables each page of ``docs/`` holds."""


def refresh(text: str, names: Iterable[str] = tuple(_TABLES)) -> str:
    """``text`` with its ``<!-- NAME:begin -->...<!-- NAME:end -->`` tables regenerated."""
    for name in names:
        pattern = re.compile(rf"(<!-- {name}:begin -->).*?(<!-- {name}:end -->)", re.S)
        if not pattern.search(text):
            raise ValueError(f"no <!-- {name}:begin --> ... :end --> markers")
        table = _TABLES[name]()
        text = pattern.sub(lambda m, table=table: f"{m.group(1)}\n{table}\n{m.group(2)}", text)
    return text


def main(argv: list[str] | None = None) -> int:
    """Write or check the generated tables of the pages in ``--docs``."""
    parser = argparse.ArgumentParser(prog="python -m simulator.reference")
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="the pages' folder")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true")
    group.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    stale = 0
    for name, tables in PAGES.items():
        path = args.docs / name
        text = path.read_text("utf-8")
        fresh = refresh(text, tables)
        if args.write:
            path.write_text(fresh, "utf-8")
        elif fresh != text:
            print(
                f"{path}: stale tables: run `python -m simulator.reference --write`",
                file=sys.stderr,
            )
            stale = 1
    return stale


if __name__ == "__main__":
    raise SystemExit(main())
