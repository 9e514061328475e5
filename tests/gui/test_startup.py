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


_READY_PROBE = """
import json, os, sys
from PySide6 import QtCore, QtGui, QtWidgets
from simulator.gui import launch
from simulator.gui.options import WindowOptions
from simulator.gui.theme import style

seen = {"modules": [], "qstyle": [], "sheet": [], "types": [], "knowledge": []}
elapsed = launch._elapsed_ms
ask_style = sys.argv[2] == "style"
apply_style_sheet = style.apply_style_sheet

def before_the_sheet(app):
    # The style the application was made with: a style sheet wraps it in an unnamed one.
    if ask_style:
        seen["style"] = app.style().name()
    apply_style_sheet(app)

style.apply_style_sheet = before_the_sheet

def at_each_report():
    # Called for the "shown", "ready" (and "complete") lines: what is loaded at that moment.
    seen["modules"].append(
        {
            name: name in sys.modules
            for name in (
                "yaml",
                "pydantic",
                "simulator.engine",
                "simulator.contract.models",
                "PySide6.QtSvg",
                "html",
                "socket",
                "simulator.handlers.ad_api",
            )
        }
    )
    seen["qstyle"].append("QStyle" in QtWidgets.__dict__)
    # PySide6 makes a class (and its Python enums) when Python first uses it.
    seen["types"].append(
        {"QEvent": "QEvent" in QtCore.__dict__, "QGradient": "QGradient" in QtGui.__dict__}
    )
    app = QtWidgets.QApplication.instance()
    (window,) = [w for w in app.topLevelWidgets() if w.objectName() == "mainWindow"]
    seen["knowledge"].append(window.findChild(QtWidgets.QWidget, "kbSearchBox") is not None)
    seen["sheet"].append(bool(QtWidgets.QApplication.instance().styleSheet()))
    return elapsed()

launch._elapsed_ms = at_each_report
seen["code"] = launch.run_window(WindowOptions(journal=sys.argv[1]))
print(json.dumps(seen))
"""


def _start(tmp_path, what: str, **env_vars: str) -> dict:
    import json
    import os
    import subprocess

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ADSIM_REPORT_STARTUP": "1", **env_vars}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", _READY_PROBE, str(tmp_path / "journal.sqlite"), what],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    )
    assert "ready" in done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["code"] == 0
    return seen


def test_the_start_path_to_a_usable_window(tmp_path):
    """Up to the "ready" line (logged in, painted): no ``QStyle`` in Python (each builds that
    class's enums), no YAML parser (the built-in tenant comes from its JSON twin), no QtSvg
    (the icons' shapes are shipped rendered), neither ``html`` nor ``socket``; pydantic and the
    engine once the window is shown, but not the payload models (some 25 pydantic classes: the
    tenant, the login and the handler host need none of them; an event's models are built when
    first asked for)."""
    seen = _start(tmp_path, "modules")
    shown, ready = seen["modules"][:2]
    assert shown == {
        "yaml": False,
        "pydantic": False,
        "simulator.engine": False,
        "simulator.contract.models": False,
        "PySide6.QtSvg": False,  # the icons' shapes are shipped rendered
        "html": False,  # html.entities: for a knowledge-base article, not the first paint
        "socket": False,  # for trying a display, and QT_QPA_PLATFORM=offscreen needs none
        "simulator.handlers.ad_api": False,  # with the first plugin, not with the host
    }
    assert ready == {**shown, "pydantic": True, "simulator.engine": True}
    assert seen["qstyle"][:2] == [False, False]


def test_what_the_first_paint_does_not_show_is_built_after_it(tmp_path):
    """The knowledge base (a tab behind the customer side) is built once the window is
    usable, on the next turn of the event loop ("complete"), as the inspector is; and neither
    ``QEvent`` (an overridden event handler) nor ``QGradient`` (``QPainter.fillRect``'s
    overloads) is made in Python before then: PySide6 builds each class's enums as it does."""
    seen = _start(tmp_path, "modules")
    assert seen["knowledge"] == [False, False, True]  # shown, ready, complete
    assert seen["types"][:2] == [{"QEvent": False, "QGradient": False}] * 2


