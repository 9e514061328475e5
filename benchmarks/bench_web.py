"""JS handlers over the stdio transport: page -> simulator -> page calls, and events to the page.

* ``js_call_round_trip``: a handler module awaits ``adApi.getAgentState()`` N times in a row
  (JS -> Python -> engine -> Python -> JS); calls/s, against the same calls made by a Python
  handler through the facade (marshalled to the engine thread the same way).
* ``js_event_round_trip``: agent-state changes whose ``ON_AGENT_STATE_CHANGE`` the JS module
  handles (Python -> JS -> Python ``__handled__``); events/s, against a Python handler.
* ``qwebchannel_call_round_trip``: the same calls from a page in QtWebEngine (offscreen) over
  QWebChannel, when PySide6-Addons is installed; against the stdio transport.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.measure import Measurement
from simulator.data import load_tenant
from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.web import NodeHandler, find_node

TENANT = load_tenant()
CALLS = 2000
EVENTS = 1000

_CALLER = """
export function register(adApi) {
  adApi.on("ON_LOGIN", async () => {
    for (let i = 0; i < %d; i++) await adApi.getAgentState();
  });
  adApi.on("ON_AGENT_STATE_CHANGE", () => undefined);
}
"""


def _host() -> tuple[Simulator, HandlerHost]:
    sim = Simulator(TENANT, seed=1, record_actions=False)
    return sim, HandlerHost(sim, timeout=60)


def _python_calls(n: int) -> float:
    sim, host = _host()
    api = host.ad_api("bench")

    def on_login(_state: object) -> None:
        for _ in range(n):
            api.get_agent_state()

    api.on("ON_LOGIN", on_login)
    started = time.perf_counter()
    sim.login()
    host.settle(timeout=120)
    elapsed = time.perf_counter() - started
    host.close(timeout=5)
    return n / elapsed


def _toggle(sim: Simulator, host: HandlerHost, n: int) -> float:
    started = time.perf_counter()
    for i in range(n):
        sim.set_agent_state("ready" if i % 2 == 0 else "not_ready", None if i % 2 == 0 else "Break")
        host.settle(timeout=60)
    return n / (time.perf_counter() - started)


def _python_events(n: int) -> float:
    sim, host = _host()
    api = host.ad_api("bench")
    api.on("ON_AGENT_STATE_CHANGE", lambda *args: None)
    sim.login()
    host.settle(timeout=60)
    rate = _toggle(sim, host, n)
    host.close(timeout=5)
    return rate


def _js(module: Path) -> tuple[float, float]:
    sim, host = _host()
    NodeHandler(host, module).start()
    started = time.perf_counter()
    sim.login()
    host.settle(timeout=120)
    calls = CALLS / (time.perf_counter() - started)
    events = _toggle(sim, host, EVENTS)
    host.close(timeout=5)
    return calls, events


_PAGE = """<!doctype html><script src="/agent/communicator/adapters/api.js"></script>
<script>window.adApi = new window.brightpattern.AdApi({integrationKey: "bench"});</script>"""

_PAGE_LOOP = """(async () => {
  const started = performance.now();
  for (let i = 0; i < %d; i++) await window.adApi.getAgentState();
  console.log("bench-done " + (performance.now() - started));
})(), true"""


def _qwebchannel(calls: int) -> float | None:
    """Calls/s from a page over QWebChannel, measured in a fresh process (QtWebEngine must be
    loaded before any QApplication, and an earlier benchmark may have made one)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_web", "--qwebchannel", str(calls)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    try:
        return float(lines[-1]) if done.returncode == 0 and lines else None
    except ValueError:
        return None


def _qwebchannel_here(calls: int) -> float | None:
    """``_qwebchannel`` in this process; None without QtWebEngine."""
    import os

    try:
        from simulator.gui.page import web_page
    except ImportError:
        return None

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    sim, host = _host()
    drain = QTimer()
    drain.setInterval(0)
    drain.timeout.connect(sim.drain_posted)  # the window's poll, as often as it can run
    drain.start()
    done: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "index.html").write_text(_PAGE, encoding="utf-8")
        view = web_page.CrmPageView()
        endpoint = view.connect_host(host, name="js:bench")
        view.page.console.connect(
            lambda line: (
                done.append(float(line.split("bench-done ")[1].split(" ")[0]))
                if "bench-done" in line
                else None
            )
        )
        view.open(folder)
        deadline = time.monotonic() + 30
        while not endpoint.ready.is_set() and time.monotonic() < deadline:
            app.processEvents()
        view.run_js(_PAGE_LOOP % calls, lambda _result: None)
        while not done and time.monotonic() < deadline:
            app.processEvents()
        drain.stop()
        view.close_page()
        host.close(timeout=5)
        app.processEvents()
    return calls / (done[0] / 1000) if done else None


def run() -> list[Measurement]:
    """Measure both directions; nothing when ``node`` is not installed."""
    if find_node() is None:
        return []
    with tempfile.TemporaryDirectory() as folder:
        module = Path(folder) / "bench.mjs"
        module.write_text(_CALLER % CALLS, encoding="utf-8")
        js_calls, js_events = _js(module)
    py_calls = _python_calls(CALLS)
    py_events = _python_events(EVENTS)
    page_calls = _qwebchannel(CALLS)
    extra = []
    if page_calls is not None:
        extra.append(
            Measurement(
                "qwebchannel_call_round_trip (page -> Python -> page)",
                page_calls,
                "calls/s",
                "stdio transport",
                js_calls,
                f"round trip {1000 / page_calls:.3f} ms",
            )
        )
    return [
        Measurement(
            "js_call_round_trip (JS -> Python -> JS, stdio)",
            js_calls,
            "calls/s",
            "python handler",
            py_calls,
            f"round trip {1000 / js_calls:.3f} ms",
        ),
        Measurement(
            "js_event_round_trip (Python -> JS -> Python, stdio)",
            js_events,
            "events/s",
            "python handler",
            py_events,
            f"round trip {1000 / js_events:.3f} ms",
        ),
        *extra,
    ]


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["--qwebchannel"]:
        rate = _qwebchannel_here(int(sys.argv[2]))
        print("" if rate is None else rate)
    else:
        for measurement in run():
            print(measurement.line())
