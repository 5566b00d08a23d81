"""Small forms for the drawer: cash in, cash out (amount, reason, optional count) and no sale."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from app.services.cash.sessions import CounterState
from app.views.cash.count_table import DenominationCounts
from app.views.common.dialogs import keyboard_dialog
from app.views.common.forms import Form
from app.views.common.widgets import named


class _Form(QDialog):
    def __init__(self, parent, title: str, submit: str) -> None:
        super().__init__(parent)
        named(self, title)
        self.setWindowTitle(title)
        self.form = Form()
        self.message = named(QLabel(""), f"{title} message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.submit = named(QPushButton(submit), submit)
        self.submit.setDefault(True)
        cancel = named(QPushButton("Cancel"), "Cancel")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.submit)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(self.form)
        self.layout_.addWidget(self.message)
        self.layout_.addLayout(buttons)
        keyboard_dialog(self, accept=self.submit)

    def field(self, label: str, widget):
        named(widget, label)
        caption = QLabel(label)
        caption.setBuddy(widget)
        self.form.addRow(caption, widget)
        return widget

    def show_error(self, message: str) -> None:
        self.message.setText(message)
        self.submit.setEnabled(True)


class CashMovementDialog(_Form):
    """Cash in or out: a reason always; the pieces optionally (they keep the drawer's count known)."""

    submitted = Signal(str, str, object)  # amount, reason, counts or None

    def __init__(self, parent, kind: str, state: CounterState) -> None:
        super().__init__(parent, kind, f"Record {kind.lower()}")
        self.amount = self.field("Amount", QLineEdit())
        self.reason = self.field("Reason", QLineEdit())
        self.reason.setPlaceholderText("Float top-up, bank drop, …" if kind == "Cash in" else "Bank drop, …")
        self.count_pieces = named(QCheckBox("Count the notes and coins"), "Count the notes and coins")
        self.form.addRow(self.count_pieces)
        self.counts = DenominationCounts(state.denominations, state.currency, state.locale, "Total")
        self.counts.setVisible(False)
        self.form.addRow(self.counts)
        self.count_pieces.toggled.connect(self._toggle_counts)
        self.counts.total_changed.connect(lambda total: self.amount.setText(str(total.amount)))
        self.submit.clicked.connect(self._submit)

    def _toggle_counts(self, on: bool) -> None:
        self.counts.setVisible(on)
        self.amount.setReadOnly(on)
        if on:
            self.amount.setText(str(self.counts.total_amount().amount))
        self.adjustSize()

    def _submit(self) -> None:
        self.submit.setEnabled(False)
        counts = self.counts.counts() if self.count_pieces.isChecked() else None
        self.submitted.emit(self.amount.text(), self.reason.text(), counts)


class NoSaleDialog(_Form):
    submitted = Signal(str)

    def __init__(self, parent) -> None:
        super().__init__(parent, "No sale", "Open the drawer")
        self.form.insertRow(0, QLabel("The drawer opens and the opening is recorded with your name."))
        self.reason = self.field("Reason", QLineEdit())
        self.submit.clicked.connect(self._submit)

    def _submit(self) -> None:
        self.submit.setEnabled(False)
        self.submitted.emit(self.reason.text())
