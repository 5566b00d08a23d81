"""After Confirm: the payment's numbers, the change to hand back, the receipt (printed at once when
the counter has a printer) and the two ways on: record another, or back to the dashboard."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.cash.drawer import DrawerResult
from app.services.core.context import Actor
from app.services.payments.posting import PostedPayment
from app.services.payments.receipts import NO_PRINTER, PrintResult
from app.services.registry import Services
from app.views.common.widgets import named
from app.views.payments.display import Display, QuietBackground, Section, link_label
from app.views.payments.receipt_view import ReceiptView

ROWS = ("Receipt number", "Payment ID", "Transaction ID", "Consumer", "Amount paid", "Applied",
        "Kept on account", "Tendered", "Change due", "Balance after payment", "Cash drawer")


class PostedPanel(QWidget):
    drawer_result = Signal(object)  # DrawerResult | None
    record_another = Signal()
    return_to_dashboard = Signal()
    open_credit_note = Signal(str)

    def __init__(self, services: Services, actor: Actor, display: Display) -> None:
        super().__init__()
        named(self, "Payment recorded")
        self.services, self.actor, self.display = services, actor, display
        self.posted: PostedPayment | None = None
        self.heading = named(QLabel(""), "Payment recorded heading")
        self.heading.setStyleSheet("font-size: 15pt; font-weight: 600; color: #1e6b3a;")
        self.summary = Section("Payment")
        self.values = {row: self.summary.row(row, "") for row in ROWS}
        self.values["Change due"].setStyleSheet("font-size: 16pt; font-weight: 700;")
        self.credit_note = link_label("", "Credit note")
        self.summary.row("Credit note", self.credit_note)
        self.credit_note.linkActivated.connect(self._open_note)
        self.receipt = ReceiptView(services, actor)
        self.another = named(QPushButton("Record another payment"), "Record another payment")
        self.another.setToolTip("Ctrl+N or F2")
        self.back = named(QPushButton("Return to dashboard"), "Return to dashboard")
        self.back.setToolTip("Esc")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.back)
        buttons.addWidget(self.another)
        left = QVBoxLayout()
        left.addWidget(self.heading)
        left.addWidget(self.summary)
        left.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addWidget(self.receipt, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(buttons)
        self.another.clicked.connect(self.record_another.emit)
        self.back.clicked.connect(self.return_to_dashboard.emit)

    def show_posted(self, posted: PostedPayment, print_now: bool) -> None:
        self.posted = posted
        d, details = self.display, posted.details
        self.heading.setText(f"Payment recorded · {details.payment.status}")
        note, cash = details.overpayment_credit_note, details.cash
        money = lambda m: d.money(m) if m is not None else ""  # noqa: E731
        values = (posted.receipt_no, posted.payment_no, details.transaction.transaction_no,
                  f"{details.consumer.name} ({details.consumer.account_no})", d.money(posted.amount),
                  d.money(posted.amount - note.amount if note else posted.amount),
                  money(note.amount if note else None), money(cash.received if cash else None),
                  money(posted.change), d.money(posted.balance_after),
                  "Opening…" if print_now and cash else "")
        for row, value in zip(ROWS, values, strict=True):
            self.values[row].setText(value)
        note = details.overpayment_credit_note
        self.credit_note.setText(
            f'<a href="open">{note.credit_note_no}</a> · {d.money(note.amount)} kept on account'
            if note else "None")
        self.receipt.show_receipt(details.payment.payment_id, posted.receipt_no)
        if print_now:
            self._deliver(posted)
        else:
            self.receipt.set_status(f"{NO_PRINTER}. Download PDF or Print preview still work.",
                                    False)
        self.another.setFocus()

    def _deliver(self, posted: PostedPayment) -> None:
        """The drawer kick first (a cash sale: its own real-time command, whatever becomes of
        the receipt), then the receipt; both off the GUI thread."""
        services, actor = self.services, self.actor

        def work() -> tuple[DrawerResult | None, PrintResult]:
            return services.drawer.deliver(actor, posted)

        self.receipt.print_button.setEnabled(False)
        self.receipt.set_status("Printing the receipt…", True)
        QuietBackground(self, work).success(self._delivered) \
            .failure(self.receipt.print_failed).run_in_background()

    def _delivered(self, outcome: tuple[DrawerResult | None, PrintResult]) -> None:
        drawer, printed = outcome
        if drawer is not None:
            self.values["Cash drawer"].setText("Opened" if drawer.opened else "Did not open")
            self.drawer_result.emit(drawer)
        self.receipt.show_print_result(printed)

    def _open_note(self, _link: str) -> None:
        note = self.posted.details.overpayment_credit_note if self.posted else None
        if note is not None:
            self.open_credit_note.emit(note.credit_note_id)