def test_the_window_is_first_painted_with_its_style_sheet(tmp_path):
    """The sheet is applied once the widgets are built and before the window is shown: each
    widget is polished once and the first paint is the window's own look (applied after the
    first paint, every widget was polished and painted twice on the way to a usable window)."""
    seen = _start(tmp_path, "modules")
    assert seen["sheet"][:2] == [True, True]


def test_the_window_is_fusion_whatever_the_environment_says(tmp_path):
    """Fusion comes from the application's arguments, not from asking Qt for the style."""
    seen = _start(tmp_path, "style", QT_STYLE_OVERRIDE="Windows")
    assert seen["style"] == "fusion"


def test_the_status_message_turns_red_and_back(qtbot, window):
    """The status label is re-polished only when its error flag flips (asking for its style
    at the welcome message would build ``QStyle`` at start): it still changes colour."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication, QLabel

    from simulator.gui.theme.palette import colors
    from simulator.gui.theme.style import apply_style_sheet

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_style_sheet(app)
    label = window.findChild(QLabel, "statusMessage")

    def colour() -> str:
        return label.palette().color(QPalette.ColorRole.WindowText).name()

    window.show_message("Welcome")
    assert label.property("error") is False
    plain = colour()
    window.show_message("Refused", error=True)
    assert label.property("error") is True
    assert colour() == colors().bad.lower() != plain
    window.show_message("Refused again", error=True)
    assert colour() == colors().bad.lower()
    window.show_message("Fine")
    assert label.property("error") is False
    assert colour() == plain


def test_no_standard_library_module_mentions_pyside():
    """The feature check answers False for Python's own library without reading it: exact,
    since no file of it contains the text PySide's check looks for."""
    import os
    from pathlib import Path

    from simulator.gui.import_speed import is_standard_library

    stdlib = Path(os.__file__).parent
    checked = 0
    for path in stdlib.rglob("*.py"):
        if not is_standard_library(str(path)):
            continue  # an installed package under the library (no virtual environment)
        assert b"PySide6" not in path.read_bytes(), path
        checked += 1
    assert checked > 500
    assert is_standard_library(os.__file__)
    assert is_standard_library(str(stdlib / "email" / "message.py"))
    assert not is_standard_library(str(stdlib / "site-packages" / "x" / "y.py"))
    assert not is_standard_library(__file__)


_KEEP_PROBE = """
import json, sys
from simulator.code_cache import install

cache = install()  # as adsim does before the window's modules are imported
from simulator.gui import launch
from simulator.gui.options import WindowOptions

seen = []
elapsed = launch._elapsed_ms

def at_each_report():
    seen.append(cache.path.is_file())  # "shown", then "ready" (the benchmark's end)
    return elapsed()

launch._elapsed_ms = at_each_report
code = launch.run_window(WindowOptions(journal=sys.argv[1]))
print(json.dumps({"code": code, "kept": seen[:2], "path": str(cache.path)}))
"""


def test_the_window_keeps_its_compiled_code_by_the_time_it_is_usable(tmp_path):
    """A start ended at "ready" (by the benchmark, or by a signal) must not compile the same
    dataclass methods and forward references again at every start (``simulator.code_cache``):
    the cache is written before that line."""
    import json
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(QT_QPA_PLATFORM="offscreen", ADSIM_REPORT_STARTUP="1")
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path))
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path / "pycache")
    done = subprocess.run(
        [sys.executable, "-c", _KEEP_PROBE, str(tmp_path / "journal.sqlite")],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=True,
    )
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["code"] == 0
    assert seen["path"].startswith(str(tmp_path / "pycache"))
    assert seen["kept"] == [False, True]


def test_the_package_s_answers_to_the_feature_check_are_its_files():
    """The feature check answers for the package's own modules without reading them: exact,
    since the lists say which files contain the text PySide's check looks for (a new module
    outside ``simulator/gui`` that mentions PySide6, or one inside that does not, goes in its
    list)."""
    from pathlib import Path

    import simulator
    from simulator.gui.import_speed import package_answer

    package = Path(simulator.__file__).parent
    checked = 0
    for path in package.rglob("*.py"):
        mentions = b"PySide6" in path.read_bytes()
        assert package_answer(str(path)) is mentions, path.relative_to(package)
        checked += 1
    assert checked > 150
    assert package_answer(sys.modules["pytest"].__file__) is None


