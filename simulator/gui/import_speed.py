"""Imports after PySide6 at the speed of imports before it.

Once PySide6 is imported, its ``__feature__`` support looks at every module imported afterwards
to learn whether it uses PySide6 (``shibokensupport.feature._mod_uses_pyside``), by reading the
module's source with ``inspect.getsource``: tokenising hundreds of files (pydantic, Faker, the
engine) that the window imports after it is on screen. That was about a tenth of the time from
start to a usable window. A raw byte search of the same file answers the same question (does
the text contain "PySide6"?) without tokenising; Python's own library, which never does, is
not read at all, nor are this package's own modules, whose answer is known: outside
``simulator.gui`` they do not mention PySide6 (only the window may import it) but for
``OUTSIDE_GUI_MENTIONS``, inside it they do but for ``GUI_WITHOUT_MENTION``, and a test reads
them all to keep both lists exact (some 110 files, ~2 ms of the start to a usable window).
Any other file (pydantic and its helpers: some 40, ~1.5 ms) is read once and its answer kept in
``adsim``'s code cache (``simulator.code_cache``), keyed by its path, size and modification time
as Python keys bytecode: a later start asks the file system for its size and time, not its text.
Modules without a ``.py`` file still go to PySide6's own check.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType
from typing import Any

__all__ = [
    "GUI_WITHOUT_MENTION",
    "OUTSIDE_GUI_MENTIONS",
    "is_standard_library",
    "package_answer",
    "speed_up_imports",
]

_MARK = "_adsim_fast"
_STDLIB = os.path.dirname(os.__file__) + os.sep
_THIRD_PARTY = ("site-packages", "dist-packages")
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_GUI = os.path.join(_PACKAGE, "gui") + os.sep
OUTSIDE_GUI_MENTIONS = frozenset({"cli.py", "code_cache.py", os.path.join("testing", "plugin.py")})
"""The package's files outside ``simulator/gui`` whose text mentions PySide6 (paths relative to
the package)."""
GUI_WITHOUT_MENTION = frozenset(
    os.path.join(*name.split("/"))
    for name in (
        "automation/__init__.py",
        "automation/__main__.py",
        "automation/context_controls.py",
        "automation/contract.py",
        "automation/control.py",
        "automation/desk_controls.py",
        "automation/dialog_controls.py",
        "automation/dock_controls.py",
        "automation/inspector_controls.py",
        "automation/window_controls.py",
        "dialogs/__init__.py",
        "inspector/__init__.py",
        "inspector/eventlog.py",
        "inspector/expect_step.py",
        "long_lines.py",
        "options.py",
        "page/__init__.py",
        "page/load_error.py",
        "panels/__init__.py",
        "panels/drafts.py",
        "panels/roster.py",
        "panels/used_numbers.py",
        "plugin_loading.py",
        "session.py",
        "theme/__init__.py",
        "theme/assets.py",
        "times.py",
        "transfer_wait.py",
        "web_page.py",
        "wording.py",
    )
)
"""The files of ``simulator/gui`` whose text does not mention PySide6 (relative to it)."""


def is_standard_library(path: str) -> bool:
    """Whether ``path`` is a file of Python's own library (not an installed package): none of
    them mentions PySide6 (a test reads them all), so none is read for the check."""
    if not path.startswith(_STDLIB):
        return False
    return path[len(_STDLIB) :].split(os.sep, 1)[0] not in _THIRD_PARTY


def package_answer(path: str) -> bool | None:
    """Whether the file ``path`` of this package mentions PySide6, known without reading it
    (a test reads them all); None for a file elsewhere."""
    if path.startswith(_GUI):
        return path[len(_GUI) :] not in GUI_WITHOUT_MENTION
    if path.startswith(_PACKAGE):
        return path[len(_PACKAGE) :] in OUTSIDE_GUI_MENTIONS
    return None


def _installed_answer(path: str) -> bool:
    """Whether the file ``path`` mentions PySide6: from the code cache while the file is as it
    was, else read (and kept there when adsim runs with one). ``OSError`` if unreadable."""
    from simulator.code_cache import installed

    cache = installed()
    key = None
    if cache is not None:
        stat = os.stat(path)
        key = f"pyside\0{path}\0{stat.st_mtime_ns}\0{stat.st_size}"
        known = cache.recall(key)
        if known is not None:
            return known == b"1"
    with open(path, "rb") as source:
        answer = b"PySide6" in source.read()
    if cache is not None and key is not None:
        cache.note(key, b"1" if answer else b"0")
    return answer


def speed_up_imports() -> bool:
    """Replace PySide6's source check with a byte search; False when PySide6 has none."""
    feature = sys.modules.get("shibokensupport.feature")
    original: Any = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or original is None:
        return False
    if getattr(original, _MARK, False):
        return True

    def mod_uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return bool(original(module))
        if is_standard_library(path):  # a hundred modules, 4 ms of reading at every start
            return False
        known = package_answer(path)  # some 110 modules, ~2 ms
        if known is not None:
            return known
        try:
            return _installed_answer(path)
        except OSError:
            return bool(original(module))

    setattr(mod_uses_pyside, _MARK, True)
    feature._mod_uses_pyside = mod_uses_pyside  # type: ignore[attr-defined]
    return True
