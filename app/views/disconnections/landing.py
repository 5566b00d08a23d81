"""The requests landing page: the KPI cards of a chosen month (the month before beside), search, filters, and the Current requests
and Request history tabs (a lazy list: pages come from SQL as the user scrolls)."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.permissions import Permission, can
from app.domain.requests.disconnection import RequestStatus
from app.services.core.context import Actor
from app.services.registry import Services
from app.services.requests import RequestFilter, RequestKpis, RequestRow
from app.services.requests.reads import MonthKpis
from app.views.common.forms import DateEdit, caption
from app.views.common.rows import RAW_ROLE
from app.views.common.tables import fit_columns, keyboard_table
from app.views.common.widgets import named
from app.views.disconnections.inbox_tab import InboxTab
from app.views.disconnections.quiet import QuietBackground
from app.views.disconnections.suggestions_tab import SuggestionsTab
from app.views.payments.display import Display, from_qdate
from app.views.payments.kpi_cards import KpiCard
from app.views.payments.table_models import LazyTableModel

KPI_MONTHS = 12  # the month picker offers this month and the eleven before it
KPI_TITLES = ("Pending disconnections", "Completed disconnections", "Pending reconnections",
              "Completed reconnections")
ANY = "Any"
NO_DATE = QDate(2000, 1, 1)


def _figures(kpis: RequestKpis) -> tuple[int, int, int, int]:
    return (kpis.pending_disconnections, kpis.completed_disconnections,
            kpis.pending_reconnections, kpis.completed_reconnections)


class RequestsTableModel(LazyTableModel):
    HEADERS = ("Request ID", "Consumer", "Account No", "Address", "Type", "Date requested",
               "Status", "Outstanding", "Priority", "Action")
    SORT_KEYS = (None,) * 10
    LINK_COLUMNS = frozenset({0, 9})
    RIGHT_COLUMNS = frozenset({7})
    BADGES = {6: "status"}

    def cells(self, row: RequestRow) -> tuple[str, ...]:
        d = self.display
        return (row.request_no, row.consumer, row.account_no, row.address, row.request_type,
                d.local_day(row.created_at), row.status, d.money(row.outstanding), row.priority, "View")


def _combo(name: str, choices: tuple[str, ...]) -> QComboBox:
    combo = named(QComboBox(), name)
    combo.addItems((ANY, *choices))
    return combo


def _date(name: str) -> QDateEdit:
    edit = named(DateEdit(), name)
    edit.setCalendarPopup(True)
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText("Any date")
    edit.setDate(NO_DATE)
    return edit


class RequestsList(QWidget):
    """One tab's list: Enter or a click on the row opens it."""

    open_request = Signal(str)

    def __init__(self, name: str, display: Display) -> None:
        super().__init__()
        self.model = RequestsTableModel(lambda *_: [], display, "created")
        # Enter and a double-click open the request (keyboard_table), as on every list
        self.table = keyboard_table(named(QTableView(), name), lambda index: self._open(index.row()))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        fit_columns(self.table, 3)  # the address takes the rest
        self.table.clicked.connect(lambda index: self._open(index.row()) if index.column() in (0, 9) else None)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)

    def _open(self, row: int) -> None:
        self.open_request.emit(self.model.index(row, 0).data(RAW_ROLE).request_id)


