"""A list with the selected item's details under it and actions beside Close: the shape of the
notifications and sync problems dialogs. Subclasses fill the list (`reload`), say what the
selection shows (`show_selection`) and run their actions with `run`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.views.common.dialogs import keyboard_dialog
from app.views.common.operations import Operation
from app.views.common.rows import RowsTableModel
from app.views.common.tables import RowAction, fit_columns, keyboard_table
from app.views.common.widgets import named


class ListDetailDialog(QDialog):
    """`title` names the dialog; `list_name`, `summary_name` and `detail_name` name its table and
    labels; `actions` are the buttons left of Close; `stretch` is the long text column."""

    reload: Callable[[], None]  # each dialog reads its own list and calls `show_items`
    show_selection: Callable[[], None]  # each dialog says what its selection shows and allows

    def __init__(self, title: str, model: RowsTableModel, *, list_name: str, summary_name: str,
                 detail_name: str, actions: Sequence[QPushButton], stretch: int,
                 on_row: RowAction | None = None, multi: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, title)
        self.setWindowTitle(title)
        self.model = model
        self.actions = tuple(actions)
        self.table = keyboard_table(named(QTableView(), list_name), on_row)
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                                    else QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        fit_columns(self.table, stretch)
        self.summary = named(QLabel(), summary_name)
        self.details = named(QLabel(), detail_name)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = named(QPushButton("Close"), "Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in self.actions:
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.show_selection())
        keyboard_dialog(self, accept=close, first=self.table)

    def selected(self) -> list[Any]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.items[row] for row in rows]

    def show_items(self, items: Sequence[Any], summary: str, *, keep_row: bool = False) -> None:
        """Fill the list, say what it holds, and select a row (the same one again with `keep_row`)."""
        row = max(self.table.currentIndex().row(), 0) if keep_row else 0
        self.model.set_items(items)
        self.summary.setText(summary)
        self.table.resizeColumnsToContents()
        if self.model.items:
            self.table.selectRow(min(row, len(self.model.items) - 1))
        self.show_selection()

    def run(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """Run an action's write in the background, its buttons off meanwhile; the list is read
        again afterwards, whatever the outcome."""
        for button in self.actions:
            button.setEnabled(False)

        def succeeded(result: Any) -> None:
            self.reload()
            done(result)

        Operation(self, work, writes=True, label="Saving…").success(succeeded).failure(self.failed) \
            .run_in_background()

    def failed(self, error: Exception) -> None:
        from app.views.common.errors import show_error

        self.reload()
        show_error(self, error)
