"""The Billing Cycles and Exceptions tabs: plain tables of a few hundred rows at most."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.money import Money
from app.domain.dashboard.freshness import METRICS_FROM_COMPLETE
from app.domain.dashboard.trends import rounded, success_rate
from app.services.dashboard.panels import CycleRow, ExceptionGroup
from app.views.common.tables import fit_columns, keyboard_table
from app.views.common.widgets import named
from app.views.payments.display import Display

ALERT = QColor("#b3261e")


def _table(name: str, headers: tuple[str, ...]) -> QTableWidget:
    table = keyboard_table(named(QTableWidget(0, len(headers)), name))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    fit_columns(table, 0)  # the first column (a name) takes the rest
    table.verticalHeader().hide()
    return table


def _fill(table: QTableWidget, rows: list[tuple[str, ...]], alerts: list[bool] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if alerts and alerts[r]:
                item.setForeground(ALERT)
            table.setItem(r, c, item)


class CyclesTab(QWidget):
    """Most recent first; a cycle within 48 hours of its deadline carries ⚠; its metrics show
    once it is 80% complete, before that its progress."""

    show_in_overview = Signal(str)
    HEADERS = ("Billing Cycle", "Service Area", "Status", "Deadline", "Progress", "Bills",
               "Not Generated", "Success Rate", "Actual", "Estimated", "Billed")

    def __init__(self) -> None:
        super().__init__()
        named(self, "Billing Cycles")
        self.table = _table("Billing cycles", self.HEADERS)
        self.detail = named(QLabel("Select a cycle to see its metrics."), "Cycle metrics")
        self.detail.setWordWrap(True)
        self.open_button = named(QPushButton("Show in Overview"), "Show in Overview")
        self.open_button.clicked.connect(self._open)
        self.table.itemSelectionChanged.connect(self._selected)
        self.rows: list[CycleRow] = []
        self.display: Display | None = None
        line = QHBoxLayout()
        line.addWidget(self.detail, 1)
        line.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(line)

    def show_cycles(self, rows: list[CycleRow], display: Display) -> None:
        self.rows, self.display = rows, display
        _fill(self.table, [self._cells(row) for row in rows], [row.deadline_alert for row in rows])

    def _cells(self, row: CycleRow) -> tuple[str, ...]:
        d = self.display
        ready = row.progress.metrics_ready()
        billed = row.actual_bills + row.estimated_bills
        rate = success_rate(billed, row.not_generated) if ready else None
        return (("⚠ " if row.deadline_alert else "") + row.name, row.zone, row.status,
                d.moment(row.deadline), f"{rounded(row.progress.percent, 1)}%", f"{billed:,}",
                f"{row.not_generated:,}", "—" if rate is None else f"{rounded(rate, 2)}%",
                f"{row.actual_bills:,}", f"{row.estimated_bills:,}",
                d.money(Money(row.total_billed, d.currency)) if ready else "—")

    def _selected(self) -> None:
        index = self.table.currentRow()
        if not 0 <= index < len(self.rows):
            return
        row = self.rows[index]
        billed = row.actual_bills + row.estimated_bills
        alert = " ⚠ Its deadline is within 48 hours." if row.deadline_alert else ""
        if not row.progress.metrics_ready():
            self.detail.setText(f"{row.name} is {rounded(row.progress.percent, 1)}% complete: its metrics are "
                                f"calculated once it is {METRICS_FROM_COMPLETE}% complete.{alert}")
            return
        share = (lambda n: f"{rounded(n * 100 / billed, 1) if billed else 0}%")  # noqa: E731
        rate = success_rate(billed, row.not_generated)
        self.detail.setText(
            f"{row.name}: {billed:,} bills, {row.not_generated:,} not generated, success rate "
            f"{'—' if rate is None else str(rounded(rate, 2)) + '%'}; actual {row.actual_bills:,} "
            f"({share(row.actual_bills)}), estimated {row.estimated_bills:,} ({share(row.estimated_bills)})."
            + alert)

    def _open(self) -> None:
        index = self.table.currentRow()
        if 0 <= index < len(self.rows):
            self.show_in_overview.emit(self.rows[index].cycle_id)


class ExceptionsTab(QWidget):
    open_workflow = Signal()
    HEADERS = ("Exception Type", "Priority", "Open", "Average Age (days)", "Raised This Period",
               "Trend")

    def __init__(self) -> None:
        super().__init__()
        named(self, "Exceptions")
        self.table = _table("Exceptions by category and priority", self.HEADERS)
        self.open_button = named(QPushButton("Open Exception Workflow"), "Open Exception Workflow")
        self.open_button.clicked.connect(self.open_workflow.emit)
        line = QHBoxLayout()
        line.addStretch(1)
        line.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(line)

    def show_groups(self, groups: list[ExceptionGroup]) -> None:
        def trend(group: ExceptionGroup) -> str:
            value = group.trend_percent
            return "—" if value is None else f"{'+' if value > 0 else ''}{value}%"

        _fill(self.table, [(g.category, g.priority, f"{g.count:,}",
                            "—" if g.average_age_days is None else str(g.average_age_days),
                            f"{g.raised_this_period:,}", trend(g)) for g in groups],
              [g.priority == "Critical" and g.count > 0 for g in groups])
