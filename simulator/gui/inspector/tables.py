"""The inspector's tables: one look (rows, no grid, no row numbers) and headers never clipped."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

__all__ = ["HEADER_PADDING", "ColumnFit", "fit_headers", "table"]

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


class ColumnFit(QObject):
    """Keeps a table's columns inside its width: the ``elastic`` columns (logical index ->
    the width they like) give up room, down to their titles, before the table scrolls
    sideways; the others keep their width and the last one stretches. A column the tester
    drags becomes the width it likes; none goes below its title.

    A title's width is the header's own measure (``sectionSizeHint``, its style sheet's
    padding included), so a table whose header is styled tighter (the outcome table's) fits
    what it shows whole.

    The outcome table's columns asked for ~890 px where the inspector at 1440x900 gave it
    ~640: Duration and Result were past its right edge; at 1024x768 its titles alone, each
    with the room ``header_width`` gives, were ~45 px wider than the table, which scrolled."""

    def __init__(self, view: QTableView, elastic: dict[int, int]):
        super().__init__(view)
        self._view = view
        self._liked = dict(elastic)
        self._fitting = False
        header = view.horizontalHeader()
        header.setMinimumSectionSize(1)  # the hints are clamped to it: the titles' own first
        needs = self._titles()
        header.setMinimumSectionSize(min(needs.values(), default=0))
        for column, need in needs.items():
            if header.sectionSize(column) < need:
                header.resizeSection(column, need)
        header.sectionResized.connect(self._resized)
        view.viewport().installEventFilter(self)
        self.fit()

    def _titles(self) -> dict[int, int]:
        """Each column's width to show its title whole, as the header measures it."""
        header = self._view.horizontalHeader()
        model = self._view.model()
        if model is None:
            return {}
        return {column: header.sectionSizeHint(column) for column in range(model.columnCount())}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Fit again when the table's width changes."""
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def _resized(self, column: int, _old: int, new: int) -> None:
        if self._fitting:
            return
        need = self._titles().get(column, 0)
        if new < need:
            self._set(column, need)
        elif column in self._liked:
            self._liked[column] = new

    def _set(self, column: int, width: int) -> None:
        self._fitting = True
        try:
            self._view.horizontalHeader().resizeSection(column, width)
        finally:
            self._fitting = False

    def fit(self) -> None:
        """Share the width: the elastic columns as liked if they fit, else each squeezed in
        proportion towards its title's width."""
        header = self._view.horizontalHeader()
        needs = self._titles()
        if not needs:
            return
        last = header.logicalIndex(len(needs) - 1)
        fixed = [c for c in needs if c not in self._liked and c != last]
        others = sum(max(header.sectionSize(c), needs[c]) for c in fixed)
        room = self._view.viewport().width() - others - needs[last]
        liked = {c: max(w, needs[c]) for c, w in self._liked.items() if c in needs}
        least = sum(needs[c] for c in liked)
        give = sum(liked.values()) - least
        keep = 1.0 if give <= 0 else min(1.0, max(0.0, (room - least) / give))
        for column, width in liked.items():
            self._set(column, needs[column] + int((width - needs[column]) * keep))
