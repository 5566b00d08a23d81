"""Overview metric cards: value, the comparison with the previous cycle and with last year
(arrow, % change, green or red beyond the threshold by whether the change is good or bad)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app.domain.dashboard.metrics import Metric
from app.domain.dashboard.trends import Trend
from app.reports.dashboard_export import change_text, metric_value
from app.views.common.widgets import named

GREEN, RED, GREY = "#1b6e20", "#b3261e", "#5f6b7a"
ARROWS = {"up": "▲", "down": "▼", "flat": "■"}
CARD_STYLE = ("QFrame#MetricCard { background: #ffffff; border: 1px solid #d5dae1; border-radius: 8px; }")


def comparison(trend: Trend | None, against: str) -> tuple[str, str]:
    """('▲ +2.0% vs previous cycle', colour): the arrow is the number's direction, the colour
    whether that is good news (only beyond the threshold)."""
    if trend is None:
        return f"No figure for the {against}", GREY
    colour = {"green": GREEN, "red": RED}.get(trend.highlight or "", GREY)
    return f"{ARROWS[trend.arrow]} {change_text(trend)} vs {against}", colour


class MetricCard(QFrame):
    drill = Signal(str)

    def __init__(self, key: str, label: str) -> None:
        super().__init__()
        self.key, self.label = key, label
        named(self, f"{label} card")
        self.setObjectName("MetricCard")
        self.setStyleSheet(CARD_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        title = named(QLabel(label), f"{label} title")
        title.setStyleSheet("color: #44505c; font-weight: 600;")
        self.value = named(QLabel("…"), f"{label} value")
        self.value.setStyleSheet("font-size: 17pt; font-weight: bold; color: #16324f;")
        self.previous = named(QLabel(""), f"{label} vs previous cycle")
        self.last_year = named(QLabel(""), f"{label} vs last year")
        self.details = named(QPushButton("Details"), f"Details: {label}")
        self.details.setToolTip(f"Open the accounts or bills behind {label}")
        self.details.clicked.connect(lambda: self.drill.emit(self.key))
        layout.addWidget(title)
        figure = QHBoxLayout()  # the button beside the figure, so a long title keeps the card narrow
        figure.addWidget(self.value, 1)
        figure.addWidget(self.details)
        layout.addLayout(figure)
        for widget in (self.previous, self.last_year):
            layout.addWidget(widget)

    def show_metric(self, metric: Metric, currency: str, locale: str) -> None:
        self.value.setText(metric_value(metric, metric.current, currency, locale))
        for widget, trend, against, earlier in (
                (self.previous, metric.trends.vs_previous_cycle, "previous cycle", metric.previous_cycle),
                (self.last_year, metric.trends.vs_last_year, "last year", metric.last_year)):
            text, colour = comparison(trend, against)
            widget.setText(text)
            widget.setToolTip(f"{against.capitalize()}: {metric_value(metric, earlier, currency, locale)}")
            widget.setStyleSheet(f"color: {colour}; font-weight: {'bold' if colour != GREY else 'normal'};")
        tip = metric.tooltip or metric.label
        self.setToolTip(tip)
        self.value.setToolTip(tip)
