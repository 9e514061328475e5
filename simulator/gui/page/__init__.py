"""The CRM page host: a real integration page in QtWebEngine wired to the simulated widget
(``web_page``), headless for CI (``page_run``)."""
