"""Table models of the payment plan and reconciliation screens: the lazy plan list, and a small
static model for short lists (installments, previews, alerts, statement lines)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from app.services.payments.payment_plan_queries import PlanRow
from app.views.common.rows import BADGE_ROLE, RAW_ROLE
from app.views.common.tables import RowAction, fit_columns, keyboard_table
from app.views.common.widgets import named
from app.views.payments.display import Display
from app.views.payments.table_models import Fetch, LazyTableModel

(COL_PLAN_NO, COL_PLAN_CONSUMER, COL_PLAN_STATUS, COL_PLAN_NEXT_DUE, COL_PLAN_MISSED,
 COL_PLAN_REMAINING, COL_PLAN_TOTAL, COL_PLAN_CREATED) = range(8)


class PlansTableModel(LazyTableModel):
    HEADERS = ("Plan #", "Consumer", "Status", "Next due", "Missed", "Remaining", "Total", "Created")
    SORT_KEYS = ("plan", "consumer", "status", "next_due", "missed", "remaining", "total", "created")
    RIGHT_COLUMNS = frozenset({COL_PLAN_MISSED, COL_PLAN_REMAINING, COL_PLAN_TOTAL})
    BADGES = {COL_PLAN_STATUS: "status"}

    def __init__(self, fetch: Fetch, display: Display) -> None:
        super().__init__(fetch, display, "created")

    def cells(self, row: PlanRow) -> tuple[str, ...]:
        d = self.display
        return (row.plan_no, f"{row.consumer_name} ({row.account_no})", row.status,
                d.day(row.next_due) if row.next_due else "—", str(row.missed),
                d.money(row.remaining), d.money(row.total), d.local_day(row.created_at))


GREEN, AMBER, RED, BLUE, GREY = (("#1e6b3a", "#e3f4e8"), ("#8a5a00", "#fff3d6"),
                                 ("#b3261e", "#fbe4e2"), ("#24507a", "#e2edf8"),
                                 ("#33414f", "#eceff2"))
STATE_COLOURS = {"Active": GREEN, "Completed": BLUE, "Defaulted": RED, "Paid": GREEN,
                 "Upcoming": GREY, "Overdue": AMBER, "Missed": RED, "Matched": GREEN,
                 "Unmatched": AMBER, "Discrepancy": RED, "Resolved": BLUE}


class StateDelegate(QStyledItemDelegate):
    """Plan, installment and reconciliation states as coloured pills."""

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802 - Qt API
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        if index.data(BADGE_ROLE):  # the pill, its padding and margins: a column fits it whole
            text = str(index.data(Qt.ItemDataRole.DisplayRole))
            hint.setWidth(max(hint.width(), option.fontMetrics.horizontalAdvance(text) + 28))
        return hint

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        if not index.data(BADGE_ROLE):
            super().paint(painter, option, index)
            return
        text = str(index.data(Qt.ItemDataRole.DisplayRole))
        fg, bg = STATE_COLOURS.get(text, GREY)
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = min(option.fontMetrics.horizontalAdvance(text) + 20, option.rect.width() - 8)
        height = option.fontMetrics.height() + 4
        pill = QRectF(option.rect.x() + 4, option.rect.center().y() - height / 2, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(bg))
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setPen(QColor(fg))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


def rows_table(model: QAbstractTableModel, name: str, stretch: int = 1,
               on_row: RowAction | None = None) -> QTableView:
    """A read-only, row-selecting table with state pills, columns fitting their content and one
    stretching column; `on_row` runs on Enter and on double-click."""
    table = keyboard_table(named(QTableView(), name), on_row)
    table.setModel(model)
    table.setItemDelegate(StateDelegate(table))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    fit_columns(table, stretch)
    return table


def selected_item(table: QTableView) -> Any:
    index = table.currentIndex()
    return index.data(RAW_ROLE) if index.isValid() else None
