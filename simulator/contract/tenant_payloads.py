"""The two adApi 5.19 payload types a tenant file carries as they are: its DID numbers and a
service's web screen pop (reference section 4.4; re-exported by ``simulator.contract.models``).

Apart from the other payload models so that the tenant's models can be built without them: the
window builds the tenant and logs in before any payload model is needed, and the rest (some 25
models) load when an event's arguments or an adApi result are first asked for.
"""

from __future__ import annotations

from pydantic import Field

from simulator.contract.base import WireModel

__all__ = ["DIDNumber", "WebScreenPop"]


class DIDNumber(WireModel):
    """A DID number the agent may call or text from."""

    id: str
    number: str
    is_sms: bool = Field(alias="isSMS")
    is_voice: bool


class WebScreenPop(WireModel):
    """A web screen pop configured on the service (``ON_WEB_SCREEN_POP_CUSTOM``)."""

    action: str
    """``OPEN_WEB_PAGE`` or ``DISPLAY_TEXT``."""
    url: str
    content: str
    label: str
    pop_upon_answer: bool
    keep_popup_open_after_finish: bool
    popup: bool
