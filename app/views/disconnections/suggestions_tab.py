"""The recovery executive's Suggested disconnections: a defaulted payment plan or a bill unpaid
past the configured age; a compliant payment plan is shown as the reason not to. Raise request
(or Enter on a row) starts the create flow with the consumer found."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.services.core.context import Actor
from app.services.registry import Services
from app.views.common.widgets import named
from app.views.disconnections.details_tab import _table, fill
from app.views.disconnections.quiet import QuietBackground
from app.views.payments.display import Display

HEADERS = ("Consumer", "Account No", "Outstanding", "Overdue since", "Why", "Reason not to")


class SuggestionsTab(QWidget):
    raise_request = Signal(str)  # account number

    def __init__(self, services: Services, actor: Actor, display: Display) -> None:
        super().__init__()
        self.services, self.actor, self.display = services, actor, display
        self.rows = []
        self.table = _table("Suggested disconnections list", HEADERS)
        self.table.setSelectionBehavior(self.table.SelectionBehavior.SelectRows)
        self.raise_button = named(QPushButton("Raise request"), "Raise request")
        line = QHBoxLayout()
        line.addStretch(1)
        line.addWidget(self.raise_button)
        layout = QVBoxLayout(self)
        layout.addLayout(line)
        layout.addWidget(self.table, 1)
        self.raise_button.clicked.connect(self._raise)
        self.table.itemActivated.connect(lambda _item: self._raise())

    def refresh(self) -> None:
        QuietBackground(self, lambda: self.services.requests.suggested_disconnections(self.actor)) \
            .success(self._show).run_in_background()

    def _show(self, rows) -> None:
        self.rows = rows
        d = self.display
        fill(self.table, [(r.name, r.account_no, d.money(r.outstanding), d.day(r.overdue_since) or "—",
                           r.why, r.reason_not_to or "—") for r in rows])
        self.table.resizeColumnsToContents()

    def _raise(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows):
            self.raise_request.emit(self.rows[row].account_no)
