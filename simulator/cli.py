"""``adsim``: the command line, and the composition root that wires engine, data and window.

Subcommands register themselves in ``_COMMANDS``; each gets a parser and a function returning the
exit code. Bad input gives a one-line message naming the file or argument and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from simulator import __version__

# The engine, handlers, journal and scenarios are imported when a command needs them, not here:
# ``adsim`` with no command shows the window before pydantic and Faker are even loaded.
if TYPE_CHECKING:
    from simulator.data import Tenant

__all__ = ["build_parser", "main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def _add_engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tenant", type=Path, metavar="FILE", help="tenant directory file (default: built-in)"
    )
    parser.add_argument("--seed", type=int, default=None, metavar="N", help="random seed")
    from simulator.contract.versions import add_api_version_option

    add_api_version_option(parser)


def _add_window_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("the window (adsim with no command)")
    # Own dests: a subcommand's defaults would otherwise overwrite these (argparse).
    group.add_argument(
        "--handler",
        dest="window_handlers",
        action="append",
        default=[],
        metavar="PATH",
        help="load a handler plugin (.py or a directory of them) in the window; repeatable",
    )
    group.add_argument(
        "--scenario",
        dest="window_scenario",
        type=Path,
        metavar="FILE",
        help="play a scenario visibly in the window",
    )
    group.add_argument(
        "--journal", dest="window_journal", metavar="FILE", help="the window's journal file"
    )
    group.add_argument(
        "--page",
        dest="window_page",
        metavar="URL|DIR",
        help="open your CRM page (a URL, or a folder served as adsim://crm/) in a dock, with "
        "the adApi shim at the vendor's script path (needs agent-desktop-simulator[web])",
    )
    group.add_argument(
        "--tenant-url",
        dest="window_tenant_url",
        metavar="https://HOST",
        help="strict-CSP mode for --page: serve the shim at https://HOST/agent/communicator/"
        "adapters/api.js itself (a local TLS server, its certificate accepted for HOST only)",
    )
    group.add_argument(
        "--allow-origin",
        dest="window_allow_origins",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="let the --page page reach this origin too (its API, a CDN: https://host[:port]); "
        "everything else is blocked; repeatable",
    )
    group.add_argument(
        "--theme",
        dest="window_theme",
        choices=("system", "light", "dark"),
        help="palette (default: follow the system)",
    )


def _cmd_window(args: argparse.Namespace) -> int:
    from simulator.gui.launch import WindowOptions, run_window

    for flag, given in (
        ("--tenant-url", args.window_tenant_url),
        ("--allow-origin", args.window_allow_origins),
    ):
        if given and args.window_page is None:
            print(f"adsim: {flag}: needs --page URL|DIR (the page to serve)", file=sys.stderr)
            return EXIT_BAD_INPUT
    return run_window(
        WindowOptions(
            tenant=args.tenant,
            seed=args.seed,
            api_version=args.api_version,
            handlers=[str(path) for path in args.window_handlers],
            scenario=args.window_scenario,
            journal=args.window_journal,
            theme=args.window_theme,
            page=args.window_page,
            tenant_url=args.window_tenant_url,
            allow_origins=list(args.window_allow_origins),
        )
    )


def _tenant(args: argparse.Namespace) -> Tenant:
    from simulator.data import load_tenant

    return load_tenant(args.tenant)


def _cmd_demo(args: argparse.Namespace) -> int:
    from simulator.demo import run_demo_call
    from simulator.engine import CommitError, Settings, Simulator
    from simulator.handlers.cli_options import build_host, finish_run

    settings = Settings(api_version=args.api_version or "5.19")
    sim = Simulator(
        _tenant(args), seed=args.seed if args.seed is not None else 0, settings=settings
    )
    host = build_host(sim, args, meta={"command": "demo"})
    try:
        recorder = run_demo_call(sim, after_step=host.settle)
    except CommitError:  # the journal refused a step: finish_run names it in one line
        return finish_run(host)
    except BaseException:
        finish_run(host)
        raise
    code = finish_run(host)
    if args.events:
        sys.stdout.write(recorder.jsonl())
        return code
    record = recorder.records()[-1]
    print("ON_SAVE_ACTIVITY_RECORD", file=sys.stderr)
    print(json.dumps(record, indent=2, ensure_ascii=False))
    saved = sim.activity_record_info(record["interactionId"])
    if saved is not None:  # 2026: where the integration saved it
        print(f"ActivityRecordInfo {json.dumps(saved, ensure_ascii=False)}", file=sys.stderr)
    return code


def _cmd_schema(args: argparse.Namespace) -> int:
    if getattr(args, "scenario", False):
        from simulator.scenarios.schema import render_schema as render_scenario_schema

        sys.stdout.write(render_scenario_schema())
        return EXIT_OK
    from simulator.contract.schema import render_schema

    sys.stdout.write(render_schema(args.api_version or "5.19"))
    return EXIT_OK


def _add_demo(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "demo", help="run one inbound call headless and print its activity record"
    )
    _add_engine_options(parser)
    parser.add_argument("--events", action="store_true", help="print every event as JSON lines")
    from simulator.handlers.cli_options import add_handler_options

    add_handler_options(parser)
    parser.set_defaults(func=_cmd_demo)


def _add_schema(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "schema", help="print the JSON Schema of the adApi contract (5.19 unless --api-version)"
    )
    parser.add_argument(
        "--scenario", action="store_true", help="print the JSON Schema of scenario files instead"
    )
    from simulator.contract.versions import add_api_version_option

    add_api_version_option(parser)
    parser.set_defaults(func=_cmd_schema)


def _lazy(module: str, name: str) -> Callable[[argparse._SubParsersAction], None]:
    """A command adder imported only when the full parser is built."""

    def add(sub: argparse._SubParsersAction) -> None:
        getattr(importlib.import_module(module), name)(sub)

    return add


def _drive_page(options: Any, work: Callable[[Any], int]) -> int:
    """``adsim run --page``: the page in offscreen QtWebEngine, the runs beside it."""
    from simulator.data import InputFileError

    try:
        from simulator.gui.page_run import drive
    except ImportError:
        raise InputFileError(
            "--page",
            None,
            "needs QtWebEngine: pip install 'agent-desktop-simulator[web]' "
            "(PySide6-Addons==6.11.3)",
        ) from None
    return drive(
        options.target,
        work,
        tenant_url=options.tenant_url,
        allow_origins=options.allow_origins,
        timeout=options.timeout,
    )


def _add_run(sub: argparse._SubParsersAction) -> None:
    from simulator.scenarios.commands import add_run_command

    add_run_command(sub, page_driver=_drive_page)


_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_demo,
    _add_schema,
    _lazy("simulator.journal.commands", "add_journal_command"),
    _add_run,
    _lazy("simulator.scenarios.commands", "add_generate_command"),
]


def build_parser() -> argparse.ArgumentParser:
    """The ``adsim`` argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="adsim",
        description="Agent Desktop Simulator: Bright Pattern's agent desktop and adApi, "
        "for testing CRM integrations without a live tenant.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_engine_options(parser)
    _add_window_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in _COMMANDS:
        add(sub)
    return parser


class _QuietParser(argparse.ArgumentParser):
    """Raises instead of printing: the full parser reports the error."""

    def error(self, message: str) -> NoReturn:
        raise argparse.ArgumentError(None, message)


def _window_args(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The options when the command line asks for the window (no command, no --help)."""
    parser = _QuietParser(prog="adsim", add_help=False)
    _add_engine_options(parser)
    _add_window_options(parser)
    try:
        args, rest = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return None  # a bad option: the full parser says so, with every command listed
    if rest:
        return None
    args.command = None
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``adsim``; returns the exit code."""
    args = _window_args(sys.argv[1:] if argv is None else argv)
    if args is not None:
        args.func = _cmd_window
    else:
        args = build_parser().parse_args(argv)
        if args.command is None:
            args.func = _cmd_window
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from simulator.data import InputFileError

        if isinstance(exc, InputFileError):
            print(f"adsim: {exc}", file=sys.stderr)
            return EXIT_BAD_INPUT
        from simulator.handlers import HandlerLoopError

        if isinstance(exc, HandlerLoopError):  # the integration's bug, not bad input
            print(f"adsim: {exc}", file=sys.stderr)
            return EXIT_FAILED
        raise
