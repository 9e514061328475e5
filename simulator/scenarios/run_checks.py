"""What ``adsim run`` checks before any run starts, so that a mistake is one line and exit 2
and nothing is written: an ``--output`` that is one of the run's own files (``run_inputs``,
``scenario_inputs``), ``--repeat`` seeds past the seed rule, ``--handler NAME=PATH`` for an
agent no scenario has."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from simulator import numbers
from simulator.data import InputFileError
from simulator.scenarios.loader import ScenarioFile
from simulator.scenarios.run_hosts import _ENV_JOURNAL
from simulator.scenarios.runner import ScenarioRunner

__all__ = [
    "check_handler_agents",
    "check_repeat_seeds",
    "run_inputs",
    "run_journal",
    "scenario_inputs",
]


def run_journal(args: argparse.Namespace) -> str | None:
    """The journal file ``--journal`` or ``$ADSIM_JOURNAL`` names (None: none named)."""
    journal = getattr(args, "journal", None) or os.environ.get(_ENV_JOURNAL)
    return None if journal is None else os.path.expanduser(journal)


def run_inputs(args: argparse.Namespace) -> list[tuple[str, str | None]]:
    """The files ``adsim run`` reads or writes besides its ``--output``."""
    inputs: list[tuple[str, str | None]] = [("a scenario file", str(p)) for p in args.scenarios]
    inputs.append(("the tenant file", args.tenant))
    inputs.append(("the journal", run_journal(args)))
    for spec in [
        *(getattr(args, "handlers", None) or ()),
        *(getattr(args, "js_handlers", None) or ()),
    ]:
        inputs += _handler_inputs(Path(spec))
        if "=" in str(spec):  # NAME=PATH: one agent's
            inputs += _handler_inputs(Path(str(spec).split("=", 1)[1]))
    inputs += _page_inputs(args)
    return inputs


def _page_inputs(args: argparse.Namespace) -> list[tuple[str, str | None]]:
    """The ``--output`` when it is a file of a ``--page`` folder (``-o page/index.html``: the
    page was emptied before it loaded). Only that file is named: a folder may hold thousands."""
    output = getattr(args, "output", None)
    if output is None or not Path(output).is_file():
        return []
    target = Path(output).resolve()
    inputs: list[tuple[str, str | None]] = []
    for value in getattr(args, "page", None) or []:
        folder = Path(value)
        if not folder.exists() and "=" in value:  # NAME=DIR: that agent's page
            folder = Path(value.split("=", 1)[1])
        if folder.is_dir() and target.is_relative_to(folder.resolve()):
            inputs.append(("a file of the --page folder", str(output)))
    return inputs


def _handler_inputs(path: Path) -> list[tuple[str, str | None]]:
    """A handler file, or every ``.py`` file of a handler folder (its plugins and the ``_*.py``
    modules they import): the run loads them after its ``--output`` is opened."""
    files = sorted(path.glob("*.py")) if path.is_dir() else [path]
    return [("a handler file", str(file)) for file in files]


def scenario_inputs(sources: list[ScenarioFile]) -> list[tuple[str, str | None]]:
    """The files the scenarios themselves name: ``handlers:`` and a ``tenant:`` file."""
    inputs: list[tuple[str, str | None]] = []
    for source in sources:
        for path in source.handler_paths:
            inputs += _handler_inputs(path)
        tenant = source.scenario.tenant
        if isinstance(tenant, str):
            inputs.append(("the tenant file", str(Path(source.path).parent / tenant)))
    return inputs


def check_repeat_seeds(sources: list[ScenarioFile], args: argparse.Namespace) -> None:
    """``--repeat N`` runs seeds S to S+N-1: each must be a seed ``--seed`` takes, or a failed
    run's seed (which the summary names, to run it again) could not be given back."""
    for source in sources:
        first = args.seed if args.seed is not None else source.scenario.seed
        last = first + args.repeat - 1
        if last > numbers.MAX_SEED:
            raise InputFileError(
                "--repeat",
                None,
                f"{source.name} would run seeds {first:,} to {last:,}, past the largest seed "
                f"({numbers.MAX_SEED:,}); lower --seed or --repeat",
            )


def check_handler_agents(sources: list[ScenarioFile], args: argparse.Namespace) -> None:
    """Every ``--handler NAME=PATH`` names an agent of at least one scenario: a typo loaded the
    plugin for nobody, and the run passed with the integration never run."""
    specs = getattr(args, "handlers", None) or []
    if not any("=" in str(spec) for spec in specs):
        return
    from simulator.handlers.cli_options import agent_handler

    names = sorted({name for name, _path in map(agent_handler, specs) if name is not None})
    agents: list[str] = []
    for source in sources:
        for desk in ScenarioRunner(source).sim.center.desktops:
            if desk.name not in agents:
                agents.append(desk.name)
    for name in names:
        if name not in agents:
            raise InputFileError(
                f"--handler {name}=...",
                None,
                f"no scenario has an agent {name!r} (the agents: {', '.join(agents)})",
            )
