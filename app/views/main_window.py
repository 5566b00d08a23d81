"""The main window: a navigation rail of the modules the role may see, pages, a status bar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QWidget,
)

from app.domain.core.permissions import Module, visible_modules
from app.services.core.changes import NOTICES, REQUESTS, SETTINGS, Changes
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.common.forms import use_date_format
from app.views.common.widgets import UnavailablePage, named
from app.views.disconnections.sla_watch import SlaWatch
from app.views.sync.status import SyncStatusController
from sync.desktop import SyncLink, SyncStatusService

PageFactory = Callable[[Services, Actor], QWidget]

# Modules whose screens are not built yet: each shows a plain page saying so.
NOT_BUILT: dict[Module, str] = {
}


def built_pages() -> dict[Module, PageFactory]:
    from app.views.audit.audit_page import AuditModulePage
    from app.views.billing.billing_page import BillingModulePage
    from app.views.cash.cash_page import CashModulePage
    from app.views.dashboard.dashboard_page import DashboardPage
    from app.views.disconnections.page import DisconnectionsPage
    from app.views.payments.payments_page import PaymentsModulePage
    from app.views.settings.settings_page import SettingsPage
    from app.views.tariffs.module_page import TariffsModulePage

    return {Module.SETTINGS: SettingsPage, Module.AUDIT: AuditModulePage,
            Module.TARIFFS: TariffsModulePage, Module.CASH: CashModulePage,
            Module.PAYMENTS: PaymentsModulePage, Module.BILLING: BillingModulePage,
            Module.DISCONNECTIONS: DisconnectionsPage,
            Module.DASHBOARD: DashboardPage}


LINKED_MODULES = {"service_request": Module.DISCONNECTIONS, "payment_plan": Module.PAYMENTS,
                  "tariff": Module.TARIFFS, "billing_exception": Module.BILLING}


class MainWindow(QMainWindow):
    logout_requested = Signal()
    changed = Signal(object)  # Changes: screens refresh only when it concerns them

    def __init__(self, services: Services, actor: Actor, *, centre: str, counter: str,
                 utility_name: str, sync_link: SyncLink | None = None) -> None:
        super().__init__()
        self.services = services
        self.actor = actor
        use_date_format(services.settings.current().date_format)  # every date field, as Settings say
        self.setWindowTitle(f"{utility_name} · UtilityDesk")
        self.setAccessibleName("UtilityDesk main window")
        self.resize(1280, 800)
        self.modules = visible_modules(actor.role)
        self.rail = named(QListWidget(), "Navigation")
        self.rail.setFixedWidth(200)
        self.pages = QStackedWidget()
        factories = built_pages()
        for index, module in enumerate(self.modules):
            item = QListWidgetItem(module.value)
            item.setToolTip(f"{module.value} (Ctrl+{index + 1})")
            self.rail.addItem(item)
            factory = factories.get(module)
            page = factory(services, actor) if factory else UnavailablePage(module.value, NOT_BUILT[module])
            if hasattr(page, "on_changes"):
                self.changed.connect(page.on_changes)
            if hasattr(page, "operation_done"):
                page.operation_done.connect(self.changed.emit)
            self.pages.addWidget(page)
        self.rail.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.changed.connect(self._follow_settings)
        self.rail.setCurrentRow(0)

        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.rail)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(body)
        self._build_status_bar(centre, counter, sync_link)
        for index in range(self.pages.count() if sync_link is not None else 0):
            if hasattr(page := self.pages.widget(index), "use_sync_link"):
                page.use_sync_link(sync_link)
        self._build_menus()
        self._watch_printer()
        self.sla_watch = SlaWatch(services, actor, self)  # escalates breaches with the module open or not
        self.sla_watch.escalated.connect(lambda: self.changed.emit(Changes.of(REQUESTS)))

    def _watch_printer(self) -> None:
        """The receipt printer's state in the status bar; pages that print share the watcher."""
        from app.views.payments.printer_monitor import PrinterMonitor

        self.printer_monitor = PrinterMonitor(self.services, self.actor, self)
        self.statusBar().addPermanentWidget(self.printer_monitor.label)
        for index in range(self.pages.count()):
            page = self.pages.widget(index)
            if hasattr(page, "use_printer_monitor"):
                page.use_printer_monitor(self.printer_monitor)
        self.printer_monitor.start()

    def _build_status_bar(self, centre: str, counter: str, sync_link: SyncLink | None) -> None:
        bar = self.statusBar()
        self.user_label = named(QLabel(f"{self.actor.full_name} · {self.actor.role.value}"), "Signed-in user")
        self.place_label = named(QLabel(f"{centre} · {counter}"), "Centre and counter")
        for label in (self.user_label, self.place_label):
            bar.addPermanentWidget(label)
        # Sync state, queued operations, sync problems, data age; Sync now and the background sync.
        self.sync_status = SyncStatusController(self, SyncStatusService(self.services.app), sync_link, self.actor)
        self.sync_status.install(bar)
        self.sync_label, self.age_label = self.sync_status.sync_label, self.sync_status.age_label
        self.sync_status.changed.connect(self.changed.emit)
        self.changed.connect(self.sync_status.on_changes)
        self._build_bell(bar)

    def _build_bell(self, bar) -> None:
        from app.views.inbox.bell import NotificationBell
        from app.views.payments.display import Display

        display = Display.of(self.services.settings.current())
        self.bell = NotificationBell(self.services.inbox, self.actor, display, self)
        bar.addPermanentWidget(self.bell)
        self.changed.connect(self.bell.on_changes)
        self.bell.link_opened.connect(self.open_link)
        self.bell.marked.connect(lambda: self.changed.emit(Changes(frozenset({NOTICES}))))

    def open_link(self, link: str) -> None:
        """A notice's record: its module, and the record itself where the page can show one."""
        kind, _, record_id = link.partition(":")
        module = LINKED_MODULES.get(kind)
        if module is None or module not in self.modules:
            return
        page = self.show_module(module)
        if kind == "service_request" and hasattr(page, "open_request"):
            page.open_request(record_id)

    def _build_menus(self) -> None:
        session_menu = self.menuBar().addMenu("&Session")
        change = QAction("Change &password…", self)
        change.triggered.connect(self.change_password)
        logout = QAction("&Log out", self)
        logout.setShortcut(QKeySequence("Ctrl+Shift+L"))
        logout.triggered.connect(self.logout_requested.emit)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        session_menu.addActions(self.sync_status.actions())  # Sync now (F9), Sync problems…, Connect…
        notices = QAction("&Notifications…", self)
        notices.setShortcut(QKeySequence("Ctrl+Shift+I"))  # I for inbox; N is the counter's notes pad
        notices.triggered.connect(self.bell.open_inbox)
        session_menu.addAction(notices)
        self.addAction(notices)
        session_menu.addSeparator()
        for action in (change, logout, quit_action):
            session_menu.addAction(action)
        go_menu = self.menuBar().addMenu("G&o")
        for index, module in enumerate(self.modules[:9]):
            action = QAction(module.value, self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _checked=False, row=index: self.rail.setCurrentRow(row))
            go_menu.addAction(action)
            self.addAction(action)  # shortcut works wherever focus is in the window

    def _follow_settings(self, changes: Changes) -> None:
        if changes.touches(SETTINGS):  # date fields opened from now on use the new date format
            use_date_format(self.services.settings.current().date_format)

    def show_module(self, module: Module) -> QWidget:
        row = self.modules.index(module)
        self.rail.setCurrentRow(row)
        return self.pages.widget(row)

    def navigation_labels(self) -> list[str]:
        return [self.rail.item(row).text() for row in range(self.rail.count())]

    def change_password(self) -> None:
        from app.views.change_password import ChangePasswordDialog

        ChangePasswordDialog(self.services, self.actor, self).exec()

    def notify(self, changes: Changes) -> None:
        self.changed.emit(changes)
        self.statusBar().showMessage("Saved.", 3000)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key.Key_F6:
            self.rail.setFocus()
            return
        super().keyPressEvent(event)
