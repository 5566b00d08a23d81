"""One editor widget per kind of setting, each with load(value) and value()."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.core import setting_kinds as kinds
from app.views.common.forms import multiline
from app.views.common.tables import fit_columns, keyboard_table
from app.views.common.widgets import described, named

INT_MAX = 2**31 - 1


class TextEditor(QLineEdit):
    def load(self, value: Any) -> None:
        self.setText("" if value is None else str(value))

    def value(self) -> str:
        return self.text()


class IntegerEditor(QSpinBox):
    def __init__(self, kind: kinds.IntegerKind) -> None:
        super().__init__()
        # QSpinBox holds a C int; the registry still validates the real bounds.
        low = kind.minimum if kind.minimum is not None else -INT_MAX
        high = kind.maximum if kind.maximum is not None else INT_MAX
        self.setRange(max(low, -INT_MAX), min(high, INT_MAX))

    def load(self, value: int) -> None:
        self.setValue(value)

    def value(self) -> int:  # type: ignore[override]
        return super().value()


class BooleanEditor(QCheckBox):
    def load(self, value: bool) -> None:
        self.setChecked(bool(value))

    def value(self) -> bool:
        return self.isChecked()


class ChoiceEditor(QComboBox):
    def __init__(self, kind: kinds.ChoiceKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.options = kind.options
        self.addItems([str(option) for option in kind.options])

    def load(self, value: Any) -> None:
        self.setCurrentIndex(self.options.index(value) if value in self.options else -1)

    def value(self) -> Any:
        index = self.currentIndex()
        return self.options[index] if index >= 0 else ""


class ChoiceCell(QStyledItemDelegate):
    """A record list's column of a fixed set of values (a schedule's Report, say) is picked from a
    drop-down, not typed: a typed value could name nothing."""

    def __init__(self, kind: kinds.ChoiceKind, label: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.kind, self.label = kind, label

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,  # noqa: N802 - Qt API
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        return named(ChoiceEditor(self.kind, parent), self.label)

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        assert isinstance(editor, ChoiceEditor)
        editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole) or ""))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,  # noqa: N802 - Qt API
                     index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, ChoiceEditor)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class StringListEditor(QPlainTextEdit):
    """One entry per line."""

    def __init__(self) -> None:
        super().__init__()
        self.setFixedHeight(110)
        multiline(self)

    def load(self, value: tuple[str, ...]) -> None:
        self.setPlainText("\n".join(value))

    def value(self) -> list[str]:
        return [line for line in self.toPlainText().splitlines() if line.strip()]


class RecordListEditor(QWidget):
    """A table: one row per record, one column per field; rows can be added and removed."""

    def __init__(self, kind: kinds.RecordListKind, label: str) -> None:
        super().__init__()
        self.kind = kind
        self.table = keyboard_table(named(QTableWidget(0, len(kind.fields)), label))
        self.table.setHorizontalHeaderLabels([f.label for f in kind.fields])
        # Columns fit their content; the longest text field (a description) takes the rest.
        lengths = [f.kind.max_length if isinstance(f.kind, kinds.TextKind) else 0 for f in kind.fields]
        fit_columns(self.table, lengths.index(max(lengths)) if max(lengths) else None)
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(190)
        for column, field in enumerate(kind.fields):
            if isinstance(field.kind, kinds.ChoiceKind):
                self.table.setItemDelegateForColumn(column, ChoiceCell(field.kind, field.label, self.table))
        add = described(named(QPushButton("Add row"), "Add row"), f"Adds a row to {label}")
        remove = described(named(QPushButton("Remove row"), "Remove row"), f"Removes the current row of {label}")
        add.clicked.connect(lambda: self._append({}))
        remove.clicked.connect(self._remove_current)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def load(self, value: tuple[Any, ...]) -> None:
        self.table.setRowCount(0)
        for record in self.kind.dump(value):
            self._append(record)

    def _append(self, record: dict[str, Any]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for column, field in enumerate(self.kind.fields):
            raw = record.get(field.name)
            item = QTableWidgetItem()
            if isinstance(field.kind, kinds.BooleanKind):
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if raw else Qt.CheckState.Unchecked)
            elif isinstance(raw, list):
                item.setText(", ".join(str(part) for part in raw))
            elif raw is None and isinstance(field.kind, kinds.ChoiceKind) and field.kind.options:
                item.setText(str(field.kind.options[0]))  # a new row starts on a valid value
            else:
                item.setText("" if raw is None else str(raw))
            self.table.setItem(row, column, item)

    def _remove_current(self) -> None:
        if self.table.currentRow() >= 0:
            self.table.removeRow(self.table.currentRow())

    def value(self) -> list[dict[str, Any]]:
        rows = []
        for row in range(self.table.rowCount()):
            record = {}
            for column, field in enumerate(self.kind.fields):
                item = self.table.item(row, column)
                record[field.name] = _cell_value(field.kind, item)
            rows.append(record)
        return rows


def _cell_value(kind: Any, item: QTableWidgetItem | None) -> Any:
    if item is None:
        return None
    if isinstance(kind, kinds.BooleanKind):
        return item.checkState() == Qt.CheckState.Checked
    text = item.text().strip()
    if isinstance(kind, kinds.IntegerKind):
        return int(text) if text.lstrip("-").isdigit() else text
    if isinstance(kind, kinds.ChoiceKind):
        for option in kind.options:
            if str(option) == text:
                return option
    if isinstance(kind, kinds.StringListKind):
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def editor_for(spec: kinds.SettingSpec) -> QWidget:
    kind = spec.kind
    if isinstance(kind, kinds.IntegerKind):
        editor: QWidget = IntegerEditor(kind)
    elif isinstance(kind, kinds.BooleanKind):
        editor = BooleanEditor(spec.label)
    elif isinstance(kind, kinds.ChoiceKind):
        editor = ChoiceEditor(kind)
    elif isinstance(kind, kinds.StringListKind):
        editor = StringListEditor()
    elif isinstance(kind, kinds.RecordListKind):
        return RecordListEditor(kind, spec.label)
    else:
        editor = TextEditor()
    return named(editor, spec.label)

