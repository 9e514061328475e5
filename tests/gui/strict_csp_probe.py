"""Run by ``test_strict_csp.py`` in its own process (Chromium reads its flags once per process):
open ``fixtures/strict_csp_page`` in offscreen QtWebEngine, play a scenario, print one JSON line.

    python strict_csp_probe.py strict|default folder|url|url-crossorigin

``strict`` turns strict-CSP mode on for ``https://tenant.adsim.test`` before anything of
QtWebEngine exists; ``url`` serves the page from a local ``http://127.0.0.1`` server instead of
``adsim://crm/``, ``url-crossorigin`` the same with ``crossorigin="anonymous"`` on the page's
``api.js`` tag. Every wait is on a Qt signal or a condition, bounded by a timer; nothing sleeps.
"""

from __future__ import annotations

import atexit
import functools
import http.server
import json
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "fixtures" / "strict_csp_page"
SCENARIO = ROOT / "fixtures" / "scenarios" / "chat.yaml"
TENANT = "https://tenant.adsim.test"
WAIT_MS = 30_000

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("ADSIM_JOURNAL", ":memory:")

from simulator.gui.page import web_page  # noqa: E402  (before the QApplication: the adsim scheme)


def _serve_page(*, crossorigin: bool) -> str:
    """The page over plain http on 127.0.0.1 (a daemon thread); its URL."""
    folder = Path(tempfile.mkdtemp(prefix="adsim-csp-page-"))
    atexit.register(shutil.rmtree, folder, True)
    html = (PAGE / "index.html").read_text("utf-8")
    if crossorigin:
        html = html.replace("<script src=", '<script crossorigin="anonymous" src=', 1)
    (folder / "index.html").write_text(html, "utf-8")
    (folder / "app.js").write_bytes((PAGE / "app.js").read_bytes())
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/index.html"


def main(mode: str, where: str) -> dict[str, Any]:
    """Open the page, play the scenario if the page has its adApi; what happened."""
    tenant = web_page.use_tenant_url(TENANT) if mode == "strict" else None
    target: str | Path = PAGE
    if where.startswith("url"):
        target = _serve_page(crossorigin=where == "url-crossorigin")

    from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer, QUrl
    from PySide6.QtWidgets import QApplication

    from simulator.handlers import HandlerHost
    from simulator.scenarios.loader import load_scenario
    from simulator.scenarios.runner import ScenarioRunner

    app = QApplication(sys.argv[:1])
    view = web_page.CrmPageView()
    view.resize(1000, 700)
    view.show()

    def wait_until(condition: Callable[[], bool], timeout_ms: int = WAIT_MS) -> bool:
        loop = QEventLoop()
        poll = QTimer(interval=20)
        poll.timeout.connect(lambda: condition() and loop.quit())
        QTimer.singleShot(timeout_ms, loop.quit)
        poll.start()
        if not condition():
            loop.exec()
        poll.stop()
        return condition()

    def js(script: str) -> Any:
        box: list[Any] = []
        view.run_js(script, box.append)
        wait_until(lambda: bool(box), 10_000)
        return box[0] if box else None

    def load(url: str | Path) -> bool | None:
        box: list[bool] = []
        view.view.loadFinished.connect(box.append)
        if isinstance(url, Path) or not url.startswith("https://"):
            view.open(url)
        else:
            view.view.load(QUrl(url))
        wait_until(lambda: bool(box))
        view.view.loadFinished.disconnect(box.append)
        return box[0] if box else None

    runner = ScenarioRunner(load_scenario(SCENARIO))
    host = HandlerHost(runner.sim, timeout=10.0)
    runner.host = host
    endpoint = view.connect_host(host, name="js:strict_csp_page")
    report: dict[str, Any] = {"mode": mode, "where": where, "loaded": load(target)}
    report["shim"] = js("window.strictCrm && window.strictCrm.shim")
    report["ready"] = report["shim"] is True and wait_until(endpoint.ready.is_set)
    if report["ready"]:
        box: list[Any] = []
        thread = threading.Thread(target=lambda: box.append(runner.run()), daemon=True)
        thread.start()
        wait_until(lambda: bool(box), 60_000)
        thread.join(5)
        result = box[0] if box else None
        report["passed"] = result is not None and result.passed
        report["expected"] = [
            e.interaction_id
            for e in (result.events if result else [])
            if e.name == "ON_SAVE_ACTIVITY_RECORD"
        ]
        wait_until(lambda: js("window.strictCrm.saved.length") == len(report["expected"]))
        report["saved"] = js("window.strictCrm.saved")
        report["shown"] = js(
            "Array.from(document.querySelectorAll('#saved li'))"
            ".map(li => li.getAttribute('data-interaction-id'))"
        )
    # The tenant's origin itself, as a top-level page (strict mode: served, its certificate
    # accepted), then some other origin (never reached).
    blocked: list[str] = []
    view.guard.blocked.connect(blocked.append)
    report["tenant_page"] = load(f"{TENANT}/agent/communicator/")
    report["tenant_title"] = js("document.title")
    report["other_page"] = load("https://example.com/")
    report["blocked"] = blocked
    try:  # one tenant per process
        web_page.use_tenant_url(TENANT)
    except RuntimeError as exc:
        report["again"] = str(exc)
    report["log"] = view.log.toPlainText().splitlines()[-40:]
    host.close(timeout=5)
    view.close_page()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    if tenant is not None:
        tenant.close()
    del app
    return report


if __name__ == "__main__":
    print("RESULT " + json.dumps(main(sys.argv[1], sys.argv[2])), flush=True)
