"""File → Save session as scenario: where to, recording the session, and writing the file whole.

The session is recorded by ``simulator.scenarios.record_session`` (the scenarios workstream's,
which may be missing from an installation: the menu item is then disabled). A file that cannot
be written is said in the status bar, and a scenario saved before is never left cut short.
"""

from __future__ import annotations

import contextlib
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.gui.window import MainWindow

__all__ = ["save_session_as_scenario", "scenarios_available", "write_scenario"]


def scenarios_available() -> bool:
    """True once the scenarios workstream's ``record_session`` can be imported."""
    return importlib.util.find_spec("simulator.scenarios") is not None


def save_session_as_scenario(window: MainWindow) -> None:
    """Ask where, then write what happened so far in ``window`` as a scenario file."""
    from PySide6.QtWidgets import QFileDialog

    if window.bridge is None:
        return
    if not scenarios_available():
        window.show_message("Saving a scenario is not available in this installation", error=True)
        return
    path, _ = QFileDialog.getSaveFileName(
        window, "Save session as scenario", str(Path.cwd() / "session.yaml"), "YAML (*.yaml)"
    )
    if path:
        window.write_scenario(Path(path))


def write_scenario(window: MainWindow, path: Path) -> None:
    """Record ``window``'s session into ``path`` and say in its status bar how that went."""
    from simulator import scenarios
    from simulator.one_line import exception_text

    assert window.bridge is not None
    text = scenarios.record_session(window.bridge.sim)
    try:
        _write_whole(path, text)
    except OSError as exc:
        reason = exc.strerror or exception_text(exc)
        window.show_message(f"The session was not saved: {path}: {reason}", error=True)
        return
    window.show_message(f"Saved the session as {path}")


def _write_whole(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, never leaving a file cut short: a new file that cannot be
    written whole is removed, an existing one is replaced by a whole copy written beside it
    (a full disk leaves the earlier scenario as it was); a device or a pipe is written to."""
    import os
    import shutil
    import tempfile

    if path.is_dir():
        raise IsADirectoryError(21, "it is a folder; choose a file name in it", str(path))
    if not path.exists() or not path.is_file():
        existed = path.exists()
        try:
            path.write_text(text, encoding="utf-8")
        except OSError:
            if not existed:
                with contextlib.suppress(OSError):
                    path.unlink()
            raise
        return
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
