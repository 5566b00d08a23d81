"""One bill: header, lines with GL code and tariff version, total, arrears and amount due."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.formatting import Formats
from app.services.billing.bills import BillDetail
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.billing.tables import fill, money_formatter, read_only_table
from app.views.common.dialogs import keyboard_dialog
from app.views.common.operations import Operation
from app.views.common.widgets import named

HEADERS = ("No.", "Description", "Quantity", "Rate", "Amount", "GL code", "Tariff version")
FIELDS = ("Bill", "Consumer", "Billing address", "Period", "Bill date", "Due date", "Bill type",
          "Consumption", "Printed", "Sent")


class BillPanel(QWidget):
    def __init__(self, services: Services, actor: Actor, *, searchable: bool = True) -> None:
        """`searchable`: with the invoice number field to look up any bill (else one bill's view)."""
        super().__init__()
        named(self, "Bill detail panel")
        self.services, self.actor = services, actor
        self.invoice = named(QLineEdit(), "Invoice number")
        self.invoice.setPlaceholderText("e.g. INV-414013")
        self.show_button = named(QPushButton("Show bill"), "Show bill")
        self.show_button.clicked.connect(self.load)
        self.invoice.returnPressed.connect(self.load)
        self.money = money_formatter(services)
        self.formats = Formats.of(services.settings.current())
        self.fields = {label: named(QLabel("—"), label) for label in FIELDS}
        header = QFormLayout()
        for label, value in self.fields.items():
            header.addRow(f"{label}:", value)
        self.lines = read_only_table("Bill lines", HEADERS, 1)
        self.totals = named(QLabel(""), "Bill totals")
        search = QHBoxLayout()
        caption = QLabel("Invoice number:")
        caption.setBuddy(self.invoice)
        search.addWidget(caption)
        search.addWidget(self.invoice)
        search.addWidget(self.show_button)
        search.addStretch(1)
        layout = QVBoxLayout(self)
        if searchable:
            layout.addLayout(search)
        else:
            for widget in (caption, self.invoice, self.show_button):
                widget.setParent(self)  # kept, unseen: the bill is chosen by whoever opens the panel
                widget.hide()
        layout.addLayout(header)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.totals)

    def load(self) -> None:
        invoice = self.invoice.text().strip()
        Operation(self, lambda: self.services.billing.bill(self.actor, invoice)).success(
            self.show_bill).run_in_background()

    def show_bill(self, bill: BillDetail) -> None:
        values = {
            "Bill": f"{bill.invoice_no} · {bill.status}" + (f" · rebill {bill.rebill_no}" if bill.rebill_no else ""),
            "Consumer": f"{bill.consumer_name} ({bill.account_no})",
            "Billing address": bill.billing_address,
            "Period": self.formats.span(bill.period_start, bill.period_end),
            "Bill date": self.formats.day(bill.bill_date), "Due date": self.formats.day(bill.due_date),
            "Bill type": bill.bill_type, "Consumption": f"{bill.consumption:,}",
            "Printed": bill.printed or "Not yet", "Sent": bill.sent or "Not yet",
        }
        for label, text in values.items():
            self.fields[label].setText(text)
        fill(self.lines, [(str(line.line_no), line.description,
                           "" if line.quantity is None else f"{line.quantity:,}",
                           "" if line.rate is None else f"{line.rate}", self.money(line.amount),
                           line.gl_code, "" if line.tariff_version is None else f"v{line.tariff_version}")
                          for line in bill.lines], right=(2, 3, 4))
        late = "".join(f"<br>{text}: {self.money(amount)} (in the arrears)"
                       for text, amount in bill.late_charges)
        self.totals.setText(f"Total: <b>{self.money(bill.total)}</b> · Arrears carried forward: "
                            f"{self.money(bill.arrears)} · Amount due: "
                            f"<b>{self.money(bill.amount_due)}</b>{late}")


class BillDialog(QDialog):
    """One bill on its own, opened from a list of bills elsewhere (a dashboard drill-down)."""

    def __init__(self, services: Services, actor: Actor, invoice_no: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        named(self, f"Bill {invoice_no}")
        self.setWindowTitle(f"Bill {invoice_no}")
        self.panel = BillPanel(services, actor, searchable=False)
        self.panel.invoice.setText(invoice_no)
        close = named(QPushButton("Close"), "Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        layout.addLayout(buttons)
        self.resize(900, 600)
        self.panel.load()
        keyboard_dialog(self, accept=close)
