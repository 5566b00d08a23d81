"""The All Payments tab: search, the spec's filters, the lazy list and each row's actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import ValidationError
from app.domain.core.permissions import Permission, can
from app.domain.payments.rules import COUNTED_STATUSES, PaymentStatus, PaymentType
from app.services.core.context import Actor
from app.services.payments.posting import PaymentFilter, PaymentRow, Sort
from app.services.registry import Services
from app.views.common.forms import caption
from app.views.common.tables import row_shortcuts, show_shortcuts
from app.views.common.widgets import named
from app.views.payments.display import Background, Display, alive
from app.views.payments.list_widgets import DateRangeFilter, chosen, combo, lazy_table, size_columns
from app.views.payments.table_models import (
    COL_DATE,
    COL_PAYMENT_ACTIONS,
    COL_RECEIPT,
    PaymentsTableModel,
)

STATUSES = tuple(s.value for s in PaymentStatus)
# A payment row's actions from the keyboard, besides Enter (details) and the Menu key.
ROW_KEYS = {"View receipt": "Ctrl+R", "Create credit note": "Ctrl+Shift+C", "Void payment": "Ctrl+Shift+V"}


def choose_export_path(parent: QWidget, suggested: str, fmt: str) -> Path | None:
    """Ask where to save the export; None when the user cancels. (Tests replace this.)"""
    kind = {"csv": "CSV files (*.csv)", "xlsx": "Excel workbooks (*.xlsx)"}[fmt]
    path, _ = QFileDialog.getSaveFileName(parent, "Export payments", suggested, kind)
    return Path(path) if path else None


class PaymentsTab(QWidget):
    open_payment = Signal(str)
    view_receipt = Signal(str)
    create_credit_note = Signal(str)
    void_payment = Signal(str)

    def __init__(self, services: Services, actor: Actor, display: Display,
                 today: Callable[[], date]) -> None:
        super().__init__()
        named(self, "All Payments tab")
        self.services, self.actor, self.display = services, actor, display
        self.filter = PaymentFilter()
        self._count_generation = 0
        self.search = named(QLineEdit(), "Search payments")
        self.search.setPlaceholderText("Search by consumer name, receipt no or consumer ID")
        self.search.setClearButtonEnabled(True)
        self.dates = DateRangeFilter("Payment date range", today, display.qt_date_format)
        modes = services.settings.current().payment_modes
        self.method = combo("Method", ("All methods", *modes))
        self.status = combo("Status", ("All statuses", *STATUSES))
        self.payment_type = combo("Type", ("All types", *(t.value for t in PaymentType)))
        self.clear = named(QPushButton("Clear filters"), "Clear filters")
        self.exports = {fmt: named(QPushButton(f"Export {fmt.upper()}"), f"Export {fmt.upper()}")
                        for fmt in ("csv", "xlsx")}
        self.count_label = named(QLabel(""), "Payments count")
        self.channel: str | None = None  # set only by a drill-down's channel slice
        self.channel_note = named(QLabel(""), "Channel filter")
        self.channel_note.hide()
        self.model = PaymentsTableModel(self._fetcher(self.filter), display)
        self.table = lazy_table(self.model, "All payments list", COL_DATE, lambda index: self._open(index.row()))
        size_columns(self.table)
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._layout()
        self._connect()

    def _layout(self) -> None:
        filters = QHBoxLayout()
        for widget in (self.dates, self.method, self.status, self.payment_type, self.channel_note,
                       self.clear):
            filters.addWidget(widget)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        search = QHBoxLayout()  # the exports sit beside the search field, which gives way to them
        search.addWidget(caption("&Search", self.search))
        search.addWidget(self.search, 1)
        for button in self.exports.values():
            search.addWidget(button)
        layout.addLayout(search)
        layout.addLayout(filters)
        layout.addWidget(self.dates.error)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

    def _connect(self) -> None:
        self.search.textEdited.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self.apply)
        self._debounce.timeout.connect(self.apply)
        self.dates.changed.connect(self.apply)
        for box in (self.method, self.status, self.payment_type):
            box.currentIndexChanged.connect(self.apply)
        self.clear.clicked.connect(self.clear_filters)
        for fmt, button in self.exports.items():
            button.clicked.connect(lambda _c=False, f=fmt: self.export(f))
        self.table.clicked.connect(self._clicked)
        self.table.customContextMenuRequested.connect(self._context_menu)
        row_shortcuts(self.table, self.row_menu, ROW_KEYS)
        self.model.fetch_failed.connect(lambda error: self.count_label.setText(f"Not loaded: {error}"))

    # filtering --------------------------------------------------------------------------

    def _fetcher(self, flt: PaymentFilter):
        def fetch(offset: int, limit: int, key: str, descending: bool) -> list[PaymentRow]:
            return self.services.payments.list_payments(self.actor, flt, offset, limit,
                                                        Sort(key, descending))
        return fetch

    def current_filter(self) -> PaymentFilter:
        first, last = self.dates.bounds()
        return PaymentFilter(text=self.search.text().strip(), date_from=first, date_to=last,
                             method=chosen(self.method), status=chosen(self.status),
                             payment_type=chosen(self.payment_type), channel=self.channel)

    def apply(self) -> None:
        try:
            self.filter = self.current_filter()
        except ValidationError:
            return  # the date range says what is wrong; the list keeps its last filter
        self.model.reset(self._fetcher(self.filter))
        self._count()

    def show_filter(self, flt: PaymentFilter) -> None:
        """The list as a drill-down's slice asks: its method (or all) and its dates."""
        for box, value in ((self.method, flt.method), (self.status, None), (self.payment_type, None)):
            box.blockSignals(True)
            box.setCurrentIndex(max(0, box.findText(value)) if value else 0)
            box.blockSignals(False)
        self.search.clear()
        self._show_channel(flt.channel)
        if flt.date_from and flt.date_to:
            self.dates.set_range(flt.date_from, flt.date_to)
        self.apply()

    def _show_channel(self, channel: str | None) -> None:
        self.channel = channel
        self.channel_note.setText(f"Channel: {channel}" if channel else "")
        self.channel_note.setVisible(bool(channel))

    def clear_filters(self) -> None:
        for box in (self.method, self.status, self.payment_type):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.search.clear()
        self._show_channel(None)
        self.dates.reset()
        self.apply()

    def _count(self) -> None:
        self._count_generation += 1
        generation, flt = self._count_generation, self.filter

        def show(total: int) -> None:
            if alive(self.count_label) and generation == self._count_generation:
                self.count_label.setText(f"{total:,} payment{'s' if total != 1 else ''}")

        Background(self, lambda: self.services.payments.count_payments(self.actor, flt)) \
            .success(show).failure(lambda error: self.count_label.setText(f"Not counted: {error}")) \
            .run_in_background()

    def export(self, fmt: str) -> None:
        """The list as filtered and sorted now, to a CSV or XLSX file the user names."""
        path = choose_export_path(self, f"payments.{fmt}", fmt)
        if path is None:
            return
        flt, sort = self.filter, Sort(self.model.sort_key, self.model.descending)
        self.count_label.setText(f"Exporting to {path.name}…")
        Background(self, lambda: self.services.payments.export_payments(self.actor, flt, sort, path,
                                                                        fmt), label="Exporting…") \
            .success(lambda n: self.count_label.setText(
                f"Exported {n:,} payment{'s' if n != 1 else ''} to {path}")) \
            .failure(lambda error: self.count_label.setText(f"Not exported: {error}")) \
            .run_in_background()

    # rows -------------------------------------------------------------------------------

    def _clicked(self, index: QModelIndex) -> None:
        if index.column() == COL_RECEIPT:
            self._open(index.row())
        elif index.column() == COL_PAYMENT_ACTIONS:
            rect = self.table.visualRect(index)
            self.row_menu(index.row()).popup(self.table.viewport().mapToGlobal(rect.bottomLeft()))

    def _context_menu(self, point: QPoint) -> None:
        index = self.table.indexAt(point) if point is not None else self.table.currentIndex()
        if not index.isValid():
            index = self.table.currentIndex()
        if index.isValid():
            self.row_menu(index.row()).popup(self.table.viewport().mapToGlobal(point))

    def _open(self, row: int) -> None:
        self.open_payment.emit(self.model.row_at(row).payment_id)

    def row_menu(self, row: int) -> QMenu:
        """The three-dot menu of one payment, holding only what this role may do."""
        payment: PaymentRow = self.model.row_at(row)
        menu = QMenu(self)
        named(menu, f"Actions for {payment.receipt_no}")
        entries = [("View details", self.open_payment), ("View receipt", self.view_receipt)]
        counted = payment.status in COUNTED_STATUSES
        if counted and can(self.actor.role, Permission.CREATE_CREDIT_NOTE):
            entries.append(("Create credit note", self.create_credit_note))
        if counted and can(self.actor.role, Permission.VOID_PAYMENT):
            entries.append(("Void payment", self.void_payment))
        for text, signal in entries:
            action = QAction(text, menu)
            action.triggered.connect(lambda _c=False, s=signal: s.emit(payment.payment_id))
            menu.addAction(action)
        return show_shortcuts(menu, ROW_KEYS)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
