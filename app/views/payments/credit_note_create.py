"""Create Credit Note: the payment (read-only), amount up to what may still be credited, a reason
from settings, remarks, the remaining payment value; Create is enabled only when all is valid."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.payments import credit_notes as rules
from app.services.core.context import Actor
from app.services.payments.credit_notes import CreditNoteDetails, CreditNoteDraft
from app.services.registry import Services
from app.views.common.widgets import named
from app.views.payments.display import Background, Display, Section, error_label, show_error

AMOUNT = QRegularExpression(r"^\d{0,10}(\.\d{0,2})?$")


class CreateCreditNoteDialog(QDialog):
    created = Signal(object)  # CreditNoteDetails

    def __init__(self, services: Services, actor: Actor, display: Display, draft: CreditNoteDraft,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.actor, self.display, self.draft = services, actor, display, draft
        named(self, f"Create credit note for {draft.receipt_no}")
        self.setWindowTitle(f"Create credit note · receipt {draft.receipt_no}")
        self.amount = named(QLineEdit(str(draft.maximum.amount)), "Credit amount")
        self.amount.setValidator(QRegularExpressionValidator(AMOUNT, self.amount))
        self.hint = named(QLabel(rules.maximum_hint(display.money(draft.maximum))), "Maximum")
        self.hint.setStyleSheet("color: #5b6775;")
        self.reason = named(QComboBox(), "Reason for credit note")
        self.reason.addItems(draft.reasons)
        self.reason.setCurrentIndex(-1)
        self.reason.setPlaceholderText("Select a reason")
        self.remarks = named(QPlainTextEdit(), "Remarks")
        self.remarks.setTabChangesFocus(True)
        self.remarks.setMaximumHeight(80)
        self.remarks_count = named(QLabel(""), "Remarks characters")
        self.errors = {field: error_label(field) for field in ("Credit amount", "Reason", "Remarks")}
        self.message = error_label("Credit note")
        self.summary = Section("Summary")
        self.summary_values = {row: self.summary.row(row, "") for row in (
            "Original payment amount", "Credit note amount", "Remaining payment value")}
        self.create_button = named(QPushButton("Create Credit Note"), "Create Credit Note")
        self.create_button.setDefault(True)
        self.cancel_button = named(QPushButton("Cancel"), "Cancel")
        self._layout()
        self.amount.textEdited.connect(lambda _t: self.check(touched="Credit amount"))
        self.reason.currentIndexChanged.connect(lambda _i: self.check(touched="Reason"))
        self.remarks.textChanged.connect(lambda: self.check(touched="Remarks"))
        self.create_button.clicked.connect(self.create)
        self.cancel_button.clicked.connect(self.reject)
        self.check()

    def _layout(self) -> None:
        d, draft = self.display, self.draft
        payment = Section("Payment details")
        for label, value in (("Consumer name", draft.consumer_name),
                             ("Account number", draft.account_no), ("Receipt number", draft.receipt_no),
                             ("Payment amount", d.money(draft.payment_amount)),
                             ("Payment date", d.local_day(draft.paid_at)),
                             ("Payment method", draft.method)):
            payment.row(label, value)
        details = Section("Credit note details")
        details.row("Credit note number", "Given on creation from the number format")
        details.row("Credit amount", self._stack(self.amount, self.hint, self.errors["Credit amount"]))
        details.row("Reason", self._stack(self.reason, self.errors["Reason"]))
        details.row("Remarks", self._stack(self.remarks, self.remarks_count, self.errors["Remarks"]))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.create_button)
        layout = QVBoxLayout(self)
        for widget in (payment, details, self.summary, self.message):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.resize(560, 640)

    @staticmethod
    def _stack(*widgets: QWidget) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        for widget in widgets:
            column.addWidget(widget)
        return box

    def _credit(self) -> Money:
        return rules.check_credit_amount(self.amount.text().strip(), self.draft.maximum)

    def check(self, touched: str | None = None) -> bool:
        """Live rules: 0 < amount <= maximum (2 decimals), a reason, remarks within the limit."""
        most = self.draft.remarks_max_length
        self.remarks_count.setText(f"{len(self.remarks.toPlainText())}/{most} characters")
        problems: dict[str, str] = {}
        credit: Money | None = None
        try:
            credit = self._credit()
        except ValidationError as error:
            problems["Credit amount"] = error.message
        if self.reason.currentIndex() < 0:
            problems["Reason"] = "Reason: is required"
        try:
            rules.check_remarks(self.remarks.toPlainText(), most)
        except ValidationError as error:
            problems["Remarks"] = error.message
        for field, label in self.errors.items():
            # the missing reason is said once the user has been there, never on opening
            quiet = field == "Reason" and touched != "Reason" and not self.errors[field].text()
            show_error(label, "" if quiet else problems.get(field, ""))
        self._summary(credit)
        self.create_button.setEnabled(not problems)
        return not problems

    def _summary(self, credit: Money | None) -> None:
        d, original = self.display, self.draft.payment_amount
        self.summary_values["Original payment amount"].setText(d.money(original))
        self.summary_values["Credit note amount"].setText(d.money(credit) if credit else "")
        if credit is None:
            self.summary_values["Remaining payment value"].setText("")
            return
        left = rules.remaining_payment_value(original, credit)
        self.summary_values["Remaining payment value"].setText(
            d.money(left) + (" (full reversal)" if not left else ""))

    def create(self) -> None:
        if not self.check(touched="Reason"):
            return
        self.create_button.setEnabled(False)
        payment_id, amount = self.draft.payment_id, self.amount.text().strip()
        reason, remarks = self.reason.currentText(), self.remarks.toPlainText()
        Background(self, lambda: self.services.payments.create_credit_note(
            self.actor, payment_id, amount, reason, remarks), writes=True) \
            .success(self._created).failure(self._failed).run_in_background()

    def _created(self, note: CreditNoteDetails) -> None:
        self.created.emit(note)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.create_button.setEnabled(True)
        show_error(self.message, f"The credit note was not created: {error}")
