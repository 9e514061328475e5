"""The icons' shapes: each monochrome SVG rendered once to a 64 px alpha mask, shipped as PNG.

``icons`` paints a scheme colour into a shape. Rendering the SVGs (and importing QtSvg) at every
start cost the window's first paint ~5 ms; the shapes are committed as PNGs beside the SVGs
(``resources/icons/shapes``), read in a fraction of that. The SVGs stay the source: a test
checks every PNG against its SVG rendered now, and ``python -m simulator.gui.theme.shapes
--write`` renders them again after an icon is added or changed. A missing or unreadable PNG
falls back to rendering the SVG.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPixmap

from simulator.gui.theme.assets import ASSETS

if TYPE_CHECKING:
    from PySide6.QtGui import QImage

__all__ = ["SIDE", "main", "render_shape", "shape", "shape_file", "svg_names"]

SIDE = 64
"""Pixels a side: 32 px icons at 2x."""


def svg_names() -> list[str]:
    """Every icon shipped as SVG, by name."""
    return sorted(path.stem for path in (ASSETS / "icons").glob("*.svg"))


def shape_file(name: str) -> str:
    """Where the shape of icon ``name`` is shipped."""
    return str(ASSETS / "icons" / "shapes" / f"{name}.png")


def render_shape(name: str) -> QImage | None:
    """The shape rendered from its SVG now (None: no such SVG)."""
    from PySide6.QtGui import QImage  # only here: its enums are not for the first paint
    from PySide6.QtSvg import QSvgRenderer  # only here: ~1 ms of the start otherwise

    try:
        svg = (ASSETS / "icons" / f"{name}.svg").read_bytes()
    except OSError:
        return None
    renderer = QSvgRenderer(QByteArray(svg))
    image = QImage(QSize(SIDE, SIDE), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, SIDE, SIDE))
    painter.end()
    return image


@cache
def shape(name: str) -> QPixmap | None:
    """The shape of icon ``name`` (its alpha is what counts), or None when there is none."""
    shipped = QPixmap(shape_file(name))
    if not shipped.isNull() and shipped.size() == QSize(SIDE, SIDE):
        return shipped
    rendered = render_shape(name)
    return None if rendered is None else QPixmap.fromImage(rendered)


def main(argv: list[str] | None = None) -> int:
    """``python -m simulator.gui.theme.shapes --write``: render every shape to its PNG."""
    args = sys.argv[1:] if argv is None else argv
    if args != ["--write"]:
        print("usage: python -m simulator.gui.theme.shapes --write", file=sys.stderr)
        return 2
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    (ASSETS / "icons" / "shapes").mkdir(exist_ok=True)
    for name in svg_names():
        image = render_shape(name)
        if image is None or not image.save(shape_file(name)):
            print(f"{name}: could not render or write its shape", file=sys.stderr)
            return 1
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
