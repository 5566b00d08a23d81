"""Tariffs as a table model: column constants, a sort role with raw values, a raw row role."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.formatting import Formats
from app.services.tariffs.service import TariffRow

(COL_NAME, COL_UTILITY, COL_RATE_TYPE, COL_VALID_FROM, COL_VALID_TO, COL_STATUS, COL_VERSION,
 COL_UPDATED) = range(8)
HEADERS = ("Tariff name", "Utility", "Rate type", "Valid from", "Valid to", "Status", "Version",
           "Last updated")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
RAW_ROLE = Qt.ItemDataRole.UserRole + 2
ROOT = QModelIndex()


class TariffTableModel(QAbstractTableModel):
    def __init__(self, formats: Formats | None = None) -> None:
        super().__init__()
        self.formats = formats or Formats()
        self._rows: list[TariffRow] = []

    def set_rows(self, rows: list[TariffRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> TariffRow:
        return self._rows[row]

    def rows(self) -> list[TariffRow]:
        return list(self._rows)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == RAW_ROLE:
            return row
        if role == SORT_ROLE:
            return self._sort_value(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            categories = ", ".join(row.categories) or "All consumer categories"
            return f"{row.name}\n{row.description}\n{categories}".replace("\n\n", "\n").strip()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, index.column())
        return None

    def _text(self, row: TariffRow, column: int) -> str:
        return {
            COL_NAME: row.name,
            COL_UTILITY: row.utility.label,
            COL_RATE_TYPE: row.rate_type.label,
            COL_VALID_FROM: self.formats.day(row.valid_from),
            COL_VALID_TO: "Ongoing" if row.valid_to is None else self.formats.day(row.valid_to),
            COL_STATUS: row.status.value,
            COL_VERSION: row.version_label,
            COL_UPDATED: f"{self.formats.moment(row.updated_at)} · {row.updated_by}",
        }[column]

    @staticmethod
    def _sort_value(row: TariffRow, column: int) -> object:
        return {
            COL_NAME: row.name.casefold(),
            COL_UTILITY: row.utility.label,
            COL_RATE_TYPE: row.rate_type.label,
            COL_VALID_FROM: row.valid_from.isoformat(),
            COL_VALID_TO: (row.valid_to or date.max).isoformat(),
            COL_STATUS: row.status.value,
            COL_VERSION: row.version_no,
            COL_UPDATED: row.updated_at.isoformat(),
        }[column]
