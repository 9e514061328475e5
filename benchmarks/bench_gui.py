"""Window: inspector filtering 100,000 events; process start to window shown vs bare PySide6.

Offscreen Qt. Filtering is timed with the table view attached (the model reset included) against
a ``QSortFilterProxyModel`` doing the same filter over the same model in the same run. Start-up is
timed from ``Popen`` to the child's "shown" line on stderr, best of several runs, for ``adsim``
(``python -m simulator``, ``ADSIM_REPORT_STARTUP=1``) and for a bare PySide6 ``QMainWindow``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.measure import Measurement, best_seconds

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

EVENTS = 100_000
_BARE = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setWindowTitle("bare")
window.resize(1440, 900)
window.show()
app.processEvents()
print("shown", file=sys.stderr, flush=True)
"""


def _event_log():
    """A log of at least ``EVENTS`` events from real voice calls and chats."""
    from simulator.engine import Settings, Simulator
    from simulator.gui.inspector.eventlog import EventLog

    sim = Simulator(seed=1, settings=Settings(ring_timeout_seconds=None), record_actions=False)
    sim.keep_finished = False
    log = EventLog()
    sim.subscribe(log.append)
    sim.login()
    sim.set_agent_state("ready")
    while len(log) < EVENTS:
        sim.offer_call("Customer Support")
        sim.advance(2)
        sim.accept_interaction()
        sim.set_call_hold(True)
        sim.set_call_hold(False)
        sim.set_call_mute(True)
        sim.advance(30)
        sim.leave_interaction()
        sim.set_disposition("Problem solved")
        sim.complete_interaction()
    return log


def _filtering() -> list[Measurement]:
    from PySide6.QtCore import QSortFilterProxyModel
    from PySide6.QtWidgets import QApplication, QTableView

    from simulator.gui.inspector.eventlog import EventFilter
    from simulator.gui.inspector.models import EventTableModel

    app = QApplication.instance() or QApplication([])
    log = _event_log()
    model = EventTableModel(log)
    view = QTableView()
    view.setModel(model)
    view.resize(900, 400)
    view.show()
    app.processEvents()
    some_interaction = log.interaction_ids[len(log) // 2]
    filters = {
        "by event name": EventFilter(name="ON_INTERACTION_STATE_CHANGE"),
        "by interaction": EventFilter(interaction_id=some_interaction),
        "by text": EventFilter(text="hold"),
    }
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy_view = QTableView()
    proxy_view.setModel(proxy)
    model.set_filter(EventFilter())

    def proxy_filter() -> None:
        proxy.setFilterKeyColumn(1)
        proxy.setFilterFixedString("ON_INTERACTION_STATE_CHANGE")
        proxy.setFilterFixedString("")

    baseline = best_seconds(proxy_filter, repeat=3) * 1000 / 2
    results = []
    for label, wanted in filters.items():

        def run(wanted: EventFilter = wanted) -> None:
            model.set_filter(wanted)
            app.processEvents()
            model.set_filter(EventFilter())

        seconds = best_seconds(run, repeat=5)
        results.append(
            Measurement(
                f"inspector: filter {len(log):,} events {label} (and back)",
                seconds * 1000 / 2,
                "ms per filter",
                "QSortFilterProxyModel by name",
                baseline,
                "< 100 ms",
            )
        )
    view.close()
    return results


def _until_shown(command: list[str], env: dict[str, str], marker: str = "shown") -> float:
    """Seconds from starting ``command`` to the line starting with ``marker`` on its stderr."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert process.stderr is not None
    elapsed = float("nan")
    for line in process.stderr:
        if line.startswith(marker):
            elapsed = time.perf_counter() - start
            break
    process.kill()
    process.wait()
    return elapsed


def _startup() -> list[Measurement]:
    with tempfile.TemporaryDirectory() as home:
        # Bytecode cached as an installed package has it (pip compiles on install; PySide6's
        # own modules have theirs): with PYTHONDONTWRITEBYTECODE set, every start would compile
        # the project's ~150 modules from source while the bare window compiles nothing.
        inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env = {
            **inherited,
            "PYTHONPYCACHEPREFIX": str(Path(home) / "pycache"),
            "QT_QPA_PLATFORM": "offscreen",
            "ADSIM_REPORT_STARTUP": "1",
            "HOME": home,
            "XDG_CONFIG_HOME": home,
            "XDG_DATA_HOME": home,
        }
        adsim = [sys.executable, "-m", "simulator", "--journal", str(Path(home) / "j.sqlite")]
        bare = [sys.executable, "-c", _BARE]
        for warm_up in (bare, adsim):  # writes the bytecode cache
            _until_shown(warm_up, env, "ready" if warm_up is adsim else "shown")
        # Interleaved, best of 7: a noisy neighbour slows both alike.
        bare_s, shown_s, ready_s = [], [], []
        for _ in range(7):
            bare_s.append(_until_shown(bare, env))
            shown_s.append(_until_shown(adsim, env))
            ready_s.append(_until_shown(adsim, env, "ready"))
    bare_ms = min(bare_s) * 1000
    return [
        Measurement(
            "window: process start to window shown (adsim)",
            min(shown_s) * 1000,
            "ms",
            "bare PySide6 QMainWindow",
            bare_ms,
            "<= 2x the bare window",
        ),
        Measurement(
            "window: process start to usable (engine loaded, logged in, painted)",
            min(ready_s) * 1000,
            "ms",
            "bare PySide6 QMainWindow",
            bare_ms,
            "<= 2.5x the bare window",
        ),
    ]


def run() -> list[Measurement]:
    """Measure filtering and start-up."""
    return [*_filtering(), *_startup()]
