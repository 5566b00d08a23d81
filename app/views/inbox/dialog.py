"""The inbox dialog: the signed-in user's notices, newest first. Enter opens the linked record
(and marks the notice read); Mark read and Mark all read change only this user's notices."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services.core.context import Actor
from app.services.core.inbox import Inbox, NoticeItem
from app.views.common.dialogs import keyboard_dialog
from app.views.common.operations import Operation
from app.views.common.tables import keyboard_table
from app.views.common.widgets import named
from app.views.payments.display import Display

COL_TIME, COL_KIND, COL_SUBJECT, COL_STATE = range(4)
HEADERS = ("Time", "Kind", "Subject", "State")
KIND_WORDS = {"sla_breach": "SLA breach", "payment_plan_defaulted": "Payment plan defaulted",
              "tariff_expired": "Tariff expired", "billing_exception_critical": "Critical billing exception"}
Index = QModelIndex | QPersistentModelIndex


def kind_text(kind: str) -> str:
    return KIND_WORDS.get(kind, kind.replace("_", " ").capitalize())


class NoticesTableModel(QAbstractTableModel):
    def __init__(self, display: Display) -> None:
        super().__init__()
        self.display = display
        self.notices: list[NoticeItem] = []

    def set_notices(self, notices: list[NoticeItem]) -> None:
        self.beginResetModel()
        self.notices = notices
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self.notices)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        notice = self.notices[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cell(notice, index.column())
        if role == Qt.ItemDataRole.FontRole and not notice.read:
            font = QFont()
            font.setBold(True)  # unread stands out, as in any mail client
            return font
        return None

    def cell(self, notice: NoticeItem, column: int) -> str:
        if column == COL_TIME:
            return self.display.moment(notice.at)
        if column == COL_KIND:
            return kind_text(notice.kind)
        if column == COL_SUBJECT:
            return self.display.text(notice.subject)
        return "Read" if notice.read else "Unread"


class InboxDialog(QDialog):
    changed = Signal()  # something was marked read: the bell counts again
    open_link = Signal(str)  # "service_request:<id>", ...: the main window shows the record

    def __init__(self, inbox: Inbox, actor: Actor, display: Display, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inbox, self.actor = inbox, actor
        named(self, "Notifications")
        self.setWindowTitle("Notifications")
        self.model = NoticesTableModel(display)
        self.table = keyboard_table(named(QTableView(), "Notifications list"), lambda _index: self.open_selected())
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(COL_SUBJECT, QHeaderView.ResizeMode.Stretch)
        self.summary = named(QLabel(), "Notifications summary")
        self.body = named(QLabel(), "Notification message")
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.read_button = named(QPushButton("Mark read"), "Mark read")
        self.all_button = named(QPushButton("Mark all read"), "Mark all read")
        close = named(QPushButton("Close"), "Close")
        self.read_button.clicked.connect(self.mark_selected)
        self.all_button.clicked.connect(self.mark_all)
        close.clicked.connect(self.accept)
        self._lay_out(close)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selection())
        self.resize(900, 520)
        self.reload()
        keyboard_dialog(self, accept=close, first=self.table)

    def _lay_out(self, close: QPushButton) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.read_button)
        buttons.addWidget(self.all_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.body)
        layout.addLayout(buttons)

    def reload(self) -> None:
        row = max(self.table.currentIndex().row(), 0)
        self.model.set_notices(self.inbox.notices(self.actor))
        unread = sum(not n.read for n in self.model.notices)
        self.summary.setText("No notifications." if not self.model.notices else
                             f"{unread} unread of {len(self.model.notices)}. Enter opens the record a "
                             "notification is about and marks it read.")
        self.table.resizeColumnsToContents()
        if self.model.notices:
            self.table.selectRow(min(row, len(self.model.notices) - 1))
        self._show_selection()

    def selected(self) -> NoticeItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.notices[rows[0].row()] if rows else None

    def _show_selection(self) -> None:
        notice = self.selected()
        self.body.setText(self.model.display.text(notice.body) if notice else "")
        self.read_button.setEnabled(notice is not None and not notice.read)
        self.all_button.setEnabled(any(not n.read for n in self.model.notices))

    def mark_selected(self) -> None:
        if (notice := self.selected()) is not None and not notice.read:
            self._run(lambda: self.inbox.mark_read(self.actor, notice.notice_id))

    def mark_all(self) -> None:
        self._run(lambda: self.inbox.mark_all_read(self.actor))

    def open_selected(self) -> None:
        notice = self.selected()
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
                      label="Saving…").success(opened).failure(self._failed).run_in_background()

    def _run(self, work) -> None:
        self.read_button.setEnabled(False)
        self.all_button.setEnabled(False)

        def done(_result: object) -> None:
            self.reload()
            self.changed.emit()

        Operation(self, work, writes=True, label="Saving…").success(done).failure(self._failed) \
            .run_in_background()

    def _failed(self, error: Exception) -> None:
        from app.views.common.errors import show_error

        self.reload()
        show_error(self, error)
