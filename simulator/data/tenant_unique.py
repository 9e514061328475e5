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

from pydantic import BaseModel

from simulator.data.model_wording import place_of

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

    from simulator.data.tenant import Tenant

__all__ = ["DuplicateError", "PlacedError", "check_unique", "relocated"]

Loc = tuple[str | int, ...]


class PlacedError(ValueError):
    """A check across the file that knows the place of the value at fault (``loc``, in the
    tenant): pydantic puts a model's own check at the model, the file's top."""

    def __init__(self, loc: Loc, message: str):
        super().__init__(message)
        self.loc = loc


class DuplicateError(PlacedError):
    """A value given twice where it must be unique; ``loc`` is the second one's place."""


def _first_repeat(items: Iterable[tuple[Loc, str]], why: str, root: type[BaseModel]) -> None:
    """``DuplicateError`` at the first value that belongs to two things. ``items``: each
    value at its place; two places are one thing when only their last key differs (the id,
    code and name of one disposition may be alike)."""
    seen: dict[str, Loc] = {}
    for loc, value in items:
        first = seen.get(value)
        if first is not None and first[:-1] != loc[:-1]:
            raise DuplicateError(
                loc, f"{value!r} is also the {first[-1]} of {place_of(root, first[:-1])[0]}; {why}"
            )
        seen.setdefault(value, loc)


def check_unique(tenant: Tenant) -> None:
    """``DuplicateError`` for the first value given twice where it must be unique. A lookup
    that takes an id or a name (a team, a service) or an id, code or name (a disposition)
    must find one thing whichever it is given, so those are unique across the fields too."""
    root = type(tenant)
    teams = list(enumerate(tenant.teams))
    services = list(enumerate(tenant.services))
    _first_repeat(
        ((("teams", i, key), getattr(team, key)) for key in ("id", "name") for i, team in teams),
        "a team is named by its id or name (--agent NAME@TEAM, services' teams): each is one "
        "team's",
        root,
    )
    _first_repeat(
        (
            (("services", i, key), getattr(service, key))
            for key in ("id", "name")
            for i, service in services
        ),
        "a step or a handler names a service by its id or name: each is one service's",
        root,
    )
    people: list[tuple[Loc, str, str]] = [
        (("agent", "extension"), tenant.agent.extension, tenant.agent.id)
    ]
    for i, team in teams:
        for j, member in enumerate(team.members):
            people.append((("teams", i, "members", j, "extension"), member.extension, member.id))
    _first_repeat(
        ((loc, extension) for loc, extension, _id in people),
        "dialling an extension reaches one agent: give each its own",
        root,
    )
    _first_repeat(
        (((*loc[:-1], "id"), user_id) for loc, _extension, user_id in people),
        "each agent's id is its own",
        root,
    )
    for i, service in services:
        _first_repeat(
            (
                (("services", i, "dispositions", j, key), getattr(disposition, key))
                for key in ("id", "code", "name")
                for j, disposition in enumerate(service.dispositions)
            ),
            "set_disposition finds a disposition by its id, code or name: each is one "
            "disposition's",
            root,
        )


def relocated(error: ErrorDetails) -> ErrorDetails:
    """``error`` at the place of the value at fault when it is a ``PlacedError`` (a value given
    twice, a team or service named that is not there), else as it is."""
    cause: Any = (error.get("ctx") or {}).get("error")
    if isinstance(cause, PlacedError):
        return {**error, "loc": (*error["loc"], *cause.loc)}
    return error
