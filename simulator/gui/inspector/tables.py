"""The inspector's tables: one look (rows, no grid, no row numbers) and headers never clipped."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

__all__ = ["HEADER_PADDING", "fit_headers", "table"]

HEADER_PADDING = 28
"""Room beside a header's text: the section's padding and the sort/resize margin."""


def table(name: str, parent: QWidget) -> QTableView:
    """A read-only table of rows with the stable ``objectName`` ``name``."""
    view = QTableView(parent)
    view.setObjectName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    # Tab leaves the table (the arrow keys move in it): it went from cell to cell through
    # every row, a keyboard-only tester never got past the events of the session.
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def header_width(header: QHeaderView, text: str) -> int:
    """The width a header section needs to show ``text`` whole (headers are bold)."""
    font = QFont(header.font())
    font.setBold(True)
    return QFontMetrics(font).horizontalAdvance(text) + HEADER_PADDING


def fit_headers(view: QTableView) -> None:
    """Widen every section to its title; no section may be narrowed below it (the last one
    included, which stretches: the view scrolls instead of clipping)."""
    header = view.horizontalHeader()
    model = view.model()
    if model is None:
        return
    titles = [
        str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        for column in range(model.columnCount())
    ]
    widest = max((header_width(header, title) for title in titles), default=0)
    header.setMinimumSectionSize(min(widest, 160))
    for column, title in enumerate(titles):
        need = header_width(header, title)
        if header.sectionSize(column) < need:
            header.resizeSection(column, need)
