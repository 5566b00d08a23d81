"""Billing cycles, most recent first, with the selected cycle's detail and the run actions.

Quick actions: run billing for the selected cycle (bulk) or for one account (single).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.formatting import Formats
from app.services.billing.cycles import CycleRow
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.billing.run_dialog import RunDialog
from app.views.billing.tables import fill, money_formatter, read_only_table, selected_row
from app.views.common.errors import show_error
from app.views.common.forms import caption
from app.views.common.operations import Operation
from app.views.common.widgets import named

HEADERS = ("Cycle", "Zone", "Period", "Status", "Billed", "Progress", "Exceptions", "Deadline")


class CyclesPanel(QWidget):
    run_finished = Signal(object)  # Changes

    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        named(self, "Billing cycles panel")
        self.services, self.actor = services, actor
        self.central = None  # the central service's link, when this desktop has one (use_sync_link)
        self.rows: list[CycleRow] = []
        self.money = money_formatter(services)
        self.formats = Formats.of(services.settings.current())
        self.dialog: RunDialog | None = None
        self.table = read_only_table("Billing cycles", HEADERS)
        self.table.itemSelectionChanged.connect(self._show_detail)
        self.run_button = named(QPushButton("Run billing"), "Run billing")
        self.run_button.setToolTip("Bulk bill generation for the selected cycle")
        self.refresh_button = named(QPushButton("Refresh"), "Refresh")
        self.account_edit = named(QLineEdit(), "Account number")
        self.account_edit.setPlaceholderText("Account number")
        self.single_button = named(QPushButton("Generate bill"), "Generate bill")
        self.single_button.setToolTip("Single bill generation: the account's latest cycle")
        self.run_button.clicked.connect(self.run_selected)
        self.refresh_button.clicked.connect(self.refresh)
        self.single_button.clicked.connect(self.run_single)
        self.account_edit.returnPressed.connect(self.run_single)
        self.detail = self._detail_box()
        actions = QHBoxLayout()
        actions.addWidget(self.run_button)
        actions.addWidget(self.refresh_button)
        actions.addSpacing(24)
        actions.addWidget(caption("Account number", self.account_edit))
        actions.addWidget(self.account_edit)
        actions.addWidget(self.single_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(actions)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.detail, 2)

    def _detail_box(self) -> QGroupBox:
        box = named(QGroupBox("Cycle detail"), "Cycle detail")
        form = QFormLayout(box)
        self.fields: dict[str, QLabel] = {}
        for label in ("Cycle", "Status", "Accounts billed", "Actual / estimated bills",
                      "Bills not generated", "Success rate", "Average bill amount",
                      "Total billed amount", "Deadline alert"):
            self.fields[label] = named(QLabel("—"), label)
            form.addRow(f"{label}:", self.fields[label])
        return box

    def refresh(self) -> None:
        Operation(self, lambda: self.services.billing.cycles(self.actor)).success(self._show).run_in_background()

    def _show(self, rows: list[CycleRow]) -> None:
        self.rows = rows
        fill(self.table, [(r.name, r.zone, self.formats.span(r.period_start, r.period_end),
                           r.status, f"{r.billed:,} / {r.accounts_total:,}", f"{r.progress_percent}%",
                           str(r.open_exceptions),
                           self.formats.moment(r.deadline) + ("  ⚠ due within 48 h" if r.deadline_alert else ""))
                          for r in rows], right=(4, 5, 6))
        self._show_detail()

    def _show_detail(self) -> None:
        row = selected_row(self.table)
        if row is None or row >= len(self.rows):
            return
        cycle = self.rows[row]
        waiting = "shown once the cycle is 80% billed"
        values = {
            "Cycle": cycle.name, "Status": cycle.status,
            "Accounts billed": f"{cycle.billed:,} of {cycle.accounts_total:,} ({cycle.progress_percent}%)",
            "Actual / estimated bills": f"{cycle.billed - cycle.estimated:,} / {cycle.estimated:,}",
            "Bills not generated": f"{cycle.open_exceptions:,}",
            "Success rate": waiting if cycle.success_rate is None else f"{cycle.success_rate}%",
            "Average bill amount": waiting if not cycle.metrics_available else self.money(cycle.average_bill),
            "Total billed amount": self.money(cycle.billed_amount),
            "Deadline alert": "Deadline within 48 hours" if cycle.deadline_alert else "None",
        }
        for label, text in values.items():
            self.fields[label].setText(text)

    def run_selected(self) -> None:
        row = selected_row(self.table)
        if row is None or row >= len(self.rows):
            return
        try:
            scope = self.services.billing.cycle_scope(self.rows[row].name)
        except Exception as error:  # noqa: BLE001 - shown to the user
            show_error(self, error)
            return
        self._open(scope)

    def run_single(self) -> None:
        try:
            scope = self.services.billing.account_scope(self.account_edit.text())
        except Exception as error:  # noqa: BLE001 - shown to the user
            show_error(self, error)
            return
        self._open(scope)

    def _open(self, scope) -> None:
        self.dialog = RunDialog(self.services, self.actor, scope, self, central=self.central)
        self.dialog.run_finished.connect(self.run_finished.emit)
        self.dialog.run_finished.connect(lambda _changes: self.refresh())
        self.dialog.show()
