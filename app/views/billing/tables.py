"""A read-only table filled from rows of text: the billing screens' lists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem

from app.domain.core.money import Money
from app.formatting import format_money
from app.views.common.tables import fit_columns, keyboard_table
from app.views.common.widgets import named


def money_formatter(services) -> Callable[[Decimal | None], str]:
    """Amounts in the utility's currency and locale ("$1,234.50", "₹1,23,450.00")."""
    settings = services.settings.current()

    def show(amount: Decimal | None) -> str:
        return "—" if amount is None else format_money(Money(amount, settings.currency), settings.locale)

    return show


def read_only_table(name: str, headers: Sequence[str], stretch: int | None = None) -> QTableWidget:
    """Columns fit their content; `stretch` (the long text column, the last by default) takes
    the rest and elides with the whole text in its tooltip."""
    table = keyboard_table(named(QTableWidget(0, len(headers)), name))  # Tab leaves the table
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    fit_columns(table, len(headers) - 1 if stretch is None else stretch)
    return table


def fill(table: QTableWidget, rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c in right:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    if rows and table.currentRow() < 0:
        table.selectRow(0)


def selected_row(table: QTableWidget) -> int | None:
    row = table.currentRow()
    return row if 0 <= row < table.rowCount() else None
