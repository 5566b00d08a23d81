"""The status bar's bell: the signed-in user's unread notices, counted when data changes and
every minute (notices synced in from other desks arrive without a local change)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QStyle, QToolButton, QWidget

from app.services.core.context import Actor
from app.services.core.inbox import Inbox
from app.views.common.operations import QuietOperation
from app.views.common.widgets import named
from app.views.payments.display import Display

REFRESH_MS = 60_000


def bell_text(unread: int) -> str:
    return f"Notifications: {unread}"


def bell_name(unread: int) -> str:
    """Starts with the visible text, as every control's name here does (the keyboard guard)."""
    return f"Notifications: {unread} unread"


class NotificationBell(QToolButton):
    link_opened = Signal(str)  # the dialog asked to show a record: "service_request:<id>", ...
    marked = Signal()  # notices were marked read in the dialog: other screens may refresh

    def __init__(self, inbox: Inbox, actor: Actor, display: Display, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inbox, self.actor, self.display = inbox, actor, display
        self.unread = 0
        named(self, bell_name(0))
        self.setObjectName("notification_bell")
        self.setToolTip("Your notifications (Ctrl+Shift+I)")
        self.setText(bell_text(0))
        self.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setAutoRaise(True)
        self.clicked.connect(self.open_inbox)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        self._timer.start(REFRESH_MS)
        self._counting = self._again = False
        self.refresh()

    def refresh(self) -> None:
        if self._counting:
            self._again = True  # a change while counting: count once more when this one ends
            return
        self._counting, self._again = True, False
        QuietOperation(self, lambda: self.inbox.unread_count(self.actor)).success(self._show) \
            .failure(self._not_counted).run_in_background()

    def on_changes(self, _changes: object) -> None:
        self.refresh()

    def _show(self, unread: int) -> None:
        self._counting = False
        self.unread = unread
        self.setText(bell_text(unread))
        self.setAccessibleName(bell_name(unread))
        if self._again:
            self.refresh()

    def _not_counted(self, error: Exception) -> None:
        self._counting = False  # keep the last count; the next change or minute tries again
        self.setToolTip(f"Could not count notifications: {error}")

    def open_inbox(self) -> None:
        from app.views.inbox.dialog import InboxDialog

        dialog = InboxDialog(self.inbox, self.actor, self.display, self.window())
        dialog.changed.connect(self.marked.emit)
        dialog.open_link.connect(self.link_opened.emit)
        dialog.exec()
        self.refresh()
