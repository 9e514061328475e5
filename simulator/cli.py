"""``adsim``: the command line, and the composition root that wires engine, data and window.

Subcommands register themselves in ``_COMMANDS``; each gets a parser and a function returning the
exit code. Bad input gives a one-line message naming the file or argument and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from simulator import __version__
from simulator.data import InputFileError, Tenant, load_tenant
from simulator.engine import Settings, Simulator

__all__ = ["build_parser", "main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


def _add_engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tenant", type=Path, metavar="FILE", help="tenant directory file (default: built-in)"
    )
    parser.add_argument("--seed", type=int, default=None, metavar="N", help="random seed")


def _tenant(args: argparse.Namespace) -> Tenant:
    return load_tenant(args.tenant)


def _cmd_demo(args: argparse.Namespace) -> int:
    from simulator.demo import run_demo_call

    sim = Simulator(_tenant(args), seed=args.seed if args.seed is not None else 0)
    recorder = run_demo_call(sim)
    if args.events:
        sys.stdout.write(recorder.jsonl())
        return EXIT_OK
    record = recorder.records()[-1]
    print("ON_SAVE_ACTIVITY_RECORD", file=sys.stderr)
    print(json.dumps(record, indent=2, ensure_ascii=False))
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:
    from simulator.contract.schema import render_schema

    sys.stdout.write(render_schema())
    return EXIT_OK


def _add_demo(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "demo", help="run one inbound call headless and print its activity record"
    )
    _add_engine_options(parser)
    parser.add_argument("--events", action="store_true", help="print every event as JSON lines")
    parser.set_defaults(func=_cmd_demo)


def _add_schema(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("schema", help="print the JSON Schema of the adApi 5.19 contract")
    parser.set_defaults(func=_cmd_schema)


_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_demo, _add_schema]


def build_parser() -> argparse.ArgumentParser:
    """The ``adsim`` argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="adsim",
        description="Agent Desktop Simulator: Bright Pattern's agent desktop and adApi, "
        "for testing CRM integrations without a live tenant.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_engine_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in _COMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``adsim``; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        args.events = False
        args.func = _cmd_demo
    try:
        return args.func(args)
    except InputFileError as exc:
        print(f"adsim: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


_ = Settings  # re-exported for subcommands that build settings from options
