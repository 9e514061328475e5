"""``adsim`` with no command: the window's options, and the command that opens it.

The options are parsed before pydantic, the engine or Qt are imported (``adsim`` shows the window
first); ``--tenant``, ``--seed`` and ``--api-version`` are added by the same function to the
subcommands that take them (``add_engine_options``), with the same names, metavars and checks.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from simulator import numbers
from simulator.cli_parser import EXIT_BAD_INPUT, QuietParser
from simulator.file_args import file_name, file_path, handler_spec, page_spec

__all__ = [
    "API_VERSIONS_METAVAR",
    "SCENARIO_API_HELP",
    "add_engine_options",
    "add_window_options",
    "cmd_window",
    "window_args",
    "window_option_given",
]


API_VERSIONS_METAVAR = "5.19|5.24.1|2026"
"""``simulator.contract.versions.API_VERSIONS`` spelt out: the window's options are parsed
before the contract's models are imported (a test keeps the two equal)."""


def _api_version(text: str) -> str:
    from simulator.contract.versions import _api_version_arg

    return _api_version_arg(text)


SCENARIO_API_HELP = "the adApi contract to simulate (default: a scenario's api_version:, else 5.19)"


def add_engine_options(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup,
    *,
    dest_prefix: str = "",
    api_help: str = SCENARIO_API_HELP,
) -> None:
    """``--tenant FILE`` and ``--seed N``: the same names, metavars and checks everywhere."""
    parser.add_argument(
        "--tenant",
        dest=f"{dest_prefix}tenant",
        type=file_path,
        metavar="FILE",
        help="tenant directory file (default: built-in)",
    )
    parser.add_argument(
        "--seed",
        dest=f"{dest_prefix}seed",
        type=numbers.seed,
        default=None,
        metavar="N",
        help="random seed",
    )
    parser.add_argument(
        "--api-version",
        dest=f"{dest_prefix}api_version",
        type=_api_version,
        default=None,
        metavar=API_VERSIONS_METAVAR,
        help=api_help,
    )


def add_window_options(parser: argparse.ArgumentParser) -> None:
    """The window's options (``adsim`` with no command), in a group of their own."""
    group = parser.add_argument_group("the window (adsim with no command)")
    # Own dests (window_*): a subcommand's options of the same name would otherwise overwrite
    # them, and ``main`` refuses them before a command (``adsim --seed 5 demo``).
    add_engine_options(group, dest_prefix="window_")
    group.add_argument(
        "--handler",
        dest="window_handlers",
        action="append",
        default=[],
        type=handler_spec,
        metavar="PATH",
        help="load a handler plugin (.py or a directory of them) in the window; repeatable; "
        "NAME=PATH loads it for that --agent only",
    )
    group.add_argument(
        "--agent",
        dest="window_agents",
        action="append",
        default=[],
        metavar="NAME[@TEAM]",
        help="one more agent of the contact center, with its own desktop behind the agent "
        "switcher: a member of the tenant's teams (omar), or a new agent of a team "
        "(bob@Sales); repeatable",
    )
    group.add_argument(
        "--handler-isolation",
        dest="window_isolation",
        choices=("process", "thread"),
        default=None,  # None, not "process": an unset window option is told from a given one
        help="process (default): each plugin in its own supervised process; thread: in the "
        "window's process",
    )
    group.add_argument(
        "--scenario",
        dest="window_scenario",
        type=file_path,
        metavar="FILE",
        help="play a scenario visibly in the window",
    )
    group.add_argument(
        "--journal",
        dest="window_journal",
        type=file_name,
        metavar="PATH",
        help="the window's journal file",
    )
    group.add_argument(
        "--page",
        dest="window_page",
        action="append",
        default=[],
        type=page_spec,
        metavar="[NAME=]URL|DIR",
        help="open your CRM page (a URL, or a folder served as adsim://crm/) in a dock, with "
        "the adApi shim at the vendor's script path (needs agent-desktop-simulator[web]); "
        "NAME=URL|DIR: the page of that --agent's desktop; repeatable",
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


def cmd_window(args: argparse.Namespace) -> int:
    """Open the window with the options given (exit 2 for options that do not fit together)."""
    from simulator.gui.launch import WindowOptions, run_window
    from simulator.gui.options import agent_option, page_options

    for flag, given in (
        ("--tenant-url", args.window_tenant_url),
        ("--allow-origin", args.window_allow_origins),
    ):
        if given and not args.window_page:
            print(f"adsim: {flag}: needs --page URL|DIR (the page to serve)", file=sys.stderr)
            return EXIT_BAD_INPUT
    try:
        page, pages = page_options(list(args.window_page))
    except ValueError as exc:
        print(f"adsim: --page: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        agents = [agent_option(text) for text in args.window_agents]
    except ValueError as exc:
        print(f"adsim: --agent: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return run_window(
        WindowOptions(
            tenant=args.window_tenant,
            seed=args.window_seed,
            api_version=args.window_api_version,
            handlers=[str(path) for path in args.window_handlers],
            scenario=args.window_scenario,
            journal=args.window_journal,
            isolation=args.window_isolation or "process",
            theme=args.window_theme,
            page=page,
            pages=pages,
            agents=agents,
            tenant_url=args.window_tenant_url,
            allow_origins=list(args.window_allow_origins),
        )
    )


def window_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """The options when the command line asks for the window (no command, no --help)."""
    parser = QuietParser(prog="adsim", add_help=False, allow_abbrev=False)
    add_window_options(parser)
    try:
        args, rest = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return None  # a bad option: the full parser says so
    if rest:
        return None
    args.command = None
    return args


def window_option_given(args: argparse.Namespace) -> str | None:
    """The first window option on a command line that also names a command."""
    parser = QuietParser(add_help=False)
    add_window_options(parser)
    for action in parser._actions:
        if action.dest.startswith("window_") and getattr(args, action.dest, None) not in (
            None,
            [],
        ):
            return action.option_strings[0]
    return None
