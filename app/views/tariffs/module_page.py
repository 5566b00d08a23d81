"""The Plans & Tariffs module: Overview, Tariffs and Plans tabs."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QTabWidget

from app.domain.tariffs.validation import TariffStatus
from app.services.core.changes import PLANS, TARIFFS, Changes
from app.services.core.context import Actor
from app.services.registry import Services
from app.views.common.widgets import named
from app.views.tariffs.history_dialog import VersionHistoryDialog
from app.views.tariffs.overview_panel import OverviewPanel
from app.views.tariffs.plan_details import PlanDetailsDialog
from app.views.tariffs.plan_list_panel import PlanListPanel
from app.views.tariffs.tariff_list_panel import TariffListPanel


class TariffsModulePage(QTabWidget):
    operation_done = Signal(object)  # Changes

    def __init__(self, services: Services, actor: Actor) -> None:
        super().__init__()
        named(self, "Plans & Tariffs page")
        self.overview = OverviewPanel(services, actor)
        self.tariffs = TariffListPanel(services, actor)
        self.plans = PlanListPanel(services, actor)
        self.addTab(self.overview, "Overview")
        self.addTab(self.tariffs, "Tariffs")
        self.addTab(self.plans, "Plans")
        self.overview.view_all_tariffs.connect(self.show_tariffs)
        self.overview.view_all_plans.connect(lambda: self.setCurrentWidget(self.plans))
        self.overview.open_item.connect(self.open_item)
        self.services, self.actor = services, actor
        self.dialog: QDialog | None = None
        for panel in (self.tariffs, self.plans):
            panel.changed.connect(self._changed)
        self._overview_stale = True
        self.currentChanged.connect(lambda _i: self._refresh_overview())

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self._refresh_overview()

    def _refresh_overview(self) -> None:
        """The overview is read when seen, so opening the app does not record a dashboard view."""
        if self.currentWidget() is self.overview and self._overview_stale and self.isVisible():
            self._overview_stale = False
            self.overview.refresh()

    def show_tariffs(self, status: TariffStatus | None = None) -> TariffListPanel:
        self.setCurrentWidget(self.tariffs)
        self.tariffs.show_status(status)
        return self.tariffs

    def open_item(self, kind: str, item_id: str) -> QDialog:
        """A recent plan opens its details, a recent tariff its version history."""
        self.dialog = (PlanDetailsDialog(self.services, self.actor, item_id, parent=self) if kind == "plan"
                       else VersionHistoryDialog(self.services, self.actor, item_id, parent=self))
        self.dialog.open()
        return self.dialog

    def _changed(self, changes: Changes) -> None:
        self.operation_done.emit(changes)
        self.on_changes(changes)

    def on_changes(self, changes: Changes) -> None:
        if not changes.touches(TARIFFS, PLANS):
            return
        self._overview_stale = True
        self._refresh_overview()
        self.tariffs.refresh()
        self.plans.refresh()
