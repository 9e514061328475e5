"""Start-up does the least before the window is usable: the interaction page and the inspector
come after the first paint, and imports after PySide6 are not re-read by its feature hook."""

from __future__ import annotations

import sys
import types

import pytest
from PySide6.QtWidgets import QWidget

pytestmark = pytest.mark.gui


def test_a_deferred_window_is_usable_and_completes_later(qtbot, window, sim):
    from simulator.gui.bridge import SimBridge

    bridge = SimBridge(sim, None, parent=window)
    window.attach(bridge, defer=True)
    assert window.inspector is None
    assert window.findChild(QWidget, "interactionPage") is None
    bridge.act("login")
    label = window.findChild(QWidget, "agentStateLabel")
    qtbot.waitUntil(lambda: label.text() == "Not Ready")
    window.complete()
    assert window.inspector is not None
    assert window.findChild(QWidget, "eventTable").model().rowCount() == len(bridge.events)
    window.complete()  # once only
    assert len(window.findChildren(QWidget, "eventTable")) == 1


def test_an_interaction_before_the_deferred_build_builds_everything(qtbot, window, sim):
    from simulator.gui.bridge import SimBridge

    bridge = SimBridge(sim, None, parent=window)
    window.attach(bridge, defer=True)
    bridge.act("login")
    bridge.act("set_agent_state", "ready")
    bridge.act("offer_call", None, None)
    qtbot.waitUntil(lambda: window.findChild(QWidget, "acceptButton") is not None)
    accept = window.findChild(QWidget, "acceptButton")
    qtbot.waitUntil(accept.isEnabled)
    assert window.inspector is not None


def test_the_feature_check_reads_the_file_as_pyside_does(tmp_path):
    from simulator.gui.import_speed import speed_up_imports

    assert speed_up_imports()
    feature = sys.modules["shibokensupport.feature"]
    check = feature._mod_uses_pyside
    uses = tmp_path / "uses_qt.py"
    uses.write_text("from PySide6.QtCore import QObject\n", encoding="utf-8")
    plain = tmp_path / "plain.py"
    plain.write_text("import json\n", encoding="utf-8")
    for path, expected in ((uses, True), (plain, False)):
        module = types.ModuleType(path.stem)
        module.__file__ = str(path)
        assert check(module) is expected
    assert check(sys) is False  # built in: PySide's own answer
    assert speed_up_imports()  # idempotent


def test_the_window_module_does_not_import_the_engine():
    """The window is shown before the engine (pydantic, the contract models) is imported: a
    panel importing it at module level, or the contract package loading its payload models for
    the command line's version option, doubles the time to the first paint."""
    import json
    import subprocess

    probe = (
        # The command line's --api-version option reads simulator.contract.versions.
        "import json, sys; import simulator.gui.window, simulator.contract.versions; "
        "print(json.dumps(sorted(m for m in ('simulator.engine', 'pydantic', 'faker') "
        "if m in sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(done.stdout) == []
