"""The documented import path of the CRM page host (``simulator.gui.web_page``).

The code lives in ``simulator.gui.page.web_page``; importing this module imports it, which
registers the ``adsim://`` scheme (so, as documented, import it before the ``QApplication``).
"""

from simulator.gui.page.web_page import (
    SCHEME,
    SHIM_PATHS,
    CrmPageView,
    add_chromium_flags,
    add_crm_page_dock,
    allow_hint,
    options_problem,
    origin_of,
    page_problem,
    page_url,
    parse_origin,
    register_scheme,
    tenant_server,
    use_tenant_url,
)

__all__ = [
    "SCHEME",
    "SHIM_PATHS",
    "CrmPageView",
    "add_chromium_flags",
    "add_crm_page_dock",
    "allow_hint",
    "options_problem",
    "origin_of",
    "page_problem",
    "page_url",
    "parse_origin",
    "register_scheme",
    "tenant_server",
    "use_tenant_url",
]
