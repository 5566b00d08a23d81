"""The Payments module: the landing page (KPIs, All Payments and Credit Notes tabs) and the
Record Payment flow on one stack. F2 or Ctrl+N records a payment from anywhere in the module."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.permissions import Permission, can
from app.services.core.changes import (
    CREDIT_NOTES,
    INQUIRIES,
    LEDGER,
    NOTICES,
    PAYMENTS,
    SETTINGS,
    Changes,
)
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.common.widgets import named
from app.views.payments.actions import PaymentActions
from app.views.payments.alerts_dialog import PaymentAlertsDialog
from app.views.payments.credit_notes_tab import CreditNotesTab
from app.views.payments.display import Background, Display, QuietBackground, alive
from app.views.payments.drilldown import MetricDrilldownDialog
from app.views.payments.kpi_cards import KpiStrip
from app.views.payments.payments_tab import PaymentsTab
from app.views.payments.plans_tab import PaymentPlansTab
from app.views.payments.printer_banner import PrinterAlerts, PrinterBanner
from app.views.payments.printer_monitor import PrinterMonitor
from app.views.payments.reconciliation_tab import ReconciliationTab
from app.views.payments.record_payment import RecordPaymentFlow

LANDING, RECORDING = range(2)
NOTICE_MS = 8000


class LandingPanel(QWidget):
    """Header KPIs, the two tabs, Record Payment and the reprint queue."""

    def __init__(self, services: Services, actor: Actor, display: Display, today,
                 alerts: PrinterAlerts) -> None:
        super().__init__()
        named(self, "Payments dashboard")
        self.banner = PrinterBanner(alerts)
        title = QLabel("<h2>Payments</h2>")
        self.record_button = named(QPushButton("Record Payment"), "Record Payment")
        self.record_button.setToolTip("F2 or Ctrl+N")
        self.record_button.setStyleSheet("font-weight: 600; padding: 7px 18px;")
        if not can(actor.role, Permission.RECORD_PAYMENT):
            self.record_button.hide()  # (never show() a widget before it has a parent)
        self.reprint_button = named(QPushButton("Reprint queue"), "Reprint queue")
        self.reprint_button.hide()
        self.alerts_button = named(QPushButton("Payment alerts"), "Payment alerts")
        self.alerts_button.setToolTip("Be told when a figure below crosses your threshold")
        if not can(actor.role, Permission.VIEW_DASHBOARD):
            self.alerts_button.hide()
        # customers' payment inquiries not yet resolved, across the payments on this desktop
        self.open_inquiries = named(QLabel(""), "Open inquiries")
        self.open_inquiries.hide()
        self.notice = named(QLabel(""), "Payments notice")
        self.notice.setWordWrap(True)
        self.notice.hide()
        self.kpis = KpiStrip(services, actor, display, today)
        self.payments = PaymentsTab(services, actor, display, today)
        self.credit_notes = CreditNotesTab(services, actor, display, today)
        self.tabs = named(QTabWidget(), "Payments tabs")
        self.tabs.addTab(self.payments, "All Payments")
        self.tabs.addTab(self.credit_notes, "Credit Notes")
        self.plans = PaymentPlansTab(services, actor, display, today) \
            if can(actor.role, Permission.MANAGE_PAYMENT_PLANS) else None
        self.reconciliation = ReconciliationTab(services, actor, display, today) \
            if can(actor.role, Permission.RECONCILE) else None
        for tab, text in ((self.plans, "Payment plans"), (self.reconciliation, "Reconciliation")):
            if tab is not None:
                self.tabs.addTab(tab, text)
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.open_inquiries)
        header.addWidget(self.reprint_button)
        header.addWidget(self.alerts_button)
        header.addWidget(self.record_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(header)
        layout.addWidget(self.kpis)
        layout.addWidget(self.notice)
        layout.addWidget(self.tabs, 1)


class PaymentsModulePage(QStackedWidget):
    operation_done = Signal(object)  # Changes

    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        named(self, "Payments page")
        self.services, self.actor = services, actor
        self.display = Display.of(services.settings.current())
        self.alerts = PrinterAlerts(self)
        self.monitor: PrinterMonitor | None = None
        self.landing = LandingPanel(services, actor, self.display, self.today, self.alerts)
        self.actions = PaymentActions(services, actor, self.display, self)
        self.flow: RecordPaymentFlow | None = None
        self.recording: QWidget | None = None  # the printer banner above the flow
        self.addWidget(self.landing)
        self._notice_timer = QTimer(self, singleShot=True, interval=NOTICE_MS)
        self._notice_timer.timeout.connect(self.landing.notice.hide)
        self._stale = False
        self._connect()
        self.refresh()

    def today(self) -> date:
        return self.services.app.clock.today(self.display.tz)

    def _connect(self) -> None:
        landing, actions = self.landing, self.actions
        landing.record_button.clicked.connect(self.record_payment)
        landing.reprint_button.clicked.connect(actions.show_reprint_queue)
        landing.alerts_button.clicked.connect(self.show_alerts)
        landing.kpis.alerts_raised.connect(self._alerts_raised)
        landing.kpis.drill.connect(self.show_drilldown)
        tab = landing.payments
        tab.open_payment.connect(actions.open_payment)
        tab.view_receipt.connect(actions.view_receipt)
        tab.create_credit_note.connect(actions.create_credit_note)
        tab.void_payment.connect(actions.void_payment)
        notes = landing.credit_notes
        notes.open_credit_note.connect(actions.open_credit_note)
        notes.open_payment.connect(actions.open_payment)
        notes.print_credit_note.connect(actions.print_credit_note)
        notes.view_credit_note.connect(actions.view_credit_note)
        notes.download_credit_note.connect(actions.download_credit_note)
        notes.apply_credit.connect(actions.apply_credit)
        actions.changed.connect(self.operation_done.emit)
        for extra in self._extra_tabs():
            extra.changed.connect(self.operation_done.emit)
        actions.notice.connect(self.show_notice)
        self.alerts.open_drawer_requested.connect(self.open_drawer_for_sale)
        for keys in ("F2", "Ctrl+N"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.record_payment)

    # payment alerts ----------------------------------------------------------------------------

    def show_alerts(self) -> None:
        dialog = PaymentAlertsDialog(self.services, self.actor, self.display, self)
        dialog.changed.connect(lambda _c: self.landing.kpis.refresh())  # a new alert is checked now
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _alerts_raised(self, subjects: tuple[str, ...]) -> None:
        self.show_notice(" · ".join(subjects), False)
        self.operation_done.emit(Changes.of(NOTICES))  # the bell counts them now

    def show_drilldown(self, metric: str) -> None:
        dialog = MetricDrilldownDialog(self.services, self.actor, self.display, metric,
                                       self.landing.kpis.selected_month(), self)
        dialog.show_payments.connect(self._show_slice)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _show_slice(self, flt) -> None:
        self.landing.tabs.setCurrentWidget(self.landing.payments)
        self.landing.payments.show_filter(flt)
        self.landing.payments.table.setFocus()

    # the record payment flow ------------------------------------------------------------------

    def record_payment(self) -> None:
        """F2 / Ctrl+N: a new payment (or, on the form already, back to Find consumer)."""
        if not can(self.actor.role, Permission.RECORD_PAYMENT) or not self.isVisible():
            return
        flow = self._flow()
        if self.currentIndex() == RECORDING and flow.currentIndex() == 0:
            flow.form.picker.search.setFocus()
            flow.form.picker.search.selectAll()
            return
        if self.currentIndex() == RECORDING and flow.currentIndex() == 1:
            return  # never drop a payment that is being reviewed
        self.setCurrentIndex(RECORDING)
        flow.start()

    def _flow(self) -> RecordPaymentFlow:
        if self.flow is None:
            self.flow = RecordPaymentFlow(self.services, self.actor, self.display)
            self.flow.recorded.connect(self.operation_done.emit)
            self.flow.finished.connect(self.show_landing)
            self.flow.open_credit_note.connect(self.actions.open_credit_note)
            self.flow.posted.receipt.printed.connect(self._printed)
            self.flow.posted.drawer_result.connect(self.alerts.drawer_failed)
            self.recording = QWidget()
            layout = QVBoxLayout(self.recording)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(PrinterBanner(self.alerts))
            layout.addWidget(self.flow, 1)
            self.addWidget(self.recording)
        return self.flow

    # the printer and the drawer ----------------------------------------------------------------

    def use_printer_monitor(self, monitor: PrinterMonitor) -> None:
        """The main window's printer watcher: its automatic reprints land here too."""
        self.monitor = monitor
        monitor.retried.connect(self._retried)

    def _printed(self, result) -> None:
        self.alerts.print_failed(result)
        if self.monitor is not None:
            self.monitor.report(result)
        self._refresh_reprints()

    def _retried(self, results) -> None:
        for result in results:
            self.alerts.print_failed(result)
        printed = [r.receipt_no for r in results if r.printed]
        if printed:
            self.show_notice(f"Printed from the queue: {', '.join(printed)}.", True)
        self.operation_done.emit(Changes.of(PAYMENTS))
        self._refresh_reprints()

    def open_drawer_for_sale(self, payment_id: str) -> None:
        def done(result) -> None:
            if result.opened:
                self.alerts.drawer_opened(payment_id)
            else:
                self.alerts.drawer_failed(result)
            self.show_notice(result.message, result.opened)

        QuietBackground(self, lambda: self.services.drawer.open_for_sale(self.actor, payment_id)) \
            .success(done).failure(lambda error: self.show_notice(str(error), False)) \
            .run_in_background()

    def show_landing(self) -> None:
        self.setCurrentIndex(LANDING)
        if self._stale:
            self.refresh()
        self.landing.payments.focus_search()

    # refreshing ----------------------------------------------------------------------------------

    def _extra_tabs(self) -> list[PaymentPlansTab | ReconciliationTab]:
        return [tab for tab in (self.landing.plans, self.landing.reconciliation) if tab is not None]

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(SETTINGS):
            self._use_display(Display.of(self.services.settings.current()))
        for extra in self._extra_tabs():
            extra.on_changes(changes)
        if changes.touches(INQUIRIES):
            self._refresh_inquiries()
        if changes.touches(PAYMENTS, CREDIT_NOTES, LEDGER, SETTINGS):
            self._stale = True
            if self.currentIndex() == LANDING:
                self.refresh()

    def _use_display(self, display: Display) -> None:
        """The utility's currency, locale or zone changed: format with the new ones."""
        self.display = self.actions.display = display
        landing = self.landing
        landing.kpis.display = display
        for tab in (landing.payments, landing.credit_notes):
            tab.display = tab.model.display = display
        for extra in self._extra_tabs():
            extra.use_display(display)
        if self.flow is not None and self.currentIndex() == LANDING:
            self.removeWidget(self.recording)
            self.recording.deleteLater()
            self.flow = self.recording = None  # rebuilt with the new settings on the next F2

    def refresh(self) -> None:
        self._stale = False
        self.landing.kpis.refresh()
        self.landing.payments.apply()
        self.landing.credit_notes.apply()
        self._refresh_reprints()
        self._refresh_inquiries()

    def _refresh_inquiries(self) -> None:
        def show(count: int) -> None:
            label = self.landing.open_inquiries
            if alive(label):
                label.setText(f"Open inquiries: {count}")
                label.setVisible(count > 0)

        QuietBackground(self, lambda: self.services.inquiries.open_count(self.actor)) \
            .success(show).failure(lambda _e: None).run_in_background()

    def _refresh_reprints(self) -> None:
        if not can(self.actor.role, Permission.RECORD_PAYMENT):
            return

        def show(queue) -> None:
            button = self.landing.reprint_button
            if not alive(button):
                return
            button.setText(f"Reprint queue ({len(queue)})")
            button.setVisible(bool(queue))

        Background(self, lambda: self.services.receipts.pending_reprints(self.actor)) \
            .success(show).failure(lambda _e: None).run_in_background()

    def show_notice(self, message: str, ok: bool) -> None:
        self.landing.notice.setText(message)
        self.landing.notice.show()
        self.landing.notice.setStyleSheet("color: #1e6b3a;" if ok else "color: #b3261e;")
        self._notice_timer.start()
