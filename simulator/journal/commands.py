"""``adsim journal export`` and ``adsim journal show``: reading a journal from the command line."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from simulator import numbers
from simulator.data import InputFileError
from simulator.file_args import file_name, output_name
from simulator.journal.export import export_csv, export_jsonl
from simulator.journal.store import Journal, JournalError, default_journal_path
from simulator.one_line import one_line
from simulator.overwrite import (
    is_standard_output,
    refuse_journal_files,
    refuse_overwriting_inputs,
)

__all__ = ["add_journal_command"]

_ARGS_WIDTH = 160


def _open_existing(path: str | None) -> Journal:
    target = Path(path) if path else default_journal_path()
    if str(target) == ":memory:":  # an empty export and exit 0 said nothing was wrong
        where = "--journal" if path else "$ADSIM_JOURNAL"
        raise InputFileError(
            where,
            None,
            "':memory:' keeps no journal, so there is nothing to read; pass the "
            "journal file with --journal PATH",
        )
    if not target.exists():
        raise InputFileError(
            str(target), None, "no journal here; run adsim first or pass --journal PATH"
        )
    if target.is_dir():  # SQLite would call it unwritable, which is not the point
        raise InputFileError(
            str(target), None, "is a folder; pass the journal file itself with --journal PATH"
        )
    try:
        return Journal.open(target, writing=False)
    except JournalError as exc:
        raise InputFileError(str(target), None, exc.message) from None


@contextmanager
def _damage_told(journal: Journal) -> Iterator[None]:
    """A journal damaged past its header (a copy cut short, a bad disk) opens, then fails at
    the first page that cannot be read: one line, as a file that is no journal at all."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        raise InputFileError(
            journal.path, None, f"not a usable adsim journal ({exc}); pass another --journal file"
        ) from None


def _check_run(journal: Journal, run: int | None) -> None:
    """A ``--run`` the journal does not have is a mistake to report, not an empty export."""
    if run is None or journal.has_run(run):
        return
    span = journal.run_span()  # not every run's row: a load run's journal has one per repeat
    have = f"runs {span[0]} to {span[1]}" if span else "no runs yet"
    raise InputFileError(journal.path, None, f"no run {run} in this journal ({have})")


def _check_filter(journal: Journal, args: argparse.Namespace) -> None:
    """An ``--interaction`` or ``--agent`` that matches nothing is a typo to report, as a
    missing ``--run`` is: it was an empty export and exit 0 (a CI artifact with nothing in it)."""
    if args.interaction is None and args.agent is None:
        return
    found = journal.iter_events(interaction_id=args.interaction, run_id=args.run, agent=args.agent)
    if next(found, None) is not None:
        return
    in_run = f" in run {args.run}" if args.run is not None else ""
    if args.interaction is not None:
        raise InputFileError(
            journal.path,
            None,
            f"no events of interaction {args.interaction!r}{in_run}; list ids with export",
        )
    names = journal.agents()
    have = f"its agents: {', '.join(names)}" if names else "its runs had one agent, unnamed"
    raise InputFileError(journal.path, None, f"no events of agent {args.agent!r}{in_run} ({have})")


def _open_output(path: str) -> TextIO:
    """``--output FILE`` for writing; a missing folder or a directory is the user's to fix."""
    try:
        return open(path, "w", encoding="utf-8", newline="")
    except OSError as exc:
        raise InputFileError(path, None, f"cannot write the export: {exc.strerror}") from None


def _cmd_export(args: argparse.Namespace) -> int:
    journal_path = args.journal or str(default_journal_path())
    refuse_overwriting_inputs(args.output, [("the journal", journal_path)])
    refuse_journal_files(args.output, journal_path)
    with _open_existing(args.journal) as journal, _damage_told(journal):
        _check_run(journal, args.run)
        _check_filter(journal, args)
        writer = export_jsonl if args.format == "jsonl" else export_csv
        options = {
            "interaction_id": args.interaction,
            "run_id": args.run,
            "packets": args.packets,
            "agent": args.agent,
        }
        if args.output and not is_standard_output(args.output):
            with _open_output(args.output) as out:
                writer(journal, out, **options)
        else:
            writer(journal, sys.stdout, **options)
    return 0


def _clock(time_ms: int) -> str:
    return datetime.fromtimestamp(time_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= _ARGS_WIDTH else text[: _ARGS_WIDTH - 3] + "..."


def _cmd_show(args: argparse.Namespace) -> int:
    with _open_existing(args.journal) as journal, _damage_told(journal):
        _check_run(journal, args.run)
        events = journal.events(interaction_id=args.id, run_id=args.run)
        outcomes = journal.outcomes(interaction_id=args.id, run_id=args.run)
        if not events:
            raise InputFileError(
                journal.path, None, f"no events of interaction {args.id!r}; list ids with export"
            )
        by_event: dict[tuple[int, int], list[Any]] = {}
        for outcome in outcomes:
            by_event.setdefault((outcome.run_id, outcome.event_seq), []).append(outcome)
        run = None
        for event in events:
            if event.run_id != run:
                run = event.run_id
                whose = f" (agent {event.agent})" if event.agent is not None else ""
                print(f"run {run}{whose}: interaction {args.id}")
            print(f"  #{event.seq:<5} {_clock(event.time_ms)}  {event.name}  {_short(event.args)}")
            if event.answer is not None:
                print(f"         answer used: {_short(event.answer)}")
            for outcome in by_event.get((event.run_id, event.seq), []):
                line = f"         -> {outcome.plugin}:{outcome.handler} {outcome.status}"
                line += f" {outcome.duration_ms:.1f} ms"
                if outcome.error:
                    line += f": {outcome.error}"
                elif outcome.result is not None:
                    line += f" -> {_short(outcome.result)}"
                print(one_line(line))
    return 0


def add_journal_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``adsim journal {export,show}``."""
    parser = sub.add_parser("journal", help="read the journal of events and handler outcomes")
    actions = parser.add_subparsers(dest="journal_command", metavar="ACTION", required=True)

    def journal_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--journal",
            type=file_name,
            default=None,
            metavar="PATH",
            help="the journal file (default: the user data directory, or $ADSIM_JOURNAL)",
        )
        p.add_argument(
            "--run",
            type=numbers.whole(1, numbers.MAX_ROW_ID),
            default=None,
            metavar="N",
            help="only this run (exit 2 if the journal has no such run)",
        )

    export = actions.add_parser("export", help="every event and handler outcome, in order")
    journal_option(export)
    export.add_argument(
        "--format", choices=("jsonl", "csv"), default="jsonl", help="default: jsonl"
    )
    only = export.add_mutually_exclusive_group()
    only.add_argument(
        "--interaction",
        default=None,
        metavar="ID",
        help="only this interaction (exit 2 if the journal has none of its events)",
    )
    only.add_argument(
        "--packets",
        action="store_true",
        help="after each run's events, its JS pages' and handler modules' packets (wall clock)",
    )
    only.add_argument(
        "--agent",
        default=None,
        metavar="NAME",
        help="only this simulated agent's events and outcomes (a center of several agents; "
        "exit 2 if it has none)",
    )
    export.add_argument(
        "--output",
        "-o",
        type=output_name,
        default=None,
        metavar="FILE",
        help="write here ('-' or none: stdout)",
    )
    export.set_defaults(func=_cmd_export)

    show = actions.add_parser("show", help="one interaction's events and handler outcomes")
    show.add_argument("id", metavar="ID", help="the interactionId")
    journal_option(show)
    show.set_defaults(func=_cmd_show)
