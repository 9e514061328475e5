"""CRM pages and JS handler modules on the simulated widget: the adApi shim and its endpoint.

``static/api.js`` is what a page loads as ``<tenant>/agent/communicator/adapters/api.js``: it
defines ``window.brightpattern.AdApi`` with the vendor's semantics. ``PageEndpoint`` is the
widget's side of its packets (Qt-free); ``NodeHandler`` runs a JS handler module under ``node``
with a JSON-lines transport. The window's QWebChannel transport lives in ``simulator.gui``.
"""

from simulator.web.endpoint import REQUESTS, UNSIMULATED, JsHandlerError, Packet, PageEndpoint
from simulator.web.node import NodeHandler, check_js_handlers, find_node, runner_path, shim_path

__all__ = [
    "REQUESTS",
    "UNSIMULATED",
    "JsHandlerError",
    "NodeHandler",
    "Packet",
    "PageEndpoint",
    "check_js_handlers",
    "find_node",
    "runner_path",
    "shim_path",
]
