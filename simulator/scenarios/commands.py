"""``adsim run`` and ``adsim generate``: the scenario subcommands of the command line.

``adsim run SCENARIO... [--tenant FILE] [--seed N] [--output FILE] [--repeat N [--rate R]]``
plus the handler options (``--handler``, ``--journal``, ``--handler-timeout``, ``--webhook``
...), ``--js-handler FILE.mjs`` (a JS handler module run under ``node``, see ``simulator.web``)
and ``--page URL|DIR`` (a CRM page in offscreen QtWebEngine; the Qt side is given by the command
line as ``page_driver``, since nothing here may import Qt). Exit codes: 0 every scenario passed;
1 an expectation or a handler failed; 2 bad input (a file that is not a valid scenario, or a step
the engine refuses in that state).

``adsim generate --count N [--seed N] [--mix voice=70,chat=20,email=10] [--output FILE]`` writes
finished activity records as JSON lines.

The page side of ``run`` is ``run_pages``; its handler hosts are ``run_hosts``; a
``--repeat`` series is ``load_command``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from simulator import numbers, streams
from simulator.contract.versions import add_api_version_option
from simulator.data import InputFileError
from simulator.data.bounded_yaml import MAX_FILE_BYTES
from simulator.file_args import file_path, output_name, page_spec
from simulator.one_line import one_line
from simulator.overwrite import (
    is_standard_output,
    open_output,
    refuse_journal_files,
    refuse_overwriting_inputs,
)
from simulator.scenarios.generate import MediumMissingError, generate_records, parse_mix
from simulator.scenarios.load_command import _load
from simulator.scenarios.loader import ScenarioFile, load_scenario
from simulator.scenarios.report import format_result, say_summary
from simulator.scenarios.run_checks import (
    check_handler_agents,
    check_repeat_seeds,
    run_inputs,
    run_journal,
    scenario_inputs,
)
from simulator.scenarios.run_hosts import (
    _abandon,
    _add_handler_options,
    _host_factory,
    cut_short_line,
    only_call_errors,
)
from simulator.scenarios.run_pages import (
    _PAGE_ONLY,
    PageDriver,
    PageOptions,
    PageSessionLike,
    _check_page_agents,
    _other_pages,
    _page_targets,
    _screenshot,
    _screenshot_folder,
    _screenshot_paths,
)
from simulator.scenarios.runner import EXIT_OK, ScenarioResult, ScenarioRunner

__all__ = [
    "PageDriver",
    "PageOptions",
    "PageSessionLike",
    "add_generate_command",
    "add_run_command",
]


MAX_REPEAT = 10_000_000
"""The most runs (``--repeat``) or records (``--count``) one command makes."""
MIN_RATE = 0.001
MAX_RATE = 1_000_000.0
"""``--rate`` bounds, interactions per second: one per ~17 minutes to a million."""
_MAX_SCENARIO_MB = 4096
"""``--max-scenario-size`` above this is a typo, not a scenario."""


def add_output_option(parser: argparse.ArgumentParser, help_text: str, *, old: str) -> None:
    """``--output FILE`` / ``-o FILE``: the one name every command uses for where its data
    goes. ``old`` (the spelling earlier releases documented) still works, hidden from help."""
    parser.add_argument(
        "--output", "-o", type=_output, default=None, metavar="FILE", help=help_text
    )
    parser.add_argument(old, dest="output", type=_output, help=argparse.SUPPRESS)


def _output(text: str) -> Path:
    return Path(output_name(text))


def _megabytes(text: str) -> int:
    try:
        value = numbers.decimal(text, "a number of megabytes")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if not math.isfinite(value):  # nan was "must be more than 0 and at most 4096 MB"
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number of megabytes")
    if not 0 < value <= _MAX_SCENARIO_MB:
        raise argparse.ArgumentTypeError(
            f"{text} is out of range: use more than 0 and at most {_MAX_SCENARIO_MB:,} megabytes"
        )
    if value * 1_048_576 < 1:  # 1e-300 was "more than 0", and every file over a 0-byte limit
        raise argparse.ArgumentTypeError(f"{text} MB is less than a byte: give megabytes, e.g. 10")
    return int(value * 1_048_576)


def _mix(text: str) -> dict[str, float]:
    try:
        return parse_mix(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _open_out(stack: ExitStack, path: Path | None, label: str) -> streams.Writer | None:
    if path is None:
        return None
    if is_standard_output(path):  # ``-``, ``/dev/stdout``: once, and the summary to stderr
        return sys.stdout
    try:
        handle = open_output(path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InputFileError(str(path), None, f"cannot write {label}: {reason}") from None
    return stack.enter_context(streams.OutputFile(handle, str(path)))


def _run_one(
    source: ScenarioFile,
    args: argparse.Namespace,
    events_out: streams.Writer | None,
    page: PageSessionLike | None = None,
    shot: Path | None = None,
    *,
    tag: str | None = None,
) -> tuple[ScenarioResult, int]:
    """One run; (its result, the exit code of finishing its handlers: 1 when a plugin did not
    load or a handler failed). ``tag``: each output line's ``"scenario"`` (several files)."""
    build, finish = _host_factory(args, source, page)
    finished = EXIT_OK
    runner = ScenarioRunner(source, seed=args.seed)
    others = _other_pages(page)
    if page is not None:
        runner.should_stop = page.cancelled.is_set
    if build is not None:
        runner.host = build(runner.sim)
        # The scenario's other agents (agents:) get the same handlers, each on its desktop.
        runner.add_agent_hosts(lambda desk: build(desk, agent_of_page=False))
    interrupted = False
    try:
        result = runner.run()
        if page is not None and shot is not None and not page.cancelled.is_set():
            _screenshot(page, shot)
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        if page is not None:
            page.detach()
        for other in others.values():
            other.detach()
        hosts = [runner.host, *runner.agent_hosts] if runner.host is not None else []
        for host in hosts:
            cancelled = page is not None and page.cancelled.is_set()
            if interrupted or cancelled:
                # Ctrl-C, SIGTERM: no summary, no waiting for handlers; the run interrupted
                _abandon(host, interrupted=cancelled)
            elif finish is not None:
                code = finish(host)
                if code and source.scenario.allow_handler_errors and only_call_errors(host):
                    code = EXIT_OK  # the summary said "error (allowed)", and failed the run
                finished = max(finished, code)
        # Its failed calls are journaled: said too, the stop's line being all it prints.
        line = cut_short_line(source.name, hosts, runner.seed) if interrupted else None
        if line is not None:
            streams.complain(one_line(line))
    if events_out is not None:
        events_out.write(result.jsonl(scenario=tag))
    return result, finished


