"""Finding widgets as a person would: by accessible name."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


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
