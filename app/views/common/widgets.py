"""Small widget helpers shared by every screen."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str) -> W:
    """Accessible name = visible label: how screen readers and the GUI tests find it."""
    widget.setAccessibleName(name)
    widget.setObjectName(name.replace(" ", "_"))
    return widget


def described(widget: W, description: str) -> W:
    """Context a screen reader adds after the name (the name itself is what the screen shows)."""
    widget.setAccessibleDescription(description)
    return widget


class UnavailablePage(QWidget):
    """An honest page for a module that is not built yet: no fake data."""

    def __init__(self, module: str, detail: str) -> None:
        super().__init__()
        named(self, f"{module} page")
        box = QFrame()
        box.setObjectName("UnavailableBox")
        inner = QVBoxLayout(box)
        title = named(QLabel(f"<h2>{module}</h2>"), f"{module} title")
        text = named(QLabel(f"<p><b>{module} is not available yet in this version.</b></p><p>{detail}</p>"),
                     f"{module} not available")
        text.setWordWrap(True)
        for label in (title, text):
            label.setTextFormat(Qt.TextFormat.RichText)
            inner.addWidget(label)
        layout = QVBoxLayout(self)
        layout.addWidget(box, alignment=Qt.AlignmentFlag.AlignTop)
        layout.addStretch(1)
