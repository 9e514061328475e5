"""The CRM page host: a real integration page in QtWebEngine wired to the simulated widget
(``web_page``, documented as ``simulator.gui.web_page``). Its headless runs for CI stay at their
documented path, ``simulator.gui.page_run``."""
