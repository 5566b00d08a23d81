"""No session open: count the float note by note and open the session."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.cash.sessions import CounterState
from app.views.cash.count_table import DenominationCounts
from app.views.common.forms import scroll_area
from app.views.common.widgets import named


class OpenPanel(QWidget):
    open_requested = Signal(object)  # dict[Denomination, int]

    def __init__(self) -> None:
        super().__init__()
        named(self, "Open session panel")
        self.layout_ = QVBoxLayout(self)
        self.intro = named(QLabel(""), "No session open")
        self.intro.setWordWrap(True)
        self.scroll = scroll_area()
        self.counts: DenominationCounts | None = None
        self.open_button = named(QPushButton("Open session"), "Open session")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self._open)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        self.layout_.addWidget(QLabel("<h3>Open a cash session</h3>"))
        self.layout_.addWidget(self.intro)
        self.layout_.addWidget(self.scroll, 1)
        self.layout_.addLayout(buttons)

    def show_state(self, state: CounterState) -> None:
        self.intro.setText(f"No cash session is open at {state.counter}. Count the float in the "
                           "drawer, note by note and coin by coin, then open the session.")
        if self.counts is None or self.counts.currency != state.currency:
            self.counts = DenominationCounts(state.denominations, state.currency, state.locale,
                                             "Opening float")
            self.scroll.setWidget(self.counts)
        self.counts.clear()

    def _open(self) -> None:
        if self.counts is not None:
            self.open_requested.emit(self.counts.counts())
