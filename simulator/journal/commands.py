"""``adsim journal export|show|runs|prune``: reading a journal from the command line, and
trimming it (``simulator.journal.pruning``)."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from simulator import interrupts, numbers, streams
from simulator.data import InputFileError
from simulator.file_args import file_name, output_name
from simulator.journal.export import export_csv, export_jsonl, json_text
from simulator.journal.opening import LOCKED_ADVICE, UNWRITABLE_ADVICE, broken_link
from simulator.journal.store import (
    DEFAULT_BUSY_TIMEOUT,
    Journal,
    JournalError,
    JournalOutcome,
    default_journal_path,
)
from simulator.one_line import one_line
from simulator.overwrite import (
    is_standard_output,
    open_output,
    refuse_journal_files,
    refuse_overwriting_inputs,
)

__all__ = ["add_journal_command"]

_ARGS_WIDTH = 160


def _id(text: str) -> str:
    """An interaction id or agent name to look for. One that is not UTF-8 (bytes from a terminal
    in another encoding, which Python keeps as lone surrogates) matches nothing a journal can
    hold, and SQLite cannot even be asked for it: refused, as any bad argument is."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not UTF-8 text, and every id and name a journal holds is; "
            "copy it from the export"
        ) from None
    return text


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
    link = broken_link(target)
    if link is not None:
        raise InputFileError(
            str(target), None, f"{link}; pass the journal file with --journal PATH"
        )
    if not target.exists():
        raise InputFileError(
            str(target), None, "no journal here; run adsim first or pass --journal PATH"
        )
    if target.is_dir():  # SQLite would call it unwritable, which is not the point
        raise InputFileError(
            str(target), None, "is a folder; pass the journal file itself with --journal PATH"
        )
    if not target.is_file():  # SQLite said "cannot rollback", or "cannot be written"
        raise InputFileError(
            str(target),
            None,
            "is a device or a pipe, not a journal file; pass the journal file with --journal PATH",
        )
    if target.stat().st_size == 0:
        # No journal is empty (adsim writes its tables on opening one): reading it said "no
        # runs yet", exit 0, and wrote a new journal into a file a reader must not change.
        raise InputFileError(
            str(target),
            None,
            "is empty, not a journal; pass the journal file a run wrote with --journal PATH",
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


def _no_interaction(journal: Journal, interaction_id: str, run: int | None) -> InputFileError:
    """No events of ``interaction_id``: the line names an id the journal has in another case
    (a pasted id whose case a tool changed), else says where to find the ids."""
    in_run = f" in run {run}" if run is not None else ""
    like = journal.ids_like(interaction_id, run)
    hint = (
        f"did you mean {' or '.join(repr(iid) for iid in like)}? (ids are matched exactly, "
        "case too)"
        if like
        else "list ids with export"
    )
    return InputFileError(
        journal.path, None, f"no events of interaction {interaction_id!r}{in_run}; {hint}"
    )


def _check_filter(journal: Journal, args: argparse.Namespace) -> None:
    """An ``--interaction`` or ``--agent`` that matches nothing is a typo to report, as a
    missing ``--run`` is: it was an empty export and exit 0 (a CI artifact with nothing in it)."""
    if args.interaction is None and args.agent is None:
        return
    found = journal.iter_events(interaction_id=args.interaction, run_id=args.run, agent=args.agent)
    if next(found, None) is not None:
        return
    if args.interaction is not None:
        raise _no_interaction(journal, args.interaction, args.run)
    in_run = f" in run {args.run}" if args.run is not None else ""
    names = journal.agents()
    have = f"its agents: {', '.join(names)}" if names else "its runs had one agent, unnamed"
    raise InputFileError(journal.path, None, f"no events of agent {args.agent!r}{in_run} ({have})")


def _open_output(path: str) -> TextIO:
    """``--output FILE`` for writing; a missing folder or a directory is the user's to fix.
    Written beside it and renamed over it at the end (``open_output``): two exports to one file
    at once left it one's lines over the other's, cut mid-line."""
    try:
        return open_output(path)
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
            try:
                with _open_output(args.output) as out:
                    writer(journal, out, **options)
            except OSError as exc:  # a full disk, an I/O error: the line names the file
                raise streams.output_failure(exc, args.output) from None
        else:
            writer(journal, sys.stdout, **options)
    return 0


def _clock(time_ms: int) -> str:
    """An event's (virtual) time, UTC to the millisecond; past the year 9999, which Python's
    dates do not reach (a scenario may start at its last second), the epoch ms as they are."""
    try:
        moment = datetime.fromtimestamp(time_ms / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return f"{time_ms} ms"
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]


def _short(value: object) -> str:
    text = json_text(value)
    return text if len(text) <= _ARGS_WIDTH else text[: _ARGS_WIDTH - 3] + "..."


def _cmd_show(args: argparse.Namespace) -> int:
    with _open_existing(args.journal) as journal, _damage_told(journal):
        _check_run(journal, args.run)
        # Read as printed, as export does: an interaction's events of 5 MB each (a handler set
        # a 5 MB variable) were all held at once, decoded.
        events = journal.iter_events(interaction_id=args.id, run_id=args.run)
        outcomes = journal.iter_outcomes(interaction_id=args.id, run_id=args.run, by_event=True)
        outcome = next(outcomes, None)
        run = None
        for event in events:
            if event.run_id != run:
                run = event.run_id
                whose = f" (agent {event.agent})" if event.agent is not None else ""
                print(f"run {run}{whose}: interaction {args.id}{_cut_short(journal, run)}")
            print(f"  #{event.seq:<5} {_clock(event.time_ms)}  {event.name}  {_short(event.args)}")
            if event.answer is not None:
                print(f"         answer used: {_short(event.answer)}")
            key = (event.run_id, event.seq)
            # Outcomes come in the events' order; one of an event not shown is passed over.
            while outcome is not None and (outcome.run_id, outcome.event_seq) <= key:
                if (outcome.run_id, outcome.event_seq) == key:
                    print(one_line(_outcome_line(outcome)))
                outcome = next(outcomes, None)
        if run is None:
            raise _no_interaction(journal, args.id, args.run)
    return 0


def _outcome_line(outcome: JournalOutcome) -> str:
    line = f"         -> {outcome.plugin}:{outcome.handler} {outcome.status}"
    line += f" {outcome.duration_ms:.1f} ms"
    if outcome.error:
        line += f": {outcome.error}"
    elif outcome.result is not None:
        line += f" -> {_short(outcome.result)}"
    return line


_RUNS_SHOWN = 20


def _cut_short(journal: Journal, run_id: int) -> str:
    """What ``show`` adds to a run's line when the run did not reach its end, or is still being
    written, so that its events are not read as a whole run (``unknown``, which every run of an
    older adsim is, is said by ``journal runs`` only)."""
    end = journal.run_end(run_id)
    if end.status in ("finished", "unknown"):
        return ""
    if end.status == "interrupted":
        by = f" by {end.signal}" if end.signal else ""
        return f" (the run was interrupted{by}: what follows is all it journaled)"
    if end.status == "unfinished":
        return " (the run is unfinished: its process ended without recording its end)"
    if end.status == "journal-off":
        return " (its journal was switched off in the window: what follows is all it journaled)"
    return " (the run is still being written)"


def _what(meta: dict[str, Any]) -> str:
    """What a run ran, from its meta: the scenario's file name, the seed, the agent."""
    parts = []
    scenario = meta.get("scenario")
    if isinstance(scenario, str):
        parts.append(Path(scenario).name)
    if meta.get("seed") is not None:
        parts.append(f"seed {meta['seed']}")
    if isinstance(meta.get("agent"), str):
        parts.append(f"agent {meta['agent']}")
    return ", ".join(parts)


def _local_time(time_ms: int) -> str:
    try:
        moment = datetime.fromtimestamp(time_ms / 1000, UTC).astimezone()
    except (OverflowError, OSError, ValueError):  # a start no clock gives (an edit by hand)
        return f"{time_ms} ms"
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _cmd_runs(args: argparse.Namespace) -> int:
    # One snapshot: a run's counts and its end as one commit left them (read apart, a run that
    # ended between the two was listed finished with the events of its middle).
    with _open_existing(args.journal) as journal, _damage_told(journal), journal.snapshot():
        runs = journal.last_runs(None if args.all else args.last)
        span = journal.run_span()
        rows = []
        for run_id, started_ms, meta in runs:
            events, calls, failed = journal.run_counts(run_id)
            if args.format == "jsonl":
                _print_run(run_id, started_ms, meta, (events, calls, failed), journal)
                continue
            command = meta.get("command")
            rows.append(
                (
                    str(run_id),
                    _local_time(started_ms),
                    command if isinstance(command, str) else "",
                    str(events),
                    str(calls),
                    str(failed),
                    journal.run_end(run_id).label,
                    _what(meta),
                )
            )
    if args.format == "jsonl":
        return _runs_told(args, journal.path, span, len(runs))
    # END before WHAT: WHAT, free text, stays last; END is one word (run_ends.RunEnd.label).
    header = ("RUN", "STARTED", "COMMAND", "EVENTS", "CALLS", "FAILED", "END", "WHAT")
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header) - 1)]
    right = {0, 3, 4, 5}
    for row in (header, *rows):
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row[:-1])
        ]
        print(one_line("  ".join([*cells, row[-1]]).rstrip()))
    return _runs_told(args, journal.path, span, len(rows))


