"""The payments and credit notes lists as lazy table models: pages come from SQL as the user
scrolls, and sorting is the service's ORDER BY (a header click resets the model)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from app.services.payments.credit_notes import CreditNoteRow
from app.services.payments.posting import PaymentRow
from app.views.common.rows import BADGE_ROLE, RAW_ROLE, ROOT
from app.views.payments.display import Display

PAGE = 100
LINK_COLOUR = QColor("#1a5fb4")
ACTIONS = "⋮"

Fetch = Callable[[int, int, str, bool], Sequence[Any]]  # offset, limit, sort key, descending


class LazyTableModel(QAbstractTableModel):
    """Rows fetched PAGE at a time; subclasses say the headers, sort keys and cell texts."""

    HEADERS: tuple[str, ...] = ()
    SORT_KEYS: tuple[str | None, ...] = ()
    LINK_COLUMNS: frozenset[int] = frozenset()
    RIGHT_COLUMNS: frozenset[int] = frozenset()
    BADGES: dict[int, str] = {}
    fetch_failed = Signal(object)
    cells: Callable[[Any], tuple[str, ...]]  # each subclass: the texts of one row's cells

    def __init__(self, fetch: Fetch, display: Display, sort_key: str, descending: bool = True) -> None:
        super().__init__()
        self._fetch, self.display = fetch, display
        self.sort_key, self.descending = sort_key, descending
        self._rows: list[Any] = []
        self._exhausted = False

    def reset(self, fetch: Fetch | None = None) -> None:
        self.beginResetModel()
        self._fetch = fetch or self._fetch
        self._rows, self._exhausted = [], False
        self.endResetModel()
        self.fetchMore(ROOT)

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        if parent.isValid() or self._exhausted:
            return
        try:
            page = list(self._fetch(len(self._rows), PAGE, self.sort_key, self.descending))
        except Exception as error:  # noqa: BLE001 - shown by the page; the list stays as it was
            self._exhausted = True
            self.fetch_failed.emit(error)
            return
        self._exhausted = len(page) < PAGE
        if page:
            first = len(self._rows)
            self.beginInsertRows(ROOT, first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.SORT_KEYS[column] if column < len(self.SORT_KEYS) else None
        if key is None:
            return
        self.sort_key, self.descending = key, order == Qt.SortOrder.DescendingOrder
        self.reset()

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.cells(row)[column]
        return self._decoration(row, column, role)

    def _decoration(self, row: Any, column: int, role: int) -> Any:
        if role == RAW_ROLE:
            return row
        if role == BADGE_ROLE:
            return self.BADGES.get(column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.RIGHT_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column in self.LINK_COLUMNS:
            return LINK_COLOUR
        if role == Qt.ItemDataRole.FontRole and column in self.LINK_COLUMNS:
            font = QFont()
            font.setUnderline(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column in self.LINK_COLUMNS:
            return "Open (click or Enter)"
        return None



(COL_RECEIPT, COL_CONSUMER, COL_AMOUNT, COL_METHOD, COL_DATE, COL_TYPE, COL_STATUS,
 COL_PAYMENT_ACTIONS) = range(8)


class PaymentsTableModel(LazyTableModel):
    HEADERS = ("Receipt #", "Consumer", "Amount", "Method", "Date", "Type", "Status", "Actions")
    SORT_KEYS = ("receipt", "consumer", "amount", "method", "date", "type", "status", None)
    LINK_COLUMNS = frozenset({COL_RECEIPT})
    RIGHT_COLUMNS = frozenset({COL_AMOUNT})
    BADGES = {COL_STATUS: "status"}

    def __init__(self, fetch: Fetch, display: Display) -> None:
        super().__init__(fetch, display, "date")

    def cells(self, row: PaymentRow) -> tuple[str, ...]:
        d = self.display
        return (row.receipt_no, f"{row.consumer_name} ({row.account_no})", d.money(row.amount),
                row.method, d.local_day(row.paid_at), row.payment_type, row.status, ACTIONS)


(COL_NOTE_NUMBER, COL_NOTE_CONSUMER, COL_NOTE_AMOUNT, COL_NOTE_REMAINING, COL_NOTE_REASON,
 COL_NOTE_STATUS, COL_NOTE_CREATED, COL_NOTE_RECEIPT, COL_NOTE_ACTIONS) = range(9)


class CreditNotesTableModel(LazyTableModel):
    HEADERS = ("Credit Note #", "Consumer", "Amount", "Remaining", "Reason", "Status",
               "Created Date", "Linked Payment", "Actions")
    SORT_KEYS = ("number", "consumer", "amount", "remaining", "reason", "status", "created",
                 "receipt", None)
    LINK_COLUMNS = frozenset({COL_NOTE_NUMBER, COL_NOTE_RECEIPT})
    RIGHT_COLUMNS = frozenset({COL_NOTE_AMOUNT, COL_NOTE_REMAINING})
    BADGES = {COL_NOTE_REASON: "reason", COL_NOTE_STATUS: "status"}

    def __init__(self, fetch: Fetch, display: Display) -> None:
        super().__init__(fetch, display, "created")

    def cells(self, row: CreditNoteRow) -> tuple[str, ...]:
        d = self.display
        return (row.credit_note_no, f"{row.consumer_name} ({row.account_no})", d.money(row.amount),
                d.money(row.remaining), row.reason, row.status.value, d.local_day(row.created_at),
                row.receipt_no, ACTIONS)