def _cmd_run(args: argparse.Namespace) -> int:
    # --repeat N (N = 1 too) or --rate is load mode: its summary, and "repeat" on each line of
    # --output, as docs/cli.md says of --repeat N; without either, one run per file.
    args.series = args.repeat is not None or args.rate is not None
    args.repeat = 1 if args.repeat is None else args.repeat
    refuse_overwriting_inputs(args.output, run_inputs(args))
    refuse_journal_files(args.output, run_journal(args))
    limit = getattr(args, "max_scenario_size", MAX_FILE_BYTES)
    sources = [load_scenario(path, max_bytes=limit) for path in args.scenarios]
    refuse_overwriting_inputs(args.output, scenario_inputs(sources))
    check_repeat_seeds(sources, args)
    if args.tenant is not None:
        from simulator.data import load_tenant

        tenant = load_tenant(args.tenant)
        sources = [dataclasses.replace(source, tenant=tenant) for source in sources]
    if getattr(args, "api_version", None) is not None:  # over each file's api_version:
        sources = [
            replace(source, scenario=source.scenario.for_api_version(args.api_version))
            for source in sources
        ]
    check_handler_agents(sources, args)
    if getattr(args, "webhook", None) is None and any(  # --webhook-events ... alone: said once
        getattr(args, f"webhook_{name}", None) is not None
        for name in ("secret", "events", "attempts", "backoff")
    ):
        from simulator.handlers.cli_options import say_unused_webhook_options

        say_unused_webhook_options(args)
    if getattr(args, "js_handlers", None):
        from simulator.web import check_js_handlers

        check_js_handlers(args.js_handlers)
    target = getattr(args, "page", None)
    if target is None:
        for flag, dest in _PAGE_ONLY:
            if getattr(args, dest, None) is not None:
                raise InputFileError(flag, None, "needs --page URL|DIR")
        return _run_all(sources, args, None)
    if args.series:
        raise InputFileError(
            "--page", None, "a page runs one scenario run at a time; drop --repeat and --rate"
        )
    driver: PageDriver | None = getattr(args, "page_driver", None)
    if driver is None:
        raise InputFileError("--page", None, "this adsim has no page driver (QtWebEngine)")
    if args.page_screenshots is not None:
        _screenshot_folder(args.page_screenshots)
    main_page, agents = _page_targets(target)
    _check_page_agents(sources, [name for name, _page in agents])
    options = PageOptions(
        main_page, args.tenant_url, tuple(args.allow_origins or ()), args.page_timeout, agents
    )
    return driver(options, lambda page: _run_all(sources, args, page))


