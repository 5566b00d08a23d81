"""A Payments KPI card's drill-down: the figure by payment method and by day or week; Enter (or a
double-click) on a slice shows its payments in the All Payments list, the second level."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.core.context import Actor
from app.services.payments.drilldown import DAY, WEEK, Breakdown, Slice
from app.services.registry import Services
from app.views.common.dialogs import keyboard_dialog
from app.views.common.forms import caption
from app.views.common.tables import fit_columns, keyboard_table
from app.views.common.widgets import named
from app.views.payments.display import Background, Display, QuietBackground

HEADERS = ("Payments", "Amount")


def _table(name: str, first: str, on_row) -> QTableWidget:
    table = keyboard_table(named(QTableWidget(0, 3), name), lambda index: on_row(index.row()))
    table.setHorizontalHeaderLabels((first, *HEADERS))
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    fit_columns(table, 0)
    return table


class MetricDrilldownDialog(QDialog):
    show_payments = Signal(object)  # PaymentFilter: the slice chosen, for the payments list

    def __init__(self, services: Services, actor: Actor, display: Display, metric: str, month,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor, self.display = services, actor, display
        self.source_metric, self.kpi_month = metric, month
        self.breakdown: Breakdown | None = None
        self.depth, self.target = 1, "breakdown"
        self.opened_at = services.app.clock.now()
        named(self, "Drill-down")
        self.setWindowTitle("Payments drill-down")
        self.heading = named(QLabel(""), "Drill-down of")
        self.period = named(QComboBox(), "Period")
        self.period.addItems((DAY, WEEK))
        self.period.currentIndexChanged.connect(self.load)
        self.methods = _table("By payment method", "Method",
                              lambda row: self.choose(self._slices("method"), row))
        self.channels = _table("By channel", "Channel", lambda row: self.choose(self._slices("channel"), row))
        self.periods = _table("By period", "Period", lambda row: self.choose(self._slices("period"), row))
        close = named(QPushButton("Close"), "Close")
        close.clicked.connect(self.reject)
        self.finished.connect(self._track)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(caption("&Period", self.period))
        top.addWidget(self.period)
        layout.addLayout(top)
        layout.addWidget(QLabel("Enter on a row shows its payments in the list."))
        tables = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.methods, 1)
        left.addWidget(self.channels, 1)
        tables.addLayout(left, 1)
        tables.addWidget(self.periods, 1)
        layout.addLayout(tables, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.resize(900, 560)
        keyboard_dialog(self, accept=close, first=self.period)
        self.load()

    def load(self) -> None:
        period = self.period.currentText()
        Background(self, lambda: self.services.payments.metric_breakdown(
            self.actor, self.source_metric, self.kpi_month, period)).success(self.show_breakdown).run_in_background()

    def show_breakdown(self, breakdown: Breakdown) -> None:
        self.breakdown, d = breakdown, self.display
        span = d.day(breakdown.first) if breakdown.first == breakdown.last \
            else f"{d.day(breakdown.first)} – {d.day(breakdown.last)}"
        self.heading.setText(f"<b>{breakdown.title}</b>: {d.money(breakdown.total)} from "
                             f"{breakdown.count:,} payment{'s' if breakdown.count != 1 else ''}, {span}")
        self._fill(self.methods, breakdown.by_method)
        self._fill(self.channels, breakdown.by_channel)
        self._fill(self.periods, breakdown.by_period)
        if self.methods.currentRow() < 0 and self.methods.rowCount():
            self.methods.setCurrentCell(0, 0)

    def _fill(self, table: QTableWidget, slices: tuple[Slice, ...]) -> None:
        table.setRowCount(len(slices))
        for r, piece in enumerate(slices):
            texts = (piece.label or self._dates(piece), f"{piece.count:,}", self.display.money(piece.amount))
            for c, text in enumerate(texts):
                table.setItem(r, c, QTableWidgetItem(text))

    def _dates(self, piece: Slice) -> str:
        first, last = piece.payments.date_from, piece.payments.date_to
        return self.display.day(first) if first == last else \
            f"{self.display.day(first)} – {self.display.day(last)}"

    def _slices(self, by: str) -> tuple[Slice, ...]:
        if self.breakdown is None:
            return ()
        return getattr(self.breakdown, f"by_{by}")

    def choose(self, slices: tuple[Slice, ...], row: int) -> None:
        if 0 <= row < len(slices):
            self.depth, self.target = 2, slices[row].detail
            self.show_payments.emit(slices[row].payments)
            self.accept()

    def _track(self, _result: int) -> None:
        seconds = max(0, int((self.services.app.clock.now() - self.opened_at).total_seconds()))
        source, target, depth = self.source_metric, self.target, self.depth
        QuietBackground(self, lambda: self.services.payments.drilldown_closed(
            self.actor, source, target, depth, seconds), writes=True).failure(lambda _e: None) \
            .run_in_background()
