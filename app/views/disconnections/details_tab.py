"""The Details tab (request information, SLA targets and achieved, consumer, meters) and the
Financial settlement tab (outstanding from the ledger, last payment, the security deposit with
"Use in bill", the net recomputed live; the Final bill tab applies the deposit as toggled here)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.requests.settlement import CLEARED, REFUND_DUE, NetSettlement
from app.services.requests import RequestDetail
from app.views.common.tables import fit_columns, keyboard_table
from app.views.common.widgets import named
from app.views.payments.display import Display, Section

INFO_ROWS = ("Request type", "Reason", "Reason code", "Priority", "Description", "Preferred date / time",
             "Required approval", "Request notes", "Created on", "Created by", "Last updated on",
             "Last updated by")
CONSUMER_ROWS = ("Phone", "Email", "Consumer category", "Consumer sub category", "Service address",
                 "Billing address")


def _table(name: str, headers: tuple[str, ...]) -> QTableWidget:
    table = keyboard_table(named(QTableWidget(0, len(headers)), name))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    fit_columns(table, len(headers) - 1)  # the last column takes the rest, its long texts elided
    return table


def fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


class DetailsTab(QWidget):
    def __init__(self, display: Display) -> None:
        super().__init__()
        self.display = display
        self.info = Section("Request information")
        self.info_values = {row: self.info.row(row, "") for row in INFO_ROWS}
        self.consumer = Section("Consumer information")
        self.consumer_values = {row: self.consumer.row(row, "") for row in CONSUMER_ROWS}
        self.sla = _table("SLA targets and achieved", ("Metric", "Target", "Achieved"))
        self.sla.setMinimumHeight(130)
        self.meters = _table("Service information", ("Utility", "Meter number", "Device number",
                                                     "Meter type", "Status", "Current reading",
                                                     "Reading date"))
        top = QHBoxLayout()
        top.addWidget(self.info, 3)
        top.addWidget(self.consumer, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel("SLA target & SLA achieved"))
        layout.addWidget(self.sla)
        layout.addWidget(QLabel("Service information"))
        layout.addWidget(self.meters)

    def show_detail(self, detail: RequestDetail) -> None:
        d, c = self.display, detail.consumer
        values = (detail.request_type, detail.reason, detail.reason_code, detail.priority,
                  detail.description, detail.preferred_text(d), "Yes" if detail.required_approval else "No",
                  detail.notes or "—", d.moment(detail.created_at), detail.created_by,
                  d.moment(detail.last_updated_at), detail.last_updated_by)
        for row, value in zip(INFO_ROWS, values, strict=True):
            self.info_values[row].setText(value)
        for row, value in zip(CONSUMER_ROWS, (c.phone, c.email, c.category, c.sub_category,
                                              c.service_address, c.billing_address), strict=True):
            self.consumer_values[row].setText(value)
        fill(self.sla, [(m.name, f"{m.target_hours} hours", m.achieved_text) for m in detail.sla.metrics])
        fill(self.meters, [(m.utility, m.meter_no, m.device_no, m.meter_type, m.status,
                            "" if m.last_reading is None else str(m.last_reading), d.day(m.reading_date))
                           for m in detail.meters])


class SettlementTab(QWidget):
    def __init__(self, display: Display) -> None:
        super().__init__()
        self.display = display
        self.settlement: NetSettlement | None = None
        self.outstanding = Section("Outstanding balance")
        self.outstanding_values = {row: self.outstanding.row(row, "") for row in
                                   ("Total outstanding", "Due date", "Outstanding status")}
        self.history = Section("Payment history")
        self.history_values = {row: self.history.row(row, "") for row in
                               ("Last payment", "Payment date", "Payment method")}
        self.deposit = Section("Security deposit")
        self.deposit_values = {row: self.deposit.row(row, "") for row in ("Deposit amount", "Deposit date")}
        self.use_in_bill = named(QCheckBox("Use in bill"), "Use in bill")
        self.deposit.row("Use in bill", self.use_in_bill)
        self.net = Section("Net settlement")
        self.net_values = {row: self.net.row(row, "") for row in
                           ("Outstanding amount", "Security deposit applied", "Net amount",
                            "Settlement status")}
        self.use_in_bill.toggled.connect(self._toggled)
        grid = QHBoxLayout()
        for section in (self.outstanding, self.history, self.deposit):
            grid.addWidget(section)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.net)
        layout.addStretch(1)

    def show_detail(self, detail: RequestDetail) -> None:
        d, view = self.display, detail.settlement
        self.outstanding_values["Total outstanding"].setText(d.money(view.outstanding))
        self.outstanding_values["Due date"].setText(d.day(view.due_date) or "—")
        self.outstanding_values["Outstanding status"].setText(view.settlement.outstanding_status)
        self.history_values["Last payment"].setText(d.money(view.last_payment) or "--")
        self.history_values["Payment date"].setText(d.moment(view.last_payment_at) or "--")
        self.history_values["Payment method"].setText(view.last_payment_method or "--")
        self.deposit_values["Deposit amount"].setText(d.money(view.settlement.deposit_held))
        self.deposit_values["Deposit date"].setText(d.day(view.deposit_date) or "--")
        self.settlement = view.settlement
        self.use_in_bill.blockSignals(True)
        self.use_in_bill.setChecked(view.settlement.use_in_bill)  # AC013: ON when something is owed
        self.use_in_bill.blockSignals(False)
        self._show_net(view.settlement)

    def _toggled(self, on: bool) -> None:
        if self.settlement is not None:
            self.settlement = self.settlement.toggled(on)
            self._show_net(self.settlement)

    def _show_net(self, s: NetSettlement) -> None:
        d = self.display
        self.net_values["Outstanding amount"].setText(d.money(s.outstanding))
        self.net_values["Security deposit applied"].setText(d.money(-s.deposit_applied))
        net = d.money(abs(s.net)) if s.status == REFUND_DUE else d.money(s.net)
        self.net_values["Net amount"].setText(net)
        self.net_values["Settlement status"].setText(s.status)
        colour = "#1e6b3a" if s.outstanding_status == CLEARED and s.net.amount == 0 else "#b3261e"
        self.net_values["Net amount"].setStyleSheet(f"color: {colour}; font-weight: 600;")
