"""``adsim``'s argument parsers: one line and a hint for a bad argument, exit 2, and each
subcommand's options added only when that command is chosen (``adsim demo`` never imports what
``adsim run`` needs).

The commands themselves are listed in ``simulator.cli`` (the composition root); the window's
options are in ``simulator.cli_window``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from simulator import streams

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_BROKEN_PIPE",
    "EXIT_FAILED",
    "EXIT_OK",
    "CommandParser",
    "Commands",
    "QuietParser",
    "cannot_write",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_BROKEN_PIPE = streams.EXIT_BROKEN_PIPE


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
                self.error(f"unrecognized arguments: {unknown}{self._did_you_mean(unknown)}")
        repeated = self._repeated(given)
        if repeated is not None:
            self.error(repeated)
        self._dashed = self._dashed_name(given)
        parsed, extras = super().parse_known_args(args, namespace)
        if extras and self._is_subcommand:
            first = next((e.split("=", 1)[0] for e in extras if e.startswith("--")), "")
            self.error(f"unrecognized arguments: {' '.join(extras)}{self._did_you_mean(first)}")
        return parsed, extras

    def _did_you_mean(self, name: str) -> str:
        """`` (did you mean --handler?)`` for a misspelt or cut-short ``--long`` option: the
        closest option of this parser, or none (``unrecognized arguments: --handlr`` did not say
        what to write)."""
        if not name.startswith("--"):
            return ""
        import difflib

        options = [o for o in self._option_string_actions if o.startswith("--") and o != "--help"]
        longer = [o for o in options if o.startswith(name)]
        close = longer if len(longer) == 1 else difflib.get_close_matches(name, options, 1, 0.7)
        return f" (did you mean {close[0]}?)" if close else ""

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

    def _repeated(self, args: list[str]) -> str | None:
        """The error of an option of one value given twice, before any ``--`` (and, for a
        parser with subcommands, before the subcommand): argparse keeps the last in silence
        (``--output a.jsonl --events-out b.jsonl`` never wrote a.jsonl). Options that collect
        (``--handler``) and flags may repeat. The values are never echoed (a secret)."""
        commands: Any = self._subparsers._group_actions[0].choices if self._subparsers else {}
        first: dict[str, str] = {}
        for arg in args:
            if arg == "--" or arg in commands:
                return None
            if not arg.startswith("-"):
                continue
            name = arg.split("=", 1)[0] if arg.startswith("--") else arg[:2]
            action = self._option_string_actions.get(name)
            if type(action) is not argparse._StoreAction:  # collecting (append), a flag
                continue
            earlier = first.get(action.dest)
            if earlier is None:
                first[action.dest] = name
            else:
                said = "" if earlier == name else f", as {earlier} and {name}"
                return (
                    f"argument {earlier}: given twice{said}: give it once (the second "
                    "replaced the first)"
                )
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
            raise SystemExit(cannot_write(exc)) from None


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


class Commands(argparse._SubParsersAction):
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


class QuietParser(argparse.ArgumentParser):
    """Raises instead of printing: the full parser reports the error."""

    def error(self, message: str) -> NoReturn:
        raise argparse.ArgumentError(None, message)


def cannot_write(exc: OSError) -> int:
    """The output cannot be written (a full disk or quota under --output or a redirect): the
    user's to fix, in one line naming the ``--output`` file (a redirect has no name here);
    exit 2."""
    streams.quiet_broken_pipe()  # what is still buffered for stdout cannot be written either
    advice = "; free some space or write elsewhere" if streams.no_room(exc) else ""
    where = f"{exc.filename}: " if isinstance(exc, streams.OutputFullError) else ""
    streams.complain(f"adsim: {where}cannot write the output: {exc.strerror or exc}{advice}")
    return EXIT_BAD_INPUT
