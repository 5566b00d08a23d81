"""The Disconnections module on one stack: the landing page, the create flow and the request
detail. F2 or Ctrl+N raises a new request from anywhere in the module."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QStackedWidget

from app.domain.core.permissions import Permission, can
from app.services.core.changes import NOTICES, REQUESTS, SETTINGS, Changes
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.common.widgets import named
from app.views.disconnections.create_flow import CreateRequestFlow
from app.views.disconnections.detail_page import RequestDetailPage
from app.views.disconnections.landing import RequestsLanding
from app.views.payments.display import Background, Display

LANDING, CREATING, DETAIL = range(3)


class DisconnectionsPage(QStackedWidget):
    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        named(self, "Disconnections page")
        self.services, self.actor = services, actor
        self.display = Display.of(services.settings.current())
        self.landing = RequestsLanding(services, actor, self.display)
        self.create_flow = CreateRequestFlow(services, actor, self.display)
        self.detail = RequestDetailPage(services, actor, self.display)
        for widget in (self.landing, self.create_flow, self.detail):
            self.addWidget(widget)
        self.operation_done = self.detail.operation_done
        self.landing.new_request.connect(self.new_request)
        self.landing.open_request.connect(self.open_request)
        self.landing.inbox.open_request_no.connect(self.open_request_no)
        if self.landing.suggestions is not None:
            self.landing.suggestions.raise_request.connect(self.new_request_for)
        self.create_flow.finished.connect(self._created)
        self.create_flow.open_request.connect(self.open_request)
        self.detail.back.connect(self.show_landing)
        for keys in ("F2", "Ctrl+N"):
            QShortcut(QKeySequence(keys), self, self.new_request)
        self.landing.refresh()  # SLA escalation is the main window's (sla_watch), module open or not

    def new_request(self) -> None:
        if not can(self.actor.role, Permission.CREATE_REQUEST):
            return
        self.setCurrentIndex(CREATING)
        self.create_flow.start()

    def new_request_for(self, account_no: str) -> None:
        """From a suggestion: the create flow with the consumer already looked up."""
        self.new_request()
        self.create_flow.picker.search.setText(account_no)
        self.create_flow.picker.search_and_pick()

    def _created(self, created) -> None:
        self.landing.refresh()
        if created is None:
            self.show_landing()

    def open_request(self, request_id: str) -> None:
        self.setCurrentIndex(DETAIL)
        self.detail.load(request_id)
        self.detail.back_button.setFocus()

    def open_request_no(self, request_no: str) -> None:
        Background(self, lambda: self.services.requests.request_by_number(self.actor, request_no)) \
            .success(lambda detail: self.open_request(detail.request_id)).run_in_background()

    def show_landing(self) -> None:
        self.setCurrentIndex(LANDING)
        self.landing.refresh()
        self.landing.focus_search()

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(REQUESTS, SETTINGS, NOTICES):  # the escalations tab lists unread notices
            self.landing.refresh()


