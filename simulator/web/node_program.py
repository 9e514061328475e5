"""Which ``node`` runs JS handler modules, and the files it runs (the runner, the shim).

``check_js_handlers`` is what ``--js-handler`` checks before anything runs: each module is a file,
and ``node`` (``$ADSIM_NODE`` or the one on PATH) is there and is Node 18 or later; each is bad
input (exit 2) otherwise.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
from importlib.resources import files
from pathlib import Path

from simulator.contract.events import EVENTS
from simulator.contract.versions import ApiVersion, EventNotInVersionError, events_for
from simulator.data import InputFileError

__all__ = [
    "MIN_NODE",
    "check_js_handlers",
    "find_node",
    "later_events",
    "node_problem",
    "runner_path",
    "shim_path",
]

MIN_NODE = 18
"""The oldest Node major version handler modules run under."""
_VERSION_TIMEOUT_S = 10.0


def shim_path() -> Path:
    """The adApi shim served to pages and loaded by the Node runner."""
    return Path(str(files("simulator.web") / "static" / "api.js"))


def runner_path() -> Path:
    """The Node runner script."""
    return Path(str(files("simulator.web") / "static" / "node-runner.mjs"))


def later_events(version: ApiVersion) -> str:
    """``$ADSIM_LATER_EVENTS`` for a run of ``version``: JSON of each event it lacks with the
    error the module's ``adApi.on`` of it throws (``EventNotInVersionError``'s message, as a
    Python plugin's ``ad_api.on`` raises it)."""
    have = events_for(version)
    return json.dumps(
        {
            name.value: str(EventNotInVersionError(name, version))
            for name in EVENTS
            if name not in have
        }
    )


def find_node() -> str | None:
    """The ``node`` executable on PATH (``$ADSIM_NODE`` overrides), or None."""
    return shutil.which(os.environ.get("ADSIM_NODE") or "node")  # empty: as unset


@functools.lru_cache(maxsize=8)
def node_problem(node: str) -> str | None:
    """Why ``node`` cannot run handler modules (not Node, older than ``MIN_NODE``), or None.
    Asked once per executable: ``node --version``, some 40 ms."""
    try:
        done = subprocess.run(
            [node, "--version"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=_VERSION_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"{node} --version did not answer within {_VERSION_TIMEOUT_S:g} s"
    except OSError as exc:
        return f"cannot start {node} ({exc.strerror or exc})"
    said = (done.stdout.strip() or done.stderr.strip()).splitlines()
    first = said[0][:80] if said else "nothing"
    found = re.fullmatch(r"v(\d+)\.\d+\.\d+\S*", first)
    if done.returncode != 0 or found is None:
        return f"{node} does not answer --version as Node does (it said {first!r})"
    if int(found.group(1)) < MIN_NODE:
        return f"{node} is Node {first}, too old to run handler modules"
    return None


def check_js_handlers(paths: list[Path]) -> str:
    """The ``node`` to run ``paths`` with; ``InputFileError`` when a file is missing, or
    ``node`` is missing, is not Node or is older than Node 18."""
    for path in paths:
        if Path(path).is_dir():
            raise InputFileError(
                str(path),
                None,
                "is a folder; --js-handler takes one module file (repeat it for several)",
            )
        if not Path(path).is_file():
            name, sep, file = str(path).partition("=")
            if sep and name and Path(file).is_file():
                # --handler NAME=PATH and --page NAME=URL take one agent's; this took the
                # whole text for a file name and said it was missing.
                raise InputFileError(
                    str(path),
                    None,
                    "--js-handler takes no NAME= (--handler and --page do): a module runs for "
                    f"every agent of a scenario; pass the file alone (--js-handler {file})",
                )
            raise InputFileError(
                str(path), None, "no such JS handler file; check the --js-handler path"
            )
        if Path(path).suffix.lower() in (".py", ".pyw"):
            # Node said "TypeError: Unknown file extension ".py"" of a Python plugin.
            raise InputFileError(
                str(path),
                None,
                "is a Python handler plugin: load it with --handler "
                f"{path}; --js-handler takes a JavaScript module (.mjs, .js, .cjs)",
            )
    where = str(paths[0]) if paths else "--js-handler"
    found = find_node()
    chosen = os.environ.get("ADSIM_NODE")
    if found is None:
        missing = (
            f"$ADSIM_NODE ({chosen}) is not a program adsim can run"
            if chosen
            else "`node` is not on PATH"
        )
        raise InputFileError(
            where,
            None,
            f"--js-handler needs Node.js but {missing}; install Node {MIN_NODE} or later"
            + (" or point $ADSIM_NODE at its node" if chosen else ""),
        )
    problem = node_problem(found)
    if problem is not None:
        if chosen:  # what chose it (a newer node on PATH looked ignored)
            problem = problem.replace(found, f"{found} (from $ADSIM_NODE)", 1)
        raise InputFileError(
            where,
            None,
            f"--js-handler needs Node {MIN_NODE} or later: {problem}; install it, or point "
            "$ADSIM_NODE at its node",
        )
    return found
