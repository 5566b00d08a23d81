"""Review & Confirm: the account and payment summaries before anything is posted."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.core.money import Money
from app.views.common.widgets import named
from app.views.payments.display import Display, Section, error_label, show_error
from app.views.payments.payment_summary import ReviewData, review_rows


class ReviewPanel(QWidget):
    confirmed = Signal()
    back = Signal()

    def __init__(self, display: Display) -> None:
        super().__init__()
        named(self, "Review payment")
        self.display = display
        self.data: ReviewData | None = None
        title = QLabel("<h2>Review &amp; Confirm</h2>")
        self.sections = [Section("Account summary"), Section("Payment summary"),
                         Section("After this payment")]
        self.error = error_label("Posting")
        self.large_change = named(QLabel(""), "Large change warning")
        self.large_change.setWordWrap(True)
        self.large_change.setStyleSheet("color: #8a5a00; font-weight: 600;")
        self.change_checked = named(QCheckBox("Amount received checked"),
                                    "Amount received checked")
        self.change_checked.toggled.connect(lambda _on: self._allow_confirm())
        self.back_button = named(QPushButton("Back"), "Back")
        self.back_button.setToolTip("Esc: back to the form")
        self.confirm_button = named(QPushButton("Confirm payment"), "Confirm payment")
        self.confirm_button.setToolTip("Enter or Ctrl+Enter")
        self.confirm_button.setAutoDefault(True)
        self.confirm_button.setDefault(True)
        self.confirm_button.setStyleSheet("font-weight: 600; padding: 8px 22px;")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.confirm_button)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.sections[0])
        left.addWidget(self.sections[2])
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.sections[1])
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(columns, 1)
        layout.addWidget(self.large_change)
        layout.addWidget(self.change_checked)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.confirm_button.clicked.connect(self.confirmed.emit)
        self.back_button.clicked.connect(self.back.emit)

    @property
    def change_confirmed(self) -> bool:
        return self.change_checked.isVisible() and self.change_checked.isChecked()

    def show_review(self, data: ReviewData, change_limit: Money | None = None) -> None:
        self.data = data
        cash = data.valid.cash
        large = cash is not None and change_limit is not None and cash.change > change_limit
        self.large_change.setText(
            f"Change due is {self.display.money(cash.change)}, more than "
            f"{self.display.money(change_limit)}. Check the amount received "
            f"({self.display.money(cash.tendered)}) and tick the box to confirm."
            if large else "")
        self.large_change.setVisible(large)
        self.change_checked.setChecked(False)
        self.change_checked.setVisible(large)
        for section, rows in zip(self.sections, review_rows(data, self.display), strict=True):
            while section.form.rowCount():
                section.form.removeRow(0)
            for label, value in rows:
                section.row(label, value)
        show_error(self.error, "")
        self.set_busy(False)
        (self.change_checked if large else self.confirm_button).setFocus()

    def may_confirm(self) -> bool:
        """Large change must be ticked as checked first (Enter and Ctrl+Enter included)."""
        return not self.change_checked.isVisible() or self.change_checked.isChecked()

    def _allow_confirm(self) -> None:
        self.confirm_button.setEnabled(self.may_confirm())

    def set_busy(self, busy: bool) -> None:
        """While posting, Confirm cannot be pressed twice."""
        self.confirm_button.setEnabled(not busy and self.may_confirm())
        self.back_button.setEnabled(not busy)
        self.confirm_button.setText("Posting…" if busy else "Confirm payment")

    def show_failure(self, message: str) -> None:
        self.set_busy(False)
        show_error(self.error, message)
