"""The pytest session's end: what handler plugins run in the test process (thread isolation)
left running, which Python's exit would wait for.

A thread that is not a daemon failed its test at the teardown, named; the session ends with
its exit status rather than wait for it for ever (``simulator.handlers.leftover_threads``).

A ``concurrent.futures`` pool's worker a handler plugin left busy (its task, or its pool's
``initializer``, not done) was named nowhere, and Python's exit waited for it after the
summary, for ever were it stuck. At ``pytest_sessionfinish`` (``finish``) a worker busy with
the work of a handler plugin the session loaded, whatever harness loaded it
(``leftover_owners.loaded``; ``pool_work_of``: the plugin's code started it or its pool is
bound in the plugin's module, a test's own pool is not one) gets the
grace ``adsim run`` gives it, after Ctrl-C too; one still busy then is named in the terminal
summary and fails the session (exit status 1 for 0). Under pytest-xdist the worker process
that ran the tests decides and the controller says it and fails (``workeroutput``). At the
very end (``end``) the workers named are looked at again: the process ends there, without
Python's exit handlers, only over one still busy, saying so. A pytester session run inside a
test keeps its own findings and never ends the process: what it left is the enclosing
session's to look at.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import pytest

from simulator import interrupts

__all__ = ["end", "finish", "opened", "pytest_terminal_summary", "pytest_testnodedown"]

_OUTPUT_KEY = "adsim_busy_pool_workers"
"""The names an xdist worker process sends its controller (``workeroutput``)."""


@dataclass
class _Session:
    """What one pytest session (one ``Config``) found: never another's."""

    plugins: dict[tuple[str | None, tuple[str, ...]], Any] = field(default_factory=dict)
    """The handler plugins this session loaded with thread isolation, by file."""
    busy: list[threading.Thread] = field(default_factory=list)
    """The pools' workers named busy at ``finish`` (this process's)."""
    named: list[str] = field(default_factory=list)
    """How they are named, an xdist worker's prefixed with its id (``[gw0] ...``)."""
    status: int = 0
    shown: bool = False
    interrupted: bool = False
    """Ctrl-C ended the session (not ``pytest.exit``): said as "ends interrupted"."""
    mark: int = 0
    """``leftover_owners.loaded_since``'s count when the session opened."""
    look_failed: bool = False
    """The look at the pools' workers failed: at the end, the busy ones are said, unowned."""


_STATE = pytest.StashKey[_Session]()
_OPEN: list[pytest.Config] = []
"""The sessions configured in this process, outermost first (a pytester session inside)."""


def _state(config: pytest.Config) -> _Session:
    if _STATE not in config.stash:
        config.stash[_STATE] = _Session()
    return config.stash[_STATE]


def opened(config: pytest.Config) -> None:
    """``pytest_configure``: one more session in this process."""
    _OPEN.append(config)
    _mark(_state(config))


def _mark(state: _Session) -> None:
    """The handler plugins loaded before this session opened are not its own."""
    owners = sys.modules.get("simulator.handlers.leftover_owners")
    state.mark = owners.loaded_since(0)[0] if owners is not None else 0


def finish(session: pytest.Session, *, interrupted: bool) -> None:
    """``pytest_sessionfinish``: name the pools' workers a handler plugin left busy, after the
    grace, and fail the session over them (2 rather than 1 after Ctrl-C). Never raises: a
    Ctrl-C meanwhile is noted (the session ends interrupted), anything else is one line, and
    the status is recorded whatever happens, for the last step (``end``)."""
    config = session.config
    state = _state(config)
    with interrupts.held_off() as came:
        try:
            _look(config, state)
        except Exception as exc:  # never out of pytest's session end: pytest would hang
            state.look_failed = True
            _say(
                f"adsim: the look at handler plugins' pool workers failed ({exc!r}); skipped",
                config,
            )
        except KeyboardInterrupt:  # not on the main thread: held_off could not hold it
            came.append(signal.SIGINT)
        state.interrupted = interrupted or bool(came)
        ended = (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED)
        if came and session.exitstatus in ended:  # a Ctrl-C here: interrupted, as documented
            session.exitstatus = pytest.ExitCode.INTERRUPTED
        elif state.named and session.exitstatus == pytest.ExitCode.OK:
            failed = pytest.ExitCode.INTERRUPTED if interrupted else pytest.ExitCode.TESTS_FAILED
            session.exitstatus = failed
        state.status = int(session.exitstatus)


def _look(config: pytest.Config, state: _Session) -> None:
    """The pools' workers busy with the work of the handler plugins this session loaded (any
    harness's: ``leftover_owners.loaded``), after the grace, named in ``state``."""
    owners = sys.modules.get("simulator.handlers.leftover_owners")
    if owners is not None:
        for plugin in owners.loaded_since(state.mark)[1]:
            state.plugins.setdefault((plugin.file, tuple(plugin.home)), plugin)
    if not state.plugins:
        return
    state.busy = _busy_after_grace(list(state.plugins.values()))
    from simulator.handlers.leftover_threads import pool_workers, shown_name

    pooled = pool_workers()
    names = [shown_name(thread, pooled) for thread in state.busy]
    state.named += names
    output = getattr(config, "workeroutput", None)
    if isinstance(output, dict):  # an xdist worker: the controller says it
        output[_OUTPUT_KEY] = names
        state.shown = True


