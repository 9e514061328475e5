"""The handler options every ``adsim`` subcommand that runs the engine shares.

``add_handler_options(parser)`` adds ``--handler``, ``--handler-timeout``, ``--journal``,
``--webhook``, ``--webhook-secret``, ``--webhook-events``, ``--webhook-attempts``,
``--webhook-backoff``, ``--no-entry-points`` and ``--trace-handlers``. ``build_host(sim, args)``
opens the journal, loads the plugins and returns the running ``HandlerHost``;
``finish_run(host)`` waits for the handlers, closes everything and returns the exit code (1 when
a handler failed, with a summary on stderr).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from simulator import interrupts, numbers
from simulator.contract import EventName
from simulator.data import InputFileError
from simulator.engine import AgentDesktop, CommitError
from simulator.file_args import file_name, handler_spec
from simulator.handlers import leftover_processes, leftover_threads
from simulator.handlers.feedback import HandlerLoopError
from simulator.handlers.host import DEFAULT_TIMEOUT, ISOLATION_MODES, HandlerHost
from simulator.handlers.outcome import HandlerOutcome
from simulator.handlers.plugins import NO_PLUGINS, plugin_files
from simulator.handlers.registry import UnknownEventError, event_name
from simulator.handlers.run_summary import in_run, journal_lines, not_loaded, summary
from simulator.handlers.secrets import redacted_argv, secret_problem
from simulator.handlers.spawner import STARTED
from simulator.handlers.supervisor import CLOSE_GRACE, DEFAULT_LOAD_TIMEOUT
from simulator.handlers.webhook import WebhookHandler
from simulator.journal import Journal, JournalError
from simulator.journal.store import ENV_JOURNAL

__all__ = [
    "ENV_WEBHOOK_SECRET",
    "WEBHOOK_BUDGET",
    "abandon_run",
    "add_handler_options",
    "build_host",
    "finish_run",
    "journal_lines",
    "lasting_meta",
    "open_journal",
    "redacted_argv",
    "run_meta",
    "say_unused_webhook_options",
    "summary",
    "threads_left",
]

ENV_WEBHOOK_SECRET = "ADSIM_WEBHOOK_SECRET"
WEBHOOK_BUDGET = 0.8
"""The share of the handler timeout one webhook delivery (retries included) may take."""


def _event_list(text: str) -> list[EventName]:
    names = []
    for part in text.split(","):
        if not part.strip():
            continue
        try:
            names.append(event_name(part.strip()))
        except UnknownEventError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    if not names:
        raise argparse.ArgumentTypeError("name at least one event, e.g. ON_SAVE_ACTIVITY_RECORD")
    return names


def _webhook_url(text: str) -> str:
    """``--webhook URL``: never empty (a script's unset variable ran with no webhook, exit 0)."""
    if not text:
        raise argparse.ArgumentTypeError(
            "an empty URL; give the endpoint (https://HOST/PATH), or leave --webhook out"
        )
    return text


def _webhook_secret(text: str) -> str:
    """``--webhook-secret SECRET``: never empty (a script's unset variable sent unsigned bodies,
    or signed them with another secret)."""
    if not text:
        raise argparse.ArgumentTypeError(
            f"an empty secret; give the secret, or leave the option out (${ENV_WEBHOOK_SECRET} "
            "is used then)"
        )
    return text


def add_handler_options(parser: argparse.ArgumentParser) -> None:
    """Add the handler, journal and webhook options to a subcommand's parser (which then
    refuses abbreviated options: ``--webhook-secr X`` must not be taken for the secret)."""
    parser.allow_abbrev = False
    group = parser.add_argument_group("handlers and journal")
    group.add_argument(
        "--handler",
        dest="handlers",
        action="append",
        default=[],
        type=handler_spec,
        metavar="PATH",
        help="a handler plugin (.py with register(ad_api)) or a directory of them; repeatable; "
        "NAME=PATH loads it for that agent of a scenario's agents: only",
    )
    group.add_argument(
        "--handler-timeout",
        type=numbers.seconds(0.001, 86_400),
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help=f"a handler still running after this is reported api_not_answer "
        f"(default {DEFAULT_TIMEOUT:g})",
    )
    group.add_argument(
        "--handler-isolation",
        choices=ISOLATION_MODES,
        default="process",
        help="process (default): each plugin in its own supervised process, so a crash, a "
        "hang or a stray thread is reported and cannot stop the run; thread: in adsim's own "
        "process (shares its memory, cannot be stopped)",
    )
    group.add_argument(
        "--handler-load-timeout",
        type=numbers.seconds(0.001, 86_400),
        default=DEFAULT_LOAD_TIMEOUT,
        metavar="SECONDS",
        help="with process isolation, a plugin whose import and register() take longer is "
        "killed and not loaded; with thread isolation, a line says it is still running "
        f"(default {DEFAULT_LOAD_TIMEOUT:g})",
    )
    group.add_argument(
        "--journal",
        type=file_name,
        default=None,
        metavar="PATH",
        help="SQLite journal of every event and handler outcome (default: the user data "
        "directory, or $ADSIM_JOURNAL; ':memory:' keeps none)",
    )
    group.add_argument(
        "--webhook",
        type=_webhook_url,
        default=None,
        metavar="URL",
        help="POST each ON_SAVE_ACTIVITY_RECORD here",
    )
    group.add_argument(
        "--webhook-secret",
        type=_webhook_secret,
        default=None,
        metavar="SECRET",
        help=f"sign webhook bodies (HMAC-SHA256); default ${ENV_WEBHOOK_SECRET}",
    )
    group.add_argument(
        "--webhook-events",
        type=_event_list,
        default=None,
        metavar="NAMES",
        help="comma-separated events the webhook posts (default ON_SAVE_ACTIVITY_RECORD)",
    )
    group.add_argument(
        "--webhook-attempts",
        type=numbers.whole(1, 100),
        default=None,  # 4: None tells an option given without --webhook (it does nothing)
        metavar="N",
        help="tries per event before the webhook reports an error (default 4)",
    )
    group.add_argument(
        "--webhook-backoff",
        type=numbers.seconds(0.001, 3600),
        default=None,  # 0.5
        metavar="SECONDS",
        help="wait before the first retry, doubled for each next one (default 0.5)",
    )
    group.add_argument(
        "--no-entry-points",
        dest="entry_points",
        action="store_false",
        help="do not load plugins installed packages declare (agent_desktop_simulator.handlers)",
    )
    group.add_argument(
        "--trace-handlers", action="store_true", help="print every handler call to stderr"
    )


_AGENT_SPEC = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*)=(.+)$")