def _print_run(
    run_id: int, started_ms: int, meta: dict[str, Any], counts: tuple[int, int, int], journal: Any
) -> None:
    """One run as a JSON line (``--format jsonl``): what the table shows, as values."""
    events, calls, failed = counts
    end = journal.run_end(run_id)
    record: dict[str, Any] = {"run": run_id, "startedMs": started_ms, "meta": meta}
    record.update(events=events, calls=calls, failed=failed, end=end.status)
    if end.signal is not None:
        record["signal"] = end.signal
    if end.ended_ms is not None:
        record["endedMs"] = end.ended_ms
    print(json_text(record))


def _runs_told(
    args: argparse.Namespace, path: str, span: tuple[int, int] | None, shown: int
) -> int:
    """On stderr: an empty journal, or a list cut at ``--last`` (a note: lost, with no change
    to the exit code, when stderr's reader has left)."""
    if span is None:
        streams.complain(f"adsim: {path}: no runs yet")
    elif not args.all and shown < span[1] - span[0] + 1 and shown == args.last:
        streams.complain(f"adsim: the last {shown} runs of {path}; --all lists every one")
    return 0


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 104_858 else f"{size / 1024:.0f} KB"


def _cmd_prune(args: argparse.Namespace) -> int:
    from simulator.journal.pruning import prune

    target = Path(args.journal) if args.journal else default_journal_path()
    _open_existing(args.journal).close()  # the same refusals as export's: missing, a folder ...
    try:
        pruned = prune(target, args.keep, busy_timeout=DEFAULT_BUSY_TIMEOUT)
    except KeyboardInterrupt:  # before the deletes' commit (a stop waits for the rest)
        streams.complain(
            f"adsim: {target}: the prune was stopped before it deleted anything: the journal "
            "is as it was"
        )
        raise
    except JournalError as exc:
        message = exc.message.replace(LOCKED_ADVICE, "prune it once the other adsim has finished")
        # Another file, or none, is no answer to a journal that must shrink.
        message = message.replace(
            UNWRITABLE_ADVICE, "prune it as a user who may write it and its folder"
        )
        raise InputFileError(str(target), None, message) from None
    sizes = f"{_megabytes(pruned.bytes_before)} -> {_megabytes(pruned.bytes_after)}"
    if not pruned.deleted:
        print(f"{target}: {pruned.kept} runs, none to delete ({_megabytes(pruned.bytes_after)})")
        interrupts.raise_stop()
        return 0
    span = (
        f"run {pruned.first_deleted}"
        if pruned.deleted == 1
        else f"runs {pruned.first_deleted}-{pruned.last_deleted}"
    )
    line = f"{target}: deleted {span} ({pruned.deleted}), kept the last {pruned.kept}; {sizes}"
    if not pruned.shrunk:
        line += f" (not smaller: {pruned.not_shrunk}; the space is reused by the next runs)"
    print(line)
    interrupts.raise_stop()  # one that came once the runs were deleted: said, then stopped
    return 0


