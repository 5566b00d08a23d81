"""One payment plan: its terms and progress, its installments with their states, and the
revision history (modifications, default, completion)."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.services.payments.payment_plan_queries import InstallmentLine, PlanDetails, RevisionLine
from app.views.common.rows import RowsTableModel
from app.views.common.widgets import named
from app.views.payments.display import Display, Section
from app.views.payments.plans_models import rows_table

PLAN_ROWS = ("Status", "Total", "Down payment", "Paid", "Remaining", "Frequency", "Start date",
             "Next due", "Missed installments", "Created by")
INSTALLMENT_HEADERS = ("Installment", "Due date", "Amount", "Paid", "Open", "State")
REVISION_HEADERS = ("When", "By", "Change")


class PlanDetailsPanel(QWidget):
    def __init__(self, display: Display) -> None:
        super().__init__()
        named(self, "Plan details")
        self.display = display
        self.details: PlanDetails | None = None
        self.title = named(QLabel("Select a plan to see its installments and history."),
                           "Plan title")
        self.title.setStyleSheet("font-weight: 600; font-size: 14px;")
        self.facts = Section("Plan")
        self.values = {row: self.facts.row(row, "") for row in PLAN_ROWS}
        self.facts.setMinimumWidth(340)
        self.installments = RowsTableModel(INSTALLMENT_HEADERS, self._installment_cells,
                                           badges={5: "status"}, right=frozenset({2, 3, 4}))
        self.installments_table = rows_table(self.installments, "Installments", 0)
        self.revisions = RowsTableModel(REVISION_HEADERS, self._revision_cells)
        self.revisions_table = rows_table(self.revisions, "Revision history", 2)
        self.revisions_table.setWordWrap(True)
        self._layout()

    def _layout(self) -> None:
        schedule = QGroupBox("Installments")
        QVBoxLayout(schedule).addWidget(self.installments_table)
        history = QGroupBox("Revision history")
        QVBoxLayout(history).addWidget(self.revisions_table)
        top = QHBoxLayout()
        top.addWidget(self.facts, 0)
        top.addWidget(schedule, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(top, 3)
        layout.addWidget(history, 1)

    def _installment_cells(self, line: InstallmentLine) -> tuple[str, ...]:
        d = self.display
        return (line.label, d.day(line.due_date), d.money(line.amount), d.money(line.paid),
                d.money(line.open_amount), line.state.value)

    def _revision_cells(self, line: RevisionLine) -> tuple[str, ...]:
        return (self.display.moment(line.changed_at), line.changed_by,
                self.display.text(line.summary))

    def show_plan(self, details: PlanDetails | None) -> None:
        self.details = details
        if details is None:
            self.title.setText("Select a plan to see its installments and history.")
            for label in self.values.values():
                label.setText("")
            self.installments.set_items([])
            self.revisions.set_items([])
            return
        d, due = self.display, details.next_due
        self.title.setText(f"{details.plan_no} · {details.consumer_name} ({details.account_no})")
        values = (details.status.value, d.money(details.total), d.money(details.down_payment),
                  d.money(details.paid), d.money(details.remaining),
                  f"{details.installments_count} × {details.frequency}", d.day(details.start_date),
                  f"{d.day(due.due_date)} · {d.money(due.open_amount)}" if due else "—",
                  str(details.missed_count),
                  f"{details.created_by}, {d.local_day(details.created_at)}")
        for row, value in zip(PLAN_ROWS, values, strict=True):
            self.values[row].setText(value)
        self.installments.set_items(details.installments)
        self.revisions.set_items(details.revisions)
        self.revisions_table.resizeRowsToContents()
