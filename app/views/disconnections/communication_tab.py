"""The Communication tab (internal notes and messages to the consumer, each with its time and
user) and the Timeline tab (every event of the request, in order)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.permissions import Permission, can
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.common.widgets import named
from app.views.disconnections.details_tab import _table, fill
from app.views.payments.display import Background, Display, error_label, show_error


class CommunicationTab(QWidget):
    changed = Signal()

    def __init__(self, services: Services, actor: Actor, display: Display) -> None:
        super().__init__()
        self.services, self.actor, self.display = services, actor, display
        self.request_id = ""
        self.audience = named(QComboBox(), "Audience")
        self.audience.addItems(("Internal", "Consumer"))
        self.message = named(QPlainTextEdit(), "Message")
        self.message.setTabChangesFocus(True)
        self.message.setFixedHeight(70)
        self.add_button = named(QPushButton("Add"), "Add message")
        self.error = error_label("Message")
        self.table = _table("Communications", ("Time", "User", "Audience", "Channel", "Message"))
        line = QHBoxLayout()
        caption = QLabel("&Audience:")
        caption.setBuddy(self.audience)
        line.addWidget(caption)
        line.addWidget(self.audience)
        line.addStretch(1)
        line.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addLayout(line)
        layout.addWidget(self.message)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        allowed = can(actor.role, Permission.NOTE_REQUEST)
        for widget in (self.audience, self.message, self.add_button):
            widget.setEnabled(allowed)
        self.add_button.clicked.connect(self.add)

    def start(self, audience: str) -> None:
        """Quick actions: "Send response to consumer" and "Add internal note" land here."""
        self.audience.setCurrentText(audience)
        self.message.setFocus()

    def load(self, request_id: str) -> None:
        self.request_id = request_id
        Background(self, lambda: self.services.requests.communications(self.actor, request_id)) \
            .success(self._show).run_in_background()

    def _show(self, rows) -> None:
        d = self.display
        fill(self.table, [(d.moment(r.at), r.user_name, r.audience, r.channel, d.text(r.body))
                          for r in rows])

    def add(self) -> None:
        show_error(self.error, "")
        args = (self.actor, self.request_id, self.audience.currentText(), self.message.toPlainText())
        Background(self, lambda: self.services.requests.add_communication(*args), writes=True) \
            .success(lambda _r: self._added()).failure(lambda e: show_error(self.error, str(e))) \
            .run_in_background()

    def _added(self) -> None:
        self.message.clear()
        self.changed.emit()


class TimelineTab(QWidget):
    def __init__(self, services: Services, actor: Actor, display: Display) -> None:
        super().__init__()
        self.services, self.actor, self.display = services, actor, display
        self.table = _table("Timeline", ("Time", "Event", "Detail", "User"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)

    def load(self, request_id: str) -> None:
        Background(self, lambda: self.services.requests.timeline(self.actor, request_id)) \
            .success(self._show).run_in_background()

    def _show(self, rows) -> None:
        d = self.display
        fill(self.table, [(d.moment(r.at), r.event, d.text(r.detail), r.user_name) for r in rows])
