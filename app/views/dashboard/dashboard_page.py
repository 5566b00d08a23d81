"""The billing dashboard page: global search, refresh and export on top; the Overview, Billing
Cycles, Exceptions, Simulations and Search tabs below. Figures load off the GUI thread; a failed
load keeps the last figures with their time and a warning; acting on figures older than the
stale-data limit asks first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.dashboard.freshness import data_age, in_business_hours
from app.domain.dashboard.seasonality import SeasonalReading
from app.services.core.context import Actor
from app.services.dashboard import DashboardFilter, Layout, StaleData
from app.services.dashboard.export import DashboardSnapshot, export
from app.services.dashboard.panels import ExceptionGroup, TrendPoint
from app.services.dashboard.service import Choices, Overview
from app.services.registry import Services
from app.views.common.errors import show_error
from app.views.common.widgets import named
from app.views.dashboard.drill_dialog import DrillDialog
from app.views.dashboard.layout_dialog import LayoutDialog
from app.views.dashboard.overview_tab import OverviewTab
from app.views.dashboard.quick_billing import ExceptionsDialog, QuickActionDialog
from app.views.dashboard.quick_print import QUICK_DIALOGS
from app.views.dashboard.schedules_dialog import SchedulesDialog
from app.views.dashboard.search_tab import SearchTab
from app.views.dashboard.simulation_tab import SimulationTab
from app.views.dashboard.tables import CyclesTab, ExceptionsTab
from app.views.payments.display import Background, Display

WARNING = "color: #8a5a00; background: #fff3d6; padding: 4px;"


@dataclass(frozen=True)
class Loaded:
    choices: Choices
    overview: Overview
    trend: tuple[TrendPoint, ...]
    exceptions: tuple[ExceptionGroup, ...]
    season: SeasonalReading | None = None


def load_dashboard(services: Services, actor: Actor, flt: DashboardFilter,
                   threshold: Decimal | None = None) -> Loaded:
    """Everything the page shows, read off the GUI thread."""
    dashboard = services.dashboard
    return Loaded(dashboard.choices(actor), dashboard.overview(actor, flt, threshold),
                  tuple(dashboard.revenue_trend(actor, flt)), tuple(dashboard.exceptions(actor, flt)),
                  dashboard.consumption_season(actor, flt))


class DashboardPage(QWidget):
    def __init__(self, services: Services, actor: Actor,
                 loader: Callable[[DashboardFilter], Loaded] | None = None) -> None:
        super().__init__()
        named(self, "Dashboard page")
        self.services, self.actor = services, actor
        self.settings = services.settings.current()
        self.display = Display.of(self.settings)
        self.tz = ZoneInfo(self.settings.time_zone)
        self.loader = loader or self._load
        self.loaded: Loaded | None = None
        self.complete = False
        self.loading = False
        self.filter = DashboardFilter()
        self.layout_prefs = services.dashboard_preferences.layout(actor)
        self.confirm: Callable[[str], bool] = self._ask
        self._build()
        self.timer = QTimer(self)
        self.timer.setInterval(int(self.settings.get("dashboard.refresh_minutes")) * 60_000)
        self.timer.timeout.connect(self.tick)
        self.timer.start()
        services.dashboard.record(actor, "dashboard_viewed", "overview", "Dashboard_View",
                                  role=actor.role.value)
        self.refresh()

    # building -------------------------------------------------------------------------------

    def _build(self) -> None:
        today = self.services.app.clock.today(self.tz)
        self.search_box = named(QLineEdit(), "Search bills")
        self.search_box.setPlaceholderText("Bill number, consumer name, address or account number")
        self.search_scope = named(QComboBox(), "Search in")
        self.search_scope.addItem("All cycles", True)
        self.search_scope.addItem("Current cycle", False)
        self.search_button = named(QPushButton("Search"), "Search")
        self.refresh_button = named(QPushButton("Refresh"), "Refresh")
        self.export_csv = named(QPushButton("Export CSV"), "Export CSV")
        self.export_xlsx = named(QPushButton("Export XLSX"), "Export XLSX")
        self.export_pdf = named(QPushButton("Export PDF"), "Export PDF")
        self.customise = named(QPushButton("Customise Cards"), "Customise Cards")
        self.schedules = named(QPushButton("Scheduled Reports"), "Scheduled Reports")
        self.views = named(QComboBox(), "Saved views")
        self.open_view_button = named(QPushButton("Open View"), "Open View")
        self.save_view_button = named(QPushButton("Save View"), "Save View")
        self.status = named(QLabel("Loading…"), "Data status")
        self.message = named(QLabel(""), "Message")
        self.message.setWordWrap(True)
        self.message.hide()
        self.tabs = named(QTabWidget(), "Dashboard tabs")
        self.overview = OverviewTab(today, self.display.qt_date_format)
        self.overview.arrange(self.layout_prefs)
        self.cycles = CyclesTab()
        self.exceptions = ExceptionsTab()
        self.search_tab = SearchTab(self.services, self.actor, self.display)
        self.simulations = SimulationTab(self.services, self.actor, self.display)
        for tab, title in ((self.overview, "Overview"), (self.cycles, "Billing Cycles"),
                           (self.exceptions, "Exceptions"),
                           (self.simulations, "Simulations"),
                           (self.search_tab, "Search")):
            self.tabs.addTab(tab, title)
        top = QHBoxLayout()
        label = QLabel("Searc&h bills:")
        label.setBuddy(self.search_box)
        for widget in (label, self.search_box, self.search_scope, self.search_button, self.refresh_button,
                       self.export_csv, self.export_xlsx, self.export_pdf):
            top.addWidget(widget)
        second = QHBoxLayout()
        second.addWidget(self.status, 1)
        views_label = QLabel("Sa&ved views:")
        views_label.setBuddy(self.views)
        for widget in (views_label, self.views, self.open_view_button, self.save_view_button, self.customise,
                       self.schedules):
            second.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        self._connect()

    def _connect(self) -> None:
        self.search_box.returnPressed.connect(self.search)
        self.search_button.clicked.connect(self.search)
        self.refresh_button.clicked.connect(self.refresh)
        self.export_csv.clicked.connect(lambda: self.export("csv"))
        self.export_xlsx.clicked.connect(lambda: self.export("xlsx"))
        self.export_pdf.clicked.connect(lambda: self.export("pdf"))
        self.overview.filters.applied.connect(self.apply_filter)
        self.overview.drill.connect(self.open_drill)
        self.overview.quick_action.connect(self.quick_action)
        self.cycles.show_in_overview.connect(self.show_cycle)
        self.exceptions.open_workflow.connect(self._exception_workflow)
        self.search_tab.message.connect(self.say)
        self.search_tab.run_saved.connect(self._run_saved_search)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.customise.clicked.connect(self.customise_cards)
        self.schedules.clicked.connect(self.open_schedules)
        self.open_view_button.clicked.connect(lambda: self.open_view(self.views.currentText()))
        self.save_view_button.clicked.connect(lambda: self.save_view())
        self._refresh_views()

    # loading --------------------------------------------------------------------------------

    def _load(self, flt: DashboardFilter) -> Loaded:
        return load_dashboard(self.services, self.actor, flt, self.layout_prefs.threshold)

    def refresh(self) -> None:
        if self.loading:
            return
        self.loading = True
        flt = self.filter
        self.status.setText(self.status.text().split(" · Refreshing")[0] + " · Refreshing…")
        (Background(self, lambda: self.loader(flt), label="Loading the dashboard…")
         .success(self._loaded).failure(self._failed).run_in_background())

    def _loaded(self, loaded: Loaded) -> None:
        self.loading, self.loaded, self.complete = False, loaded, True
        self.overview.filters.set_choices(loaded.choices)
        self.overview.show_overview(loaded.overview, self.display.locale)
        self.overview.show_trend(list(loaded.trend), self.display)
        self.overview.show_season(loaded.season)
        self.cycles.show_cycles(list(loaded.choices.cycles), self.display)
        self.exceptions.show_groups(list(loaded.exceptions))
        self.status.setStyleSheet("")
        self._show_age()

    def _failed(self, error: Exception) -> None:
        """The last figures stay, with their time and a warning."""
        self.loading, self.complete = False, False
        reason = getattr(error, "message", None) or str(error) or type(error).__name__
        when = (f"showing the figures loaded at {self.display.moment(self.loaded.overview.loaded_at)}"
                if self.loaded else "no figures have loaded yet")
        self.status.setText(f"⚠ The dashboard could not be refreshed ({reason}); {when}.")
        self.status.setStyleSheet(WARNING)
        self.services.dashboard.track(self.actor, "Error_Occurrence", error_type=type(error).__name__)

    def _show_age(self) -> None:
        if self.loaded:
            at = self.loaded.overview.loaded_at
            self.status.setText(f"Figures loaded at {self.display.moment(at)} "
                                f"({data_age(at, self.services.app.clock.now())}).")

    def tick(self) -> None:
        """The timer: refresh automatically inside business hours only."""
        now = self.services.app.clock.now().astimezone(self.tz)
        if in_business_hours(now.replace(tzinfo=None), self.settings.business_hours):
            self.services.dashboard.track(self.actor, "Data_Refresh", automatic=True)
            self.refresh()
        else:
            self._show_age()

    # acting ---------------------------------------------------------------------------------

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(WARNING)
        self.message.setVisible(bool(text))

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, "Stale data", text)
        return answer == QMessageBox.StandardButton.Yes

    def fresh_enough(self) -> bool:
        """True when the figures are fresh or the person confirmed acting on older ones."""
        loaded_at: datetime | None = self.loaded.overview.loaded_at if self.loaded else None
        try:
            self.services.dashboard.check_fresh(self.actor, loaded_at)
        except StaleData as stale:
            return self.confirm(stale.message)
        return True

    def apply_filter(self, flt: DashboardFilter) -> None:
        self.filter = flt
        self.services.dashboard.record(self.actor, "dashboard_filtered", flt.cycle_id or "range",
                                       "Cycle_Selection" if flt.cycle_id else "Search_Filter_Applied",
                                       **flt.to_json())
        self.refresh()

    def show_cycle(self, cycle_id: str) -> None:
        self.overview.filters.show_filter(DashboardFilter(cycle_id=cycle_id))
        self.tabs.setCurrentWidget(self.overview)
        self.apply_filter(self.overview.filters.current())

    def open_drill(self, metric: str) -> DrillDialog | None:
        try:
            dialog = DrillDialog(self.services, self.actor, metric, self.filter, self.display, self)
        except Exception as error:  # noqa: BLE001 - shown; the page stays as it was
            show_error(self, error)
            return None
        dialog.show()
        self.drill_dialog = dialog
        return dialog

    def quick_action(self, action: str) -> QuickActionDialog | None:
        """The action's workflow in a dialog over the dashboard; its outcome is recorded when the
        dialog closes."""
        if not self.fresh_enough():
            return None
        try:
            self.services.dashboard.quick_action(self.actor, action,
                                                 self.loaded.overview.loaded_at if self.loaded else None,
                                                 confirmed=True)
        except Exception as error:  # noqa: BLE001 - refused for the role: said on the page
            self.say(getattr(error, "message", str(error)))
            return None
        self.say("")
        dialog = QUICK_DIALOGS[action](self.services, self.actor, self.display, self)
        dialog.changed.connect(lambda _changes: self.refresh())
        dialog.finished.connect(lambda _code: self.services.dashboard.quick_action_done(
            self.actor, action, dialog.outcome()))
        dialog.open()
        self.quick_dialog = dialog
        return dialog

    def _exception_workflow(self) -> None:
        self.services.dashboard.record(self.actor, "dashboard_exceptions_opened", "exceptions", "Exception_View")
        row = self.exceptions.table.currentRow()
        item = self.exceptions.table.item(row, 0) if row >= 0 else None
        dialog = ExceptionsDialog(self.services, self.actor, item.text() if item else None, self)
        dialog.finished.connect(lambda _code: self.refresh())
        dialog.open()
        self.exceptions_dialog = dialog

    def search(self) -> None:
        words = self.search_box.text()
        try:
            self.search_tab.search(words, bool(self.search_scope.currentData()))
        except Exception as error:  # noqa: BLE001 - a message naming the field
            self.say(getattr(error, "message", str(error)))
            return
        self.say("")
        self.tabs.setCurrentWidget(self.search_tab)

    def _run_saved_search(self, words: str, all_cycles: bool) -> None:
        self.search_box.setText(words)
        self.search_scope.setCurrentIndex(self.search_scope.findData(all_cycles))
        self.search()

    def export(self, fmt: str, path: Path | None = None) -> Path | None:
        if not self.fresh_enough():
            return None
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, "Export the dashboard", f"dashboard.{fmt}")
            if not chosen:
                return None
            path = Path(chosen)
        snapshot = DashboardSnapshot(self.loaded.overview if self.loaded else None,
                                     self.loaded.trend if self.loaded else (), self.complete)
        try:
            export(snapshot, path, fmt, self.display)
        except Exception as error:  # noqa: BLE001 - refused (incomplete data) or the file failed
            self.say(getattr(error, "message", str(error)))
            return None
        self.services.dashboard.record(self.actor, "dashboard_exported", snapshot.overview.scopes[0],
                                       "Report_Export", format=fmt, file=str(path))
        self.say(f"The dashboard was exported to {path.name}.")
        return path

    # preferences ----------------------------------------------------------------------------

    def customise_cards(self) -> None:
        dialog = LayoutDialog(self.layout_prefs, self)
        dialog.finished.connect(lambda _code: self._layout_chosen(dialog.result_layout))
        dialog.open()
        self.layout_dialog = dialog

    def open_schedules(self) -> SchedulesDialog:
        self.schedules_dialog = SchedulesDialog(self.services, self.actor, self)
        self.schedules_dialog.open()
        return self.schedules_dialog

    def _layout_chosen(self, layout: Layout | None) -> None:
        if layout is None:
            return
        try:
            self.layout_prefs = self.services.dashboard_preferences.save_layout(self.actor, layout)
        except Exception as error:  # noqa: BLE001 - a message naming the field
            self.say(getattr(error, "message", str(error)))
            return
        self.overview.arrange(self.layout_prefs)
        self.refresh()  # the user's own threshold colours the cards

    def _refresh_views(self) -> None:
        self.views.clear()
        self.views.addItems(self.services.dashboard_preferences.saved(self.actor, "view"))

    def save_view(self, name: str | None = None) -> None:
        if name is None:
            from PySide6.QtWidgets import QInputDialog

            name, ok = QInputDialog.getText(self, "Save View", "Name:")
            if not ok:
                return
        try:
            self.services.dashboard_preferences.save_named(self.actor, "view", name,
                                                           self.overview.filters.current().to_json())
        except Exception as error:  # noqa: BLE001 - a message naming the field
            self.say(getattr(error, "message", str(error)))
            return
        self._refresh_views()
        self.views.setCurrentText(" ".join(name.split()))
        self.say(f"View “{name}” saved.")

    def open_view(self, name: str) -> None:
        if not name:
            return
        stored = self.services.dashboard_preferences.load_saved(self.actor, "view", name)
        flt = DashboardFilter.from_json(stored)
        self.overview.filters.show_filter(flt)
        self.tabs.setCurrentWidget(self.overview)
        self.apply_filter(flt)

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.simulations and not self.simulations.options:
            self.simulations.load_tariffs()
        self.services.dashboard.track(self.actor, "Tab_Navigation", tab=self.tabs.tabText(index))
