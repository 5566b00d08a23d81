"""Audit entries as a lazy table model: pages of 200 are fetched from SQL as the user scrolls."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from app.formatting import Formats
from app.services.core.audit import AuditRow
from app.views.audit.audit_text import action_words, moment_text, record_number, summary_text

COL_SEQ, COL_TIME, COL_USER, COL_ACTION, COL_ENTITY, COL_ENTITY_ID, COL_SUMMARY = range(7)
HEADERS = ("#", "Time", "User", "Action", "Record", "Number", "What changed")
PAGE = 200
ROOT = QModelIndex()
RAW_ROLE = Qt.ItemDataRole.UserRole + 1

Fetch = Callable[[int, int], list[AuditRow]]  # (offset, limit) -> rows


class AuditTableModel(QAbstractTableModel):
    def __init__(self, fetch: Fetch, formats: Formats | None = None) -> None:
        super().__init__()
        self._fetch = fetch
        self.formats = formats or Formats()
        self._rows: list[AuditRow] = []
        self._exhausted = False

    def reset(self, fetch: Fetch) -> None:
        self.beginResetModel()
        self._fetch, self._rows, self._exhausted = fetch, [], False
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(HEADERS)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        if parent.isValid() or self._exhausted:
            return
        page = self._fetch(len(self._rows), PAGE)
        if len(page) < PAGE:
            self._exhausted = True
        if page:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == RAW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (COL_SUMMARY, COL_ENTITY_ID):
            return summary_text(row, self.formats) if index.column() == COL_SUMMARY else \
                f"{row.entity} {row.entity_id}"
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == COL_TIME:
            return f"{row.at:%Y-%m-%d %H:%M:%S} UTC"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            COL_SEQ: str(row.seq),
            COL_TIME: moment_text(row.at, self.formats),
            COL_USER: row.user_name,
            COL_ACTION: action_words(row.action),
            COL_ENTITY: action_words(row.entity),
            COL_ENTITY_ID: record_number(row),
            COL_SUMMARY: summary_text(row, self.formats),
        }[index.column()]
