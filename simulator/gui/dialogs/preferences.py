"""The Preferences dialog: tenant file, handler plugins, seed, adApi version and journal, for the
next start."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from simulator.contract.versions import ApiVersion
from simulator.gui.controls import plain_label, tool_button
from simulator.gui.settings import WindowSettings

__all__ = ["PreferencesDialog"]


class PreferencesDialog(QDialog):
    """Edit the session settings saved in QSettings (applied when the window next starts)."""

    def __init__(self, settings: WindowSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self.setMinimumWidth(560)
        self._settings = settings
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setVerticalSpacing(8)
        self.tenant = QLineEdit(settings.tenant_file, self)
        self.tenant.setObjectName("prefTenant")
        self.tenant.setPlaceholderText("Built-in tenant (Acme Corporation)")
        form.addRow("Tenant file", self._with_browse(self.tenant, "prefTenantBrowse", "*.yaml"))
        self.handlers = QPlainTextEdit("\n".join(settings.handler_paths), self)
        self.handlers.setTabChangesFocus(True)  # Tab goes on to the next setting
        self.handlers.setObjectName("prefHandlers")
        self.handlers.setPlaceholderText("One handler file or directory per line")
        self.handlers.setMaximumHeight(90)
        form.addRow("Handlers", self.handlers)
        self.seed = QSpinBox(self)
        self.seed.setObjectName("prefSeed")
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(settings.seed or 0)
        form.addRow("Seed", self.seed)
        self.api_version = QComboBox(self)
        self.api_version.setObjectName("prefApiVersion")
        for version in ApiVersion:
            self.api_version.addItem(f"adApi {version.value}", version.value)
        chosen = self.api_version.findData(settings.api_version or ApiVersion.v5_19.value)
        self.api_version.setCurrentIndex(max(chosen, 0))
        form.addRow("API version", self.api_version)
        self.journal = QLineEdit(settings.journal_path, self)
        self.journal.setObjectName("prefJournal")
        self.journal.setPlaceholderText("Default journal in the user data directory")
        form.addRow("Journal", self._with_browse(self.journal, "prefJournalBrowse", "*.sqlite"))
        layout.addLayout(form)
        note = plain_label(
            "These apply the next time the window starts. Command-line options override them "
            "for one run.",
            role="muted",
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.setObjectName("prefButtons")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _with_browse(self, line: QLineEdit, name: str, pattern: str) -> QWidget:
        holder = QWidget(self)
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(line, 1)
        browse = tool_button(name, "folder", "Choose a file", holder)
        browse.clicked.connect(lambda: self._browse(line, pattern))
        row.addWidget(browse)
        return holder

    def _browse(self, line: QLineEdit, pattern: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a file", line.text(), pattern)
        if path:
            line.setText(path)

    def accept(self) -> None:
        """Save and close."""
        settings = self._settings
        settings.tenant_file = self.tenant.text().strip()
        settings.handler_paths = self.handlers.toPlainText().splitlines()
        settings.seed = self.seed.value()
        settings.api_version = str(self.api_version.currentData())
        settings.journal_path = self.journal.text().strip()
        settings.sync()
        super().accept()
