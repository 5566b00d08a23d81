"""The Billing module page: Billing cycles, Exceptions and Bills tabs (Ctrl+R runs billing)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QTabWidget

from app.services.core.changes import BILLS, LEDGER, Changes
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.billing.bill_panel import BillPanel
from app.views.billing.cycles_panel import CyclesPanel
from app.views.billing.exceptions_panel import ExceptionsPanel
from app.views.common.widgets import named


class BillingModulePage(QTabWidget):
    operation_done = Signal(object)  # Changes

    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        named(self, "Billing page")
        self.cycles = CyclesPanel(services, actor)
        self.exceptions = ExceptionsPanel(services, actor)
        self.bills = BillPanel(services, actor)
        self.addTab(self.cycles, "Billing cycles")
        self.addTab(self.exceptions, "Exceptions")
        self.addTab(self.bills, "Bills")
        self.cycles.run_finished.connect(self.operation_done.emit)
        self.cycles.run_finished.connect(lambda _changes: self.exceptions.refresh())
        run = QShortcut(QKeySequence("Ctrl+R"), self)
        run.activated.connect(self.cycles.run_selected)
        self.cycles.refresh()
        self.exceptions.refresh()

    def use_sync_link(self, link) -> None:
        """Connected to a central service: a cycle's run goes there (run_dialog)."""
        self.cycles.central = link

    def on_changes(self, changes: Changes) -> None:
        if changes.touches(BILLS, LEDGER):
            self.cycles.refresh()
            self.exceptions.refresh()
