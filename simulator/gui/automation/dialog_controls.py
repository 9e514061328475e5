"""The automation contract's controls of the dialogs: keyboard shortcuts (F1) and preferences; each
exists while its dialog is open (``Control.dialog``).
"""

from __future__ import annotations

from simulator.gui.automation.control import Control

__all__ = ["DIALOG_CONTROLS"]

_C = Control

DIALOG_CONTROLS: tuple[Control, ...] = (
    # ------------------------------------------------------------------ dialogs
    _C(
        "shortcutsDialog",
        "QDialog",
        "Shortcuts (F1)",
        "The keyboard shortcuts",
        dialog="shortcutsDialog",
    ),
    _C(
        "shortcutsTable",
        "QTableWidget",
        "Shortcuts (F1)",
        "Keys (as key caps; the item text is the plain keys, e.g. `Ctrl+Shift+T`) and action",
        dialog="shortcutsDialog",
    ),
    _C("shortcutsButtons", "QDialogButtonBox", "Shortcuts (F1)", "Close", dialog="shortcutsDialog"),
    _C(
        "preferencesDialog",
        "QDialog",
        "Preferences",
        "Session settings for the next start",
        dialog="preferencesDialog",
    ),
    _C(
        "prefTenant",
        "QLineEdit",
        "Preferences",
        "Tenant file (empty: built-in)",
        dialog="preferencesDialog",
    ),
    _C(
        "prefTenantBrowse",
        "QToolButton",
        "Preferences",
        "Choose the tenant file",
        dialog="preferencesDialog",
    ),
    _C(
        "prefHandlers",
        "QPlainTextEdit",
        "Preferences",
        "Handler files or directories, one per line",
        dialog="preferencesDialog",
    ),
    _C("prefSeed", "QSpinBox", "Preferences", "Seed", dialog="preferencesDialog"),
    _C(
        "prefApiVersion",
        "QComboBox",
        "Preferences",
        "The adApi version to simulate: `5.19`, `5.24.1` or `2026` (item data)",
        dialog="preferencesDialog",
    ),
    _C(
        "prefJournal",
        "QLineEdit",
        "Preferences",
        "Journal file (empty: the default one)",
        dialog="preferencesDialog",
    ),
    _C(
        "prefJournalBrowse",
        "QToolButton",
        "Preferences",
        "Choose the journal file",
        dialog="preferencesDialog",
    ),
    _C(
        "prefButtons",
        "QDialogButtonBox",
        "Preferences",
        "Save or Cancel",
        dialog="preferencesDialog",
    ),
)
