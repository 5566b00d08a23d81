"""The dashboard's filters: billing cycle or date range, granularity, service area, segment."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.dashboard.trends import Granularity, Period, period_containing
from app.services.dashboard import DashboardFilter
from app.services.dashboard.service import Choices
from app.views.common.forms import DateEdit
from app.views.common.widgets import named
from app.views.payments.display import from_qdate, to_qdate

ANY = "All"


def _labelled(text: str, widget: QWidget) -> QWidget:
    box = QWidget()
    line = QFormLayout(box)
    line.setContentsMargins(0, 0, 0, 0)
    label = QLabel(f"&{text}:")
    label.setBuddy(widget)
    line.addRow(label, widget)
    return box


class FilterBar(QWidget):
    applied = Signal(object)  # DashboardFilter

    def __init__(self, today: date, date_format: str = "yyyy-MM-dd") -> None:
        super().__init__()
        named(self, "Filters")
        self.cycle = named(QComboBox(), "Billing cycle")
        self.start = named(DateEdit(), "From")
        self.end = named(DateEdit(), "To")
        self.granularity = named(QComboBox(), "Granularity")
        self.zone = named(QComboBox(), "Service area")
        self.segment = named(QComboBox(), "Customer segment")
        self.apply = named(QPushButton("Apply filters"), "Apply filters")
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(date_format)
        self.cycle.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for g in Granularity:
            self.granularity.addItem(g.value.capitalize(), g.value)
        month = period_containing(today, Granularity.MONTHLY)
        self.start.setDate(to_qdate(month.start))
        self.end.setDate(to_qdate(month.end))
        # Two lines, so the bar fits a 1280-pixel screen: what period, then which accounts.
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for fields, button in (((("Billing cycle", self.cycle), ("From", self.start), ("To", self.end),
                                 ("Granularity", self.granularity)), None),
                               ((("Service area", self.zone), ("Customer segment", self.segment)), self.apply)):
            line = QHBoxLayout()
            for text, widget in fields:
                line.addWidget(_labelled(text, widget))
            if button is not None:
                line.addWidget(button)
            line.addStretch(1)
            layout.addLayout(line)
        self.apply.clicked.connect(lambda: self.applied.emit(self.current()))
        self.cycle.currentIndexChanged.connect(self._cycle_chosen)
        self.granularity.currentIndexChanged.connect(self._granularity_chosen)

    def set_choices(self, choices: Choices) -> None:
        for combo, items in ((self.cycle, [(f"{ANY} (use the dates)", None)]
                              + [(("⚠ " if c.deadline_alert else "") + c.name, c.cycle_id)
                                 for c in choices.cycles]),
                             (self.zone, [(ANY, None)] + [(name, zone_id) for zone_id, name in choices.zones]),
                             (self.segment, [(ANY, None)] + [(s, s) for s in choices.segments])):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for text, data in items:
                combo.addItem(text, data)
            index = combo.findData(chosen)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)
        index = self.granularity.findData(choices.default_granularity)
        if index >= 0 and not getattr(self, "_granularity_set", False):
            self.granularity.setCurrentIndex(index)
            self._granularity_set = True

    def _cycle_chosen(self) -> None:
        by_dates = self.cycle.currentData() is None
        for widget in (self.start, self.end, self.granularity):
            widget.setEnabled(by_dates)

    def _granularity_chosen(self) -> None:
        period = period_containing(from_qdate(self.end.date()), Granularity(self.granularity.currentData()))
        self.start.setDate(to_qdate(period.start))
        self.end.setDate(to_qdate(period.end))

    def current(self) -> DashboardFilter:
        cycle = self.cycle.currentData()
        period = None if cycle else Period(from_qdate(self.start.date()), from_qdate(self.end.date()))
        return DashboardFilter(cycle, period, Granularity(self.granularity.currentData() or "monthly"),
                               self.zone.currentData(), self.segment.currentData())

    def show_filter(self, flt: DashboardFilter) -> None:
        self.cycle.setCurrentIndex(max(0, self.cycle.findData(flt.cycle_id)))
        if flt.period:
            self.start.setDate(to_qdate(flt.period.start))
            self.end.setDate(to_qdate(flt.period.end))
        self.zone.setCurrentIndex(max(0, self.zone.findData(flt.zone_id)))
        self.segment.setCurrentIndex(max(0, self.segment.findData(flt.segment)))