def test_the_feature_check_does_not_read_the_package(monkeypatch):
    from simulator.engine import core
    from simulator.gui import window
    from simulator.gui.import_speed import speed_up_imports

    assert speed_up_imports()
    check = sys.modules["shibokensupport.feature"]._mod_uses_pyside

    def no_reading(*args, **kwargs):
        raise AssertionError("read")

    monkeypatch.setattr("builtins.open", no_reading)
    assert check(core) is False
    assert check(window) is True


def test_another_file_s_answer_is_kept_while_the_file_is_as_it_was(tmp_path, monkeypatch):
    """A file outside the package and Python's library (pydantic's) is read once; its answer
    is kept in adsim's code cache under its path, size and modification time, and read again
    once the file changes."""
    import builtins

    from simulator import code_cache
    from simulator.gui.import_speed import speed_up_imports

    assert speed_up_imports()
    check = sys.modules["shibokensupport.feature"]._mod_uses_pyside
    cache = code_cache.CodeCache(tmp_path / "cache.code")
    monkeypatch.setitem(code_cache._INSTALLED, "cache", cache)
    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # saved as bytecode would be
    library = tmp_path / "site-packages" / "somelib.py"
    library.parent.mkdir()
    library.write_text("from PySide6 import QtCore\n", encoding="utf-8")
    module = types.ModuleType("somelib")
    module.__file__ = str(library)
    reads = []
    real_open = builtins.open

    def counting_open(file, *args, **kwargs):
        reads.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting_open)
    assert check(module) is True
    assert reads == [str(library)]
    assert cache.save()
    later = code_cache.CodeCache(tmp_path / "cache.code")  # the next start
    monkeypatch.setitem(code_cache._INSTALLED, "cache", later)
    reads.clear()
    assert check(module) is True
    assert reads == []  # the answer kept, the file not read
    library.write_text("import json\n", encoding="utf-8")  # changed: another size
    assert check(module) is False
    assert reads == [str(library)]


_COMPILED_PROBE = """
import builtins, json, re, sys
from simulator.code_cache import install

cache = install()  # as adsim does
from simulator.gui import launch
from simulator.gui.options import WindowOptions

seen = []
own = []
elapsed = launch._elapsed_ms
builtin_compile, re_compile = builtins.compile, re._compiler.compile

def at_each_report():
    seen.append(cache.compiled)  # "shown", "ready"
    own.append(builtins.compile is builtin_compile and re._compiler.compile is re_compile)
    return elapsed()

launch._elapsed_ms = at_each_report
code = launch.run_window(WindowOptions(journal=sys.argv[1]))
bootstrap = [
    key for key in cache.entries if key.startswith("compile\\0") and "shibokensupport" in key
]
print(json.dumps({"code": code, "compiled": seen[:2], "bootstrap": len(bootstrap), "own": own}))
"""


def test_the_second_start_compiles_nothing_not_even_pyside_s_bootstrap(tmp_path):
    """PySide6 compiles its embedded bootstrap modules (``shibokensupport``) from source at
    every import; the window's start keeps them in the code cache with the rest, so the next
    start compiles nothing on its way to a usable window. ``compile`` and ``re`` go through the
    cache only until the session is open: by "ready" they are their own again."""
    import json
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(QT_QPA_PLATFORM="offscreen", ADSIM_REPORT_STARTUP="1")
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path))
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path / "pycache")
    runs = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", _COMPILED_PROBE, str(tmp_path / "journal.sqlite")],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            check=True,
        )
        runs.append(json.loads(done.stdout.splitlines()[-1]))
    first, second = runs
    assert first["code"] == second["code"] == 0
    assert first["bootstrap"] > 0 and first["compiled"][0] >= first["bootstrap"]
    assert second["compiled"] == [0, 0]
    assert first["own"] == second["own"] == [False, True, True]  # shown, ready, complete
