"""``adsim run SCENARIO --repeat N [--rate R]``: one scenario's load series from the command
line: its progress bar, its summary, and what a stop or an output that cannot be written cut
short (``simulator.scenarios.commands`` runs it for each scenario)."""

from __future__ import annotations

import argparse
import sys

from simulator import interrupts, streams
from simulator.one_line import one_line
from simulator.scenarios.load_mode import LoadReport, run_load
from simulator.scenarios.loader import ScenarioFile
from simulator.scenarios.report import ProgressBar, format_load, say_summary
from simulator.scenarios.run_hosts import _abandon, _series, cut_short_line, only_call_errors
from simulator.scenarios.runner import EXIT_OK, ScenarioResult

__all__: list[str] = []


def _load(
    source: ScenarioFile,
    args: argparse.Namespace,
    events_out: streams.Writer | None,
    tag: str | None = None,
) -> int:
    series = _series(args, source)
    build = series.build if series is not None else None
    # Others' lines on the bar's terminal (the events, the trace, below: the plugins' output)
    # take the bar off its line: it is then a line of its own (``ProgressBar.shared``).
    events_shown = events_out is sys.stdout and _terminal(sys.stdout)
    bar = ProgressBar(args.repeat, shared=events_shown or getattr(args, "trace_handlers", False))
    live = LoadReport(source.name, rate=args.rate)  # filled as the runs go: the bar's pace
    finished = EXIT_OK

    ran = runs = 0
    """The runs that finished; those of them whose events were written."""
    failed_ran = failed = 0
    first_failure = ""
    unwritten: list[OSError] = []
    """The output's write that failed (a full disk), if one did."""
    waits = events_out is not None and streams.may_wait(events_out)

    def seen(index: int, result: ScenarioResult) -> None:
        nonlocal ran, runs, failed_ran, failed, first_failure
        # The run finished, and the journal has it so: a stop that comes now waits until it
        # is counted and its events are written, unless that write may wait on a reader (a
        # pipe, a terminal), which a stop must not be held up by. Raised at once, it made the
        # summary and --output one run short of the journal's finished runs.
        with interrupts.deferred():
            ran = index + 1
            if not result.passed:
                failed_ran += 1
                first_failure = first_failure or _first_problem(index, result)
            text = result.jsonl(index + 1, tag) if events_out is not None else ""
            if events_out is None or not waits:
                _write(text)
                runs, failed = ran, failed_ran
        if events_out is not None and waits:
            _write(text)
            # Counted once its events are written: the stop line counts the runs --output holds.
            runs, failed = ran, failed_ran
        if index == 0 and series is not None:  # loaded in the first run: their prints
            bar.shared = bar.shared or any(host.plugins for host in series.hosts)
        bar.update(index + 1, live)

    def _write(text: str) -> None:
        if events_out is None:
            return
        try:
            events_out.write(text)
        except OSError as exc:
            unwritten.append(exc)  # the line below says what it cut short
            raise

    def cut_short(finished: int, failed: int, why: str) -> None:
        """How many runs finished before ``why``, and how many of them failed (the first)."""
        # Failed runs are said: stopped after them, the line read as if they had passed.
        verdict = f"; {failed} of them failed, the first: {first_failure}" if failed else ""
        line = f"adsim: {source.name}: {finished} of {args.repeat} runs finished {why}{verdict}"
        streams.complain(one_line(line))  # a stderr nobody reads loses it, not the exit code

    try:
        report = run_load(
            source,
            repeat=args.repeat,
            rate=args.rate,
            seed=args.seed,
            host_factory=build,
            on_result=seen,
            close_host=series.end_run if series is not None else None,
            report=live,
        )
    except KeyboardInterrupt:  # Ctrl-C, SIGTERM: what ran, and no waiting for handlers
        bar.close()
        hosts = series.hosts if series is not None else []
        for host in hosts:
            _abandon(host)
        cut_short(runs, failed, "before the stop")
        # The run the stop cut short (not counted above): its failed calls are journaled.
        number = max((host.run_number or 0 for host in hosts), default=0)
        if number > runs:
            line = cut_short_line(source.name, hosts, hosts[0].sim.seed, number)
            if line is not None:
                streams.complain(one_line(line))
        raise
    except BaseException as exc:
        bar.close()
        if series is not None:
            series.finish()
        # The output's write failed (a full disk): the runs it cut short, said before the
        # line that says why (a reader that left is quiet, as ever).
        if exc in unwritten and not isinstance(exc, BrokenPipeError):
            cut_short(ran, failed_ran, "before the output could not be written")
        raise
    bar.close()
    if series is not None:
        finished = series.finish()
        allowed = source.scenario.allow_handler_errors and series.host is not None
        if finished and allowed and all(only_call_errors(host) for host in series.hosts):
            finished = EXIT_OK
    code = max(report.exit_code, finished)
    say_summary(format_load(report, code), events_out)
    return code


def _terminal(stream: object) -> bool:
    """Whether ``stream`` is a terminal (a closed one is not)."""
    try:
        return bool(getattr(stream, "isatty", lambda: False)())
    except ValueError:
        return False


def _first_problem(index: int, result: ScenarioResult) -> str:
    """What made run ``index`` of a series fail, as the load summary says it."""
    where = f"run {index + 1} (seed {result.seed})"
    if result.error is not None:
        return f"{where}: {result.error}"
    problems = [str(failure) for failure in result.failures] + result.subscriber_errors
    problems += [
        f"handler {outcome.handler} on {outcome.event_name}: {outcome.status} "
        f"{outcome.error or ''}".rstrip()
        for outcome in result.handler_failures
    ]
    return f"{where}: {problems[0]}" if problems else where
