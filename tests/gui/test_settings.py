"""Settings persist in QSettings (a temporary scope here): session choices and the layout."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox

from simulator.gui.settings import WindowSettings
from simulator.gui.window import MainWindow

pytestmark = pytest.mark.gui


def test_preferences_are_saved_for_the_next_start(qtbot, window, settings, tmp_path):
    window.open_preferences()
    dialog = window.findChild(QDialog, "preferencesDialog")
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    tenant = dialog.findChild(object, "prefTenant")
    handlers = dialog.findChild(object, "prefHandlers")
    seed = dialog.findChild(object, "prefSeed")
    journal = dialog.findChild(object, "prefJournal")
    qtbot.keyClicks(tenant, str(tmp_path / "tenant.yaml"))
    qtbot.keyClicks(handlers, "crm.py")
    qtbot.keyClick(handlers, Qt.Key.Key_Return)
    qtbot.keyClicks(handlers, "plugins/")
    seed.selectAll()
    qtbot.keyClicks(seed, "42")
    qtbot.keyClicks(journal, str(tmp_path / "journal.sqlite"))
    save = dialog.findChild(QDialogButtonBox, "prefButtons").button(
        QDialogButtonBox.StandardButton.Save
    )
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    again = WindowSettings(QSettings(settings.store.fileName(), QSettings.Format.IniFormat))
    assert again.tenant_file == str(tmp_path / "tenant.yaml")
    assert again.handler_paths == ["crm.py", "plugins/"]
    assert again.seed == 42
    assert again.journal_path == str(tmp_path / "journal.sqlite")


def test_window_geometry_and_layout_persist(qtbot, settings):
    first = MainWindow(settings)
    qtbot.addWidget(first)
    first.resize(QSize(1234, 777))
    first.show()
    qtbot.waitExposed(first)
    first.inspector_dock.hide()
    first.close()

    assert not settings.store.value("window/geometry").isEmpty()
    second = MainWindow(settings)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    # The offscreen screen is small, so Qt fits the restored geometry into it: compare the
    # layout, and that a geometry was restored at all.
    assert settings.restore_window(second)
    assert not second.inspector_dock.isVisible()
    assert second.directory_dock.isVisible()


def test_the_default_size_is_sensible(window):
    # 1440x900, or the screen's room when it has less (offscreen's 800x800, a laptop's).
    room = window.screen().availableGeometry().size()
    assert window.width() >= min(1200, room.width())
    assert window.height() >= min(760, room.height())
    assert window.width() <= room.width() and window.height() <= room.height()


def test_theme_choice_persists_and_repaints(qtbot, window, settings):
    window.findChild(object, "actionThemeDark").trigger()
    assert settings.theme == "dark"
    palette = QApplication.instance().palette()
    assert palette.window().color().lightness() < 80
    window.findChild(object, "actionThemeLight").trigger()
    assert settings.theme == "light"
    assert QApplication.instance().palette().window().color().lightness() > 200
    window.findChild(object, "actionThemeSystem").trigger()
    assert settings.theme == "system"


def test_the_default_scope_is_the_temporary_one(tmp_path):
    default = WindowSettings()
    assert default.store.fileName().startswith(str(tmp_path))


def test_the_api_version_preference_starts_the_next_session_in_it(
    qtbot, window, settings, tmp_path
):
    from PySide6.QtWidgets import QComboBox, QLabel

    from simulator.gui.options import WindowOptions
    from simulator.gui.session import open_session

    window.open_preferences()
    dialog = window.findChild(QDialog, "preferencesDialog")
    qtbot.waitUntil(dialog.isVisible)
    combo = dialog.findChild(QComboBox, "prefApiVersion")
    assert [combo.itemData(i) for i in range(combo.count())] == ["5.19", "5.24.1", "2026"]
    assert combo.currentData() == "5.19"
    combo.setCurrentIndex(combo.findData("2026"))
    save = dialog.findChild(QDialogButtonBox, "prefButtons").button(
        QDialogButtonBox.StandardButton.Save
    )
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    again = WindowSettings(QSettings(settings.store.fileName(), QSettings.Format.IniFormat))
    assert again.api_version == "2026"

    settings.journal_path = str(tmp_path / "journal.sqlite")
    session = open_session(WindowOptions(login=False), settings, window)
    try:
        assert session.sim.api_version.value == "2026"
        label = window.findChild(QLabel, "tenantLabel")
        assert label.text().endswith("· adApi 2026")
    finally:
        session.close()
