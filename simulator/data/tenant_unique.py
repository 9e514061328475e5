"""What must be unique in a tenant: what a step, a handler or a dial names must find one thing.

A tenant file with two teams called ``Sales`` (``--agent bob@Sales``), two agents on extension
``1001`` (dialling it), or two dispositions ``Problem solved`` in one service
(``set_disposition``) was accepted, and the lookups took the first one without a word. Each is
refused where the second one is written (``DuplicateError.loc``: its place in the tenant, for the
file's line and column).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

    from simulator.data.tenant import Tenant

__all__ = ["DuplicateError", "check_unique", "relocated"]

Loc = tuple[str | int, ...]


class DuplicateError(ValueError):
    """A value given twice where it must be unique; ``loc`` is the second one's place."""

    def __init__(self, loc: Loc, message: str):
        super().__init__(message)
        self.loc = loc


def _path(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _first_repeat(items: Iterable[tuple[Loc, str]], what: str, why: str) -> None:
    seen: dict[str, Loc] = {}
    for loc, value in items:
        if value in seen:
            raise DuplicateError(
                loc, f"{value!r} is also the {what} of {_path(seen[value][:-1])}; {why}"
            )
        seen[value] = loc


def check_unique(tenant: Tenant) -> None:
    """``DuplicateError`` for the first value given twice where it must be unique."""
    teams = list(enumerate(tenant.teams))
    services = list(enumerate(tenant.services))
    _first_repeat(
        ((("teams", i, "id"), team.id) for i, team in teams), "id", "each team's id is its own"
    )
    _first_repeat(
        ((("teams", i, "name"), team.name) for i, team in teams),
        "name",
        "a team is named in --agent NAME@TEAM and in services' teams: each name is one team's",
    )
    _first_repeat(
        ((("services", i, "id"), service.id) for i, service in services),
        "id",
        "each service's id is its own",
    )
    _first_repeat(
        ((("services", i, "name"), service.name) for i, service in services),
        "name",
        "a step or a handler names a service: each name is one service's",
    )
    people: list[tuple[Loc, str, str]] = [
        (("agent", "extension"), tenant.agent.extension, tenant.agent.id)
    ]
    for i, team in teams:
        for j, member in enumerate(team.members):
            people.append((("teams", i, "members", j, "extension"), member.extension, member.id))
    _first_repeat(
        ((loc, extension) for loc, extension, _id in people),
        "extension",
        "dialling an extension reaches one agent: give each its own",
    )
    _first_repeat(
        (((*loc[:-1], "id"), user_id) for loc, _extension, user_id in people),
        "id",
        "each agent's id is its own",
    )
    for i, service in services:
        for key in ("id", "code", "name"):
            _first_repeat(
                (
                    (("services", i, "dispositions", j, key), getattr(disposition, key))
                    for j, disposition in enumerate(service.dispositions)
                ),
                key,
                "set_disposition finds a disposition by its id, code or name: each is one "
                "disposition's",
            )


def relocated(error: ErrorDetails) -> ErrorDetails:
    """``error`` at the place of the value given twice when it is a ``DuplicateError`` (pydantic
    puts a model's own check at the model), else as it is."""
    cause: Any = (error.get("ctx") or {}).get("error")
    if isinstance(cause, DuplicateError):
        return {**error, "loc": (*error["loc"], *cause.loc)}
    return error
