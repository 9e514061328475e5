"""``adsim run`` and ``adsim generate``: the scenario subcommands of the command line.

``adsim run SCENARIO... [--seed N] [--events-out FILE.jsonl] [--repeat N [--rate R]]`` plus the
handler options (``--handler``, ``--journal``, ``--handler-timeout``, ``--webhook`` ...) and
``--js-handler FILE.mjs`` (a JS handler module run under ``node``, see ``simulator.web``) and
``--page URL|DIR`` (a CRM page in offscreen QtWebEngine; the Qt side is given by the command line
as ``page_driver``, since nothing here may import Qt). Exit codes: 0 every scenario passed; 1 an
expectation or a handler failed; 2 bad input (a file that is not a valid scenario, or a step the
engine refuses in that state).

``adsim generate --count N [--seed S] [--mix voice=70,chat=20,email=10] [--out FILE]`` writes
finished activity records as JSON lines.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, TextIO

from simulator.contract.versions import add_api_version_option
from simulator.data import InputFileError
from simulator.data.bounded_yaml import MAX_FILE_BYTES
from simulator.engine import Simulator
from simulator.scenarios.generate import generate_records, parse_mix
from simulator.scenarios.load_mode import run_load
from simulator.scenarios.loader import ScenarioFile, load_scenario
from simulator.scenarios.report import ProgressBar, format_load, format_result
from simulator.scenarios.runner import EXIT_OK, ScenarioResult, ScenarioRunner

__all__ = [
    "PageDriver",
    "PageOptions",
    "PageSessionLike",
    "add_generate_command",
    "add_run_command",
]


class PageSessionLike(Protocol):
    """A CRM page the runs attach to (``simulator.gui.page_run.PageSession``)."""

    cancelled: threading.Event
    """Set on Ctrl-C: stop at the next step, print nothing more."""

    def attach(self, host: Any) -> Any:
        """Make the page a plugin of ``host``, (re)load it, return once it is connected."""

    def detach(self) -> None:
        """Stop sending the page events; fail what it still owes."""

    def screenshot(self, path: str | Path) -> bool:
        """Save the page as a PNG (False when it could not be written)."""


@dataclass(frozen=True)
class PageOptions:
    """``--page`` and the options that go with it."""

    target: str
    tenant_url: str | None = None
    allow_origins: tuple[str, ...] = ()
    timeout: float | None = None
    """Seconds the page has to construct its AdApi (None: the driver's default)."""


PageDriver = Callable[[PageOptions, Callable[[PageSessionLike], int]], int]
"""``driver(options, work)``: opens the page and runs ``work(session)`` beside it; returns the
exit code."""


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
    if getattr(args, "js_handlers", None) or getattr(args, "page", None):
        return True
    if getattr(args, "journal", None) is not None:
        return True
    if not getattr(args, "entry_points", False):
        return False
    from importlib.metadata import entry_points

    from simulator.handlers import ENTRY_POINT_GROUP

    return bool(entry_points(group=ENTRY_POINT_GROUP))


def _host_factory(
    args: argparse.Namespace, source: ScenarioFile, page: PageSessionLike | None = None
) -> tuple[Callable[[Simulator], Any] | None, Callable[[Any], int] | None]:
    """How to build and finish a handler host for each run (None when no handlers are asked);
    ``page`` is attached to each host built."""
    if not hasattr(args, "handlers") or not _wants_handlers(args):
        return None, None
    from simulator.handlers.cli_options import build_host, finish_run

    def build(sim: Simulator, agent_of_page: bool = True) -> Any:
        meta = {"command": "run", "scenario": source.path}
        if len(sim.center.desktops) > 1:
            meta["agent"] = sim.name
        host = build_host(sim, args, meta=meta)
        js_handlers = getattr(args, "js_handlers", None) or []
        if js_handlers:
            from simulator.web import NodeHandler

            try:
                for path in js_handlers:
                    NodeHandler(host, path).start()
            except BaseException:
                _abandon(host)
                raise
        if page is not None and agent_of_page:
            try:
                page.attach(host)
            except BaseException:
                _abandon(host)
                raise
        return host

    return build, finish_run


def _abandon(host: Any) -> None:
    """Close a host whose set-up failed half-way, and its journal."""
    host.close(timeout=0)
    if host.journal is not None:
        host.journal.close()


_MAX_SCENARIO_MB = 4096
"""``--max-scenario-size`` above this is a typo, not a scenario."""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return value


def _positive_rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("the rate must be more than 0 interactions per second")
    return value


def _megabytes(text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of megabytes") from None
    if not 0 < value <= _MAX_SCENARIO_MB:
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most {_MAX_SCENARIO_MB} MB")
    return int(value * 1_048_576)


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
    source: ScenarioFile,
    args: argparse.Namespace,
    events_out: TextIO | None,
    page: PageSessionLike | None = None,
    shot: Path | None = None,
) -> ScenarioResult:
    build, finish = _host_factory(args, source, page)
    runner = ScenarioRunner(source, seed=args.seed)
    if page is not None:
        runner.should_stop = page.cancelled.is_set
    if build is not None:
        runner.host = build(runner.sim)
        # The scenario's other agents (agents:) get the same handlers, each on its desktop.
        runner.add_agent_hosts(lambda desk: build(desk, agent_of_page=False))
    try:
        result = runner.run()
        if page is not None and shot is not None and not page.cancelled.is_set():
            _screenshot(page, shot)
    finally:
        if page is not None:
            page.detach()
        for host in [runner.host, *runner.agent_hosts] if runner.host is not None else []:
            if page is not None and page.cancelled.is_set():
                _abandon(host)  # Ctrl-C: no summary
            elif finish is not None:
                finish(host)
    if events_out is not None:
        events_out.write(result.jsonl())
    return result


_PAGE_ONLY = (
    ("--page-screenshots", "page_screenshots"),
    ("--page-timeout", "page_timeout"),
    ("--tenant-url", "tenant_url"),
    ("--allow-origin", "allow_origins"),
)
"""The options that only mean something with ``--page``: (flag, argparse dest)."""


def _screenshot_folder(folder: Path) -> None:
    """Create ``--page-screenshots`` before any run, so a bad folder costs no run."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputFileError(str(folder), None, f"cannot create it: {exc.strerror}") from None
    if not os.access(folder, os.W_OK):
        raise InputFileError(str(folder), None, "cannot write here; pick another folder")


def _screenshot_paths(folder: Path | None, sources: list[ScenarioFile]) -> list[Path | None]:
    """``folder/<scenario>.png`` for each source (``<scenario>-2.png`` ... when two scenarios
    share a name); Nones without a folder."""
    if folder is None:
        return [None] * len(sources)
    taken: list[Path | None] = []
    for source in sources:
        stem = Path(source.path).stem
        path, n = folder / f"{stem}.png", 2
        while path in taken:
            path, n = folder / f"{stem}-{n}.png", n + 1
        taken.append(path)
    return taken


def _screenshot(page: PageSessionLike, path: Path) -> None:
    if not page.screenshot(path):
        # Not bad input: the folder was checked before the runs. Say so and go on.
        print(f"adsim: {path}: the page's screenshot could not be written", file=sys.stderr)


def _cmd_run(args: argparse.Namespace) -> int:
    limit = getattr(args, "max_scenario_size", MAX_FILE_BYTES)
    sources = [load_scenario(path, max_bytes=limit) for path in args.scenarios]
    if getattr(args, "api_version", None) is not None:  # over each file's api_version:
        sources = [
            replace(source, scenario=source.scenario.for_api_version(args.api_version))
            for source in sources
        ]
    if getattr(args, "js_handlers", None):
        from simulator.web import check_js_handlers

        check_js_handlers(args.js_handlers)
    target = getattr(args, "page", None)
    if target is None:
        for flag, dest in _PAGE_ONLY:
            if getattr(args, dest, None) is not None:
                raise InputFileError(flag, None, "needs --page URL|DIR")
        return _run_all(sources, args, None)
    if args.repeat > 1 or args.rate is not None:
        raise InputFileError(
            "--page", None, "a page runs one scenario run at a time; drop --repeat and --rate"
        )
    driver: PageDriver | None = getattr(args, "page_driver", None)
    if driver is None:
        raise InputFileError("--page", None, "this adsim has no page driver (QtWebEngine)")
    if args.page_screenshots is not None:
        _screenshot_folder(args.page_screenshots)
    options = PageOptions(
        str(target), args.tenant_url, tuple(args.allow_origins or ()), args.page_timeout
    )
    return driver(options, lambda page: _run_all(sources, args, page))


def _run_all(
    sources: list[ScenarioFile], args: argparse.Namespace, page: PageSessionLike | None
) -> int:
    worst = EXIT_OK
    shots = _screenshot_paths(getattr(args, "page_screenshots", None), sources)
    with ExitStack() as stack:
        events_out = _open_out(stack, args.events_out, "the events")
        for source, shot in zip(sources, shots, strict=True):
            if args.repeat > 1 or args.rate is not None:
                code = _load(source, args, events_out)
            else:
                result = _run_one(source, args, events_out, page, shot)
                if page is not None and page.cancelled.is_set():
                    break
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
    parser.add_argument("scenarios", nargs="+", type=Path, metavar="SCENARIO", help="YAML files")
    parser.add_argument(
        "--seed", type=int, default=None, metavar="N", help="override the scenarios' seed"
    )
    add_api_version_option(parser)
    parser.add_argument(
        "--events-out",
        type=Path,
        default=None,
        metavar="FILE.jsonl",
        help="write every event as JSON lines ('-' for stdout; the summary then goes to stderr)",
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
        if page_driver is not None:
            parser.add_argument(
                "--page",
                default=None,
                metavar="URL|DIR",
                help="your CRM page (a URL, or a folder with index.html) in offscreen "
                "QtWebEngine with the adApi shim, as plugin js:page; reloaded for each "
                "scenario (needs agent-desktop-simulator[web])",
            )
            parser.add_argument(
                "--page-screenshots",
                type=Path,
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
                type=_positive_seconds,
                default=None,
                metavar="SECONDS",
                help="how long the page has to load and construct its AdApi (default 15)",
            )
            parser.set_defaults(page_driver=page_driver)
    parser.set_defaults(func=_cmd_run)


def _cmd_generate(args: argparse.Namespace) -> int:
    from simulator.data import load_tenant

    tenant = load_tenant(args.tenant) if args.tenant is not None else None
    seed = args.seed if args.seed is not None else 0
    with ExitStack() as stack:
        out = _open_out(stack, args.out, "the records") or sys.stdout
        records = generate_records(
            args.count, seed=seed, mix=args.mix, tenant=tenant, api_version=args.api_version
        )
        for record in records:
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
    add_api_version_option(parser)
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
