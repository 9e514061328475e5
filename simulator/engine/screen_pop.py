"""Scenario variables in a web screen pop, filled in before the desktop sees the pop.

In the vendor's system the scenario's *Web Screen Pop* block substitutes scenario variables
(``$(item.from)``, ``$(item.DNIS)`` ...; 5.19 Scenario Builder Reference Guide, "Variables")
before ``ON_WEB_SCREEN_POP_CUSTOM`` reaches the integration, so the integration gets a URL it can
open. The same happens here, in ``url``, ``content``, ``label`` and ``secondaryUrls``:

=========================== =====================================================================
``$(item.from)``            the customer's number (calls) or email address (chats, emails)
``$(item.to)``              the number dialled (DNIS) for calls; the service's name otherwise
``$(item.DNIS)``            the number dialled (the service's DID), empty when unknown
``$(item.customerPhone)``   the customer's phone number, digits only
``$(item.globalInteractionId)`` the interaction's GIID
``$(item.serviceName)``     the service's name
``$(item.subject)``         an email's subject
``$(user.loginId)``         the agent's login id
``$(user.firstName)``, ``$(user.lastName)``  the agent's name
``$(NAME)``                 the scenario variable ``NAME`` (the interaction's ``attachedData``)
=========================== =====================================================================

A variable that is not set becomes empty text, as in the Scenario Builder. Values put into a URL
are percent-encoded (``@`` becomes ``%40``) so the URL stays one URL. The engine setting
``screen_pop_variables: literal`` keeps the templates as written.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from simulator.contract import InteractionType
from simulator.engine.interaction import Interaction

__all__ = ["VARIABLES", "fill_for", "fill_screen_pop", "substitute", "variables_of"]

VARIABLES = (
    "item.from",
    "item.to",
    "item.DNIS",
    "item.customerPhone",
    "item.globalInteractionId",
    "item.serviceName",
    "item.subject",
    "user.loginId",
    "user.firstName",
    "user.lastName",
)
"""The scenario variables the simulated Web Screen Pop block knows (plus scenario variables)."""

_VARIABLE = re.compile(r"\$\(([^()\s]+)\)")
_URL_SAFE = re.compile(r"[A-Za-z0-9_.~-]+")
"""Text that percent-encoding leaves as it is (numbers, GUIDs): no need to encode it."""


def variables_of(inter: Interaction, agent: Any) -> dict[str, str]:
    """The values of ``VARIABLES`` (and the interaction's scenario variables) for ``inter``;
    ``agent`` is the profile of the agent whose desktop pops it."""
    return {name: _value(name, inter, agent) for name in (*inter.attached_data, *VARIABLES)}


def _value(name: str, inter: Interaction, agent: Any) -> str:
    """One variable's value (empty when it is not set)."""
    customer = inter.customer
    voice = inter.type is InteractionType.voice
    if name == "item.from":
        if voice:
            return inter.ani or (customer.phone if customer is not None else "")
        return inter.email or (customer.email if customer is not None else "")
    if name == "item.to":
        if voice:
            return inter.dnis or ""
        return inter.service.name if inter.service is not None else ""
    if name == "item.DNIS":
        return inter.dnis or ""
    if name == "item.customerPhone":
        return customer.phone if customer is not None else ""
    if name == "item.globalInteractionId":
        return inter.global_interaction_id or ""
    if name == "item.serviceName":
        return inter.service.name if inter.service is not None else ""
    if name == "item.subject":
        return inter.subject_line
    if name.startswith("user."):
        attribute = {"loginId": "login_id", "firstName": "first_name", "lastName": "last_name"}
        key = attribute.get(name[5:])
        return str(getattr(agent, key, "")) if key else ""
    return inter.attached_data.get(name, "")


@functools.lru_cache(maxsize=256)
def _compiled(template: str) -> tuple[str, ...]:
    """The template split into text and variable names, alternating (cached: a service's few
    templates are filled on every call)."""
    return tuple(_VARIABLE.split(template))


def substitute(template: str, values: Mapping[str, str], *, url: bool = False) -> str:
    """``template`` with every ``$(NAME)`` replaced by its value (empty when not set);
    percent-encoded when ``url``."""
    if "$(" not in template:
        return template
    parts = _compiled(template)
    out = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            out.append(part)
        else:
            text = values.get(part, "")
            if url and text and not _URL_SAFE.fullmatch(text):
                text = quote(text, safe="")
            out.append(text)
    return "".join(out)


class _Lazy(dict):  # type: ignore[type-arg]
    """Variable values computed when a template asks for them (most templates use one)."""

    def __init__(self, inter: Interaction, agent: Any):
        super().__init__()
        self._inter = inter
        self._agent = agent

    def __missing__(self, name: str) -> str:
        value = _value(name, self._inter, self._agent)
        self[name] = value
        return value

    def get(self, name: str, default: Any = None) -> Any:
        return self[name]


def fill_for(pop: dict[str, Any], inter: Interaction, agent: Any) -> dict[str, Any]:
    """``fill_screen_pop`` with the values of ``inter`` and ``agent``, computed as needed."""
    return fill_screen_pop(pop, _Lazy(inter, agent))


def fill_screen_pop(pop: dict[str, Any], values: Mapping[str, str]) -> dict[str, Any]:
    """A screen pop's wire JSON with its variables filled in (a new dict)."""
    filled = dict(pop)
    for key in ("content", "label"):
        text = filled.get(key)
        if isinstance(text, str) and "$(" in text:
            filled[key] = substitute(text, values)
    url = filled.get("url")
    if isinstance(url, str) and "$(" in url:
        filled["url"] = substitute(url, values, url=True)
    secondary = filled.get("secondaryUrls")
    if isinstance(secondary, dict):
        filled["secondaryUrls"] = {
            index: {
                key: substitute(text, values, url=key == "url") if isinstance(text, str) else text
                for key, text in entry.items()
            }
            if isinstance(entry, dict)
            else entry
            for index, entry in secondary.items()
        }
    return filled
