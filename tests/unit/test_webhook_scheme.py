"""A webhook URL whose scheme the server does not speak: said once, at the first attempt."""

from __future__ import annotations

import pytest

from simulator.contract import EventName
from simulator.handlers import WebhookError, WebhookHandler

WAIT = 10.0


def test_https_to_a_plain_http_server_is_said_once_not_retried(httpserver):
    """``https://`` to a server that speaks plain HTTP fails the handshake the same way on every
    attempt: it was retried 4 times as a transient failure, then said as ``ConnectError: [SSL:
    WRONG_VERSION_NUMBER] wrong version number``."""
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    url = httpserver.url_for("/hook")
    assert url.startswith("http://")
    slept: list[float] = []
    webhook = WebhookHandler(
        "https://" + url.removeprefix("http://"),
        attempts=4,
        sleep=slept.append,
        request_timeout=WAIT,
    )
    try:
        with pytest.raises(WebhookError) as caught:
            webhook.deliver(EventName.ON_LOGOUT, ())
    finally:
        webhook.close()
    assert slept == [], "not retried"
    message = str(caught.value)
    assert message.startswith(f"https://{url.removeprefix('http://')}: the server there does not")
    assert f"use {url}" in message and "\n" not in message
    assert "ON_LOGOUT was not delivered" in message
