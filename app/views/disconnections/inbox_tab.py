"""Escalations: the signed-in user's unread SLA breach notifications. Enter opens the request;
Mark as read takes the selected one off the list."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.services.core.context import Actor
from app.services.registry import Services
from app.views.common.widgets import named
from app.views.disconnections.details_tab import _table, fill
from app.views.disconnections.quiet import QuietBackground
from app.views.payments.display import Background, Display


class InboxTab(QWidget):
    open_request_no = Signal(str)
    counted = Signal(int)

    def __init__(self, services: Services, actor: Actor, display: Display) -> None:
        super().__init__()
        self.services, self.actor, self.display = services, actor, display
        self.items = []
        self.table = _table("Escalations list", ("Time", "Subject", "Message"))
        self.table.setSelectionBehavior(self.table.SelectionBehavior.SelectRows)
        self.read_button = named(QPushButton("Mark as read"), "Mark as read")
        line = QHBoxLayout()
        line.addStretch(1)
        line.addWidget(self.read_button)
        layout = QVBoxLayout(self)
        layout.addLayout(line)
        layout.addWidget(self.table, 1)
        self.read_button.clicked.connect(self._mark_read)
        self.table.itemActivated.connect(lambda _item: self._open())

    def refresh(self) -> None:
        QuietBackground(self, lambda: self.services.requests.inbox(self.actor)).success(self._show) \
            .run_in_background()

    def _show(self, items) -> None:
        self.items, d = items, self.display
        fill(self.table, [(d.moment(i.at), d.text(i.subject), d.text(i.body)) for i in items])
        self.counted.emit(len(items))

    def _selected(self):
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _open(self) -> None:
        if (item := self._selected()) is not None:
            self.open_request_no.emit(item.request_no)

    def _mark_read(self) -> None:
        if (item := self._selected()) is not None:
            Background(self, lambda: self.services.requests.mark_read(self.actor, item.notification_id),
                       writes=True).success(lambda _r: self.refresh()).run_in_background()
