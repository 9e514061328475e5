"""What the window remembers between runs (QSettings): session choices and the window layout.

Session choices (tenant file, handler paths, seed, adApi version, journal path) apply to the next
start; the command line overrides them for one run without saving. Tests point QSettings at a
temporary directory (``QSettings.setPath``) or pass their own ``QSettings``.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

__all__ = ["APPLICATION", "ORGANIZATION", "WindowSettings"]

ORGANIZATION = "AgentDesktopSimulator"
APPLICATION = "adsim"


class WindowSettings:
    """Typed access to the window's QSettings."""

    def __init__(self, store: QSettings | None = None):
        self.store = store or QSettings(
            QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
        )

    def _text(self, key: str) -> str:
        value = self.store.value(key, "")
        return "" if value is None else str(value)

    @property
    def tenant_file(self) -> str:
        """Tenant file to load ("" for the built-in tenant)."""
        return self._text("session/tenant")

    @tenant_file.setter
    def tenant_file(self, value: str) -> None:
        self.store.setValue("session/tenant", value)

    @property
    def handler_paths(self) -> list[str]:
        """Handler plugin files or directories, in load order."""
        return [line for line in self._text("session/handlers").splitlines() if line.strip()]

    @handler_paths.setter
    def handler_paths(self, paths: list[str]) -> None:
        # One string, newline-separated: an INI list of one element reads back as a str.
        self.store.setValue("session/handlers", "\n".join(path.strip() for path in paths))

    @property
    def seed(self) -> int | None:
        """Random seed for generated customers and ids (None: 0)."""
        text = self._text("session/seed")
        try:
            return int(text) if text else None
        except ValueError:
            return None

    @seed.setter
    def seed(self, value: int | None) -> None:
        self.store.setValue("session/seed", "" if value is None else str(int(value)))

    @property
    def api_version(self) -> str | None:
        """The adApi version to simulate (None: 5.19, or the command line's)."""
        from simulator.contract.versions import ApiVersion

        value = self._text("session/api_version")
        return value if value in {v.value for v in ApiVersion} else None

    @api_version.setter
    def api_version(self, value: str | None) -> None:
        self.store.setValue("session/api_version", value or "")

    @property
    def journal_path(self) -> str:
        """Journal file ("" for the default file in the user data directory)."""
        return self._text("session/journal")

    @journal_path.setter
    def journal_path(self, value: str) -> None:
        self.store.setValue("session/journal", value)

    @property
    def theme(self) -> str:
        """``system``, ``light`` or ``dark``."""
        value = self._text("view/theme")
        return value if value in ("system", "light", "dark") else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self.store.setValue("view/theme", value)

    def save_window(self, window: QMainWindow) -> None:
        """Remember the window's geometry and the docks' layout."""
        self.store.setValue("window/geometry", window.saveGeometry())
        self.store.setValue("window/state", window.saveState())
        for splitter in window.findChildren(QSplitter):
            if splitter.objectName():
                self.store.setValue(f"splitters/{splitter.objectName()}", splitter.saveState())
        self.store.sync()

    def restore_splitters(self, window: QMainWindow) -> None:
        """Put every named splitter (the inspector's) where the tester left it."""
        for splitter in window.findChildren(QSplitter):
            name = splitter.objectName()
            state = self.store.value(f"splitters/{name}") if name else None
            if isinstance(state, QByteArray) and not state.isEmpty():
                splitter.restoreState(state)

    def restore_window(self, window: QMainWindow) -> bool:
        """Restore geometry and layout; False when there is nothing saved."""
        geometry = self.store.value("window/geometry")
        state = self.store.value("window/state")
        restored = False
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            restored = window.restoreGeometry(geometry)
        if isinstance(state, QByteArray) and not state.isEmpty():
            window.restoreState(state)
        return restored

    def sync(self) -> None:
        """Write to disk now."""
        self.store.sync()