def agent_handler(spec: str) -> tuple[str | None, str]:
    """``--handler NAME=PATH``: the plugin for one agent of a contact center only (``None``:
    every agent). A spec that is an existing path is a path, ``=`` or not."""
    found = _AGENT_SPEC.match(str(spec))
    if found is None or Path(spec).exists():
        return None, spec
    return found.group(1).lower(), found.group(2)


def _secret(args: argparse.Namespace) -> str | None:
    """The webhook secret (option or environment); ``InputFileError`` when it is unusable."""
    secret = getattr(args, "webhook_secret", None) or os.environ.get(ENV_WEBHOOK_SECRET)
    if secret:
        problem = secret_problem(secret)
        if problem is not None:
            option = getattr(args, "webhook_secret", None)
            where = "--webhook-secret" if option else f"${ENV_WEBHOOK_SECRET}"
            raise InputFileError(where, None, problem)
    return secret


def run_meta(
    sim: AgentDesktop, args: argparse.Namespace, meta: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What the journal keeps about a run: the secret's presence, never its value (nor a
    URL's password: see handlers.secrets)."""
    return {"seed": sim.seed, **lasting_meta(args, meta)}


def lasting_meta(args: argparse.Namespace, meta: dict[str, Any] | None) -> dict[str, Any]:
    """``run_meta`` but the seed: the same for every run of one process (``HostSeries`` keeps
    it: redacting the command line each repeat cost load mode more than its journal's row)."""
    found = {"argv": redacted_argv(sys.argv[1:]), **(meta or {})}
    if _secret(args):
        found["webhook_secret"] = True
    return found


def open_journal(
    sim: AgentDesktop, args: argparse.Namespace, meta: dict[str, Any] | None = None
) -> Journal:
    """The journal of one run of ``sim`` (``InputFileError`` when it cannot be used)."""
    given = getattr(args, "journal", None)
    try:
        return Journal.open(given, meta=run_meta(sim, args, meta))
    except JournalError as exc:
        message = exc.message
        if given is None:  # the default place (an unwritable HOME): say how to choose another
            source = f"${ENV_JOURNAL}" if os.environ.get(ENV_JOURNAL) else "the default journal"
            message += f" ({source}; pass --journal PATH, or --journal :memory: to keep none)"
        raise InputFileError(exc.path or "--journal", None, message) from None


def _tracer(err: TextIO | None, host: HandlerHost) -> Callable[[HandlerOutcome], None]:
    """``--trace-handlers``: each outcome on ``err`` (None: ``sys.stderr`` as it is then, which
    adsim puts back if a plugin replaced it), from the handler thread; in a series, with its
    run (``host.run_number``). A stderr the reader closed (``2>&1 | head``) ends the trace, not
    the thread: the call is still recorded and the run goes on."""
    closed = False

    def trace(outcome: HandlerOutcome) -> None:
        nonlocal closed
        if closed:
            return
        try:
            print(
                f"adsim: {in_run(host.run_number)}{outcome.line()}",
                file=err or sys.stderr,
                flush=True,
            )
        except (OSError, ValueError):  # EPIPE, or the stream itself closed
            closed = True

    return trace


def _refuse_a_plugin_twice(specs: list[str]) -> None:
    """A plugin file named by two ``--handler`` options (``--handler crm/ --handler
    crm/save.py``) was loaded twice, as ``save`` and ``save#2``: every event reached it twice,
    and the CRM got each record twice, as if the integration saved twice."""
    seen: dict[Path, str] = {}
    for spec in specs:
        path = Path(spec)
        files = plugin_files(path) if path.is_dir() else [path] if path.is_file() else []
        for file in files:
            key = file.resolve()
            if key in seen:
                what = (
                    "given twice with --handler"
                    if seen[key] == spec
                    else f"{file.name} is loaded already by --handler {seen[key]}"
                )
                raise InputFileError(
                    spec,
                    None,
                    f"{what}: give each plugin once (loaded twice, it gets every event twice)",
                )
            seen[key] = spec


def build_host(
    sim: AgentDesktop,
    args: argparse.Namespace,
    *,
    meta: dict[str, Any] | None = None,
    stderr: TextIO | None = None,
) -> HandlerHost:
    """Open the journal, start the host, load every plugin; load errors go to ``stderr``.

    A missing ``--handler`` path or an unusable journal raises ``InputFileError`` (exit 2).
    """
    err = stderr if stderr is not None else sys.stderr
    secret = _secret(args)
    journal = open_journal(sim, args, meta)
    host = HandlerHost(
        sim,
        timeout=getattr(args, "handler_timeout", DEFAULT_TIMEOUT),
        journal=journal,
        isolation=getattr(args, "handler_isolation", "process"),
        load_timeout=getattr(args, "handler_load_timeout", DEFAULT_LOAD_TIMEOUT),
    )
    host.secrets.add(secret)
    host.secrets.add_url(getattr(args, "webhook", None))
    if host.streams is not None:  # a plugin in adsim's process may move descriptors 1 and 2
        host.streams.keep_descriptors()
    try:
        if getattr(args, "trace_handlers", False):
            host.subscribe_outcomes(_tracer(stderr, host))
        if getattr(args, "entry_points", True):
            host.load_entry_points()
        mine = [path for agent, path in map(agent_handler, getattr(args, "handlers", []) or [])
                if agent is None or agent == getattr(sim, "name", None)]  # fmt: skip
        _refuse_a_plugin_twice(mine)
        for path in mine:
            if not host.load(path) and Path(path).is_dir():  # CI must not pass on nothing
                raise InputFileError(str(path), None, f"{NO_PLUGINS}; check --handler")
        url = getattr(args, "webhook", None)
        if url:
            try:
                webhook = WebhookHandler(
                    url,
                    secret=secret,
                    events=getattr(args, "webhook_events", None)
                    or (EventName.ON_SAVE_ACTIVITY_RECORD,),
                    attempts=getattr(args, "webhook_attempts", None) or 4,
                    backoff=getattr(args, "webhook_backoff", None) or 0.5,
                    # Done before the handler timeout: no retry after "timeout" is journaled.
                    budget=host.timeout * WEBHOOK_BUDGET,
                )
            except ValueError as exc:
                raise InputFileError("--webhook", None, str(exc)) from None
            host.add_plugin(
                "webhook", webhook.register, webhook.source, close=webhook.close, own=True
            )
    except BaseException:
        host.close(timeout=0)
        journal.close()
        raise
    host.threads_loaded = leftover_threads.snapshot()  # a daemon among them: on purpose
    for plugin in host.plugins:
        if not plugin.loaded:
            _tell(f"adsim: handler not loaded: {not_loaded(plugin)}", err)
    # A journal alone builds a host too: the stop line speaks of handlers only when there are.
    if host.plugins or getattr(args, "js_handlers", None) or getattr(args, "page", None):
        interrupts.handlers_loaded()
    return host


def finish_run(host: HandlerHost, *, stderr: TextIO | None = None) -> int:
    """Let the handlers finish, close host and journal; 1 with a summary if any failed, else 0."""
    looped = None
    stop = sys.exception()
    if host.journal is not None and stop is not None and not isinstance(stop, KeyboardInterrupt):
        host.journal.end_run(failed=True)  # an error ends it here (a finally): not finished
    try:
        host.settle(timeout=max(host.timeout * 2, 1.0))
    except HandlerLoopError as exc:  # a run cut short mid-loop (Ctrl-C): still bounded
        looped = str(exc)
    except CommitError as exc:  # the run stopped at the step whose events were not journaled
        looped = f"journal {exc}"
    held = host.sim.bus.held
    if looped is None and held is not None:  # refused inside a handler's call: never delivered
        looped = f"journal {held}"
    host.close()
    threads_left(host)
    err = stderr if stderr is not None else sys.stderr  # adsim's own again (threads_left)
    journal = host.journal
    if journal is not None:
        journal.flush()  # the outcomes held for a next commit: a failure is in the summary
    lines = summary(host)
    if looped is not None:
        lines.insert(0, looped)
    failure = getattr(journal, "failure", None)
    if failure is not None and looped is None:
        lines.insert(0, f"journal {failure}; the journal of this run is incomplete")
    if journal is not None:
        run = getattr(journal, "written_run_id", None)  # no write now: it may be locked
        lines += journal_lines(journal, lines, f"run {run}" if run else None)
        journal.close()
    for line in lines:
        _tell(f"adsim: {line}", err)
    return 1 if lines else 0


def say_unused_webhook_options(args: argparse.Namespace, err: TextIO | None = None) -> None:
    """One line naming the ``--webhook-...`` options given without ``--webhook``, once per
    command: they post nothing, and a run that passed with nothing posted said nothing (but
    for the secret, and that once per agent, only when a plugin or a journal made a host)."""
    if getattr(args, "webhook", None):
        return
    unused = [f"--webhook-{name}" for name in ("secret", "events", "attempts", "backoff")
              if getattr(args, f"webhook_{name}", None) is not None]  # fmt: skip
    if unused:
        does = "does" if len(unused) == 1 else "do"
        _tell(f"adsim: {', '.join(unused)} without --webhook {does} nothing", err or sys.stderr)


def _tell(line: str, err: TextIO) -> None:
    """One line on adsim's stderr: a stderr whose reader left (``2>&1 >out.json | head``) loses
    it, not the run's output nor its exit code."""
    with contextlib.suppress(OSError, ValueError):  # EPIPE, or the stream itself closed
        print(line, file=err, flush=True)


def threads_left(host: HandlerHost, others: Sequence[HandlerHost] = ()) -> None:
    """With thread isolation, the threads and processes the plugins left running get the grace
    a plugin's process gives them, then the summary names those still running (an incident:
    exit 1); the processes are killed. adsim's stdout and stderr (descriptors 1 and 2 too) are
    put back if a plugin replaced or closed them (an incident too). ``others``: the other
    agents' hosts in this process (``host``'s snapshot is from before any plugin): a thread is
    said in the summary of the agent whose plugin's code it runs, or as one agent's or
    another's where that cannot be told (``leftover_owners``); a process always so."""
    if host.isolation != "thread":
        return
    ending = leftover_processes.end_pools(CLOSE_GRACE)  # as Python's exit would, bounded
    before = host.threads_before | ending
    left = leftover_threads.left_threads(before, CLOSE_GRACE, host.threads_loaded)
    if host.streams is not None:  # the summary reaches the user whatever a plugin did to them
        who = "a plugin's code (a thread of its own, or a handler past its timeout)"
        host.streams.mend(who)
        host.streams.release()
    hosts = (host, *others)
    if left:
        from simulator.handlers.leftover_owners import owners

        for owner, names, whose in owners(left, hosts):
            owner.add_incident(leftover_threads.incident(names, CLOSE_GRACE, whose))
    started = leftover_processes.left_running(host.children_before, STARTED, CLOSE_GRACE)
    if started:
        from simulator.handlers.leftover_owners import anyone_of

        # A process says nothing of the thread that started it: whose it is cannot be told.
        whose = anyone_of(hosts)
        host.add_incident(leftover_processes.incident(started, CLOSE_GRACE, whose))


def abandon_run(host: HandlerHost, *, interrupted: bool = False) -> None:
    """Close ``host`` and its journal without waiting for handlers still running or printing a
    summary: the user asked to stop (Ctrl-C, SIGTERM), or the set-up failed half-way. Plugin
    processes are ended (another Ctrl-C meanwhile cannot leave one running); the journal keeps
    what it committed, and its run is recorded as interrupted (with the signal) when a stop is
    on its way out (``Interrupted``) or ``interrupted`` says so (a page run's Ctrl-C)."""
    stop = sys.exception()
    with interrupts.shielded():
        host.close(timeout=0)
        if host.journal is not None:
            if interrupted or isinstance(stop, KeyboardInterrupt):
                signum = getattr(stop, "signum", signal.SIGINT if stop is not None else None)
                host.journal.end_run(interrupted=True, signum=signum)
            host.journal.close()
