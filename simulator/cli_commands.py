"""``adsim demo`` and ``adsim schema``: their options and what they do.

``adsim run``, ``generate`` and ``journal`` live with what they drive
(``simulator.scenarios.commands``, ``simulator.journal.commands``); ``simulator.cli`` lists them
all.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from simulator.cli_parser import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK
from simulator.cli_window import add_engine_options
from simulator.streams import complain

if TYPE_CHECKING:
    from simulator.data import Tenant
    from simulator.handlers import HandlerHost

__all__ = ["add_demo", "add_schema"]


def _tenant(args: argparse.Namespace) -> Tenant:
    from simulator.data import load_tenant

    return load_tenant(args.tenant)


def _cmd_demo(args: argparse.Namespace) -> int:
    from simulator.data import InputFileError
    from simulator.demo import run_demo_call
    from simulator.engine import CommitError, Simulator
    from simulator.engine.settings import settings_for
    from simulator.handlers.cli_options import (
        agent_handler,
        build_host,
        finish_run,
        say_unused_webhook_options,
    )

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
    say_unused_webhook_options(args)
    host = build_host(sim, args, meta={"command": "demo"})
    refused: list[str] = []
    try:
        recorder = run_demo_call(
            sim,
            after_step=host.settle,
            on_refused=lambda step, r: refused.append(_refusal(step, r)),
        )
    except CommitError:  # the journal refused a step: finish_run names it in one line
        return finish_run(host)
    except KeyboardInterrupt:  # Ctrl-C, SIGTERM: no summary, a plugin's call gets a short grace
        _stopped(host, args.seed if args.seed is not None else 0)
        raise
    except BaseException:
        finish_run(host)
        raise
    code = finish_run(host)
    for line in refused:  # the record is the engine's: what the demo did not do is said here
        complain(line)
    if args.events:
        sys.stdout.write(recorder.jsonl())
        return code
    records = recorder.records()
    if not records:  # the engine refused a step: the summary above says which handler or why
        complain("adsim: the demo call saved no activity record")
        return EXIT_FAILED
    # The titles go to stderr as complain() writes them: a stderr whose reader left
    # (``2>&1 >record.json | head -0``) loses them, not the record nor the exit code.
    complain("ON_SAVE_ACTIVITY_RECORD")
    record = records[-1]
    print(json.dumps(record, indent=2, ensure_ascii=False))
    saved = sim.activity_record_info(record["interactionId"])
    if saved is not None:  # 2026: where the integration saved it
        complain(f"ActivityRecordInfo {json.dumps(saved, ensure_ascii=False)}")
    return code


def _refusal(step: str, outcome: Any) -> str:
    """The note of a demo step the engine refused (a handler's ``ad_api`` call did it first,
    or the tenant does not allow it)."""
    error = outcome.error
    code = f"{error.name} ({error.code})" if error is not None else "refused"
    message = f": {error.message}" if error is not None and error.message else ""
    return f"adsim: note: the demo's step {step} was refused: {code}{message}"


def _stopped(host: HandlerHost, seed: int) -> None:
    """A stop (Ctrl-C, SIGTERM) in ``adsim demo``: the webhook's delivery in flight ends within
    the stop's grace (``interrupts.STOP_GRACE``, its own bound), and a thread-isolated plugin's
    call at its timeout, and the outcome is journaled, as under ``adsim run`` (the host
    abandoned at once lost it: the journal said nothing of a record the endpoint may have
    had); then the host is abandoned, and the calls that failed are said in one line, as
    ``adsim run`` says them. Another stop meanwhile ends the wait."""
    import time

    from simulator import interrupts
    from simulator.handlers.cli_options import abandon_run  # loaded already: no time

    stopped = interrupts.stop_started()
    try:
        until = (stopped if stopped is not None else time.monotonic()) + interrupts.STOP_GRACE
        if not interrupts.stopped_again():  # a second stop waits for nothing
            host.let_call_here_end(until + 1.0)  # its last attempt's cutoff, and its outcome
    finally:
        abandon_run(host)
    # Imported once the run's end is written: its 0.26 s was a window in which a second stop
    # left the journal's run unfinished.
    from simulator.scenarios.run_hosts import cut_short_line

    line = cut_short_line("demo", [host], seed)
    if line is not None:
        complain(line)


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


def add_demo(sub: argparse._SubParsersAction) -> None:
    """``adsim demo``'s options (the engine's and the handlers')."""
    parser = sub.add_parser("demo")
    add_engine_options(parser, api_help="the adApi contract to simulate (default 5.19)")
    parser.add_argument("--events", action="store_true", help="print every event as JSON lines")
    from simulator.handlers.cli_options import add_handler_options

    add_handler_options(parser)
    parser.set_defaults(func=_cmd_demo)


def add_schema(sub: argparse._SubParsersAction) -> None:
    """``adsim schema``'s options."""
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
