"""Record Payment's table of the consumer's open items (bills, services or installments).

Every item is ticked by default and one payment settles the ticked ones, oldest due first.
Space ticks or unticks the current row; typing in its "Paying" cell (Right goes there) changes the
amount paid on it, at most the item's open amount (the rules check it and name the item)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.payments.allocation import OpenItem, item_caps
from app.services.payments.posting import PayableItem
from app.services.payments.queries import open_item_of
from app.views.common.tables import fit_columns, keyboard_table
from app.views.common.widgets import named
from app.views.payments.display import Display

# Paying beside the reference, where a narrow form still shows it without scrolling.
ITEM_HEADERS = ("Reference", "Paying", "Period / date", "Amount", "Open amount", "Due date")
PAYING = ITEM_HEADERS.index("Paying")
_FIXED = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class OpenItemsTable(QTableWidget):
    """One row per open item, oldest due first, all ticked; the first row is current."""

    changed = Signal(bool)  # an item was ticked, unticked or its amount changed (by the cashier)

    def __init__(self, display: Display) -> None:
        super().__init__(0, len(ITEM_HEADERS))
        named(self, "Open items")
        self.setAccessibleDescription("Space ticks or unticks an item; type in Paying to change the amount paid")
        self.display = display
        self.shown: list[PayableItem] = []
        self.setHorizontalHeaderLabels(ITEM_HEADERS)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.verticalHeader().hide()
        # the period, the longest text, gives way (elided, whole in its tooltip) so that the
        # reference, what is paid and the amounts always show without scrolling sideways
        fit_columns(self, stretch=ITEM_HEADERS.index("Period / date"))
        self.setMaximumHeight(130)
        keyboard_table(self)
        self.itemChanged.connect(lambda _item: self.changed.emit(True))

    def show_items(self, items: list[PayableItem]) -> None:
        self.shown = list(items)
        self.blockSignals(True)
        self.setRowCount(len(items))
        for row, item in enumerate(items):
            when = (f"{self.display.day(item.period_start)} – {self.display.day(item.period_end)}"
                    if item.period_start else self.display.day(item.service_date))
            cells = (item.reference, str(item.open_amount.amount), when,
                     self.display.money(item.amount), self.display.money(item.open_amount),
                     self.display.day(item.due_date))
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setFlags(_FIXED | Qt.ItemFlag.ItemIsEditable if column == PAYING else _FIXED)
                if column == 0:
                    cell.setFlags(_FIXED | Qt.ItemFlag.ItemIsUserCheckable)
                    cell.setCheckState(Qt.CheckState.Checked)
                self.setItem(row, column, cell)
        self.blockSignals(False)
        if items:
            self.setCurrentCell(0, 0)
        self.changed.emit(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        row = self.currentRow()
        if event.key() == Qt.Key.Key_Space and 0 <= row < len(self.shown) \
                and self.state() != QAbstractItemView.State.EditingState:
            self.set_ticked(row, not self.is_ticked(row))
            return
        super().keyPressEvent(event)

    def is_ticked(self, row: int) -> bool:
        return self.item(row, 0).checkState() == Qt.CheckState.Checked

    def set_ticked(self, row: int, ticked: bool) -> None:
        self.item(row, 0).setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def set_paying(self, row: int, text: str) -> None:
        self.item(row, PAYING).setText(text)

    # what the payment settles -----------------------------------------------------------

    def chosen(self) -> list[PayableItem]:
        """The ticked items, oldest due first."""
        return [item for row, item in enumerate(self.shown) if self.is_ticked(row)]

    def selected(self) -> PayableItem | None:
        """The first (oldest due) item paid; None when none is ticked."""
        chosen = self.chosen()
        return chosen[0] if chosen else None

    def amounts(self) -> dict[str, str]:
        """What the cashier has in each ticked item's Paying cell (id -> text)."""
        return {item.item_id: self.item(row, PAYING).text().strip()
                for row, item in enumerate(self.shown) if self.is_ticked(row)}

    def open_items(self) -> tuple[OpenItem, ...]:
        return tuple(open_item_of(item) for item in self.chosen())

    def total(self, field: str) -> Money | None:
        """What the ticked items come to at their Paying amounts; None if one of them is wrong
        or nothing is ticked."""
        items = self.open_items()
        if not items:
            return None
        try:
            caps = item_caps(items, self.amounts(), field)
        except ValidationError:
            return None
        return sum(caps.values(), Money.zero(items[0].open_amount.currency))