def _run_all(
    sources: list[ScenarioFile], args: argparse.Namespace, page: PageSessionLike | None
) -> int:
    worst = EXIT_OK
    shots = _screenshot_paths(getattr(args, "page_screenshots", None), sources)
    with ExitStack() as stack:
        events_out = _open_out(stack, args.output, "the events")
        for source, shot in zip(sources, shots, strict=True):
            # Several files: each output line names its run's file, so that the output splits
            # back (one file's lines are as they always were).
            tag = source.path if len(sources) > 1 else None
            if args.series:
                code = _load(source, args, events_out, tag)
            else:
                result, finished = _run_one(source, args, events_out, page, shot, tag=tag)
                if page is not None and page.cancelled.is_set():
                    break
                # A plugin that did not load fails the run as a failed handler does (CI must
                # not go green while the integration never ran), and the verdict says so.
                code = max(result.exit_code, finished)
                say_summary(format_result(result, code), events_out)
            worst = max(worst, code)
    return worst


def add_run_command(
    sub: argparse._SubParsersAction, *, page_driver: PageDriver | None = None
) -> None:
    """Register ``adsim run``; ``--page`` is offered when a ``page_driver`` is given."""
    parser = sub.add_parser(
        "run",
        help="run scenario files headless on the virtual clock (exit 0 pass, 1 fail, 2 bad input)",
        description="Run scenario files headless on the virtual clock and print a summary of "
        "each. Exit code 0: all passed; 1: an expectation or a handler failed; 2: bad input "
        "(a malformed scenario, or a step the engine refuses in that state).",
    )
    parser.add_argument(
        "scenarios", nargs="+", type=file_path, metavar="SCENARIO", help="YAML files"
    )
    parser.add_argument(
        "--tenant",
        type=file_path,
        default=None,
        metavar="FILE",
        help="tenant directory file for every scenario (default: each scenario's own)",
    )
    parser.add_argument(
        "--seed",
        type=numbers.seed,
        default=None,
        metavar="N",
        help="override the scenarios' seed",
    )
    add_api_version_option(parser)
    add_output_option(
        parser,
        "write every event as JSON lines ('-' for stdout; the summary then goes to stderr)",
        old="--events-out",
    )
    parser.add_argument(
        "--max-scenario-size",
        type=_megabytes,
        default=MAX_FILE_BYTES,
        metavar="MB",
        help=f"refuse scenario files longer than this (default {MAX_FILE_BYTES // 1_048_576})",
    )
    parser.add_argument(
        "--repeat",
        type=numbers.whole(1, MAX_REPEAT),
        default=None,
        metavar="N",
        help="load mode: run each scenario N times (seed, seed+1, ...) and summarise",
    )
    parser.add_argument(
        "--rate",
        type=numbers.rate(MIN_RATE, MAX_RATE),
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
            type=file_path,
            metavar="FILE.mjs",
            help="a JS handler module (export function register(adApi)) run under node with "
            "the adApi shim; repeatable",
        )
        if page_driver is not None:
            parser.add_argument(
                "--page",
                default=None,
                action="append",
                type=page_spec,
                metavar="[NAME=]URL|DIR",
                help="your CRM page (a URL, or a folder with index.html) in offscreen "
                "QtWebEngine with the adApi shim, as plugin js:page; reloaded for each "
                "scenario (needs agent-desktop-simulator[web]); NAME=URL|DIR: the page of the "
                "scenario's agent NAME (repeatable)",
            )
            parser.add_argument(
                "--page-screenshots",
                type=file_path,
                default=None,
                metavar="DIR",
                help="after each scenario, save the page as DIR/<scenario>.png (a CI artifact)",
            )
            parser.add_argument(
                "--tenant-url",
                default=None,
                metavar="https://HOST",
                help="strict-CSP mode for --page: serve the shim at https://HOST/agent/"
                "communicator/adapters/api.js itself (a local TLS server, its certificate "
                "accepted for HOST only)",
            )
            parser.add_argument(
                "--allow-origin",
                dest="allow_origins",
                action="append",
                default=None,
                metavar="ORIGIN",
                help="let the page reach this origin too (its API, a CDN: https://host[:port]); "
                "everything else is blocked; repeatable",
            )
            parser.add_argument(
                "--page-timeout",
                type=numbers.seconds(0.1, 3600),
                default=None,
                metavar="SECONDS",
                help="how long the page has to load and construct its AdApi (default 15)",
            )
            parser.set_defaults(page_driver=page_driver)
    parser.set_defaults(func=_cmd_run)


