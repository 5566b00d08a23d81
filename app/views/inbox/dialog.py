"""The inbox dialog: the signed-in user's notices, newest first. Enter opens the linked record
(and marks the notice read); Mark read and Mark all read change only this user's notices."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QWidget

from app.services.core.context import Actor
from app.services.core.inbox import Inbox, NoticeItem
from app.views.common.list_detail import ListDetailDialog
from app.views.common.operations import Operation
from app.views.common.rows import RowsTableModel
from app.views.common.widgets import named
from app.views.payments.display import Display

COL_TIME, COL_KIND, COL_SUBJECT, COL_STATE = range(4)
HEADERS = ("Time", "Kind", "Subject", "State")
KIND_WORDS = {"sla_breach": "SLA breach", "payment_plan_defaulted": "Payment plan defaulted",
              "tariff_expired": "Tariff expired", "billing_exception_critical": "Critical billing exception"}


def kind_text(kind: str) -> str:
    return KIND_WORDS.get(kind, kind.replace("_", " ").capitalize())


class InboxDialog(ListDetailDialog):
    changed = Signal()  # something was marked read: the bell counts again
    open_link = Signal(str)  # "service_request:<id>", ...: the main window shows the record

    def __init__(self, inbox: Inbox, actor: Actor, display: Display, parent: QWidget | None = None) -> None:
        read_button = named(QPushButton("Mark read"), "Mark read")
        all_button = named(QPushButton("Mark all read"), "Mark all read")

        def cells(notice: NoticeItem) -> tuple[str, ...]:
            return (display.moment(notice.at), kind_text(notice.kind), display.text(notice.subject),
                    "Read" if notice.read else "Unread")

        # unread stands out, as in any mail client
        model = RowsTableModel(HEADERS, cells, bold=lambda notice: not notice.read)
        super().__init__("Notifications", model, list_name="Notifications list",
                         summary_name="Notifications summary", detail_name="Notification message",
                         actions=(read_button, all_button), stretch=COL_SUBJECT,
                         on_row=lambda _index: self.open_selected(), parent=parent)
        self.inbox, self.actor, self.display = inbox, actor, display
        self.read_button, self.all_button = read_button, all_button
        self.read_button.clicked.connect(self.mark_selected)
        self.all_button.clicked.connect(self.mark_all)
        self.resize(900, 520)
        self.reload()

    def reload(self) -> None:
        notices = self.inbox.notices(self.actor)
        unread = sum(not n.read for n in notices)
        self.show_items(notices, "No notifications." if not notices else
                        f"{unread} unread of {len(notices)}. Enter opens the record a "
                        "notification is about and marks it read.", keep_row=True)

    def show_selection(self) -> None:
        notice = next(iter(self.selected()), None)
        self.details.setText(self.display.text(notice.body) if notice else "")
        self.read_button.setEnabled(notice is not None and not notice.read)
        self.all_button.setEnabled(any(not n.read for n in self.model.items))

    def mark_selected(self) -> None:
        notice = next(iter(self.selected()), None)
        if notice is not None and not notice.read:
            self.run(lambda: self.inbox.mark_read(self.actor, notice.notice_id), lambda _r: self.changed.emit())

    def mark_all(self) -> None:
        self.run(lambda: self.inbox.mark_all_read(self.actor), lambda _r: self.changed.emit())

    def open_selected(self) -> None:
        notice = next(iter(self.selected()), None)
        if notice is None:
            return

        def opened(_result: object) -> None:
            self.changed.emit()
            if notice.link:
                self.accept()
                self.open_link.emit(notice.link)
            else:
                self.reload()

        if notice.read:
            opened(None)
        else:
            Operation(self, lambda: self.inbox.mark_read(self.actor, notice.notice_id), writes=True,
                      label="Saving…").success(opened).failure(self.failed).run_in_background()
