"""The Simulations tab: pick a tariff and one of its draft versions, or a rate change in percent,
and see the last billed cycle re-rated by the billing engine off the GUI thread: the revenue
delta, a histogram of bill changes, the most affected accounts and the effect by segment."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.money import Money
from app.services.core.context import Actor
from app.services.dashboard.simulation import SimulationRequest, SimulationResult, TariffOption
from app.services.registry import Services
from app.views.common.operations import Operation
from app.views.common.widgets import named
from app.views.dashboard.quick_billing import error_text, labelled
from app.views.dashboard.tables import _fill, _table
from app.views.payments.display import Display

NO_DRAFT = "None: use the rate change"
ACCOUNT_HEADERS = ("Account", "Consumer", "Segment", "Current bill", "Simulated bill", "Change", "Change %")
SEGMENT_HEADERS = ("Segment", "Accounts", "Current", "Simulated", "Change")


class SimulationTab(QWidget):
    def __init__(self, services: Services, actor: Actor, display: Display) -> None:
        super().__init__()
        named(self, "Simulations")
        self.services, self.actor, self.display = services, actor, display
        self.options: list[TariffOption] = []
        self.result: SimulationResult | None = None
        self.tariff = named(QComboBox(), "Tariff")
        self.draft = named(QComboBox(), "Draft version")
        self.percent = named(QLineEdit(), "Rate change (%)")
        self.percent.setPlaceholderText("e.g. 10 or -2.5")
        self.run_button = named(QPushButton("Simulate"), "Simulate")
        self.summary = named(QLabel("Choose a tariff and a draft version or a rate change."), "Simulation result")
        self.summary.setWordWrap(True)
        self.chart = QChart()
        self.chart.setTitle("Bill changes (number of accounts by change)")
        self.chart.legend().hide()
        self.chart_view = named(QChartView(self.chart), "Bill changes")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # its figures are in its tooltip
        self.chart_view.setMinimumHeight(200)
        self.accounts = _table("Most affected accounts", ACCOUNT_HEADERS)
        self.segments = _table("By segment", SEGMENT_HEADERS)
        self._lay_out()
        self.tariff.currentIndexChanged.connect(self._show_drafts)
        self.percent.returnPressed.connect(self.simulate)
        self.run_button.clicked.connect(self.simulate)

    def _lay_out(self) -> None:
        choose = QHBoxLayout()
        for text, widget in (("Tariff", self.tariff), ("Draft version", self.draft),
                             ("Rate change (%)", self.percent)):
            choose.addLayout(labelled(text, widget))
        choose.addWidget(self.run_button)
        lower = QHBoxLayout()
        lower.addWidget(self.accounts, 3)
        lower.addWidget(self.segments, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addWidget(self.summary)
        layout.addWidget(self.chart_view, 2)
        layout.addLayout(lower, 2)

    def load_tariffs(self) -> None:
        """The tariffs with published versions, read off the GUI thread."""
        Operation(self, lambda: self.services.dashboard_simulation.tariffs(self.actor)).success(
            self._show_tariffs).failure(lambda error: self.summary.setText(error_text(error))).run_in_background()

    def _show_tariffs(self, options: list[TariffOption]) -> None:
        self.options = options
        self.tariff.clear()
        for option in options:
            drafts = f" ({len(option.drafts)} draft)" if option.drafts else ""
            self.tariff.addItem(option.name + drafts, option.tariff_id)

    def _show_drafts(self, index: int) -> None:
        self.draft.clear()
        self.draft.addItem(NO_DRAFT, None)
        if 0 <= index < len(self.options):
            for number in self.options[index].drafts:
                self.draft.addItem(f"v{number} (draft)", number)

    def request(self) -> SimulationRequest | None:
        tariff_id = self.tariff.currentData()
        if not tariff_id:
            self.summary.setText("Tariff: choose the tariff to simulate")
            return None
        draft, text = self.draft.currentData(), self.percent.text().strip().rstrip("%")
        if draft is not None:
            return SimulationRequest(tariff_id, draft_version=draft)
        try:
            return SimulationRequest(tariff_id, percent=Decimal(text))
        except InvalidOperation:
            self.summary.setText("Rate change (%): enter a number such as 10 or -2.5, or choose a draft version")
            return None

    def simulate(self) -> None:
        request = self.request()
        if request is None:
            return
        self.run_button.setEnabled(False)
        self.summary.setText("Simulating…")
        simulation = self.services.dashboard_simulation
        Operation(self, lambda progress: simulation.simulate(self.actor, request, progress),
                  label="Re-rating the last cycle…", reports_progress=True).success(
            self.show_result).failure(self._failed).run_in_background()

    def _failed(self, error: Exception) -> None:
        self.run_button.setEnabled(True)
        self.summary.setText(error_text(error))

    def money(self, amount: Decimal) -> str:
        return self.display.money(Money(amount, self.result.currency if self.result else self.display.currency))

    def show_result(self, result: SimulationResult) -> None:
        self.run_button.setEnabled(True)
        self.result = result
        summary = result.summary
        share = "" if summary.revenue_delta_percent is None else f" ({summary.revenue_delta_percent:+}%)"
        refused = f"; {result.not_billable} account(s) could not be billed at all" if result.not_billable else ""
        self.summary.setText(
            f"<b>{result.tariff}, {result.proposal}</b> on {result.cycle}: {summary.accounts:,} account(s) "
            f"affected. Revenue {self.money(summary.current_revenue)} → {self.money(summary.proposed_revenue)}, "
            f"a change of <b>{self.money(summary.revenue_delta)}</b>{share}; energy charges "
            f"{self.money(summary.current_energy)} → {self.money(summary.proposed_energy)}{refused}.")
        _fill(self.accounts, [(b.account_no, b.consumer, b.segment, self.money(b.current_total),
                               self.money(b.proposed_total), self.money(b.delta),
                               "—" if b.delta_percent is None else f"{b.delta_percent:+}%")
                              for b in summary.most_affected])
        _fill(self.segments, [(s.segment, f"{s.accounts:,}", self.money(s.current), self.money(s.proposed),
                               self.money(s.delta)) for s in summary.by_segment])
        self._show_histogram(result)
        self.services.dashboard.record(self.actor, "dashboard_simulated", result.tariff, "Simulation_Run",
                                       proposal=result.proposal, cycle=result.cycle, accounts=summary.accounts,
                                       revenue_delta=str(summary.revenue_delta))

    def _show_histogram(self, result: SimulationResult) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        bins = result.summary.histogram
        counts = QBarSet("Accounts")
        counts.append([b.count for b in bins])  # display-only numbers; money stays Decimal
        series = QBarSeries()
        series.append(counts)
        self.chart.addSeries(series)
        labels = [f"{self.money(b.low)} to {self.money(b.high)}" for b in bins]
        categories = QBarCategoryAxis()
        categories.setTitleText("Bill change from")
        categories.append([self.money(b.low) for b in bins] or [""])
        values = QValueAxis()
        values.setLabelFormat("%d")
        values.setMin(0)
        top = max((b.count for b in bins), default=1) + 1
        values.setMax(top)
        values.setTickCount(min(top, 10) + 1)
        self.chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(values)
        self.chart_view.setToolTip("Accounts by bill change: " + ", ".join(
            f"{label}: {b.count}" for label, b in zip(labels, bins, strict=True)))
