"""Closing the session: count the drawer, see expected against counted and the over/short live.

A reason field appears once the variance passes the reason threshold, and the
supervisor's login once it passes the supervisor threshold (the service checks both again).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.cash.drawer import Denomination, close_requirements, variance
from app.domain.core.money import Money
from app.formatting import format_money
from app.services.cash.sessions import CounterState
from app.views.cash.count_table import DenominationCounts
from app.views.common.forms import Form, scroll_area
from app.views.common.widgets import named


@dataclass(frozen=True)
class CloseRequest:
    counts: dict[Denomination, int]
    reason: str
    supervisor_username: str
    supervisor_password: str


class ClosePanel(QWidget):
    close_requested = Signal(object)  # CloseRequest
    cancelled = Signal()

    def __init__(self) -> None:
        super().__init__()
        named(self, "Close session panel")
        self.state: CounterState | None = None
        self.counts: DenominationCounts | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h3>Close the cash session</h3>"))
        layout.addWidget(QLabel("Count every note and coin in the drawer."))
        self.scroll = scroll_area()
        layout.addWidget(self.scroll, 1)
        layout.addLayout(self._summary())
        layout.addLayout(self._approval())
        self.message = named(QLabel(""), "Close message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        layout.addWidget(self.message)
        layout.addLayout(self._buttons())

    def _summary(self) -> QFormLayout:
        form = Form()
        self.expected = named(QLabel(""), "Expected cash")
        self.counted = named(QLabel(""), "Counted cash")
        self.over_short = named(QLabel(""), "Over/short")
        self.over_short.setStyleSheet("font-weight: bold;")
        for label, value in (("Expected cash", self.expected), ("Counted cash", self.counted),
                             ("Over/short", self.over_short)):
            form.addRow(QLabel(label), value)
        return form

    def _approval(self) -> QFormLayout:
        form = Form()
        self.reason = named(QLineEdit(), "Reason")
        self.reason.setPlaceholderText("Why the drawer does not match")
        self.supervisor_username = named(QLineEdit(), "Supervisor username")
        self.supervisor_password = named(QLineEdit(), "Supervisor password")
        self.supervisor_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.rows: dict[QLineEdit, QLabel] = {}
        for field in (self.reason, self.supervisor_username, self.supervisor_password):
            label = QLabel(field.accessibleName())
            label.setBuddy(field)
            form.addRow(label, field)
            self.rows[field] = label
        self.supervisor_note = named(QLabel(""), "Supervisor approval")
        self.supervisor_note.setWordWrap(True)
        form.addRow(self.supervisor_note)
        return form

    def _buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.confirm = named(QPushButton("Close and make Z report"), "Close and make Z report")
        self.confirm.clicked.connect(self._confirm)
        back = named(QPushButton("Cancel closing"), "Cancel closing")
        back.clicked.connect(self.cancelled.emit)
        row.addStretch(1)
        row.addWidget(back)
        row.addWidget(self.confirm)
        return row

    def show_state(self, state: CounterState) -> None:
        self.state = state
        if self.counts is None or self.counts.currency != state.currency:
            self.counts = DenominationCounts(state.denominations, state.currency, state.locale,
                                             "Total counted")
            self.counts.total_changed.connect(lambda _total: self._update())
            self.scroll.setWidget(self.counts)
        self.counts.clear()
        for field in (self.reason, self.supervisor_username, self.supervisor_password):
            field.clear()
        self.message.clear()
        self._update()

    def _show_field(self, field: QLineEdit, visible: bool) -> None:
        field.setVisible(visible)
        self.rows[field].setVisible(visible)

    def _update(self) -> None:
        state = self.state
        if state is None or state.session is None or self.counts is None:
            return
        money = lambda amount: format_money(amount, state.locale)  # noqa: E731
        expected, counted = state.session.expected_cash, self.counts.total_amount()
        diff = variance(expected, counted)
        needs = close_requirements(diff, state.reason_threshold, state.supervisor_threshold)
        self.expected.setText(money(expected))
        self.counted.setText(money(counted))
        self.over_short.setText(_over_short(diff, money))
        colour = "#b00020" if diff.is_negative else "#1b5e20" if diff.amount else "palette(text)"
        self.over_short.setStyleSheet(f"font-weight: bold; color: {colour};")
        self._show_field(self.reason, needs.needs_reason)
        for field in (self.supervisor_username, self.supervisor_password):
            self._show_field(field, needs.needs_supervisor)
        self.supervisor_note.setVisible(needs.needs_supervisor)
        self.supervisor_note.setText(
            f"The variance is more than {money(state.supervisor_threshold)}: a supervisor must "
            "approve it with their username and password." if needs.needs_supervisor else "")

    def _confirm(self) -> None:
        if self.counts is None:
            return
        self.close_requested.emit(CloseRequest(
            self.counts.counts(), self.reason.text() if self.reason.isVisible() else "",
            self.supervisor_username.text(), self.supervisor_password.text()))

    def show_error(self, message: str) -> None:
        self.message.setText(message)
        self.supervisor_password.clear()


def _over_short(diff: Money, money) -> str:
    if diff.is_negative:
        return f"Short {money(-diff)}"
    return f"Over {money(diff)}" if diff.amount else "Balanced"
