"""An open session: its status card, what the cashier can do with the drawer, the change calculator."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.cash.drawer import ChangeResult
from app.formatting import format_money
from app.services.cash.sessions import CounterState
from app.views.cash.count_table import pieces_text
from app.views.common.forms import Form
from app.views.common.widgets import named

ACTIONS = ("Cash in", "Cash out", "No sale", "X report", "Close session")


class SessionPanel(QWidget):
    action = Signal(str)  # one of ACTIONS
    change_requested = Signal(str)  # the amount due back, as typed

    def __init__(self, may_no_sale: bool, may_close: bool) -> None:
        super().__init__()
        named(self, "Session panel")
        self.state: CounterState | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self._card())
        layout.addLayout(self._actions(may_no_sale, may_close))
        layout.addWidget(self._change_calculator())
        layout.addStretch(1)

    def _card(self) -> QFrame:
        card = QFrame()
        card.setObjectName("SessionCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        form = Form(card)
        self.fields: dict[str, QLabel] = {}
        for name in ("Session number", "Counter", "Opened by", "Opened at", "Opening float",
                     "Expected cash now"):
            value = named(QLabel(""), name)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[name] = value
            form.addRow(QLabel(name), value)
        self.fields["Expected cash now"].setStyleSheet("font-size: 16pt; font-weight: bold;")
        return card

    def _actions(self, may_no_sale: bool, may_close: bool) -> QHBoxLayout:
        row = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for name in ACTIONS:
            button = named(QPushButton(name), name)
            button.clicked.connect(lambda _checked=False, n=name: self.action.emit(n))
            row.addWidget(button)
            self.buttons[name] = button
        self.buttons["No sale"].setVisible(may_no_sale)
        self.buttons["Close session"].setVisible(may_close)
        row.addStretch(1)
        return row

    def _change_calculator(self) -> QGroupBox:
        box = named(QGroupBox("Change calculator"), "Change calculator")
        form = Form(box)
        self.amount_due_back = named(QLineEdit(), "Amount due back")
        self.amount_due_back.setPlaceholderText("e.g. 4.50")
        self.amount_due_back.returnPressed.connect(self._work_out)
        work_out = named(QPushButton("Work out change"), "Work out change")
        work_out.clicked.connect(self._work_out)
        row = QHBoxLayout()
        row.addWidget(self.amount_due_back, 1)
        row.addWidget(work_out)
        self.change_result = named(QLabel(""), "Change to hand over")
        self.change_result.setWordWrap(True)
        form.addRow(QLabel("Amount due back"), row)
        form.addRow(QLabel("Change to hand over"), self.change_result)
        return box

    def _work_out(self) -> None:
        self.change_requested.emit(self.amount_due_back.text())

    def show_state(self, state: CounterState) -> None:
        self.state = state
        session, locale = state.session, state.locale
        if session is None:
            return
        values = {"Session number": str(session.session_no), "Counter": session.counter,
                  "Opened by": session.opened_by,
                  "Opened at": state.formats.moment(session.opened_at),
                  "Opening float": format_money(session.opening_float, locale),
                  "Expected cash now": format_money(session.expected_cash, locale)}
        for name, text in values.items():
            self.fields[name].setText(text)
        self.buttons["No sale"].setEnabled(bool(state.printer_url))
        self.buttons["No sale"].setToolTip("" if state.printer_url else
                                           "The drawer opens through the receipt printer: set one up first")

    def show_change(self, result: ChangeResult, locale: str) -> None:
        if result.exact_possible:
            text = pieces_text(result.pieces, result.requested.currency, locale) or "Nothing to hand back."
            self.change_result.setText(f"Hand over {format_money(result.given, locale)}: {text}")
            return
        text = result.message + "."
        if result.given.amount:
            pieces = pieces_text(result.pieces, result.requested.currency, locale)
            text += f" The closest the drawer can make is {format_money(result.given, locale)}: {pieces}."
        self.change_result.setText(text)

    def show_change_error(self, message: str) -> None:
        self.change_result.setText(message)
