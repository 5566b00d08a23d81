"""Record Payment's table of the consumer's open items (bills, services or installments)."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from app.services.payments.posting import PayableItem
from app.views.common.tables import keyboard_table
from app.views.common.widgets import named
from app.views.payments.display import Display

ITEM_HEADERS = ("Reference", "Period / date", "Amount", "Open amount", "Due date")


class OpenItemsTable(QTableWidget):
    """One row per open item, oldest due first; the first row is preselected."""

    def __init__(self, display: Display) -> None:
        super().__init__(0, len(ITEM_HEADERS))
        named(self, "Open items")
        self.display = display
        self.shown: list[PayableItem] = []
        self.setHorizontalHeaderLabels(ITEM_HEADERS)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.horizontalHeader().setStretchLastSection(True)
        self.setMaximumHeight(130)
        keyboard_table(self)

    def show_items(self, items: list[PayableItem]) -> None:
        self.shown = list(items)
        self.setRowCount(len(items))
        for row, item in enumerate(items):
            when = (f"{self.display.day(item.period_start)} – {self.display.day(item.period_end)}"
                    if item.period_start else self.display.day(item.service_date))
            cells = (item.reference, when, self.display.money(item.amount),
                     self.display.money(item.open_amount), self.display.day(item.due_date))
            for column, text in enumerate(cells):
                self.setItem(row, column, QTableWidgetItem(text))
        if items:
            self.selectRow(0)

    def selected(self) -> PayableItem | None:
        row = self.currentRow()
        return self.shown[row] if 0 <= row < len(self.shown) else None
