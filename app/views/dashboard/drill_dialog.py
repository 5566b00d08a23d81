"""A drill-down behind a metric: a lazy table (pages from SQL as the user scrolls, sorted and
filtered in SQL), its row count, the ageing analysis for Outstanding, an export, and from a
row the bill it stands for (or the facts of a row that is not a bill)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.money import Money
from app.formatting import format_quantity
from app.reports.dashboard_export import write_rows
from app.services.core.context import Actor
from app.services.dashboard import DashboardFilter, DrillRequest
from app.services.dashboard.drilldown import BUCKETS, Drill
from app.services.registry import Services
from app.views.billing.bill_panel import BillDialog
from app.views.common.dialogs import keyboard_dialog
from app.views.common.errors import show_error
from app.views.common.tables import fit_columns, keyboard_table
from app.views.common.widgets import named
from app.views.payments.display import Display
from app.views.payments.table_models import LazyTableModel


def cell_text(kind: str, value: Any, display: Display) -> str:
    if value is None:
        return ""
    if kind == "money":
        return display.money(Money(value, display.currency))
    if kind == "quantity":
        return format_quantity(value, display.locale, 0 if value == value.to_integral_value() else 3)
    if kind == "date":
        return display.day(value)
    if kind == "moment":
        return display.moment(value)
    return str(value)


class DrillTableModel(LazyTableModel):
    """Rows are tuples: row id, the drill's columns in order, consumer id."""

    def __init__(self, drill: Drill, fetch, display: Display) -> None:
        self.drill = drill
        self.HEADERS = tuple(column.header for column in drill.columns)
        self.SORT_KEYS = tuple(column.key for column in drill.columns)
        self.RIGHT_COLUMNS = frozenset(i for i, c in enumerate(drill.columns)
                                       if c.kind in ("money", "quantity", "number"))
        super().__init__(fetch, display, drill.sort, drill.descending)

    def cells(self, row: tuple) -> tuple[str, ...]:
        return tuple(cell_text(column.kind, value, self.display)
                     for column, value in zip(self.drill.columns, row[1:-1], strict=True))


