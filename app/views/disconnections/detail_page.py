"""The request detail: header with the status button and quick actions, and the Details,
Financial settlement, Final bill, Service orders, Communication, Timeline and Disconnect/Reconnect tabs.
The SLA is re-read every 30 seconds while the page is open, so On Track turns Breached live."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import ConflictError
from app.services.core.changes import REQUESTS, Changes
from app.services.core.context import Actor
from app.services.registry import Services
from app.services.requests import RequestDetail
from app.views.common.widgets import named
from app.views.disconnections.close_dialog import CloseRequestDialog
from app.views.disconnections.communication_tab import CommunicationTab, TimelineTab
from app.views.disconnections.detail_header import DetailHeader
from app.views.disconnections.details_tab import DetailsTab, SettlementTab
from app.views.disconnections.execute_tab import ExecuteTab
from app.views.disconnections.final_bill_tab import FinalBillTab
from app.views.disconnections.orders_tab import OrdersTab
from app.views.disconnections.quiet import QuietBackground
from app.views.payments.display import Background, Display, alive

SLA_REFRESH_MS = 30_000
STATUS_CALLS = {"Acknowledge": "acknowledge", "Put on Hold": "put_on_hold", "Resume": "resume"}


def _scrolling(tab: QWidget) -> QScrollArea:
    """Each tab scrolls inside the window rather than growing it past 1280x800."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(tab)
    return area


class RequestDetailPage(QWidget):
    back = Signal()
    operation_done = Signal(object)  # Changes

    def __init__(self, services: Services, actor: Actor, display: Display) -> None:
        super().__init__()
        named(self, "Request detail")
        self.services, self.actor, self.display = services, actor, display
        self.detail: RequestDetail | None = None
        self.today = services.requests.form_choices(actor)[3]
        self.back_button = named(QPushButton("Back to requests"), "Back to requests")
        self.notice = named(QLabel(""), "Request notice")
        self.notice.setWordWrap(True)
        self.header = DetailHeader(actor, display)
        self.details = DetailsTab(display)
        self.settlement = SettlementTab(display)
        self.final_bill = FinalBillTab(services, actor, display, self.settlement.use_in_bill.isChecked)
        self.orders = OrdersTab(services, actor, display)
        self.communication = CommunicationTab(services, actor, display)
        self.timeline = TimelineTab(services, actor, display)
        self.execute = ExecuteTab(services, actor, display)
        self.tabs = named(QTabWidget(), "Request tabs")
        self.tab_widgets = [self.details, self.settlement, self.final_bill, self.orders,
                            self.communication, self.timeline, self.execute]
        for tab, text in ((self.details, "Details"), (self.settlement, "Financial settlement"),
                          (self.final_bill, "Final bill"),
                          (self.orders, "Service orders"), (self.communication, "Communication"),
                          (self.timeline, "Timeline"), (self.execute, "Disconnect")):
            self.tabs.addTab(_scrolling(tab), text)
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.notice, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.header)
        layout.addWidget(self.tabs, 1)
        self.sla_timer = QTimer(self)
        self.sla_timer.setInterval(SLA_REFRESH_MS)
        self.sla_timer.timeout.connect(self._refresh_sla)
        self.back_button.clicked.connect(self.back.emit)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.back.emit)
        self.header.status_action.connect(self.change_status)
        self.header.quick_action.connect(self.quick_action)
        for tab in (self.orders, self.communication, self.final_bill):
            tab.changed.connect(self.reload)
        self.settlement.use_in_bill.toggled.connect(lambda _on: self.final_bill.refresh_figures())
        self.execute.executed.connect(self._executed)

    def load(self, request_id: str) -> None:
        self.notice.setText("")
        Background(self, lambda: self.services.requests.request_detail(self.actor, request_id)) \
            .success(self._show).run_in_background()

    def reload(self) -> None:
        if self.detail is not None:
            self.load(self.detail.request_id)
            self.operation_done.emit(Changes.of(REQUESTS))

    def _show(self, detail: RequestDetail) -> None:
        self.detail = detail
        self.header.show_detail(detail)
        self.details.show_detail(detail)
        self.settlement.show_detail(detail)
        self.execute.show_detail(detail)
        self.final_bill.show_detail(detail)
        disconnection = detail.request_type == "Disconnection"
        self.tabs.setTabVisible(self.tab_widgets.index(self.final_bill), disconnection)
        self.tabs.setTabText(self.tab_widgets.index(self.execute), "Disconnect" if disconnection else "Reconnect")
        self.orders.load(detail.request_id, self.today)
        self.communication.load(detail.request_id)
        self.timeline.load(detail.request_id)
        self.sla_timer.start()

    def _refresh_sla(self) -> None:
        if self.detail is None or not self.isVisible():
            return
        request_id = self.detail.request_id
        QuietBackground(self, lambda: self.services.requests.request_detail(self.actor, request_id)) \
            .success(lambda detail: self.header.show_sla(detail) if alive(self) else None) \
            .run_in_background()

    def change_status(self, label: str) -> None:
        call = getattr(self.services.requests, STATUS_CALLS[label])
        detail = self.detail
        Background(self, lambda: call(self.actor, detail.request_id, detail.version), writes=True) \
            .success(lambda _c: self.reload()).failure(self._refused).run_in_background()

    def _refused(self, error: Exception) -> None:
        self.notice.setText(str(getattr(error, "message", error)))
        if isinstance(error, ConflictError):  # another desk moved it first: show the current state
            self.load(self.detail.request_id)
            self.notice.setText(error.message)

    def quick_action(self, text: str) -> None:
        if text == "Send response to consumer":
            self._show_tab(self.communication)
            self.communication.start("Consumer")
        elif text == "Add internal note":
            self._show_tab(self.communication)
            self.communication.start("Internal")
        elif text == "Create service order":
            self._show_tab(self.orders)
            self.orders.template.setFocus()
        elif text == "Generate bill":
            self._show_tab(self.final_bill)
            (self.final_bill.rows[0].meter if self.final_bill.rows else self.final_bill.generate).setFocus()
        elif text == "Close request":
            self.close_request()

    def _show_tab(self, tab: QWidget) -> None:
        self.tabs.setCurrentIndex(self.tab_widgets.index(tab))

    def close_request(self) -> None:
        detail = self.detail
        reasons = self.services.requests.form_choices(self.actor)[1]
        dialog = CloseRequestDialog(self, detail.request_no, reasons, lambda reason, notes: (
            self.services.requests.close(self.actor, detail.request_id, reason, notes, detail.version)))
        if dialog.exec() == CloseRequestDialog.DialogCode.Accepted:
            self.reload()

    def _executed(self) -> None:
        self.reload()
        self.notice.setText(f"{self.detail.request_type} executed for {self.detail.request_no}.")
