"""The Final bill tab of a disconnection: final reads per utility (the meter number checked
against the account fills in the device number and type, AC015/AC016), Generate Bill (the
billing module rates it), the invoice and bill details with the deposit as toggled on the
Financial settlement tab, Print Bill, Discard and Generate New Bill, Approve and Send."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

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

from app.domain.core.errors import ValidationError
from app.domain.core.permissions import Permission, can
from app.domain.requests.final_bill import FinalRead, parse_reading
from app.services.core.context import Actor
from app.services.registry import Services
from app.services.requests import RequestDetail
from app.services.requests.final_bill import FinalBillView
from app.views.common.forms import DateEdit
from app.views.common.widgets import named
from app.views.payments import pdf_output
from app.views.payments.display import (
    Background,
    Display,
    Section,
    error_label,
    from_qdate,
    show_error,
    to_qdate,
    value_label,
)

INVOICE_ROWS = ("Invoice No.", "Billing period", "Bill date", "Due date", "Bill status")
BILL_ROWS = ("Billed amount", "Outstanding amount", "Security deposit applied", "Final amount due")
DEPOSIT_ROWS = ("Original deposit", "Applied to bill")


class MeterReadRow:
    """One utility's final read: meter number (typed, checked), device and type (filled in),
    the previous reading, the last reading and its date."""

    def __init__(self, form: QFormLayout, utility: str, previous: str, today) -> None:
        utility = utility[:1].upper() + utility[1:]  # "Electricity meter number", as a caption starts
        self.utility = utility
        self.meter = named(QLineEdit(), f"{utility} meter number")
        self.device = value_label("", f"{utility} device number")
        self.meter_type = value_label("", f"{utility} meter type")
        self.reading = named(QLineEdit(), f"{utility} last reading")
        self.read_on = named(DateEdit(to_qdate(today)), f"{utility} reading date")  # the setting's format
        self.read_on.setCalendarPopup(True)
        self.read_on.setMaximumDate(to_qdate(today))  # never future-dated
        self.valid = False
        for text, widget in ((f"{utility} meter number", self.meter), (f"{utility} device number", self.device),
                             (f"{utility} meter type", self.meter_type),
                             (f"{utility} previous reading", value_label(previous, f"{utility} previous reading")),
                             (f"{utility} last reading", self.reading), (f"{utility} reading date", self.read_on)):
            caption = QLabel(f"{text}:")
            caption.setBuddy(widget)
            form.addRow(caption, widget)

    def read(self) -> FinalRead:
        return FinalRead(self.meter.text(), parse_reading(self.reading.text(), self.utility),
                         from_qdate(self.read_on.date()))


class FinalBillTab(QWidget):
    changed = Signal()

    def __init__(self, services: Services, actor: Actor, display: Display,
                 use_in_bill: Callable[[], bool]) -> None:
        super().__init__()
        self.services, self.actor, self.display = services, actor, display
        self.use_in_bill = use_in_bill
        self.today = services.requests.form_choices(actor)[3]
        self.detail: RequestDetail | None = None
        self.bill: FinalBillView | None = None
        self.rows: list[MeterReadRow] = []
        self.reads_box = QGroupBox("Meter details")
        self.reads_form = QFormLayout(self.reads_box)
        self.error = error_label("Final bill")
        self.notice = named(QLabel(""), "Final bill notice")
        self.notice.setWordWrap(True)
        self.generate = named(QPushButton("Generate Bill"), "Generate Bill")
        self.print_bill = named(QPushButton("Print Bill"), "Print Bill")
        self.discard = named(QPushButton("Discard and Generate New Bill"), "Discard and Generate New Bill")
        self.approve = named(QPushButton("Approve and Send"), "Approve and Send")
        self.invoice = Section("Invoice information")
        self.invoice_values = {row: self.invoice.row(row, "") for row in INVOICE_ROWS}
        self.bill_details = Section("Bill details")
        self.bill_values = {row: self.bill_details.row(row, "") for row in BILL_ROWS}
        self.deposit = Section("Security deposit information")
        self.deposit_values = {row: self.deposit.row(row, "") for row in DEPOSIT_ROWS}
        self._lay_out()
        self.generate.clicked.connect(self.run_generate)
        self.print_bill.clicked.connect(self.run_print)
        self.discard.clicked.connect(self.run_discard)
        self.approve.clicked.connect(self.run_approve)

    def _lay_out(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.generate, self.print_bill, self.discard, self.approve):
            buttons.addWidget(button)
        buttons.addStretch(1)
        figures = QHBoxLayout()
        for section in (self.invoice, self.bill_details, self.deposit):
            figures.addWidget(section)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reads_box)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        layout.addWidget(self.notice)
        layout.addLayout(figures)
        layout.addStretch(1)

    # loading ------------------------------------------------------------------------------------

    def show_detail(self, detail: RequestDetail) -> None:
        same = self.detail is not None and self.detail.request_id == detail.request_id
        self.detail = detail
        if not same:
            self._build_reads(detail)
        request_id = detail.request_id
        Background(self, lambda: self.services.requests.final_bill(self.actor, request_id, self.use_in_bill())) \
            .success(self._show_bill).run_in_background()

    def _build_reads(self, detail: RequestDetail) -> None:
        while self.reads_form.rowCount():
            self.reads_form.removeRow(0)
        self.rows = []
        for meter in detail.meters:
            previous = "" if meter.last_reading is None else f"{meter.last_reading} ({self.display.day(meter.reading_date)})"
            row = MeterReadRow(self.reads_form, meter.utility, previous, self.today)
            row.meter.editingFinished.connect(lambda r=row: self.check_meter(r))
            row.reading.textChanged.connect(lambda _t: self._update())
            self.rows.append(row)
        show_error(self.error, "")
        self.notice.setText("")

    def check_meter(self, row: MeterReadRow) -> None:
        meter_no, request_id = row.meter.text(), self.detail.request_id

        def found(meter) -> None:
            row.device.setText(meter.device_no)  # AC016
            row.meter_type.setText(meter.meter_type)
            row.valid = True
            show_error(self.error, "")
            self._update()

        def refused(error) -> None:
            row.device.setText("")
            row.meter_type.setText("")
            row.valid = False
            show_error(self.error, f"{row.utility} meter number: {getattr(error, 'rule', error)}")
            self._update()

        Background(self, lambda: self.services.requests.lookup_meter(self.actor, request_id, meter_no)) \
            .success(found).failure(refused).run_in_background()

    # showing ------------------------------------------------------------------------------------

    def _show_bill(self, bill: FinalBillView | None) -> None:
        self.bill = bill
        d = self.display
        values = ("", "", "", "", "Not generated")
        if bill is not None:
            values = (bill.invoice_nos, bill.period, d.day(bill.bill_date), d.day(bill.due_date),
                      "Approved and sent (locked)" if bill.locked else "Draft")
        for row, value in zip(INVOICE_ROWS, values, strict=True):
            self.invoice_values[row].setText(value)
        self.refresh_figures()

    def refresh_figures(self) -> None:
        """The deposit as toggled on the settlement tab, recomputed live while a draft."""
        d, bill = self.display, self.bill
        if bill is None:
            for label in (*self.bill_values.values(), *self.deposit_values.values()):
                label.setText("")
            self._update()
            return
        figures = bill.figures if bill.locked else replace(bill.figures, use_in_bill=self.use_in_bill())
        self.bill_values["Billed amount"].setText(d.money(figures.billed))
        self.bill_values["Outstanding amount"].setText(d.money(figures.outstanding))
        self.bill_values["Security deposit applied"].setText(
            d.money(-figures.deposit_applied) if figures.use_in_bill else "Not applied")
        self.bill_values["Final amount due"].setText(d.money(figures.amount_due))
        colour = "#b3261e" if figures.payment_required else "#1e6b3a"
        self.bill_values["Final amount due"].setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.deposit_values["Original deposit"].setText(
            d.money(self.detail.settlement.settlement.deposit_held) if self.detail else "")
        self.deposit_values["Applied to bill"].setText("Yes" if figures.use_in_bill else "No")
        self._update()

    def _update(self) -> None:
        generating = can(self.actor.role, Permission.GENERATE_FINAL_BILL)
        disconnection = self.detail is not None and self.detail.request_type == "Disconnection"
        reads_ready = bool(self.rows) and all(r.valid and r.reading.text().strip() for r in self.rows)
        draft = self.bill is not None and not self.bill.locked
        self.generate.setEnabled(generating and disconnection and self.bill is None and reads_ready)
        self.print_bill.setEnabled(self.bill is not None and can(self.actor.role, Permission.PRINT_FINAL_BILL))
        self.discard.setEnabled(generating and draft)
        self.approve.setEnabled(generating and draft)

    # actions ------------------------------------------------------------------------------------

    def run_generate(self) -> None:
        try:
            reads = tuple(row.read() for row in self.rows)
        except ValidationError as error:
            show_error(self.error, str(error))
            return
        request_id = self.detail.request_id
        Background(self, lambda: self.services.requests.generate_final_bill(self.actor, request_id, reads),
                   writes=True).success(self._generated).failure(self._refused).run_in_background()

    def _generated(self, bill: FinalBillView) -> None:
        show_error(self.error, "")
        self.notice.setText(f"Final bill {bill.invoice_nos} generated (draft).")
        self._show_bill(bill)
        self.changed.emit()

    def _refused(self, error: Exception) -> None:
        show_error(self.error, str(error))

    def run_print(self) -> None:
        path = pdf_output.choose_save_path(self, f"{self.bill.parts[0].invoice_no}.pdf")
        if path is None:
            return
        request_id, use = self.detail.request_id, self.use_in_bill()
        Background(self, lambda: self.services.requests.final_bill_pdf(self.actor, request_id, path, use)) \
            .success(lambda paths: self.notice.setText("Saved " + ", ".join(str(p) for p in paths))) \
            .failure(self._refused).run_in_background()

    def run_discard(self) -> None:
        request_id = self.detail.request_id

        def discarded(_changes) -> None:
            self.notice.setText("Draft discarded: enter the reads again or Generate Bill.")
            self._show_bill(None)
            self.changed.emit()

        Background(self, lambda: self.services.requests.discard_final_bill(self.actor, request_id),
                   writes=True).success(discarded).failure(self._refused).run_in_background()

    def run_approve(self) -> None:
        request_id, use = self.detail.request_id, self.use_in_bill()

        def approved(bill: FinalBillView) -> None:
            self.notice.setText(f"Final bill {bill.invoice_nos} approved, posted and sent.")
            self._show_bill(bill)
            self.changed.emit()

        Background(self, lambda: self.services.requests.approve_final_bill(self.actor, request_id, use),
                   writes=True).success(approved).failure(self._refused).run_in_background()
