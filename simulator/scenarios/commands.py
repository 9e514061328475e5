"""``adsim run`` and ``adsim generate``: the scenario subcommands of the command line.

``adsim run SCENARIO... [--seed N] [--events-out FILE.jsonl] [--repeat N [--rate R]]`` plus the
handler options (``--handler``, ``--journal``, ``--handler-timeout``, ``--webhook`` ...) and
``--js-handler FILE.mjs`` (a JS handler module run under ``node``, see ``simulator.web``). Exit
codes: 0 every scenario passed; 1 an expectation or a handler failed; 2 bad input (a file that
is not a valid scenario, or a step the engine refuses in that state).

``adsim generate --count N [--seed S] [--mix voice=70,chat=20,email=10] [--out FILE]`` writes
finished activity records as JSON lines.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TextIO

from simulator.data import InputFileError
from simulator.engine import Simulator
from simulator.scenarios.generate import generate_records, parse_mix
from simulator.scenarios.load_mode import run_load
from simulator.scenarios.loader import ScenarioFile, load_scenario
from simulator.scenarios.report import ProgressBar, format_load, format_result
from simulator.scenarios.runner import EXIT_OK, ScenarioResult, ScenarioRunner

__all__ = ["add_generate_command", "add_run_command"]


def _add_handler_options(parser: argparse.ArgumentParser) -> bool:
    """The handler workstream's shared options; False when that package is not there."""
    try:
        from simulator.handlers.cli_options import add_handler_options
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("simulator.handlers"):
            return False
        raise
    add_handler_options(parser)
    return True


def _wants_handlers(args: argparse.Namespace) -> bool:
    """Handlers, a webhook or a journal asked for, or handler packages installed."""
    if getattr(args, "handlers", None) or getattr(args, "webhook", None):
        return True
    if getattr(args, "js_handlers", None):
        return True
    if getattr(args, "journal", None) is not None:
        return True
    if not getattr(args, "entry_points", False):
        return False
    from importlib.metadata import entry_points

    from simulator.handlers import ENTRY_POINT_GROUP

    return bool(entry_points(group=ENTRY_POINT_GROUP))


def _host_factory(
    args: argparse.Namespace, source: ScenarioFile
) -> tuple[Callable[[Simulator], Any] | None, Callable[[Any], int] | None]:
    """How to build and finish a handler host for each run (None when no handlers are asked)."""
    if not hasattr(args, "handlers") or not _wants_handlers(args):
        return None, None
    from simulator.handlers.cli_options import build_host, finish_run

    def build(sim: Simulator) -> Any:
        host = build_host(sim, args, meta={"command": "run", "scenario": source.path})
        js_handlers = getattr(args, "js_handlers", None) or []
        if js_handlers:
            from simulator.web import NodeHandler

            try:
                for path in js_handlers:
                    NodeHandler(host, path).start()
            except BaseException:
                host.close(timeout=0)
                if host.journal is not None:
                    host.journal.close()
                raise
        return host

    return build, finish_run


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _positive_rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("the rate must be more than 0 interactions per second")
    return value


