"""``adsim``: the command line, and the composition root that wires engine, data and window.

Subcommands register themselves in ``_COMMANDS``; each gets a parser and a function returning the
exit code. Bad input gives a one-line message naming the file or argument and exit code 2.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import sys
from collections.abc import Callable, Sequence
from typing import Any

from simulator import __version__, interrupts, streams
from simulator.cli_commands import add_demo, add_schema
from simulator.cli_parser import (
    EXIT_BAD_INPUT,
    EXIT_BROKEN_PIPE,
    EXIT_FAILED,
    EXIT_OK,
    CommandParser,
    Commands,
    cannot_write,
)
from simulator.cli_window import (
    API_VERSIONS_METAVAR,
    add_window_options,
    cmd_window,
    window_args,
    window_option_given,
)

# The engine, handlers, journal and scenarios are imported when a command needs them, not here:
# ``adsim`` with no command shows the window before pydantic and Faker are even loaded. The
# parsers are ``simulator.cli_parser``, the window's options ``simulator.cli_window``, ``demo``
# and ``schema`` ``simulator.cli_commands``.

__all__ = [
    "API_VERSIONS_METAVAR",
    "EXIT_BAD_INPUT",
    "EXIT_BROKEN_PIPE",
    "EXIT_FAILED",
    "EXIT_OK",
    "build_parser",
    "main",
]


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
    "demo": ("run one inbound call headless and print its activity record", add_demo),
    "schema": (
        "print the JSON Schema of the adApi contract (5.19 unless --api-version)",
        add_schema,
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


def _parser(*, complete: bool) -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="adsim",
        description="Agent Desktop Simulator: Bright Pattern's agent desktop and adApi, "
        "for testing CRM integrations without a live tenant.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_window_options(parser)
    parser.register("action", "commands", Commands)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", action="commands")
    assert isinstance(sub, Commands)
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


def _parse(argv: list[str]) -> argparse.Namespace:
    """The command line, with ``func`` set to the command to run."""
    args = window_args(argv)
    if args is not None:
        args.func = cmd_window
        return args
    parser = _parser(complete=False)
    args = parser.parse_args(argv)
    if args.command is None:
        args.func = cmd_window
    else:
        flag = window_option_given(args)
        if flag is not None:
            parser.error(
                f"{flag} before the command is an option of the window; "
                f"write it after the command (adsim {args.command} ... {flag} ...)"
            )
    return args


def _cache_generated_code() -> None:
    """Dataclass methods and forward references compiled by an earlier run, and this run's kept
    at exit (~30 ms of a usable window's start: ``simulator.code_cache``)."""
    from simulator.code_cache import install

    cache = install()
    if cache is not None:
        atexit.register(cache.save)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``adsim``; returns the exit code."""
    program = argv is None  # the process is adsim (not a caller's main([...]))
    if program:  # a caller's streams and signals are the caller's
        atexit.register(interrupts.ignore_stops_once_ended)  # before the command's: runs last
        streams.open_standard_fds()
        streams.encodable_streams()
        streams.whole_lines()
    argv = list(sys.argv[1:] if argv is None else argv)
    stopping = interrupts.stop_on_signals(exit_after_stop=True, command=_run.__code__)
    with stopping if program else contextlib.nullcontext():
        try:
            code = _run(argv, program)
        except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM: the stopper said so on stderr
            code = interrupts.exit_code(exc)
            if program and not isinstance(exc, interrupts.Interrupted):
                # Python's own handler raised it (the window's, while Qt is imported): said too
                streams.complain("adsim: interrupted (SIGINT): stopping")
        except Exception as exc:
            # A signal during an import: in a ``__set_name__``, or in pydantic-core's Rust
            stop = interrupts.stop_in(exc)
            if stop is None:
                raise
            code = interrupts.exit_code(stop)
        interrupts.result(code)  # a signal while adsim ends keeps it
    if program and "simulator.handlers.leftover_threads" in sys.modules:
        # A plugin run in this process (--handler-isolation thread) may have left a thread
        # that is not a daemon: Python would wait for it after the summary, for ever.
        from simulator.handlers import exit_watch
        from simulator.handlers.leftover_threads import exit_past

        code = exit_past(code)
        exit_watch.watch(code)  # an atexit function of a plugin's that never returns
        return code
    return code


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
    window = args.func is cmd_window
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
        return cannot_write(exc)
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
            return int(getattr(exc, "exit_code", EXIT_BAD_INPUT))  # a plugin not loaded: 1
        from simulator.handlers import HandlerLoopError

        if isinstance(exc, HandlerLoopError):  # the integration's bug, not bad input
            streams.complain(f"adsim: {exc}")
            return EXIT_FAILED
        raise
