"""The CRM page host: a real integration page in QtWebEngine wired to the simulated widget
(``web_page``, documented as ``simulator.gui.web_page``). Its headless runs for CI stay at their
documented path, ``simulator.gui.page_run``.

``web_page`` holds the dock and its view; beside it, a concept each: ``chromium`` (process-wide
flags, strict-CSP mode), ``scheme`` (``adsim://``), ``origins``, ``targets`` (what a page
opens), ``network_guard`` (what a page may reach), ``packet_channel`` (the shim's QWebChannel
object) and ``crm_page`` (the page: console, dialogs)."""
