"""Review & Confirm: the account and payment summaries before anything is posted."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

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
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.confirm_button.clicked.connect(self.confirmed.emit)
        self.back_button.clicked.connect(self.back.emit)

    def show_review(self, data: ReviewData) -> None:
        self.data = data
        for section, rows in zip(self.sections, review_rows(data, self.display), strict=True):
            while section.form.rowCount():
                section.form.removeRow(0)
            for label, value in rows:
                section.row(label, value)
        show_error(self.error, "")
        self.set_busy(False)
        self.confirm_button.setFocus()

    def set_busy(self, busy: bool) -> None:
        """While posting, Confirm cannot be pressed twice."""
        self.confirm_button.setEnabled(not busy)
        self.back_button.setEnabled(not busy)
        self.confirm_button.setText("Posting…" if busy else "Confirm payment")

    def show_failure(self, message: str) -> None:
        self.set_busy(False)
        show_error(self.error, message)