class RequestsLanding(QWidget):
    new_request = Signal()
    open_request = Signal(str)

    def __init__(self, services: Services, actor: Actor, display: Display) -> None:
        super().__init__()
        named(self, "Disconnections dashboard")
        self.services, self.actor, self.display = services, actor, display
        self.kpis: RequestKpis | None = None
        self.previous_kpis: RequestKpis | None = None
        self.cards = [KpiCard(title) for title in KPI_TITLES]
        self.kpi_month = named(QComboBox(), "KPI month")
        this_month = services.requests.form_choices(actor)[3].replace(day=1)
        for _ in range(KPI_MONTHS):
            self.kpi_month.addItem(display.month(this_month), this_month)
            this_month = (this_month - timedelta(days=1)).replace(day=1)
        self.new_button = named(QPushButton("New Request"), "New Request")
        self.new_button.setToolTip("F2 or Ctrl+N")
        self.new_button.setVisible(can(actor.role, Permission.CREATE_REQUEST))
        self.search = named(QLineEdit(), "Search requests")
        self.search.setPlaceholderText("Request ID, name or account number, then Enter")
        self.status = _combo("Status filter", tuple(s.value for s in RequestStatus))
        self.request_type = _combo("Type filter", ("Disconnection", "Reconnection"))
        self.priority = _combo("Priority filter", ("Critical", "High", "Medium", "Low"))
        self.date_from, self.date_to = _date("Requested from"), _date("Requested to")
        self.current = RequestsList("Current requests list", display)
        self.history = RequestsList("Request history list", display)
        self.tabs = named(QTabWidget(), "Requests tabs")
        self.tabs.addTab(self.current, "Current requests")
        self.tabs.addTab(self.history, "Request history")
        self.suggestions = None
        if can(actor.role, Permission.CREATE_REQUEST) and can(actor.role, Permission.SETTLE_ACCOUNT):
            self.suggestions = SuggestionsTab(services, actor, display)
            self.tabs.addTab(self.suggestions, "Suggested disconnections")
        self.inbox = InboxTab(services, actor, display)
        self.inbox_index = self.tabs.addTab(self.inbox, "Escalations")
        self.inbox.counted.connect(lambda n: self.tabs.setTabText(self.inbox_index, f"Escalations ({n})"))
        self._layout()
        self.search.returnPressed.connect(self.refresh)
        self.kpi_month.currentIndexChanged.connect(lambda _i: self.refresh_kpis())
        for combo in (self.status, self.request_type, self.priority):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(lambda _d: self.refresh())
        self.new_button.clicked.connect(self.new_request.emit)
        for tab in (self.current, self.history):
            tab.open_request.connect(self.open_request.emit)

    def _layout(self) -> None:
        header = QHBoxLayout()
        header.addWidget(QLabel("<h2>Disconnections</h2>"))
        header.addStretch(1)
        header.addWidget(caption("KPI month", self.kpi_month))
        header.addWidget(self.kpi_month)
        header.addWidget(self.new_button)
        strip = QHBoxLayout()
        for card in self.cards:
            strip.addWidget(card)
        filters = QHBoxLayout()
        filters.addWidget(caption("Search", self.search))
        filters.addWidget(self.search, 2)
        for label, widget in (("Status", self.status), ("Type", self.request_type),
                              ("Priority", self.priority), ("Requested from", self.date_from),
                              ("Requested to", self.date_to)):
            filters.addWidget(caption(label, widget))
            filters.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(strip)
        layout.addLayout(filters)
        layout.addWidget(self.tabs, 1)

    def current_filter(self, history: bool) -> RequestFilter:
        def chosen(combo: QComboBox) -> str:
            return "" if combo.currentText() == ANY else combo.currentText()

        def day(edit: QDateEdit):
            return None if edit.date() == NO_DATE else from_qdate(edit.date())

        return RequestFilter(self.search.text(), chosen(self.status), chosen(self.request_type),
                             chosen(self.priority), day(self.date_from), day(self.date_to), history)

    def refresh(self) -> None:
        for tab, history in ((self.current, False), (self.history, True)):
            flt = self.current_filter(history)
            tab.model.reset(lambda offset, limit, *_s, flt=flt: self.services.requests.list_requests(
                self.actor, flt, offset, limit))
        self.refresh_kpis()
        if self.suggestions is not None:
            self.suggestions.refresh()
        self.inbox.refresh()

    def refresh_kpis(self) -> None:
        month = self.kpi_month.currentData()
        QuietBackground(self, lambda: self.services.requests.month_kpis(self.actor, month)) \
            .success(self._show_kpis).run_in_background()

    def _show_kpis(self, kpis: MonthKpis) -> None:
        if kpis.current.month != self.kpi_month.currentData():
            return  # an answer for a month no longer chosen
        self.kpis, self.previous_kpis = kpis.current, kpis.previous
        before = self.display.month(kpis.previous.month)
        for card, now, then in zip(self.cards, _figures(kpis.current), _figures(kpis.previous), strict=True):
            card.show_figure(str(now), f"{self.display.month(kpis.current.month)} · {before}: {then}")

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)
