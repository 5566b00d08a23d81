"""Payment details: every section of the spec's view, with Verify for pending online payments and
the receipt, credit note and void actions the user's role allows."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.permissions import Permission, can
from app.domain.payments.rules import COUNTED_STATUSES
from app.services.core.changes import Changes
from app.services.core.context import Actor
from app.services.payments.details import PaymentDetails
from app.services.registry import Services
from app.views.common.dialogs import keyboard_dialog
from app.views.common.forms import scroll_area
from app.views.common.widgets import named
from app.views.payments.display import (
    Background,
    Display,
    Section,
    badge,
    badge_style,
    error_label,
    link_label,
    show_error,
)
from app.views.payments.inquiries import InquiriesSection

AMOUNT_LABELS = {"Bill": "Billed amount", "Service": "Service amount",
                 "Installment": "Installment amount"}


class PaymentDetailsDialog(QDialog):
    changed = Signal(object)  # Changes (verified)
    inquiries_changed = Signal(object)  # Changes (an inquiry logged or resolved)
    open_credit_note = Signal(str)
    view_receipt = Signal(str)
    create_credit_note = Signal(str)
    void_payment = Signal(str)

    def __init__(self, services: Services, actor: Actor, display: Display, details: PaymentDetails,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor, self.display = services, actor, display
        self.details = details
        receipt_no = details.transaction.receipt_no
        named(self, f"Payment {receipt_no}")
        self.setWindowTitle(f"Payment details · {receipt_no}")
        self.message = error_label("Payment details")
        body = QWidget()
        column = QVBoxLayout(body)
        self.grid = QGridLayout()
        self._sections()
        column.addLayout(self.grid)
        # The inquiry history runs the dialog's width under the facts: its wrapped lines, which
        # arrive after the dialog is laid out, squeezed the grid's rows when it was a grid cell.
        column.addWidget(self._inquiries())
        column.addStretch(1)
        scroll = scroll_area(body)
        # A scroll area sizes wrapped text for the width it has: a scroll bar appearing later (the
        # history arrives, the facts outgrow the window) would narrow it, wrap the address onto
        # another line and squeeze every row into the old height. The bar is always there, and
        # the content is measured again when the history arrives.
        scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.inquiries.shown.connect(lambda: scroll.setWidgetResizable(True))
        layout = QVBoxLayout(self)
        layout.addWidget(self._header())
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addLayout(self._buttons())
        self.resize(980, 790)  # the facts of a cash bill payment without scrolling, on a 1280x800 screen

    def _header(self) -> QWidget:
        d = self.details
        box = QWidget()
        row = QHBoxLayout(box)
        title = QLabel(f"<h2>Payment {d.payment.payment_no}</h2>")
        row.addWidget(title)
        row.addWidget(badge(d.payment.status, "Payment status badge"))
        row.addStretch(1)
        amount = named(QLabel(self.display.money(d.payment.amount)), "Amount paid headline")
        amount.setStyleSheet("font-size: 18pt; font-weight: 700; color: #16324f;")
        row.addWidget(amount)
        return box

    def _sections(self) -> None:
        built = [self._payment_information(), self._item_details(), self._amount_analysis(),
                 self._credit_notes(), self._cash(), self._transaction(), self._processing(),
                 self._consumer(), self._void_and_notes()]
        shown = [section for section in built if section is not None]
        for index, section in enumerate(shown):
            self.grid.addWidget(section, index // 2, index % 2)
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(1, 1)

    def _payment_information(self) -> Section:
        p = self.details.payment
        section = Section("Payment information")
        for label, value in (("Payment ID", p.payment_no), ("Status", p.status),
                             ("Amount paid", self.display.money(p.amount)),
                             ("Payment method", p.method), ("Payment type", p.payment_type),
                             ("Channel", p.channel), *p.method_details):
            section.row(label, value)
        if p.webhook_status or p.settlement_status:
            section.row("Webhook status", p.webhook_status or "—")
            section.row("Settlement status", p.settlement_status or "—")
        return section

    def _item_details(self) -> Section:
        item, d = self.details.item, self.display
        section = Section("Payment details")
        if item is None:
            section.row("Item", "None")
        elif item.payment_type.value == "Bill":
            section.row("Invoice ID", item.reference)
            section.row("Service period", f"{d.day(item.period_start)} – {d.day(item.period_end)}")
            section.row("Due date", d.day(item.due_date))
        elif item.payment_type.value == "Service":
            section.row("Service name", item.reference)
            section.row("Service date", d.day(item.service_date))
        else:
            section.row("Installment", item.reference)
            section.row("Due date", d.day(item.due_date))
        return section

    def _amount_analysis(self) -> Section:
        analysis, d = self.details.analysis, self.display
        section = Section("Payment amount analysis")
        section.row(AMOUNT_LABELS.get(self.details.payment.payment_type, "Item amount"),
                    d.money(analysis.item_amount))
        section.row("Amount paid", d.money(analysis.amount_paid))
        difference = analysis.difference
        shown = d.money(-difference if difference.is_negative else difference)
        section.row("Difference", f"{analysis.kind.value} ({shown})" if difference else
                    analysis.kind.value)
        went = self.details.where_the_difference_went()
        if went:
            section.row("Where it went", "\n".join(f"{d.money(amount)} {what[:1].lower()}{what[1:]}"
                                                    for what, amount in went))
        return section

    def _credit_notes(self) -> Section | None:
        if not self.details.credit_notes:
            return None
        section = Section("Credit note generated")
        for note in self.details.credit_notes:
            link = link_label(note.credit_note_no, f"Credit note {note.credit_note_no}")
            link.linkActivated.connect(lambda _l, i=note.credit_note_id: self.open_credit_note.emit(i))
            section.row("Credit note number", link)
            section.row("Credit amount", self.display.money(note.amount))
            section.row("Reason", note.reason)
        return section

    def _cash(self) -> Section | None:
        cash = self.details.cash
        if cash is None:
            return None
        section = Section("Cash payment details")
        section.row("Amount received", self.display.money(cash.received))
        section.row("Change given", self.display.money(cash.change))
        return section

    def _transaction(self) -> Section:
        t = self.details.transaction
        section = Section("Transaction information")
        section.row("Transaction ID", t.transaction_no)
        section.row("Receipt number", t.receipt_no)
        section.row("Payment date", self.display.moment(t.paid_at))
        return section

    def _processing(self) -> Section:
        p = self.details.processing
        section = Section("Processing information")
        section.row("Received by", p.received_by)
        section.row("Processing time", p.processing_time.label)
        verification = QWidget()
        line = QHBoxLayout(verification)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(badge(p.verification, "Verification"))
        allowed = can(self.actor.role, Permission.VERIFY_PAYMENT)
        counted = self.details.payment.status in COUNTED_STATUSES
        if p.needs_verification and allowed and counted:
            self.verify_button = named(QPushButton("Verify"), "Verify")
            self.verify_button.clicked.connect(self.verify)
            line.addWidget(self.verify_button)
        line.addStretch(1)
        section.row("Verification", verification)
        return section

    def _consumer(self) -> Section:
        c = self.details.consumer
        section = Section("Consumer information")
        for label, value in (("Consumer name", c.name), ("Account number", c.account_no),
                             ("Service address", c.service_address), ("Phone", c.phone),
                             ("Email", c.email)):
            section.row(label, value)
        return section

    def _void_and_notes(self) -> Section | None:
        void, notes = self.details.void, self.details.notes
        if void is None and not notes:
            return None
        section = Section("Notes and void")
        if notes:
            section.row("Notes", notes)
        if void is not None:
            section.row("Void reason", void.reason)
            section.row("Voided by", void.voided_by)
            section.row("Voided at", self.display.moment(void.voided_at))
        return section

    def _inquiries(self) -> InquiriesSection:
        self.inquiries = InquiriesSection(self.services, self.actor, self.display,
                                          self.details.payment.payment_id)
        self.inquiries.changed.connect(self.inquiries_changed.emit)
        return self.inquiries

    def _buttons(self) -> QHBoxLayout:
        payment_id = self.details.payment.payment_id
        counted = self.details.payment.status in COUNTED_STATUSES
        role = self.actor.role
        entries = [("View receipt", self.view_receipt, True),
                   ("Create credit note", self.create_credit_note,
                    counted and can(role, Permission.CREATE_CREDIT_NOTE)),
                   ("Void payment", self.void_payment, counted and can(role, Permission.VOID_PAYMENT))]
        row = QHBoxLayout()
        actions = []
        for text, signal, allowed in entries:
            if allowed:
                button = named(QPushButton(text), text)
                button.clicked.connect(lambda _c=False, s=signal: s.emit(payment_id))
                row.addWidget(button)
                actions.append(button)
        row.addStretch(1)
        close = named(QPushButton("Close"), "Close")
        close.clicked.connect(self.reject)
        # Close is what Enter does on a record; focus starts on its first action (View receipt),
        # not on a button deep in the facts, which would scroll the facts away from their top
        keyboard_dialog(self, accept=close, first=actions[0] if actions else close)
        row.addWidget(close)
        return row

    def verify(self) -> None:
        payment_id = self.details.payment.payment_id
        self.verify_button.setEnabled(False)

        def done(changes: Changes) -> None:
            self.verify_button.hide()
            show_error(self.message, "")
            verified = self.findChild(QLabel, "Verification")
            if verified is not None:
                verified.setText("Verified")
                verified.setStyleSheet(badge_style("Verified"))
            self.changed.emit(changes)

        def failed(error: Exception) -> None:
            self.verify_button.setEnabled(True)
            show_error(self.message, f"Not verified: {error}")

        Background(self, lambda: self.services.payments.verify_payment(self.actor, payment_id),
                  writes=True).success(done).failure(failed).run_in_background()
