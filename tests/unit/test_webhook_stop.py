"""A stop (Ctrl-C, SIGTERM) while the webhook waits on an endpoint that never answers ends the
delivery ``interrupts.STOP_GRACE`` after the stop, as a handler in a plugin's process is ended:
it waited for its whole budget (16 s of the default handler timeout), past ``docker stop``'s
10 s, whose SIGKILL then left no summary and the run ``unfinished``."""

from __future__ import annotations

import signal
import socket
import sys
import threading

import pytest

from simulator import interrupts
from simulator.contract import EventName
from simulator.handlers.webhook import WebhookError, WebhookHandler

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM handlers are POSIX")


def test_a_stop_ends_a_delivery_the_endpoint_never_answers(monkeypatch):
    assert threading.current_thread() is threading.main_thread()
    monkeypatch.setattr(interrupts, "STOP_GRACE", 0.5)  # the same path, sooner
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(60.0)
    port = listener.getsockname()[1]
    # Without the stop it would wait 600 s: the join below fails instead.
    webhook = WebhookHandler(f"http://127.0.0.1:{port}/hook", request_timeout=600.0, budget=600.0)
    ended: list[BaseException | dict] = []

    def deliver() -> None:
        try:
            ended.append(webhook.deliver(EventName.ON_LOGOUT, ()))
        except BaseException as exc:
            ended.append(exc)

    sender = threading.Thread(target=deliver, daemon=True)
    try:
        with interrupts.stop_on_signals():
            sender.start()
            connection, _ = listener.accept()  # the request is on its way: never answered
            connection.settimeout(60.0)
            assert connection.recv(65536), "no request came"
            handler = signal.getsignal(signal.SIGTERM)
            assert callable(handler)
            with pytest.raises(interrupts.Interrupted):
                handler(signal.SIGTERM, None)  # the user's SIGTERM, here
            sender.join(60.0)
            assert not sender.is_alive(), "the delivery waited past the stop's grace"
        connection.close()
    finally:
        listener.close()
        webhook.close()
    [error] = ended
    assert isinstance(error, WebhookError), error
    assert str(error) == (
        f"http://127.0.0.1:{port}/hook did not take ON_LOGOUT before adsim stopped (Ctrl-C, "
        "SIGTERM): 1 attempt(s) within 0.5 s of the stop, as a plugin's process gets; no more "
        "retries (last: no complete answer when the stop's grace ran out)"
    )
