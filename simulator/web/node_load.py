"""Waiting for a JS module's ``node`` process to load it: its ``register(adApi)`` done and the
handshake through, or why not (one line, ``file:line: message``)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from simulator.handlers import HandlerHost
from simulator.one_line import one_line
from simulator.web.endpoint import PageEndpoint
from simulator.web.last_words import exit_words
from simulator.web.node_pipes import process_state

__all__ = ["wait_loaded"]

_EXIT_CHECK_S = 0.05


def wait_loaded(
    host: HandlerHost,
    endpoint: PageEndpoint,
    process: subprocess.Popen[str],
    path: Path,
    *,
    instances: int,
    timeout: float,
) -> str | None:
    """Wait up to ``timeout`` for the module at ``path`` to register and shake hands through
    ``endpoint`` (``instances``: its AdApi instances before this process started); why it did
    not load, or None."""
    deadline = time.monotonic() + timeout

    def late() -> str:
        # The runner constructs the AdApi (``__attach__``) after the import, before
        # ``register``: which of the two is still running.
        if endpoint.ready.is_set():
            what = "register(adApi) did not return (a promise it awaits never settles?)"
        elif endpoint.instances > instances:
            # Its AdApi never answered adsim's hello: node's event loop did not run since.
            what = (
                "register(adApi) blocked its event loop ("
                + (
                    "its node process was stopped, by SIGSTOP or SIGTSTP"
                    if process_state(process.pid) == "T"
                    else "its AdApi answered no hello: a loop that never ends?"
                )
                + ") and did not return"
            )
        else:
            what = (
                "the module did not finish importing (its top-level code still runs: a loop, "
                "or an await that never settles?)"
            )
        return f"{path}:1: {what} within {timeout:g} s"

    if not host.wait_for(endpoint.registered, timeout):
        return late()
    while endpoint.error is None and not endpoint.ready.is_set():
        # ``registered`` is also set when node exits: do not wait out the timeout for it.
        code = process.poll()
        if code is not None:
            return f"{path}:1: node {exit_words(code)} before the handshake"
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return late()
        host.wait_for(endpoint.ready, min(remaining, _EXIT_CHECK_S))
    # One line, as every load error: a message of the module's may hold newlines (Node's
    # "Cannot find module 'x'\nRequire stack:\n- ...").
    return None if endpoint.error is None else _as_given(one_line(endpoint.error), path)


def _as_given(message: str, path: Path) -> str:
    """The runner names the module by its absolute path (node is given that): its line names
    it as the command line gave it (``crm.mjs:2: ...``), as a Python plugin's does."""
    absolute = str(path.resolve())
    if str(path) != absolute and message.startswith(absolute + ":"):
        return str(path) + message[len(absolute) :]
    return message
