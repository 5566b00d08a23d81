"""What a compliance check found: plans with missed installments (the alerts), plans it defaulted
or completed, and the consumers flagged for the disconnection workflow."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app.domain.payments import installments as rules
from app.services.payments.payment_plans import ComplianceAlert, ComplianceReport, FlaggedConsumer
from app.views.common.dialogs import keyboard_dialog
from app.views.common.rows import RowsTableModel
from app.views.common.widgets import named
from app.views.payments.display import Display
from app.views.payments.plans_models import rows_table


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class ComplianceDialog(QDialog):
    def __init__(self, display: Display, report: ComplianceReport,
                 flagged: list[FlaggedConsumer], parent=None) -> None:
        super().__init__(parent)
        named(self, "Compliance check")
        self.setWindowTitle("Payment plan compliance")
        d = display
        self.summary = named(QLabel(
            f"Checked {_plural(report.plans_checked, 'active plan')} on {d.day(report.checked_on)}: "
            f"{_plural(report.newly_missed, 'newly missed installment')}, "
            f"{_plural(len(report.defaulted), 'plan')} defaulted, "
            f"{_plural(len(report.completed), 'plan')} completed.<br>"
            f"An installment is missed {rules.GRACE_DAYS} days after its due date; a plan defaults "
            f"after {rules.MISSED_TO_DEFAULT} missed installments."), "Compliance summary")
        self.summary.setWordWrap(True)

        def alert_cells(a: ComplianceAlert) -> tuple[str, ...]:
            return (a.plan_no, f"{a.consumer_name} ({a.account_no})", str(a.missed),
                    d.money(a.missed_amount), d.day(a.oldest_missed), a.status.value)

        def flagged_cells(f: FlaggedConsumer) -> tuple[str, ...]:
            return (f"{f.name} ({f.account_no})", f.plan_no, d.money(f.outstanding),
                    d.local_day(f.defaulted_at))

        self.alerts = RowsTableModel(("Plan #", "Consumer", "Missed", "Missed amount",
                                      "Oldest missed due", "Status"), alert_cells,
                                     badges={5: "status"}, right=frozenset({2, 3}))
        self.alerts.set_items(report.alerts)
        self.flagged = RowsTableModel(("Consumer", "Plan #", "Outstanding", "Defaulted"),
                                      flagged_cells, right=frozenset({2}))
        self.flagged.set_items(flagged)
        close = named(QPushButton("Close"), "Close")
        close.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        for title, model, name, stretch in (
                (f"Alerts: plans with missed installments ({len(report.alerts)})", self.alerts,
                 "Compliance alerts", 1),
                (f"Flagged for disconnection ({len(flagged)})", self.flagged,
                 "Flagged for disconnection", 0)):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(rows_table(model, name, stretch))
            layout.addWidget(box, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.resize(820, 560)
        keyboard_dialog(self, accept=close)
