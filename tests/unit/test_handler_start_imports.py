"""The handler host and the plugin process import only what every start needs (start-up
speed): ``importlib.metadata`` (email.*, zipfile, csv: ~10 ms) is for entry points alone, which
the window and a ``.py`` plugin's process never scan, and ``asyncio`` (~13 ms) is for coroutine
handlers alone. That entry points and coroutine handlers still work is the business of
``test_handlers_cli`` and the process-isolation tests; here, a fresh interpreter says what was
imported."""

from __future__ import annotations

import json
import subprocess
import sys

_PROBE = """
import json, sys
import {modules}
print(json.dumps(sorted(m for m in ("importlib.metadata", "asyncio") if m in sys.modules)))
"""


def _imported_by(*modules: str) -> list[str]:
    # A fresh interpreter: this test process has imported both long ago.
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(modules=", ".join(modules))],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout)


def test_the_window_s_handler_host_does_not_import_importlib_metadata():
    # What the window's session imports for its host and journal (simulator.gui.session).
    assert "importlib.metadata" not in _imported_by(
        "simulator.handlers", "simulator.handlers.host", "simulator.journal"
    )


def test_the_plugin_process_imports_neither_importlib_metadata_nor_asyncio():
    assert _imported_by("simulator.handlers.child") == []
