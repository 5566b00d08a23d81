"""Finding widgets as a person would: by accessible name; and reading a sort arrow off the screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QWidget


def find(root: QWidget, name: str, kind: type = QWidget) -> QWidget:
    matches = [w for w in root.findChildren(kind) if w.accessibleName() == name]
    if root.accessibleName() == name and isinstance(root, kind):
        matches.insert(0, root)
    assert matches, f"no {kind.__name__} named {name!r}"
    return matches[0]


def type_into(qtbot, widget: QWidget, text: str) -> None:
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def click(qtbot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def arrow_points(header: QHeaderView, column: int) -> str:
    """"down" or "up": the rightmost dark shape in the section's rendering is the sort arrow;
    a down arrow (▼) is widest at its top row."""
    image = header.grab().toImage()
    left = header.sectionViewportPosition(column)
    dark = {(x, y) for x in range(left, left + header.sectionSize(column)) for y in range(image.height())
            if QColor(image.pixel(x, y)).lightness() < 140}
    columns = sorted({x for x, _y in dark})
    start = columns[-1]
    while start - 1 in columns:  # back to the gap between the caption and the arrow
        start -= 1
    widths = [sum(1 for x, y in dark if x >= start and y == row) for row in range(image.height())]
    widths = [w for w in widths if w]
    assert len(widths) >= 3, "no sort arrow drawn"
    return "down" if widths[0] > widths[-1] else "up"
