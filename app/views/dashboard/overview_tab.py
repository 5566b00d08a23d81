"""The Overview tab: filters, the three sections of metric cards (in the user's order, without
the cards they hid), the reconciliation, the revenue trend chart and the Quick Actions panel."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCharts import QBarCategoryAxis, QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.money import Money
from app.domain.dashboard.metrics import SECTIONS
from app.domain.dashboard.seasonality import SeasonalReading
from app.domain.dashboard.trends import rounded
from app.formatting import Formats
from app.services.dashboard.panels import TrendPoint
from app.services.dashboard.preferences import Layout
from app.services.dashboard.service import QUICK_ACTIONS, Overview
from app.views.common.forms import scroll_area
from app.views.common.widgets import named
from app.views.dashboard.cards import MetricCard
from app.views.dashboard.filters import FilterBar

COLUMNS = 4


class OverviewTab(QWidget):
    drill = Signal(str)
    quick_action = Signal(str)

    def __init__(self, today: date, date_format: str = "yyyy-MM-dd") -> None:
        super().__init__()
        named(self, "Overview")
        self.filters = FilterBar(today, date_format)
        self.cards: dict[str, MetricCard] = {}
        self.sections: dict[str, QGroupBox] = {}
        self.season = named(QLabel(""), "Season-adjusted consumption")
        self.season.setWordWrap(True)
        self.reconciliation = named(QLabel(""), "Reconciliation")
        self.reconciliation.setWordWrap(True)
        self.scope = named(QLabel(""), "Compared periods")
        self.chart = QChart()
        self.chart.setTitle("Revenue trend (billed by month)")
        self.chart.legend().hide()
        self.chart_view = named(QChartView(self.chart), "Revenue trend")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(220)
        # A graphics view keeps Tab for its items; the chart's figures are in its description
        # and the drill-downs, so it takes no keyboard focus of its own.
        self.chart_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = QWidget()
        self.body = QVBoxLayout(body)
        self.body.addWidget(self.scope)
        for section, metrics in SECTIONS:
            box = named(QGroupBox(section), section)
            QGridLayout(box)
            self.sections[section] = box
            for key, label in metrics:
                card = MetricCard(key, label)
                card.drill.connect(self.drill.emit)
                self.cards[key] = card
            self.body.addWidget(box)
        self.body.addWidget(self.reconciliation)
        self.body.addWidget(self.season)
        lower = QHBoxLayout()
        lower.addWidget(self.chart_view, 3)
        lower.addWidget(self._quick_actions(), 1)
        self.body.addLayout(lower)
        self.body.addStretch(1)
        scroll = scroll_area(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(scroll, 1)
        self.arrange(Layout())

    def _quick_actions(self) -> QGroupBox:
        box = named(QGroupBox("Quick Actions"), "Quick Actions")
        column = QVBoxLayout(box)
        self.quick_buttons = {}
        for action in QUICK_ACTIONS:
            button = named(QPushButton(action.replace("&", "&&")), action)
            button.clicked.connect(lambda _=False, a=action: self.quick_action.emit(a))
            column.addWidget(button)
            self.quick_buttons[action] = button
        return box

    def arrange(self, layout: Layout) -> None:
        """Cards in the user's order within each section; hidden ones left out."""
        for section, metrics in SECTIONS:
            grid: QGridLayout = self.sections[section].layout()
            keys = {key for key, _ in metrics}
            ordered = [key for key in layout.card_order if key in keys]
            for key in keys:
                grid.removeWidget(self.cards[key])
                self.cards[key].setParent(None)
            shown = [key for key in ordered if key not in layout.hidden]
            for index, key in enumerate(shown):
                grid.addWidget(self.cards[key], index // COLUMNS, index % COLUMNS)
                self.cards[key].show()
            self.sections[section].setVisible(bool(shown))

    def show_overview(self, overview: Overview, locale: str) -> None:
        current, previous, last_year = overview.scopes
        self.scope.setText(f"<b>{current}</b> compared with {previous or 'no previous period'} and "
                           f"{last_year or 'no period last year'} (highlight beyond "
                           f"{overview.threshold}%)")
        for metric in overview.metrics.metrics:
            self.cards[metric.key].show_metric(metric, overview.currency, locale)
        if overview.reconciliation.ok:
            self.reconciliation.setText("✓ The figures reconcile: billed = bill totals = lines by GL code; "
                                        "outstanding = ledger.")
            self.reconciliation.setStyleSheet("color: #1b6e20;")
        else:
            self.reconciliation.setText("⚠ " + " · ".join(c.describe() for c in overview.reconciliation.mismatches))
            self.reconciliation.setStyleSheet("color: #b3261e; font-weight: bold;")

    def show_season(self, reading: SeasonalReading | None) -> None:
        if reading is None or reading.vs_previous_month is None and reading.z is None:
            self.season.setText("Season-adjusted consumption: not enough monthly history yet.")
            self.season.setStyleSheet("")
            return
        def pct(value):  # noqa: E306
            return "—" if value is None else f"{'+' if value > 0 else ''}{rounded(value, 1)}%"
        flag = (f"⚠ significant deviation (z = {rounded(reading.z, 2)})" if reading.significant
                else "no significant deviation" if reading.z is not None else "too little history to test")
        month = _month_words(reading.month)
        self.season.setText(f"Season-adjusted consumption {month}: {pct(reading.vs_previous_month)} vs "
                            f"the month before, {pct(reading.vs_last_year)} vs a year earlier; {flag}.")
        self.season.setToolTip(f"Method: {reading.method}")
        self.season.setStyleSheet("color: #b3261e; font-weight: bold;" if reading.significant else "")

    def show_trend(self, points: list[TrendPoint], formats: Formats) -> None:
        """Months in words ("Sep 2026") and amounts in the utility's money, not "2026-09" and
        bare numbers."""
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        series = QLineSeries()
        # Chart coordinates are display-only floats; the figures themselves stay Decimal.
        for index, point in enumerate(points):
            series.append(index, float(point.billed))
        self.chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([_short_month(point.month, formats) for point in points] or [""])
        values = QValueAxis()
        values.setLabelFormat(formats.currency_symbol.replace("%", "%%") + "%.0f")
        values.setMin(0)
        values.setMax(max((float(p.billed) for p in points), default=1.0) * 1.1 or 1.0)
        self.chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(values)
        self.chart_view.setToolTip("Billed by month: " + ", ".join(
            f"{_short_month(p.month, formats)} {formats.money(Money(p.billed, formats.currency))}"
            for p in points))


def _short_month(month: str, formats: Formats) -> str:
    """"2026-09" -> "Sep 2026" in the utility's locale."""
    try:
        return formats.month(datetime.strptime(month, "%Y-%m").date(), short=True)
    except ValueError:
        return month


def _month_words(month: str) -> str:
    """"2026-11" -> "November 2026"."""
    try:
        return datetime.strptime(month, "%Y-%m").strftime("%B %Y")
    except ValueError:
        return month