def _busy_after_grace(plugins: list[Any]) -> list[threading.Thread]:
    """The pools' workers busy with ``plugins``' work after the grace (of time they could run,
    from now). Run under ``interrupts.held_off`` (``finish``): a Ctrl-C meanwhile cuts nothing
    (the grace is short); raised, it skipped the last step, and pytest waited for a worker
    stuck for ever."""
    from simulator.handlers.leftover_owners import pool_work_of
    from simulator.handlers.leftover_threads import idle, idle_within, pool_workers
    from simulator.handlers.supervisor import CLOSE_GRACE

    start = time.monotonic()
    busy = [t for t in pool_workers() if not idle(t) and pool_work_of(t, plugins)]
    if not busy:
        return []
    left = [thread for thread in busy if not idle_within(thread, CLOSE_GRACE, start)]
    return sorted(left, key=lambda t: t.name)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """pytest-xdist's controller: the names a worker process found (``finish``)."""
    output = getattr(node, "workeroutput", None)
    names = output.get(_OUTPUT_KEY) if isinstance(output, dict) else None
    if names:
        worker = getattr(node, "workerinput", {}).get("workerid", "?")
        _state(node.config).named += [f"[{worker}] {name}" for name in names]


def _line(state: _Session) -> str:
    from simulator.handlers.supervisor import CLOSE_GRACE

    ends = "ends interrupted" if state.interrupted else "fails"
    return (
        f"adsim: thread(s) {', '.join(state.named)} busy with a handler plugin's work still "
        f"running {CLOSE_GRACE:g} s after the session's tests: Python's exit waits for such a "
        f"worker, for ever were its work stuck; the session {ends} (exit status "
        f"{state.status}). End the work and call the pool's shutdown() in the plugin's close()"
    )


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The line ``finish`` decided, in the summary (not an xdist worker's: its controller's)."""
    state = config.stash.get(_STATE, None)
    if state is None or not state.named or state.shown:
        return
    terminalreporter.write_sep("=", "adsim: a handler plugin's pool worker still busy", red=True)
    terminalreporter.write_line(_line(state))
    state.shown = True


def end(config: pytest.Config, code: int, *, interrupted: bool, by_exit: bool = False) -> None:
    """``pytest_unconfigure``, the last step: end the process with ``code`` (1 for 0) when a
    thread a handler plugin left would keep it from exiting: a thread that is not a daemon
    (``leftover_threads.exit_if_held``), a pool's worker ``finish`` named, still busy now. Said
    on stderr first: what the summary did not show, and after Ctrl-C (or ``pytest.exit``) the
    threads that are not daemons, which no teardown named then (``by_exit``: it was
    ``pytest.exit``, said as such)."""
    if config in _OPEN:
        _OPEN.remove(config)
    state = config.stash.get(_STATE, None)
    if state is not None and state.named and not state.shown:  # no summary (--no-summary)
        _say(_line(state), config)
    module = sys.modules.get("simulator.handlers.leftover_threads")
    if module is None:  # no handler plugin ran in this process
        return
    if interrupted:
        # Its kept threads (simulator.handlers.leftover_threads), to name them before it ends.
        alive = [thread.name for thread in getattr(module, "_HELD", ()) if thread.is_alive()]
        if alive:
            why = "pytest.exit ended the session" if by_exit else "interrupted"
            _say(
                f"adsim: {why}: thread(s) {', '.join(alive)} that a handler plugin started "
                "still running, not daemons (pytest would wait for them for ever): the process "
                f"ends here with exit status {code or 1}",
                config,
            )
    if state is not None and state.look_failed and not _OPEN:
        _say_unowned(module, config)
    still = [thread for thread in state.busy if not module.idle(thread)] if state else []
    if still and _OPEN:  # a pytester session's: the enclosing session looks at them
        _state(_OPEN[-1]).plugins.update(state.plugins if state else {})
    elif still:
        _say(
            f"adsim: thread(s) {', '.join(thread.name for thread in still)} still busy with a "
            f"handler plugin's work: the process ends here with exit status {code or 1} rather "
            "than wait for it (Python's exit handlers are skipped)",
            config,
        )
        module.end_now(code)
    module.exit_if_held(code)


def _say_unowned(module: Any, config: pytest.Config) -> None:
    """The look failed: whose a busy worker is cannot be told, so none ends the process, and
    each is said, as what Python's exit will wait for (a hang after this line is theirs)."""
    pooled = module.pool_workers()
    busy = sorted((t for t in pooled if t.is_alive() and not module.idle(t)), key=lambda t: t.name)
    if busy:
        names = ", ".join(module.shown_name(thread, pooled) for thread in busy)
        _say(
            f"adsim: thread(s) {names} still busy at the session's end, whose adsim could not "
            "tell (the look failed): Python's exit waits for them, for ever were their work "
            "stuck",
            config,
        )


def _say(line: str, config: pytest.Config | None = None) -> None:
    """``line`` on stderr (pytest captures nothing once the session is over), an xdist worker
    process's prefixed with its id (``[gw0] adsim: ...``)."""
    worker = getattr(config, "workerinput", None)
    if isinstance(worker, dict) and worker.get("workerid"):
        line = f"[{worker['workerid']}] {line}"
    print(line, file=sys.stderr, flush=True)
