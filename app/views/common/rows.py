"""A short list shown whole as a table model: each item becomes its column texts once, when the
list is set. Used by the payment plan, reconciliation and import screens and the list-and-detail
dialogs (notifications, sync problems)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

ROOT = QModelIndex()
RAW_ROLE = Qt.ItemDataRole.UserRole + 1  # the item behind a row
BADGE_ROLE = Qt.ItemDataRole.UserRole + 2  # "status" or "reason": drawn as a pill
TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole)


class RowsTableModel(QAbstractTableModel):
    """A short list shown whole: `cells` turns each item into its column texts; `bold` says which
    items stand out (unread ones, say). A cell's tooltip is its whole text."""

    def __init__(self, headers: Sequence[str], cells: Callable[[Any], Sequence[str]], *,
                 badges: dict[int, str] | None = None, right: frozenset[int] = frozenset(),
                 bold: Callable[[Any], bool] | None = None) -> None:
        super().__init__()
        self.headers, self.cells = tuple(headers), cells
        self.badges, self.right, self.bold = badges or {}, right, bold
        self.items: list[Any] = []
        self._texts: list[Sequence[str]] = []

    def set_items(self, items: Sequence[Any]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self._texts = [tuple(self.cells(item)) for item in self.items]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role in TEXT_ROLES:
            return self._texts[row][column]
        if role == RAW_ROLE:
            return self.items[row]
        if role == BADGE_ROLE:
            return self.badges.get(column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self.bold is not None and self.bold(self.items[row]):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def texts(self, column: int) -> list[str]:
        """What one column shows, top to bottom (tests read the screen with it)."""
        return [cells[column] for cells in self._texts]
