"""Tariff wizard, step 3: sample bills at several consumption levels, and a chart of the bill
against consumption, both from the rating engine that bills customers."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from PySide6.QtCharts import QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)

from app.domain.core.errors import UtilityDeskError, ValidationError
from app.domain.core.money import Money
from app.domain.tariffs.validation import RateType, TariffVersion, season_discounts
from app.services.tariffs.compare import SampleBill, samples
from app.views.common.forms import Form
from app.views.common.tables import keyboard_table
from app.views.common.widgets import named
from app.views.tariffs.ui import add_field, message_label, money_text, parse_decimal, show_message
from app.views.tariffs.wizard_owner import TariffWizardOwner

DEFAULT_LEVELS = "100, 200, 500"
CHART_POINTS = 24
PER_UNIT = Decimal("0.0001")


def parse_levels(text: str) -> list[Decimal]:
    levels = []
    for part in text.split(","):
        value = parse_decimal(part, "levels", "Each consumption level")
        if value is None or value < 0:
            raise ValidationError("levels", "Consumption levels must not be negative")
        levels.append(value)
    return levels


def _plot(value: Decimal) -> float:
    """A chart coordinate: drawing only, never money arithmetic."""
    return float(value)


class SamplesPage(QWizardPage):
    def __init__(self, wizard: TariffWizardOwner) -> None:
        super().__init__()
        self.owner = wizard
        self.setTitle("Sample calculations")
        self.setSubTitle("What a customer would pay at different consumption levels, calculated "
                         "by the same rating engine that produces bills.")
        self.levels = QLineEdit(DEFAULT_LEVELS)
        self.levels_message = message_label("Consumption levels message")
        self.season = QComboBox()
        self.table = keyboard_table(named(QTableWidget(0, 3), "Sample calculations"))
        self.table.setHorizontalHeaderLabels(["Consumption", "Bill amount", "Average per unit"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(150)
        self.chart = QChart()
        self.chart.setTitle("Bill vs consumption")
        self.chart_view = named(QChartView(self.chart), "Bill vs consumption chart")
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumHeight(220)
        self.highlights = named(QLabel(""), "Benefit highlights")
        self.highlights.setWordWrap(True)
        self.form = form = Form()
        add_field(form, "Consumption levels", self.levels, self.levels_message,
                  "Comma-separated units, e.g. 100, 200, 500")
        add_field(form, "Season", self.season, tip="Seasonal tariffs are priced in one season at a time")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table)
        layout.addWidget(self.chart_view, 1)
        layout.addWidget(self.highlights)
        self.levels.editingFinished.connect(self.refresh)
        self.season.currentIndexChanged.connect(lambda _i: self.refresh())
        self.current: list[SampleBill] = []

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        version, _ = self.owner.build()
        self.season.blockSignals(True)
        self.season.clear()
        for season in version.seasons:
            self.season.addItem(season.name, season.name)
        self.form.setRowVisible(self.season, version.rate_type is RateType.SEASONAL)
        self.season.blockSignals(False)
        self.refresh(record=True)

    def refresh(self, record: bool = False) -> None:
        version, errors = self.owner.build()
        if errors:
            show_message(self.levels_message, "Fix the problems on the earlier steps first")
            return
        try:
            levels = parse_levels(self.levels.text())
        except ValidationError as error:
            show_message(self.levels_message, error.rule)
            return
        show_message(self.levels_message, "")
        season = self.season.currentData()
        try:
            self.current = self.owner.sample_bills(version, levels, season, record)
        except UtilityDeskError as error:
            show_message(self.levels_message, error.message)
            return
        self._fill_table(version)
        self._draw(version, max(levels) if levels else Decimal(100))
        self.highlights.setText(self._highlights(version))

    def _fill_table(self, version: TariffVersion) -> None:
        self.table.setRowCount(len(self.current))
        for row, sample in enumerate(self.current):
            average = (sample.bill.total.amount / sample.units).quantize(PER_UNIT, ROUND_HALF_UP) \
                if sample.units else Decimal(0)
            bill = sample.bill
            converted = f" = {bill.billed} {bill.billed_unit}" if bill.billed_unit != bill.meter_unit else ""
            cells = (f"{sample.units} {version.unit.value}{converted}", self._money(bill.total),
                     f"{average} per {version.unit.value}")
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)

    def _money(self, money: Money) -> str:
        return money_text(money, self.owner.locale)

    def _draw(self, version: TariffVersion, highest: Decimal) -> None:
        """One line per season (one line otherwise), rated point by point by the engine."""
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        top = highest * Decimal("1.25") or Decimal(100)
        points = [(top * step / CHART_POINTS).quantize(Decimal(1)) for step in range(CHART_POINTS + 1)]
        seasons = [s.name for s in version.seasons] if version.rate_type is RateType.SEASONAL else [None]
        x_axis, y_axis = QValueAxis(), QValueAxis()
        x_axis.setTitleText(f"Consumption ({version.unit.value})")
        y_axis.setTitleText(f"Bill ({version.currency})")
        x_axis.setLabelFormat("%d")
        self.chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
        peak = Decimal(1)
        for season in seasons:
            series = QLineSeries()
            series.setName(season or version.name or "Bill")
            for sample in samples(version, points, season):
                series.append(_plot(sample.units), _plot(sample.bill.total.amount))
                peak = max(peak, sample.bill.total.amount)
            self.chart.addSeries(series)
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)
        x_axis.setRange(0, _plot(top))
        y_axis.setRange(0, _plot(peak * Decimal("1.1")))
        self.chart.legend().setVisible(len(seasons) > 1)

    def _highlights(self, version: TariffVersion) -> str:
        if len(self.current) < 2:
            return ""
        first, last = self.current[0], self.current[-1]
        unit = version.unit.value

        def per_unit(sample: SampleBill) -> Decimal:
            return (sample.bill.total.amount / sample.units).quantize(PER_UNIT, ROUND_HALF_UP) \
                if sample.units else Decimal(0)

        text = (f"Average price: {per_unit(first)} per {unit} at {first.units} {unit}, "
                f"{per_unit(last)} per {unit} at {last.units} {unit}.")
        if version.rate_type is RateType.SEASONAL:
            discounts = season_discounts(version)
            text += " " + ", ".join(f"{name}: {value}% below the regular rate"
                                    for name, value in discounts.items() if value)
        if version.rate_type is RateType.SLAB and per_unit(last) > per_unit(first):
            text += " Customers who keep consumption in the lower slabs pay the least per unit."
        return text
