"""No attribute the window sets on its widgets hides a Qt method of the same name: the email
page's ``self.sender`` label once hid ``QObject.sender()``, which slots call."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QObject, SignalInstance

pytestmark = pytest.mark.gui


def _qt_methods(kind: type) -> set[str]:
    """The callables the Qt classes behind ``kind`` define (PySide6's, not the package's)."""
    names: set[str] = set()
    for base in kind.__mro__:
        if base.__module__.startswith(("PySide6", "shiboken6", "Shiboken")):
            names.update(name for name, value in vars(base).items() if callable(value))
    return names


def _hidden(objects: list[QObject]) -> list[str]:
    found = []
    for obj in objects:
        own = getattr(obj, "__dict__", {})
        # PySide6 keeps each connected signal's instance in the object's dict: not a clash.
        clashes = sorted(
            name
            for name in set(own) & _qt_methods(type(obj))
            if not isinstance(own[name], SignalInstance)
        )
        found += [f"{type(obj).__name__}.{name}" for name in clashes]
    return found


def test_no_widget_attribute_hides_a_qt_method(desk: Any) -> None:
    window = desk.window
    desk.bridge.act("login")  # the panels a session shows are built by now
    objects = [window, *window.findChildren(QObject)]
    assert any(type(obj).__name__ == "EmailPage" for obj in objects)
    assert _hidden(objects) == []


def test_the_check_sees_a_hidden_method(qtbot: Any) -> None:
    from PySide6.QtWidgets import QLabel, QWidget

    widget = QWidget()
    qtbot.addWidget(widget)
    widget.sender = QLabel("x", widget)
    assert _hidden([widget]) == ["QWidget.sender"]