class DrillDialog(QDialog):
    def __init__(self, services: Services, actor: Actor, metric: str, flt: DashboardFilter,
                 display: Display, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor, self.display = services, actor, display
        self.request = DrillRequest(metric, flt)
        self.drill = services.dashboard_lists.open_drill(actor, self.request)
        self.setWindowTitle(self.drill.title)
        named(self, f"{self.drill.title} drill-down")
        self.resize(1100, 600)
        self.filter = named(QLineEdit(), "Filter rows")
        self.filter.setPlaceholderText("Type part of a name, account or number, then Enter")
        self.bucket = named(QComboBox(), "Ageing bucket")
        self.bucket.addItem("All buckets", None)
        for bucket in BUCKETS:
            self.bucket.addItem(bucket, bucket)
        self.count = named(QLabel(""), "Row count")
        self.aging = named(QLabel(""), "Ageing analysis")
        self.aging.setWordWrap(True)
        self.table = keyboard_table(named(QTableView(), f"{self.drill.title} rows"))
        self.model = DrillTableModel(self.drill, self._fetch, display)
        self.model.fetch_failed.connect(lambda error: show_error(self, error))
        self.table.setModel(self.model)
        keys = [column.key for column in self.drill.columns]
        fit_columns(self.table, next((keys.index(k) for k in ("message", "description", "consumer")
                                      if k in keys), None))  # the longest text takes the rest
        self.table.horizontalHeader().setSortIndicator(
            keys.index(self.drill.sort), Qt.SortOrder.DescendingOrder if self.drill.descending
            else Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.doubleClicked.connect(self.open_row)
        self.table.activated.connect(self.open_row)  # Enter on a row
        self.export_csv = named(QPushButton("Export CSV"), "Export CSV")
        self.export_xlsx = named(QPushButton("Export XLSX"), "Export XLSX")
        self.close_button = named(QPushButton("Close"), "Close")
        for button in (self.export_csv, self.export_xlsx, self.close_button):
            button.setAutoDefault(False)  # Enter in the filter box filters, never exports
        self._layout()
        keyboard_dialog(self, accept=self.close_button, first=self.filter)  # Enter elsewhere closes
        self.filter.returnPressed.connect(self.apply)
        self.bucket.currentIndexChanged.connect(self.apply)
        self.export_csv.clicked.connect(lambda: self.export("csv"))
        self.export_xlsx.clicked.connect(lambda: self.export("xlsx"))
        self.close_button.clicked.connect(self.close)
        self.bucket.setVisible(metric == "outstanding_amount")
        self.aging.setVisible(metric == "outstanding_amount")
        self.apply()

    def _layout(self) -> None:
        top = QHBoxLayout()
        label = QLabel("&Filter rows:")
        label.setBuddy(self.filter)
        for widget in (label, self.filter, self.bucket, self.count):
            top.addWidget(widget)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.export_csv, self.export_xlsx, self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.aging)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def _current(self, sort: str | None = None, descending: bool = True) -> DrillRequest:
        bucket = self.bucket.currentData() if self.request.metric == "outstanding_amount" else None
        return DrillRequest(self.request.metric, self.request.filter, self.filter.text(), bucket,
                            sort or self.model.sort_key, descending if sort else self.model.descending)

    def _fetch(self, offset: int, limit: int, sort: str, descending: bool) -> list[tuple]:
        return self.services.dashboard_lists.drill_page(self.actor, self._current(sort, descending),
                                                        offset, limit)

    def apply(self) -> None:
        self.model.reset()
        try:
            total = self.services.dashboard_lists.drill_count(self.actor, self._current())
        except Exception as error:  # noqa: BLE001 - shown, the dialog stays open
            show_error(self, error)
            return
        self.count.setText(f"{total:,} row{'s' if total != 1 else ''}")
        if self.request.metric == "outstanding_amount":
            buckets = self.services.dashboard_lists.aging(self.actor, self.request.filter)
            self.aging.setText("Ageing: " + " · ".join(
                f"{bucket}: {count:,} items, {self.display.money(Money(amount or 0, self.display.currency))}"
                for bucket, (count, amount) in buckets.items()))

    def open_row(self, index: QModelIndex) -> None:
        """A bill row opens the bill (its lines, totals and marks); another row (an exception, a
        charge, an open item) shows its facts."""
        if not index.isValid():
            return
        row = self.model.row_at(index.row())
        keys = [column.key for column in self.drill.columns]
        if "invoice_no" in keys:
            self.row_details = BillDialog(self.services, self.actor, row[1 + keys.index("invoice_no")], self)
            self.row_details.open()
            return
        cells = self.model.cells(row)
        text = "\n".join(f"{header}: {cell}" for header, cell in zip(self.model.HEADERS, cells, strict=True))
        box = QMessageBox(QMessageBox.Icon.NoIcon, self.drill.title, text, QMessageBox.StandardButton.Close, self)
        box.setAccessibleName("Row details")
        box.open()
        self.row_details = box

    def export(self, fmt: str, path: Path | None = None) -> Path | None:
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export drill-down", f"{self.drill.metric}.{fmt}")
            if not chosen:
                return None
            path = Path(chosen)
        request = self._current()
        body = (self.model.cells(row) for row in self.services.dashboard_lists.drill_rows(self.actor, request))
        try:
            count = write_rows(self.model.HEADERS, body, path, fmt)
        except Exception as error:  # noqa: BLE001 - shown; nothing else changed
            show_error(self, error)
            return None
        self.services.dashboard.record(self.actor, "dashboard_drilldown_exported", self.drill.metric,
                                       "Report_Export", format=fmt, rows=count, file=str(path))
        self.count.setText(f"{count:,} rows exported to {path.name}")
        return path

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self.open_row(self.table.currentIndex())
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.filter.hasFocus():
            return  # the filter box applied its words (returnPressed); Enter there never closes
        super().keyPressEvent(event)
