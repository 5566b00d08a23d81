"""Shared bits of the Payments screens: formatting with the utility's settings, field errors, badges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import shiboken6
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.formatting import Formats
from app.views.common.errors import show_error as show_operation_error
from app.views.common.forms import Form
from app.views.common.operations import Operation
from app.views.common.widgets import named

BADGE_COLOURS = {
    "Posted": ("#1e6b3a", "#e3f4e8"), "Active": ("#1e6b3a", "#e3f4e8"),
    "Verified": ("#1e6b3a", "#e3f4e8"), "Pending": ("#8a5a00", "#fff3d6"),
    "Applied": ("#24507a", "#e2edf8"), "Expired": ("#5b6775", "#eceff2"),
    "Failed": ("#b3261e", "#fbe4e2"), "Cancelled": ("#5b6775", "#eceff2"),
    "Voided": ("#b3261e", "#fbe4e2"),
}
REASON_COLOURS = ("#5a3e8a", "#efe8fa")


class Display(Formats):
    """The utility's Formats (app.formatting: date format, time zone, locale, currency), by the
    name the Payments screens know it."""

    @property
    def tz(self) -> ZoneInfo:
        return self.zone

    def local_day(self, moment: datetime) -> str:
        """The day a moment falls on in the utility's zone, in the setting's format."""
        return self.day(moment)


def alive(widget: QWidget) -> bool:
    """False once Qt has deleted the widget (a late background result must then be dropped)."""
    return shiboken6.isValid(widget)


class Background(Operation):
    """An Operation whose result is dropped once its owner widget has been deleted (a closed
    dialog, a logged-out window), instead of reaching a dead widget."""

    def __init__(self, owner: QWidget, work: Callable[[], Any], *, writes: bool = False,
                 label: str = "Working…") -> None:
        super().__init__(owner, work, writes=writes, label=label)
        self.failure(lambda error: show_operation_error(owner, error))

    def success(self, callback: Callable[[Any], None]) -> Background:
        super().success(lambda result: callback(result) if alive(self.parent) else None)
        return self

    def failure(self, callback: Callable[[Exception], None]) -> Background:
        super().failure(lambda error: callback(error) if alive(self.parent) else None)
        return self


class QuietBackground(Background):
    """Background work that says how it is going on its own screen (printing, the drawer): no
    progress dialog, which would take the keyboard focus from the cashier."""

    def _show_progress(self) -> None:
        pass


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def error_label(field: str) -> QLabel:
    """The message shown beside a field, naming it and the rule; hidden while there is none."""
    label = named(QLabel(), f"{field} error")
    label.setProperty("role", "error")
    label.setStyleSheet("color: #b3261e;")
    label.setWordWrap(True)
    label.hide()
    return label


def show_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def badge_style(text: str, reason: bool = False) -> str:
    fg, bg = REASON_COLOURS if reason else BADGE_COLOURS.get(text, ("#33414f", "#eceff2"))
    return (f"color: {fg}; background: {bg}; border-radius: 9px; padding: 2px 10px; "
            "font-weight: 600;")


def badge(text: str, name: str, reason: bool = False) -> QLabel:
    label = named(QLabel(text), name)
    label.setStyleSheet(badge_style(text, reason))
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def inline(*widgets: QWidget) -> QWidget:
    """Widgets at their natural width on one line (a badge must not stretch across a form)."""
    box = QWidget()
    line = QHBoxLayout(box)
    line.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        line.addWidget(widget)
    line.addStretch(1)
    return box


def value_label(text: str, name: str) -> QLabel:
    label = named(QLabel(text), name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    label.setWordWrap(True)
    return label


def link_label(text: str, name: str) -> QLabel:
    """A clickable number (receipt, credit note): Tab reaches it, Enter opens it."""
    label = named(QLabel(f'<a href="open">{text}</a>'), name)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                  | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
    label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return label


class Section(QGroupBox):
    """A titled block of label/value rows; each value is found by its label as accessible name."""

    def __init__(self, title: str) -> None:
        super().__init__(title)
        named(self, title)
        self.form = Form(self)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.form.setHorizontalSpacing(24)

    def row(self, label: str, value: str | QWidget) -> QWidget:
        widget = value_label(value, label) if isinstance(value, str) else value
        self.form.addRow(f"{label}:", widget)
        return widget


def card_frame(name: str) -> tuple[QFrame, QVBoxLayout]:
    frame = named(QFrame(), name)
    frame.setObjectName("PaymentsCard")
    frame.setStyleSheet("QFrame#PaymentsCard { background: #f6f7f9; border: 1px solid #d5dae1; "
                        "border-radius: 6px; }")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 10, 14, 10)
    layout.setSpacing(2)
    return frame, layout
