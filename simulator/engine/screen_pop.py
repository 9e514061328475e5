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

import re
from typing import Any
from urllib.parse import quote

from simulator.contract import InteractionType
from simulator.engine.interaction import Interaction

__all__ = ["VARIABLES", "fill_screen_pop", "substitute", "variables_of"]

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


def variables_of(inter: Interaction, agent: Any) -> dict[str, str]:
    """The values of ``VARIABLES`` (and the interaction's scenario variables) for ``inter``;
    ``agent`` is the tenant's agent profile."""
    customer = inter.customer
    voice = inter.type is InteractionType.voice
    phone = customer.phone if customer is not None else ""
    email = customer.email if customer is not None else ""
    service = inter.service.name if inter.service is not None else ""
    values = dict(inter.attached_data)
    values.update(
        {
            "item.from": (inter.ani or phone) if voice else (inter.email or email),
            "item.to": (inter.dnis or "") if voice else service,
            "item.DNIS": inter.dnis or "",
            "item.customerPhone": phone,
            "item.globalInteractionId": inter.global_interaction_id or "",
            "item.serviceName": service,
            "item.subject": inter.subject_line,
            "user.loginId": str(getattr(agent, "login_id", "")),
            "user.firstName": str(getattr(agent, "first_name", "")),
            "user.lastName": str(getattr(agent, "last_name", "")),
        }
    )
    return values


def substitute(template: str, values: dict[str, str], *, url: bool = False) -> str:
    """``template`` with every ``$(NAME)`` replaced by its value (empty when not set);
    percent-encoded when ``url``."""
    if "$(" not in template:
        return template

    def value(match: re.Match[str]) -> str:
        text = values.get(match.group(1), "")
        return quote(text, safe="") if url else text

    return _VARIABLE.sub(value, template)


def fill_screen_pop(pop: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """A screen pop's wire JSON with its variables filled in (a new dict)."""
    filled = dict(pop)
    for key in ("content", "label"):
        if isinstance(filled.get(key), str):
            filled[key] = substitute(filled[key], values)
    if isinstance(filled.get("url"), str):
        filled["url"] = substitute(filled["url"], values, url=True)
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