def add_journal_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """``adsim journal {export,show,runs,prune}``."""
    parser = sub.add_parser(
        "journal", help="read the journal of events and handler outcomes, or prune it"
    )
    actions = parser.add_subparsers(dest="journal_command", metavar="ACTION", required=True)

    def journal_path(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--journal",
            type=file_name,
            default=None,
            metavar="PATH",
            help="the journal file (default: the user data directory, or $ADSIM_JOURNAL)",
        )

    def journal_option(p: argparse.ArgumentParser) -> None:
        journal_path(p)
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
        type=_id,
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
        type=_id,
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
    show.add_argument("id", type=_id, metavar="ID", help="the interactionId")
    journal_option(show)
    show.set_defaults(func=_cmd_show)

    runs = actions.add_parser(
        "runs", help="the last runs: when, what, events, handler calls, how each ended"
    )
    journal_path(runs)
    shown = runs.add_mutually_exclusive_group()
    shown.add_argument(
        "--last",
        type=numbers.whole(1, numbers.MAX_ROW_ID),
        default=_RUNS_SHOWN,
        metavar="N",
        help=f"list the last N runs (default {_RUNS_SHOWN})",
    )
    shown.add_argument("--all", action="store_true", help="list every run")
    runs.add_argument(
        "--format",
        choices=("table", "jsonl"),
        default="table",
        help="default: table; jsonl: one JSON object a run (for scripts)",
    )
    runs.set_defaults(func=_cmd_runs)

    trim = actions.add_parser("prune", help="delete every run but the last N, and shrink the file")
    trim.add_argument(
        "--keep",
        type=numbers.whole(1, numbers.MAX_ROW_ID),
        required=True,
        metavar="N",
        help="how many of the last runs to keep (at least the last: run numbers go on from it)",
    )
    journal_path(trim)
    trim.set_defaults(func=_cmd_prune)
