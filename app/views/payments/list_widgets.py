"""Pieces both Payments lists use: the pill delegate, the table view, the date range filter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.domain.core.errors import ValidationError
from app.domain.payments.credit_notes import DatePreset, created_range
from app.views.common.forms import DateEdit, caption
from app.views.common.rows import BADGE_ROLE
from app.views.common.tables import RowAction, fit_columns, keyboard_table
from app.views.common.widgets import named
from app.views.payments.display import (
    BADGE_COLOURS,
    REASON_COLOURS,
    error_label,
    show_error,
    to_qdate,
)
from app.views.payments.table_models import LazyTableModel

ALL_DATES = "All dates"


class BadgeDelegate(QStyledItemDelegate):
    """Statuses and reasons as coloured pills, as the spec's lists show them."""

    def sizeHint(self, option: QStyleOptionViewItem,  # noqa: N802 - Qt API
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        hint = super().sizeHint(option, index)
        if index.data(BADGE_ROLE):  # the pill, its padding and margins: a column fits it whole
            text = str(index.data(Qt.ItemDataRole.DisplayRole))
            hint.setWidth(max(hint.width(), option.fontMetrics.horizontalAdvance(text) + 28))
        return hint

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        kind = index.data(BADGE_ROLE)
        if not kind:
            super().paint(painter, option, index)
            return
        text = str(index.data(Qt.ItemDataRole.DisplayRole))
        fg, bg = REASON_COLOURS if kind == "reason" else BADGE_COLOURS.get(text, ("#33414f", "#eceff2"))
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = option.fontMetrics
        width = min(metrics.horizontalAdvance(text) + 20, option.rect.width() - 8)
        height = metrics.height() + 4
        pill = QRectF(option.rect.x() + 4, option.rect.center().y() - height / 2, width, height)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(bg))
        painter.drawRoundedRect(pill, height / 2, height / 2)
        painter.setPen(QColor(fg))
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


def lazy_table(model: LazyTableModel, name: str, sort_column: int, on_row: RowAction | None = None) -> QTableView:
    table = keyboard_table(named(QTableView(), name), on_row)
    table.setModel(model)
    table.setItemDelegate(BadgeDelegate(table))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    table.horizontalHeader().setSortIndicator(sort_column, Qt.SortOrder.DescendingOrder)
    table.setSortingEnabled(True)
    return table


def size_columns(table: QTableView) -> None:
    """Columns fit their header and content; the consumer's name (column 1) takes the rest."""
    fit_columns(table, 1)


def combo(label: str, options: tuple[str, ...]) -> QComboBox:
    box = named(QComboBox(), label)  # a compact filter bar: the name says what it filters
    box.addItems(options)
    box.setToolTip(label)
    box.setAccessibleDescription(f"Filters the list by {label.lower()}")
    return box


def chosen(box: QComboBox) -> str | None:
    """The combo's value, None for its first "All ..." entry."""
    return box.currentText() if box.currentIndex() > 0 else None


class DateRangeFilter(QWidget):
    """All dates, Today, This Week, This Month or a custom From-To range (validated)."""

    changed = Signal()

    def __init__(self, label: str, today: Callable[[], date], qt_format: str) -> None:
        super().__init__()
        self.today = today
        self.preset = combo(label, (ALL_DATES, *(p.value for p in DatePreset)))
        self.date_from = self._date_edit("From", qt_format)
        self.date_to = self._date_edit("To", qt_format)
        self.error = error_label(label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.preset, caption("From", self.date_from), self.date_from,
                       caption("To", self.date_to), self.date_to):
            layout.addWidget(widget)
        self.preset.currentIndexChanged.connect(self._preset_changed)
        self._preset_changed()

    def _date_edit(self, name: str, qt_format: str) -> QDateEdit:
        edit = named(DateEdit(), name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(qt_format)
        edit.setDate(to_qdate(self.today()))
        edit.dateChanged.connect(lambda _d: self.changed.emit())
        return edit

    def _preset_changed(self) -> None:
        custom = self.preset.currentText() == DatePreset.CUSTOM.value
        self.date_from.setEnabled(custom)
        self.date_to.setEnabled(custom)
        self.changed.emit()

    def reset(self) -> None:
        self.preset.setCurrentIndex(0)

    def set_range(self, first: date, last: date) -> None:
        """A custom From-To range, set without a `changed` per field (the caller applies once)."""
        for widget in (self.preset, self.date_from, self.date_to):
            widget.blockSignals(True)
        self.preset.setCurrentText(DatePreset.CUSTOM.value)
        self.date_from.setDate(to_qdate(first))
        self.date_to.setDate(to_qdate(last))
        for widget in (self.preset, self.date_from, self.date_to):
            widget.blockSignals(False)
        self.date_from.setEnabled(True)
        self.date_to.setEnabled(True)

    def bounds(self) -> tuple[date | None, date | None]:
        """(first, last) days, (None, None) for all dates; raises ValidationError naming the range."""
        if self.preset.currentIndex() == 0:
            show_error(self.error, "")
            return None, None
        try:
            first, last = created_range(DatePreset(self.preset.currentText()), self.today(),
                                        self.date_from.date().toPython(),
                                        self.date_to.date().toPython())
        except ValidationError as error:
            show_error(self.error, error.message)
            raise
        show_error(self.error, "")
        return first, last
