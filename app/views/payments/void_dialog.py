"""Void a payment (supervisors): a reason is required; the receipt keeps its number."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from app.services.core.changes import Changes
from app.services.core.context import Actor
from app.services.payments.details import PaymentDetails
from app.services.registry import Services
from app.views.common.widgets import named
from app.views.payments.display import Background, Display, error_label, show_error


class VoidPaymentDialog(QDialog):
    voided = Signal(object)  # Changes

    def __init__(self, services: Services, actor: Actor, display: Display, details: PaymentDetails,
                 parent=None) -> None:
        super().__init__(parent)
        self.services, self.actor, self.details = services, actor, details
        receipt_no = details.transaction.receipt_no
        named(self, f"Void payment {receipt_no}")
        self.setWindowTitle(f"Void payment {receipt_no}")
        info = QFormLayout()
        info.addRow("Receipt number:", QLabel(receipt_no))
        info.addRow("Consumer:", QLabel(f"{details.consumer.name} ({details.consumer.account_no})"))
        info.addRow("Amount:", QLabel(display.money(details.payment.amount)))
        warning = QLabel("Voiding reverses the payment on the account. The receipt keeps its "
                         "number and prints VOID. This cannot be undone.")
        warning.setWordWrap(True)
        label = QLabel("&Reason (required)")
        self.reason = named(QPlainTextEdit(), "Reason")
        self.reason.setTabChangesFocus(True)
        label.setBuddy(self.reason)
        self.error = error_label("Reason")
        self.void_button = named(QPushButton("Void payment"), "Void payment")
        self.void_button.setEnabled(False)
        cancel = named(QPushButton("Cancel"), "Cancel")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.void_button)
        layout = QVBoxLayout(self)
        layout.addLayout(info)
        layout.addWidget(warning)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.reason.textChanged.connect(
            lambda: self.void_button.setEnabled(bool(self.reason.toPlainText().strip())))
        self.void_button.clicked.connect(self.void)
        cancel.clicked.connect(self.reject)
        self.resize(460, 340)

    def void(self) -> None:
        payment_id, reason = self.details.payment.payment_id, self.reason.toPlainText()
        self.void_button.setEnabled(False)

        def done(changes: Changes) -> None:
            self.voided.emit(changes)
            self.accept()

        def failed(error: Exception) -> None:
            self.void_button.setEnabled(True)
            show_error(self.error, f"Not voided: {error}")

        Background(self, lambda: self.services.payments.void_payment(self.actor, payment_id, reason),
                  writes=True).success(done).failure(failed).run_in_background()
