"""The request detail's header: number, reason, dates, the consumer with a VIP badge, account,
priority and status, the SLA in real time, the status button and the quick actions."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.domain.core.permissions import Permission, can
from app.services.core.context import Actor
from app.services.requests import RequestDetail
from app.views.common.widgets import named
from app.views.payments.display import Display, badge_style, card_frame, value_label

QUICK_ACTIONS = ("Send response to consumer", "Create service order", "Add internal note",
                 "Generate bill", "Close request")
SLA_COLOURS = {"On Track": ("#1e6b3a", "#e3f4e8"), "Breached": ("#b3261e", "#fbe4e2")}


class DetailHeader(QWidget):
    status_action = Signal(str)  # the button's text: Acknowledge, Put on Hold or Resume
    quick_action = Signal(str)

    def __init__(self, actor: Actor, display: Display) -> None:
        super().__init__()
        self.display = display
        self.title = named(QLabel(""), "Request ID")
        self.title.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.reason = value_label("", "Request reason")
        self.dates = value_label("", "Request dates")
        self.consumer = value_label("", "Consumer name")
        self.consumer.setStyleSheet("font-weight: 600;")
        self.vip = named(QLabel("VIP"), "VIP badge")
        self.vip.setStyleSheet("color: #7a4b00; background: #ffe8b3; border-radius: 9px; "
                               "padding: 2px 10px; font-weight: 700;")
        self.account = value_label("", "Account number")
        self.priority = named(QLabel(""), "Priority")
        self.status = named(QLabel(""), "Status")
        self.sla_status = named(QLabel(""), "SLA status")
        self.sla_due = value_label("", "SLA due date")
        self.remaining = value_label("", "Time remaining")
        self.status_button = named(QPushButton("Acknowledge"), "Acknowledge")
        self.status_button.clicked.connect(lambda: self.status_action.emit(self.status_button.text()))
        self.status_button.setVisible(can(actor.role, Permission.WORK_REQUEST))
        self.quick = {}
        quick_line = QHBoxLayout()
        quick_line.addWidget(QLabel("Quick actions:"))
        for text in QUICK_ACTIONS:
            button = named(QPushButton(text), text)
            button.clicked.connect(lambda _c=False, t=text: self.quick_action.emit(t))
            self.quick[text] = button
            quick_line.addWidget(button)
        quick_line.addStretch(1)
        self.quick["Close request"].setVisible(can(actor.role, Permission.WORK_REQUEST))
        self.quick["Create service order"].setVisible(can(actor.role, Permission.WORK_REQUEST))
        self._layout(quick_line)

    def _layout(self, quick_line: QHBoxLayout) -> None:
        frame, inner = card_frame("Request header")
        grid = QGridLayout()
        name_line = QHBoxLayout()
        # the wrapping values take the room a stretch would (beside a stretch a name wraps
        # after its first word: "John Michael / Smith")
        name_line.addWidget(self.consumer, 1)
        name_line.addWidget(self.vip)
        badges = QHBoxLayout()
        badges.addWidget(self.priority)
        badges.addWidget(self.status)
        badges.addStretch(1)
        left = QVBoxLayout()
        for item in (self.title, self.reason, self.dates):
            left.addWidget(item)
        middle = QVBoxLayout()
        middle.addLayout(name_line)
        middle.addWidget(self.account)
        middle.addLayout(badges)
        right = QVBoxLayout()
        for label, widget in (("SLA status", self.sla_status), ("SLA due date", self.sla_due),
                              ("Time remaining", self.remaining)):
            line = QHBoxLayout()
            line.addWidget(QLabel(f"{label}:"))
            wraps = widget is not self.sla_status  # the status is a pill: as wide as its word
            line.addWidget(widget, 1 if wraps else 0)
            if not wraps:
                line.addStretch(1)
            right.addLayout(line)
        right.addWidget(self.status_button)
        grid.addLayout(left, 0, 0)
        grid.addLayout(middle, 0, 1)
        grid.addLayout(right, 0, 2)
        for column, stretch in enumerate((3, 3, 2)):
            grid.setColumnStretch(column, stretch)
        inner.addLayout(grid)
        inner.addLayout(quick_line)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(frame)

    def show_detail(self, detail: RequestDetail) -> None:
        d = self.display
        self.title.setText(detail.request_no)
        self.reason.setText(f"{detail.request_type} · {detail.reason} ({detail.reason_code})")
        self.dates.setText(f"Created {d.moment(detail.created_at)} · Preferred {self._preferred(detail)}")
        self.consumer.setText(detail.consumer.name)
        self.vip.setVisible(detail.consumer.vip)  # AC014
        self.account.setText(detail.consumer.account_no)
        self.priority.setText(f"Priority: {detail.priority}")
        self.priority.setStyleSheet(badge_style(detail.priority, reason=True))
        self.status.setText(detail.status)
        self.status.setStyleSheet(badge_style(detail.status))
        self.show_sla(detail)
        label = detail.action_label
        self.status_button.setEnabled(label is not None)
        self.status_button.setText(label or detail.status)
        self.status_button.setAccessibleName(label or detail.status)
        closed = detail.status in ("Completed", "Closed")
        for text in ("Close request", "Create service order"):
            self.quick[text].setEnabled(not closed or text == "Close request" and detail.status == "Completed")

    def show_sla(self, detail: RequestDetail) -> None:
        sla = detail.sla
        fg, bg = SLA_COLOURS[sla.status]
        self.sla_status.setText(sla.status)
        self.sla_status.setStyleSheet(f"color: {fg}; background: {bg}; border-radius: 9px; "
                                      "padding: 2px 10px; font-weight: 600;")
        self.sla_due.setText(self.display.moment(sla.due_at))
        self.remaining.setText(sla.remaining_text)

    def _preferred(self, detail: RequestDetail) -> str:
        if detail.preferred_date is None:
            return "Not specified"
        return f"{self.display.day(detail.preferred_date)} {detail.time_slot}"