def _cmd_generate(args: argparse.Namespace) -> int:
    from simulator.data import load_tenant

    refuse_overwriting_inputs(args.output, [("the tenant file", args.tenant)])
    tenant = load_tenant(args.tenant) if args.tenant is not None else None
    seed = args.seed if args.seed is not None else 0
    try:  # before the output is opened: a refused --mix leaves it as it was
        records = generate_records(
            args.count, seed=seed, mix=args.mix, tenant=tenant, api_version=args.api_version
        )
    except MediumMissingError as exc:
        which = f"the tenant ({args.tenant})" if args.tenant is not None else "the tenant"
        raise InputFileError(
            "--mix",
            None,
            f"{which} has no {exc.medium} service; give {exc.medium}=0 or a tenant with one",
        ) from None
    with ExitStack() as stack:
        out = _open_out(stack, args.output, "the records") or sys.stdout
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    return EXIT_OK


def add_generate_command(sub: argparse._SubParsersAction) -> None:
    """Register ``adsim generate``."""
    parser = sub.add_parser(
        "generate",
        help="write N finished activity records as JSON lines, from real simulated interactions",
    )
    parser.add_argument(
        "--count",
        type=numbers.whole(1, MAX_REPEAT),
        required=True,
        metavar="N",
        help="how many records",
    )
    parser.add_argument(
        "--seed", type=numbers.seed, default=None, metavar="N", help="random seed (default 0)"
    )
    add_api_version_option(parser, help="the adApi contract the records follow (default 5.19)")
    parser.add_argument(
        "--mix",
        type=_mix,
        default=None,
        metavar="voice=70,chat=20,email=10",
        help="share of each medium (weights; default voice=70,chat=20,email=10)",
    )
    parser.add_argument(
        "--tenant",
        type=file_path,
        default=None,
        metavar="FILE",
        help="tenant directory file (default: built-in)",
    )
    add_output_option(parser, "write the records here ('-' or none: stdout)", old="--out")
    parser.set_defaults(func=_cmd_generate)