def _mix(text: str) -> dict[str, float]:
    try:
        return parse_mix(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _open_out(stack: ExitStack, path: Path | None, label: str) -> TextIO | None:
    if path is None:
        return None
    if str(path) == "-":
        return sys.stdout
    try:
        return stack.enter_context(path.open("w", encoding="utf-8", newline="\n"))
    except OSError as exc:
        raise InputFileError(str(path), None, f"cannot write {label}: {exc.strerror}") from None


def _run_one(
    source: ScenarioFile, args: argparse.Namespace, events_out: TextIO | None
) -> ScenarioResult:
    build, finish = _host_factory(args, source)
    runner = ScenarioRunner(source, seed=args.seed)
    if build is not None:
        runner.host = build(runner.sim)
    try:
        result = runner.run()
    finally:
        if runner.host is not None and finish is not None:
            finish(runner.host)
    if events_out is not None:
        events_out.write(result.jsonl())
    return result


def _cmd_run(args: argparse.Namespace) -> int:
    sources = [load_scenario(path) for path in args.scenarios]
    if getattr(args, "js_handlers", None):
        from simulator.web import check_js_handlers

        check_js_handlers(args.js_handlers)
    worst = EXIT_OK
    with ExitStack() as stack:
        events_out = _open_out(stack, args.events_out, "the events")
        for source in sources:
            if args.repeat > 1 or args.rate is not None:
                code = _load(source, args, events_out)
            else:
                result = _run_one(source, args, events_out)
                print(format_result(result), file=sys.stderr if events_out is sys.stdout else None)
                code = result.exit_code
            worst = max(worst, code)
    return worst


def _load(source: ScenarioFile, args: argparse.Namespace, events_out: TextIO | None) -> int:
    build, finish = _host_factory(args, source)
    bar = ProgressBar(args.repeat)
    interactions = 0

    def seen(index: int, result: ScenarioResult) -> None:
        nonlocal interactions
        interactions += result.interactions
        if events_out is not None:
            events_out.write(result.jsonl())
        bar.update(index + 1, interactions)

    def close(host: Any) -> None:
        if finish is not None:
            finish(host)

    report = run_load(
        source,
        repeat=args.repeat,
        rate=args.rate,
        seed=args.seed,
        host_factory=build,
        on_result=seen,
        close_host=close if build is not None else None,
    )
    bar.close()
    print(format_load(report), file=sys.stderr if events_out is sys.stdout else None)
    return report.exit_code


def add_run_command(sub: argparse._SubParsersAction) -> None:
    """Register ``adsim run``."""
    parser = sub.add_parser(
        "run",
        help="run scenario files headless on the virtual clock (exit 0 pass, 1 fail, 2 bad input)",
        description="Run scenario files headless on the virtual clock and print a summary of "
        "each. Exit code 0: all passed; 1: an expectation or a handler failed; 2: bad input "
        "(a malformed scenario, or a step the engine refuses in that state).",
    )
    parser.add_argument("scenarios", nargs="+", type=Path, metavar="SCENARIO", help="YAML files")
    parser.add_argument(
        "--seed", type=int, default=None, metavar="N", help="override the scenarios' seed"
    )
    parser.add_argument(
        "--events-out",
        type=Path,
        default=None,
        metavar="FILE.jsonl",
        help="write every event as JSON lines ('-' for stdout; the summary then goes to stderr)",
    )
    parser.add_argument(
        "--repeat",
        type=_positive_int,
        default=1,
        metavar="N",
        help="load mode: run each scenario N times (seed, seed+1, ...) and summarise",
    )
    parser.add_argument(
        "--rate",
        type=_positive_rate,
        default=None,
        metavar="R",
        help="load mode: pace the runs at R interactions per wall-clock second",
    )
    if _add_handler_options(parser):
        parser.add_argument(
            "--js-handler",
            dest="js_handlers",
            action="append",
            default=[],
            type=Path,
            metavar="FILE.mjs",
            help="a JS handler module (export function register(adApi)) run under node with "
            "the adApi shim; repeatable",
        )
    parser.set_defaults(func=_cmd_run)


def _cmd_generate(args: argparse.Namespace) -> int:
    from simulator.data import load_tenant

    tenant = load_tenant(args.tenant) if args.tenant is not None else None
    seed = args.seed if args.seed is not None else 0
    with ExitStack() as stack:
        out = _open_out(stack, args.out, "the records") or sys.stdout
        for record in generate_records(args.count, seed=seed, mix=args.mix, tenant=tenant):
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    return EXIT_OK


def add_generate_command(sub: argparse._SubParsersAction) -> None:
    """Register ``adsim generate``."""
    parser = sub.add_parser(
        "generate",
        help="write N finished activity records as JSON lines, from real simulated interactions",
    )
    parser.add_argument("--count", type=_positive_int, required=True, metavar="N")
    parser.add_argument("--seed", type=int, default=None, metavar="S", help="random seed")
    parser.add_argument(
        "--mix",
        type=_mix,
        default=None,
        metavar="voice=70,chat=20,email=10",
        help="share of each medium (weights; default voice=70,chat=20,email=10)",
    )
    parser.add_argument(
        "--tenant", type=Path, default=None, metavar="FILE", help="tenant file (default: built-in)"
    )
    parser.add_argument(
        "--out", type=Path, default=None, metavar="FILE", help="write here instead of stdout"
    )
    parser.set_defaults(func=_cmd_generate)
