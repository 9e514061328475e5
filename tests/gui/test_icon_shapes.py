"""The icons' shapes ship as PNGs rendered from the SVGs (start-up time): each must be its SVG."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from simulator.gui.theme import shapes

pytestmark = pytest.mark.gui


def _alpha(image: QImage) -> bytes:
    argb = image.convertToFormat(QImage.Format.Format_ARGB32)
    data = bytes(argb.constBits())  # B G R A per pixel (little endian)
    return data[3::4]


@pytest.mark.parametrize("name", shapes.svg_names())
def test_each_shipped_shape_is_its_svg(qapp, name):
    shipped = QImage(shapes.shape_file(name))
    assert not shipped.isNull(), f"{name}: run `python -m simulator.gui.theme.shapes --write`"
    rendered = shapes.render_shape(name)
    assert rendered is not None
    assert shipped.size() == rendered.size()
    assert _alpha(shipped) == _alpha(rendered), (
        f"{name}.png is stale: run `python -m simulator.gui.theme.shapes --write`"
    )


def test_the_shipped_shape_is_read_not_rendered(qapp, monkeypatch):
    def no_rendering(name):
        raise AssertionError(f"{name} rendered at run time")

    shapes.shape.cache_clear()
    monkeypatch.setattr(shapes, "render_shape", no_rendering)
    try:
        shape = shapes.shape("phone")
        assert shape is not None and shape.width() == shapes.SIDE
    finally:
        shapes.shape.cache_clear()


def test_a_missing_png_falls_back_to_the_svg(qapp, monkeypatch, tmp_path):
    shapes.shape.cache_clear()
    monkeypatch.setattr(shapes, "shape_file", lambda name: str(tmp_path / f"{name}.png"))
    try:
        shape = shapes.shape("phone")
        assert shape is not None
        rendered = shapes.render_shape("phone")
        assert rendered is not None
        assert _alpha(shape.toImage()) == _alpha(rendered)
        assert shapes.shape("no-such-icon") is None
    finally:
        shapes.shape.cache_clear()


def test_write_renders_every_shape(qapp, monkeypatch, tmp_path):
    monkeypatch.setattr(shapes, "shape_file", lambda name: str(tmp_path / f"{name}.png"))
    assert shapes.main(["--write"]) == 0
    assert sorted(path.stem for path in tmp_path.glob("*.png")) == shapes.svg_names()
    assert shapes.main([]) == 2


@pytest.mark.parametrize("color", ["#1f2937", "#ffffff", "#2563eb", "#e5e7eb80"])
def test_a_tint_is_its_shape_filled_with_the_colour(qapp, color):
    """``icons._tinted`` paints a pen-less rectangle (``fillRect`` would build ``QGradient``'s
    enums at start): exactly what filling the shape's rectangle with the colour gives."""
    from PySide6.QtGui import QColor, QPainter, QPixmap

    from simulator.gui.theme.icons import _tinted

    for name in shapes.svg_names():
        shape = shapes.shape(name)
        assert shape is not None
        filled = QPixmap(shape)
        painter = QPainter(filled)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.fillRect(filled.rect(), QColor(color))
        painter.end()
        assert _tinted(shape, color).toImage() == filled.toImage(), name
