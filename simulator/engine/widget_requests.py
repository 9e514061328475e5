"""Events the agent's own desktop sends when the agent uses a panel the simulation has no flow for:
the knowledge-base panel, CRM record lookups, record validation.

In the vendor's desktop these come from the agent's clicks (typing in the Knowledge Base search
box, opening an article or a folder, the Associated Records tab, a Direct Chat), not from an
interaction's progress, so nothing in a call's flow produces them. Scenario steps and the window
send them with these functions; each returns the ``Event``, whose ``response`` holds the
integration's answer once the handlers have answered (``then(answer)`` runs at that moment).

Trailing optional arguments the agent did not give are left out, as the widget leaves out
``undefined`` ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from simulator.contract import EventName
from simulator.contract.versions import events_for

if TYPE_CHECKING:
    from simulator.engine.bus import Event
    from simulator.engine.desktop import AgentDesktop

__all__ = [
    "ANSWERED_BY_REQUEST",
    "get_knowledge_base_article",
    "get_knowledge_base_folder",
    "open_record",
    "request_record_info",
    "request_record_on_screen",
    "search_knowledge_base",
    "search_records",
    "validate_associated_records",
]

Then = Callable[[Any], None] | None

ANSWERED_BY_REQUEST: dict[EventName, str] = {
    EventName.ON_SEARCH_KNOWLEDGE_BASE: "the agent searches the knowledge base (`kb_search`)",
    EventName.ON_GET_KNOWLEDGE_BASE_ARTICLE: "the agent opens an article (`kb_article`)",
    EventName.ON_GET_KNOWLEDGE_BASE_FOLDER: "the agent opens a folder (`kb_folder`)",
    EventName.ON_VALIDATE_ASSOCIATED_RECORDS: "the associated records are checked "
    "(`validate_records`)",
    EventName.ON_REQUEST_RECORD_INFO: "the desktop asks about a record (`record_info`)",
    EventName.ON_REQUEST_RECORD_ON_SCREEN: "a Direct Chat asks for the record on screen "
    "(`record_on_screen`)",
    EventName.ON_OPEN_RECORD: "the agent opens a record (`open_record`)",
    EventName.ON_SEARCH_RECORDS: "the agent searches CRM records (`search_records`)",
}
"""Each event sent on the agent's request, with the scenario step that sends it."""


def _trim(*args: Any) -> tuple[Any, ...]:
    """Leave out trailing arguments that were not given."""
    values = list(args)
    while values and values[-1] is None:
        values.pop()
    return tuple(values)


def _ask(
    sim: AgentDesktop,
    name: EventName,
    args: tuple[Any, ...],
    interaction_id: str | None = None,
    then: Then = None,
) -> Event:
    event = sim.bus.emit(name, sim.now_ms, args, interaction_id, then)
    sim.bus.flush()
    return event


def search_knowledge_base(
    sim: AgentDesktop,
    query: str,
    language: str | None = None,
    folder_id: str | None = None,
    then: Then = None,
) -> Event:
    """``ON_SEARCH_KNOWLEDGE_BASE(query, language?, folderId?)`` -> the integration's articles
    (``{id, text, title}[]``; 5.24.1: ``{id, type: 'article', title, text}[]``).

    5.19's event takes the query alone: ``language`` and ``folderId`` are not sent there (a
    scenario written for 5.24.1 and run under 5.19 on purpose searches with its query only)."""
    name = EventName.ON_SEARCH_KNOWLEDGE_BASE
    taken = len(events_for(sim.api_version)[name].arguments)
    return _ask(sim, name, _trim(query, language, folder_id)[:taken], then=then)


def get_knowledge_base_article(sim: AgentDesktop, article_id: str, then: Then = None) -> Event:
    """``ON_GET_KNOWLEDGE_BASE_ARTICLE(articleId)`` -> ``ExternalKBArticleData`` or null."""
    return _ask(sim, EventName.ON_GET_KNOWLEDGE_BASE_ARTICLE, (article_id,), then=then)


def get_knowledge_base_folder(
    sim: AgentDesktop, language: str | None = None, folder_id: str | None = None, then: Then = None
) -> Event:
    """``ON_GET_KNOWLEDGE_BASE_FOLDER({language?, folderId?})`` -> ``ExternalKBItemData[]``
    (the root folder without ``folderId``)."""
    options = {
        key: value
        for key, value in (("language", language), ("folderId", folder_id))
        if value is not None
    }
    return _ask(sim, EventName.ON_GET_KNOWLEDGE_BASE_FOLDER, (options,), then=then)


def validate_associated_records(
    sim: AgentDesktop, interaction_id: str, records: dict[str, Any], then: Then = None
) -> Event:
    """``ON_VALIDATE_ASSOCIATED_RECORDS(interactionId, records)`` -> ``{valid, message?}``."""
    return _ask(
        sim,
        EventName.ON_VALIDATE_ASSOCIATED_RECORDS,
        (interaction_id, records),
        interaction_id,
        then,
    )


def request_record_info(
    sim: AgentDesktop, record_id: str, record_type: str, then: Then = None
) -> Event:
    """``ON_REQUEST_RECORD_INFO({id, type})`` -> ``InteractionAssociatedObjectData`` or null."""
    return _ask(
        sim, EventName.ON_REQUEST_RECORD_INFO, ({"id": record_id, "type": record_type},), then=then
    )


def request_record_on_screen(sim: AgentDesktop, then: Then = None) -> Event:
    """``ON_REQUEST_RECORD_ON_SCREEN()`` -> the record the CRM shows, or null."""
    return _ask(sim, EventName.ON_REQUEST_RECORD_ON_SCREEN, (), then=then)


def open_record(
    sim: AgentDesktop,
    record: dict[str, Any],
    interaction_id: str | None = None,
    in_new_tab: bool = False,
    source: str = "user",
) -> Event:
    """``ON_OPEN_RECORD(record, interactionId?, {inNewTab, source})``: open a CRM record."""
    options = {"inNewTab": in_new_tab, "source": source}
    return _ask(sim, EventName.ON_OPEN_RECORD, (record, interaction_id, options), interaction_id)


def search_records(
    sim: AgentDesktop,
    text: str,
    types: list[str],
    interaction_id: str | None = None,
    in_new_tab: bool | None = None,
) -> Event:
    """``ON_SEARCH_RECORDS({text, types}, interactionId?, inNewTab?)``: search the CRM."""
    args = _trim({"text": text, "types": list(types)}, interaction_id, in_new_tab)
    return _ask(sim, EventName.ON_SEARCH_RECORDS, args, interaction_id)
