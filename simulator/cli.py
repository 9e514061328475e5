"""``adsim``: the command line, and the composition root that wires engine, data and window.

Subcommands register themselves in ``_COMMANDS``; each gets a parser and a function returning the
exit code. Bad input gives a one-line message naming the file or argument and exit code 2.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from simulator import __version__, interrupts, numbers, streams
from simulator.file_args import file_name, file_path, handler_spec, page_spec

# The engine, handlers, journal and scenarios are imported when a command needs them, not here:
# ``adsim`` with no command shows the window before pydantic and Faker are even loaded.
if TYPE_CHECKING:
    from simulator.data import Tenant

__all__ = ["build_parser", "main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_BROKEN_PIPE = streams.EXIT_BROKEN_PIPE


API_VERSIONS_METAVAR = "5.19|5.24.1|2026"
"""``simulator.contract.versions.API_VERSIONS`` spelt out: the window's options are parsed
before the contract's models are imported (a test keeps the two equal)."""


def _api_version(text: str) -> str:
    from simulator.contract.versions import _api_version_arg

    return _api_version_arg(text)


SCENARIO_API_HELP = "the adApi contract to simulate (default: a scenario's api_version:, else 5.19)"


def _add_engine_options(
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


def _add_window_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("the window (adsim with no command)")
    # Own dests (window_*): a subcommand's options of the same name would otherwise overwrite
    # them, and ``main`` refuses them before a command (``adsim --seed 5 demo``).
    _add_engine_options(group, dest_prefix="window_")
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


def _cmd_window(args: argparse.Namespace) -> int:
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


def _tenant(args: argparse.Namespace) -> Tenant:
    from simulator.data import load_tenant

    return load_tenant(args.tenant)


def _cmd_demo(args: argparse.Namespace) -> int:
    from simulator.data import InputFileError
    from simulator.demo import run_demo_call
    from simulator.engine import CommitError, Simulator
    from simulator.engine.settings import settings_for
    from simulator.handlers.cli_options import abandon_run, agent_handler, build_host, finish_run

    settings = settings_for(args.api_version or "5.19")
    sim = Simulator(
        _tenant(args), seed=args.seed if args.seed is not None else 0, settings=settings
    )
    for name, _path in map(agent_handler, args.handlers or []):
        if name is not None and name != sim.name:  # it would load for nobody, and pass
            raise InputFileError(
                f"--handler {name}=...",
                None,
                f"adsim demo has one agent, {sim.name}: give the plugin without NAME= "
                f"(or {sim.name}=)",
            )
    host = build_host(sim, args, meta={"command": "demo"})
    try:
        recorder = run_demo_call(sim, after_step=host.settle)
    except CommitError:  # the journal refused a step: finish_run names it in one line
        return finish_run(host)
    except KeyboardInterrupt:  # Ctrl-C, SIGTERM: no waiting for handlers, no summary
        abandon_run(host)
        raise
    except BaseException:
        finish_run(host)
        raise
    code = finish_run(host)
    if args.events:
        sys.stdout.write(recorder.jsonl())
        return code
    records = recorder.records()
    if not records:  # the engine refused a step: the summary above says which handler or why
        print("adsim: the demo call saved no activity record", file=sys.stderr)
        return EXIT_FAILED
    print("ON_SAVE_ACTIVITY_RECORD", file=sys.stderr)
    record = records[-1]
    print(json.dumps(record, indent=2, ensure_ascii=False))
    saved = sim.activity_record_info(record["interactionId"])
    if saved is not None:  # 2026: where the integration saved it
        print(f"ActivityRecordInfo {json.dumps(saved, ensure_ascii=False)}", file=sys.stderr)
    return code


def _cmd_schema(args: argparse.Namespace) -> int:
    if getattr(args, "scenario", False):
        if args.api_version:  # one scenario format for every version: never a silent no-op
            print(
                "adsim: --api-version: the scenario schema is the same for every adApi version "
                "(a scenario names its own in api_version:); drop --api-version, or drop "
                "--scenario for that version's contract",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        from simulator.scenarios.schema import render_schema as render_scenario_schema

        sys.stdout.write(render_scenario_schema())
        return EXIT_OK
    from simulator.contract.schema import render_schema

    sys.stdout.write(render_schema(args.api_version or "5.19"))
    return EXIT_OK


def _add_demo(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("demo")
    _add_engine_options(parser, api_help="the adApi contract to simulate (default 5.19)")
    parser.add_argument("--events", action="store_true", help="print every event as JSON lines")
    from simulator.handlers.cli_options import add_handler_options

    add_handler_options(parser)
    parser.set_defaults(func=_cmd_demo)


def _add_schema(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("schema")
    parser.add_argument(
        "--scenario",
        action="store_true",
        help="print the JSON Schema of scenario files instead (one for every version)",
    )
    from simulator.contract.versions import add_api_version_option

    add_api_version_option(
        parser, help="the adApi contract whose JSON Schema to print (default 5.19)"
    )
    parser.set_defaults(func=_cmd_schema)


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
    with interrupts.paused():  # its Qt loop quits on Ctrl-C, SIGTERM, SIGHUP and stops the runs
        return drive(
            options.target,
            work,
            tenant_url=options.tenant_url,
            allow_origins=options.allow_origins,
            timeout=options.timeout,
            others=getattr(options, "agents", ()),
        )


def _add_run(sub: argparse._SubParsersAction) -> None:
    from simulator.scenarios.commands import add_run_command

    add_run_command(sub, page_driver=_drive_page)


def _add_journal(sub: argparse._SubParsersAction) -> None:
    from simulator.journal.commands import add_journal_command

    add_journal_command(sub)


def _add_generate(sub: argparse._SubParsersAction) -> None:
    from simulator.scenarios.commands import add_generate_command

    add_generate_command(sub)


_COMMANDS: dict[str, tuple[str, Callable[[argparse._SubParsersAction], None]]] = {
    "demo": ("run one inbound call headless and print its activity record", _add_demo),
    "schema": (
        "print the JSON Schema of the adApi contract (5.19 unless --api-version)",
        _add_schema,
    ),
    "journal": ("read the journal of events and handler outcomes, or prune it", _add_journal),
    "run": (
        "run scenario files headless on the virtual clock (exit 0 pass, 1 fail, 2 bad input)",
        _add_run,
    ),
    "generate": (
        "write N finished activity records as JSON lines, from real simulated interactions",
        _add_generate,
    ),
}
"""Each subcommand: its one-line help, and the function that adds its options. The options are
added only for the command being run, so ``adsim demo`` never imports what ``adsim run`` needs
(start-up time); ``build_parser()`` adds them all (the CLI reference, ``--help`` tests)."""


class CommandParser(argparse.ArgumentParser):
    """``adsim``'s parsers: no abbreviated options (``--webhook-secr`` is not
    ``--webhook-secret``), errors in one line plus a hint, exit 2, and an unknown option is
    reported by the (sub)command it was given to."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)
        self._dashed: str | None = None

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """As argparse's, but a subcommand refuses what it does not know itself (argparse
        would hand it up, and the top-level parser would name itself)."""
        given = list(sys.argv[1:] if args is None else args)
        if self._is_subcommand or self._subparsers is not None:
            unknown = self._unknown_option(given)
            if unknown is not None:  # before "SCENARIO is required" hides the typo
                self.error(f"unrecognized arguments: {unknown}")
        self._dashed = self._dashed_name(given)
        parsed, extras = super().parse_known_args(args, namespace)
        if extras and self._is_subcommand:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras

    def _unknown_option(self, args: list[str]) -> str | None:
        """The first ``--long`` option this parser does not have, before any ``--`` and, for a
        parser with subcommands, before the subcommand."""
        commands: Any = self._subparsers._group_actions[0].choices if self._subparsers else {}
        for arg in args:
            if arg == "--" or arg in commands:
                return None
            name = arg.split("=", 1)[0]  # never echo the value: it may be a secret
            if arg.startswith("--") and name not in self._option_string_actions:
                return name
        return None

    def _dashed_name(self, args: list[str]) -> str | None:
        """The first ``-name`` that is none of this parser's options, before any ``--``:
        argparse takes it for an option, never for a file (``adsim run -flow.yaml``)."""
        for arg in args:
            if arg == "--":
                return None
            if (
                arg.startswith("-")
                and not arg.startswith("--")
                and arg[:2] not in self._option_string_actions  # -o, -oFILE
                and not self._negative_number_matcher.match(arg)
            ):
                return arg
        return None

    @property
    def _is_subcommand(self) -> bool:
        return " " in self.prog

    def error(self, message: str) -> NoReturn:
        """One line naming the command and the problem, one hint, exit 2."""
        dashed = self._dashed
        if dashed is not None and message.startswith("the following arguments are required"):
            # ``adsim run -flow.yaml``: said "SCENARIO is required" of a file that was given
            message += f" ({dashed} was read as an option: give a file so named as ./{dashed})"
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message}\nhint: {self.prog} --help\n")

    def _print_message(self, message: str, file: Any = None) -> None:
        # argparse swallows a failed write: ``adsim --help > /dev/full`` printed nothing and
        # exited 0. Help and the version are the command's output: a write that fails is said.
        if not message or (file is not None and file is not sys.stdout):
            super()._print_message(message, file)  # an error's lines on stderr
            return
        try:
            sys.stdout.write(message)
            sys.stdout.flush()
        except BrokenPipeError:
            raise SystemExit(streams.quiet_broken_pipe()) from None
        except OSError as exc:
            raise SystemExit(_cannot_write(exc)) from None


class _Existing:
    """Stands in for the subparsers action when a command's options are added late: the
    command's parser already exists (its name and help are listed in ``_COMMANDS``)."""

    def __init__(self, parser: argparse.ArgumentParser):
        self.parser = parser

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        for key in ("description", "epilog"):
            if key in kwargs:
                setattr(self.parser, key, kwargs[key])
        return self.parser


class _Commands(argparse._SubParsersAction):
    """Subcommands whose options are added when the command is chosen."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.pending: dict[str, Callable[[argparse._SubParsersAction], None]] = {}

    def complete(self, name: str) -> None:
        """Add the options of command ``name`` (once)."""
        add = self.pending.pop(name, None)
        if add is not None:
            add(_Existing(self.choices[name]))  # type: ignore[arg-type]

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        if values and values[0] in self.pending:
            self.complete(values[0])
        super().__call__(parser, namespace, values, option_string)


def _parser(*, complete: bool) -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="adsim",
        description="Agent Desktop Simulator: Bright Pattern's agent desktop and adApi, "
        "for testing CRM integrations without a live tenant.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_window_options(parser)
    parser.register("action", "commands", _Commands)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", action="commands")
    assert isinstance(sub, _Commands)
    for name, (help_text, add) in _COMMANDS.items():
        sub.add_parser(name, help=help_text, description=help_text[:1].upper() + help_text[1:])
        sub.pending[name] = add
    if complete:
        for name in _COMMANDS:
            sub.complete(name)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The ``adsim`` argument parser with every subcommand and all their options."""
    return _parser(complete=True)


class _QuietParser(argparse.ArgumentParser):
    """Raises instead of printing: the full parser reports the error."""

    def error(self, message: str) -> NoReturn:
        raise argparse.ArgumentError(None, message)


def _window_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """The options when the command line asks for the window (no command, no --help)."""
    parser = _QuietParser(prog="adsim", add_help=False, allow_abbrev=False)
    _add_window_options(parser)
    try:
        args, rest = parser.parse_known_args(argv)
    except argparse.ArgumentError:
        return None  # a bad option: the full parser says so
    if rest:
        return None
    args.command = None
    return args


def _window_option_given(args: argparse.Namespace) -> str | None:
    """The first window option on a command line that also names a command."""
    parser = _QuietParser(add_help=False)
    _add_window_options(parser)
    for action in parser._actions:
        if action.dest.startswith("window_") and getattr(args, action.dest, None) not in (
            None,
            [],
        ):
            return action.option_strings[0]
    return None


def _parse(argv: list[str]) -> argparse.Namespace:
    """The command line, with ``func`` set to the command to run."""
    args = _window_args(argv)
    if args is not None:
        args.func = _cmd_window
        return args
    parser = _parser(complete=False)
    args = parser.parse_args(argv)
    if args.command is None:
        args.func = _cmd_window
    else:
        flag = _window_option_given(args)
        if flag is not None:
            parser.error(
                f"{flag} before the command is an option of the window; "
                f"write it after the command (adsim {args.command} ... {flag} ...)"
            )
    return args


def _cache_generated_code() -> None:
    """Dataclass methods and forward references compiled by an earlier run, and this run's kept
    at exit (~30 ms of a usable window's start: ``simulator.code_cache``)."""
    import atexit

    from simulator.code_cache import install

    cache = install()
    if cache is not None:
        atexit.register(cache.save)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``adsim``; returns the exit code."""
    program = argv is None  # the process is adsim (not a caller's main([...]))
    if program:  # a caller's streams and signals are the caller's
        streams.open_standard_fds()
        streams.encodable_streams()
        streams.whole_lines()
    argv = list(sys.argv[1:] if argv is None else argv)
    with interrupts.stop_on_signals() if program else contextlib.nullcontext():
        try:
            code = _run(argv, program)
        except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM: the stopper said so on stderr
            code = interrupts.exit_code(exc)
            if program and not isinstance(exc, interrupts.Interrupted):
                # Python's own handler raised it (the window's, while Qt is imported): said too
                streams.complain("adsim: interrupted (SIGINT): stopping")
        except RuntimeError as exc:
            stop = interrupts.stop_in(exc)  # a signal during an import (``__set_name__``)
            if stop is None:
                raise
            code = interrupts.exit_code(stop)
    if program and "simulator.handlers.leftover_threads" in sys.modules:
        # A plugin run in this process (--handler-isolation thread) may have left a thread
        # that is not a daemon: Python would wait for it after the summary, for ever.
        from simulator.handlers.leftover_threads import exit_past

        return exit_past(code)
    return code


def _cannot_write(exc: OSError) -> int:
    """The output cannot be written (a full disk or quota under --output or a redirect): the
    user's to fix, in one line; exit 2."""
    streams.quiet_broken_pipe()  # what is still buffered for stdout cannot be written either
    advice = "; free some space or write elsewhere" if streams.no_room(exc) else ""
    streams.complain(f"adsim: cannot write the output: {exc.strerror or exc}{advice}")
    return EXIT_BAD_INPUT


def _run(argv: list[str], program: bool) -> int:
    # Parsing imports what the chosen command needs: the engine and pydantic's models, some
    # 100,000 long-lived objects and no garbage, which the cyclic collector would walk again and
    # again (~30 ms of `adsim demo`). So no collection while they are made, and then they are
    # moved out of its sight for good (``gc.freeze``); the command runs with it on. Only when
    # the process is adsim: a caller's own objects are not its to freeze.
    if program:  # before the command's modules are imported: they compile less
        _cache_generated_code()
    collecting = program and gc.isenabled()
    if collecting:
        gc.disable()
    try:
        args = _parse(argv)
    finally:
        if collecting:
            gc.freeze()
            gc.enable()
    # The window handles Ctrl-C, SIGTERM and SIGHUP itself (simulator.gui.launch): it closes
    # and its session is closed after Qt's loop.
    window = args.func is _cmd_window
    try:
        with interrupts.paused() if window else contextlib.nullcontext():
            code = args.func(args)
        sys.stdout.flush()  # here, so a closed pipe is reported below and not at exit
        return code
    except BrokenPipeError:
        return streams.quiet_broken_pipe()
    except OSError as exc:
        if isinstance(exc, streams.OutputFailedError):  # an I/O error of its disk or share
            streams.complain(f"adsim: {exc.filename}: cannot write the output: {exc.strerror}")
            return EXIT_BAD_INPUT
        if not streams.no_room(exc):
            raise
        return _cannot_write(exc)
    except ValueError:
        if not getattr(sys.stdout, "closed", False):
            raise
        # Only code in this process closes it: a handler run in a thread (not in a process).
        streams.complain(
            "adsim: the standard output was closed during the run (by a handler run with "
            "--handler-isolation thread?); the report could not be written"
        )
        return EXIT_FAILED
    except Exception as exc:
        from simulator.data import InputFileError

        if isinstance(exc, InputFileError):
            streams.complain(f"adsim: {exc}")
            return EXIT_BAD_INPUT
        from simulator.handlers import HandlerLoopError

        if isinstance(exc, HandlerLoopError):  # the integration's bug, not bad input
            streams.complain(f"adsim: {exc}")
            return EXIT_FAILED
        raise
