"""Form rows as a screen reader and the Alt key need them: each label is the buddy of its field
and carries an Alt mnemonic unique within its form; long text moves on with Tab; a scroll area is
never a blank Tab stop."""

from __future__ import annotations

import re
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QLabel,
    QLayout,
    QPlainTextEdit,
    QScrollArea,
    QTextEdit,
    QWidget,
)

W = TypeVar("W", bound=QWidget)
T = TypeVar("T", QPlainTextEdit, QTextEdit)
_MNEMONIC = re.compile(r"&([^&\s])")


def with_mnemonic(text: str, used: set[str]) -> str:
    """`text` with an Alt mnemonic not in `used` (a word's first letter when free), recorded there.
    A label that already has one keeps it."""
    found = _MNEMONIC.search(text)
    if found is not None:
        used.add(found.group(1).casefold())
        return text
    starts = [m.start() for m in re.finditer(r"\b\w", text)]
    for position in [*starts, *range(len(text))]:
        letter = text[position]
        if letter.isalnum() and letter.casefold() not in used:
            used.add(letter.casefold())
            return f"{text[:position]}&{text[position:]}"
    return text


def first_stop(field: QWidget | QLayout) -> QWidget | None:
    """The widget Tab and the mnemonic reach in a field (a widget, or the first in a layout)."""
    widgets = [field] if isinstance(field, QWidget) else [
        field.itemAt(i).widget() for i in range(field.count()) if field.itemAt(i).widget() is not None]
    for widget in widgets:
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
            return widget  # a field not yet in a window counts as hidden: ask only its children
        for candidate in widget.findChildren(QWidget):
            if candidate.focusPolicy() & Qt.FocusPolicy.TabFocus and not candidate.isHidden() \
                    and candidate.focusProxy() is None and candidate.parentWidget() is not None \
                    and not isinstance(candidate.parentWidget(), (QAbstractSpinBox, QComboBox)):
                return candidate
    return None


class Form(QFormLayout):
    """A QFormLayout whose labelled rows get a buddy and a unique mnemonic as they are added."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mnemonics: set[str] = set()

    def addRow(self, *row) -> None:  # noqa: N802 - Qt API
        super().addRow(*self._labelled(row))

    def insertRow(self, index: int, *row) -> None:  # noqa: N802 - Qt API
        super().insertRow(index, *self._labelled(row))

    def _labelled(self, row: tuple) -> tuple:
        if len(row) != 2 or not isinstance(row[0], (str, QLabel)):
            return row
        label, field = row
        if isinstance(label, str) and not label.strip():
            return row  # a field under the one above (a hint, "no end date"): it names itself
        target = first_stop(field)
        if target is None:
            return row  # a value shown beside its caption: nothing to focus
        if isinstance(label, str):
            label = QLabel(label)
        label.setText(with_mnemonic(label.text(), self.mnemonics))
        if label.buddy() is None:
            label.setBuddy(target)
        return label, field


def multiline(widget: T) -> T:
    """Tab moves on from a multi-line box instead of typing a tab character into the value."""
    widget.setTabChangesFocus(True)
    return widget


def scroll_area(content: QWidget | None = None, *, name: str = "") -> QScrollArea:
    """A resizable scroll area. Around fields it is no Tab stop of its own (its fields are);
    around read-only text it is one, named, so the arrow keys can scroll it."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    if name:
        area.setAccessibleName(name)
    else:
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    if content is not None:
        area.setWidget(content)
    return area


class DateEdit(QDateEdit):
    """A date field that Tab leaves in one press, like every other field; the arrow keys move
    between day, month and year. It shows the utility's date format (Settings > General), which
    the main window sets for every date field with `use_date_format`."""

    display_format = "dd/MM/yyyy"

    def __init__(self, *args) -> None:
        super().__init__(*args)
        self.setDisplayFormat(DateEdit.display_format)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002, N802 - Qt API
        return QWidget.focusNextPrevChild(self, next)


def use_date_format(qt_format: str) -> None:
    """Every date field made from now on shows days as `qt_format` (the date format setting)."""
    DateEdit.display_format = qt_format


def caption(text: str, field: QWidget) -> QLabel:
    """A visible label for a field outside a form (a filter bar), tied to it as its buddy."""
    label = QLabel(text)
    label.setBuddy(field)
    return label
