"""Table editors for a tariff's rates: slabs, seasons, time periods and charges.

Each editor reads its rows into the domain's parts; a cell that is not a number becomes a
ValidationError named like the domain's own (slabs[1].rate), so one display shows both.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.core.errors import ValidationError
from app.domain.tariffs.validation import (
    Charge,
    ChargeKind,
    DayType,
    Season,
    Slab,
    SlabRow,
    TouPeriod,
    season_discount,
    slab_rows,
)
from app.views.common.tables import fit_columns, keyboard_table
from app.views.common.widgets import named
from app.views.tariffs.ui import ERROR_STYLE, chosen, parse_decimal, row_of

_BAD_ROW = QColor("#fde4e2")
_DAY_LABELS = {DayType.ALL: "All days", DayType.WEEKDAY: "Weekdays", DayType.WEEKEND: "Weekends"}
_VALUE_FIELD = {ChargeKind.FIXED_PER_PERIOD: "amount", ChargeKind.MINIMUM: "amount",
                ChargeKind.PERCENTAGE: "percent"}


class RowTable(QWidget):
    """A small editable table with Add/Remove buttons and a message line for its rows."""

    changed = Signal()

    def __init__(self, name: str, noun: str, headers: Sequence[str]) -> None:
        super().__init__()
        self.noun = noun
        self.table = keyboard_table(named(QTableWidget(0, len(headers)), name))
        self.table.setHorizontalHeaderLabels(list(headers))
        fit_columns(self.table, 0)  # every header whole; the first (a name) takes the rest
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setMinimumHeight(150)
        self.add_button = named(QPushButton(f"Add {noun}"), f"Add {noun}")
        self.remove_button = named(QPushButton(f"Remove {noun}"), f"Remove {noun}")
        self.message = named(QLabel(""), f"{name} message")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.message)

    def add_row(self, values: Sequence[str] = ()) -> int:
        row = self.table.rowCount()
        self.table.blockSignals(True)  # one change for the whole row, once its drop-downs exist
        try:
            self.table.insertRow(row)
            for column in range(self.table.columnCount()):
                text = values[column] if column < len(values) else ""
                self._fill(row, column, text)
        finally:
            self.table.blockSignals(False)
        self.changed.emit()
        return row

    def _fill(self, row: int, column: int, text: str) -> None:
        self.table.setItem(row, column, QTableWidgetItem(text))

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows or [self.table.rowCount() - 1]:
            if row >= 0:
                self.table.removeRow(row)
        self.changed.emit()

    def set_rows(self, rows: Sequence[Sequence[str]]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        self.table.blockSignals(False)
        for values in rows:
            self.add_row(values)

    def set_cell(self, row: int, column: int, text: str) -> None:
        """As if typed into the cell (tests and templates use it)."""
        self.table.item(row, column).setText(text)

    def text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text().strip() if item is not None else ""

    def show_errors(self, errors: Sequence[ValidationError]) -> None:
        """Marks the rows with problems and lists them: 'Row 2: Slab rate must not be negative'."""
        bad = {row_of(error.field) for error in errors}
        for row in range(self.table.rowCount()):
            for column in range(self.table.columnCount()):
                item = self.table.item(row, column)
                if item is not None:
                    item.setBackground(_BAD_ROW if row in bad else QColor(0, 0, 0, 0))
        lines = []
        for error in errors:
            row = row_of(error.field)
            lines.append(error.rule if row is None else f"Row {row + 1}: {error.rule}")
        self.message.setText("\n".join(dict.fromkeys(lines)))
        self.message.setVisible(bool(lines))


class SlabEditor(RowTable):
    """The spec's slab table: From, To (empty for No limit), Unit rate."""

    def __init__(self) -> None:
        super().__init__("Slabs", "slab", ("From (units)", "To (units, empty = No limit)", "Unit rate"))

    def collect(self, errors: list[ValidationError]) -> list[SlabRow]:
        rows = []
        for row in range(self.table.rowCount()):
            try:
                start = parse_decimal(self.text(row, 0), f"slabs[{row}].start", "'From'")
                end = parse_decimal(self.text(row, 1).replace("No limit", ""), f"slabs[{row}].end", "'To'",
                                    required=False)
                rate = parse_decimal(self.text(row, 2), f"slabs[{row}].rate", "Slab rate")
            except ValidationError as error:
                errors.append(error)
                continue
            rows.append(SlabRow(start, end, rate))  # type: ignore[arg-type]
        return rows

    def load(self, slabs: Sequence[Slab]) -> None:
        self.set_rows([[str(r.start), "No limit" if r.end is None else str(r.end), str(r.rate)]
                       for r in slab_rows(tuple(slabs))])


class SeasonEditor(RowTable):
    """Seasons with a rate each; the discount against the dearest season is derived and shown."""

    def __init__(self) -> None:
        super().__init__("Seasons", "season", ("Season", "From (MM-DD)", "To (MM-DD)", "Unit rate",
                                               "Discount (%)"))
        self.kept_slabs: dict[str, tuple[Slab, ...]] = {}

    def collect(self, errors: list[ValidationError]) -> list[Season]:
        seasons = []
        for row in range(self.table.rowCount()):
            name = self.text(row, 0)
            try:
                start = _month_day(self.text(row, 1), f"seasons[{row}].start")
                end = _month_day(self.text(row, 2), f"seasons[{row}].end")
                rate = parse_decimal(self.text(row, 3), f"seasons[{row}].rate", "Season rate",
                                     required=name not in self.kept_slabs)
            except ValidationError as error:
                errors.append(error)
                continue
            slabs = self.kept_slabs.get(name, ()) if rate is None else ()
            seasons.append(Season(name, start, end, rate, slabs))
        self._show_discounts(seasons)
        return seasons

    def _show_discounts(self, seasons: list[Season]) -> None:
        rates = [season.rate for season in seasons if season.rate is not None]
        regular = max(rates) if rates else None
        self.table.blockSignals(True)
        for row in range(self.table.rowCount()):
            season = next((s for s in seasons if s.name == self.text(row, 0)), None)
            text = ""
            if season is not None and season.rate is not None and regular:
                text = f"{season_discount(season.rate, regular)}%"
            item = self.table.item(row, 4)
            if item is not None:
                item.setText(text)
        self.table.blockSignals(False)

    def _fill(self, row: int, column: int, text: str) -> None:
        item = QTableWidgetItem(text)
        if column == 4:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)  # derived, never typed
        self.table.setItem(row, column, item)

    def load(self, seasons: Sequence[Season]) -> None:
        self.kept_slabs = {s.name: s.slabs for s in seasons if s.slabs}
        self.set_rows([[s.name, f"{s.start[0]:02d}-{s.start[1]:02d}", f"{s.end[0]:02d}-{s.end[1]:02d}",
                        "" if s.rate is None else str(s.rate)] for s in seasons])


class TouEditor(RowTable):
    """Time periods: name, hours as '16-20' or '6-16, 20-22', rate, days."""

    def __init__(self) -> None:
        super().__init__("Time periods", "time period", ("Period", "Hours (e.g. 6-16, 20-22)",
                                                         "Unit rate", "Days"))

    def _fill(self, row: int, column: int, text: str) -> None:
        if column != 3:
            super()._fill(row, column, text)
            return
        combo = named(QComboBox(), f"Days of time period {row + 1}")
        for day_type, label in _DAY_LABELS.items():
            combo.addItem(label, day_type)
        combo.setCurrentIndex(max(0, combo.findData(DayType(text) if text else DayType.ALL)))
        combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.table.setCellWidget(row, column, combo)

    def collect(self, errors: list[ValidationError]) -> list[TouPeriod]:
        periods = []
        for row in range(self.table.rowCount()):
            try:
                hours = _hour_ranges(self.text(row, 1), f"tou_periods[{row}].hours")
                rate = parse_decimal(self.text(row, 2), f"tou_periods[{row}].rate", "Period rate")
            except ValidationError as error:
                errors.append(error)
                continue
            days = chosen(self.table.cellWidget(row, 3), DayType)  # type: ignore[arg-type]
            periods.append(TouPeriod(self.text(row, 0), hours, rate, days))  # type: ignore[arg-type]
        return periods

    def load(self, periods: Sequence[TouPeriod]) -> None:
        self.set_rows([[p.name, ", ".join(f"{a}-{b}" for a, b in p.hours), str(p.rate), p.days.value]
                       for p in periods])


class ChargeEditor(RowTable):
    """Charges besides consumption, computed in row order."""

    def __init__(self) -> None:
        super().__init__("Charges", "charge", ("Charge", "Type", "Amount / rate / %",
                                               "Base (earlier lines, optional)"))

    def _fill(self, row: int, column: int, text: str) -> None:
        if column != 1:
            super()._fill(row, column, text)
            return
        combo = named(QComboBox(), f"Type of charge {row + 1}")
        for kind in ChargeKind:
            combo.addItem(kind.label, kind)
        combo.setCurrentIndex(max(0, combo.findData(ChargeKind(text) if text else ChargeKind.FIXED_PER_PERIOD)))
        combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.table.setCellWidget(row, column, combo)

    def collect(self, errors: list[ValidationError]) -> list[Charge]:
        charges = []
        for row in range(self.table.rowCount()):
            kind = chosen(self.table.cellWidget(row, 1), ChargeKind) or ChargeKind.FIXED_PER_PERIOD  # type: ignore[arg-type]
            value_field = _VALUE_FIELD.get(kind, "rate")
            try:
                value = parse_decimal(self.text(row, 2), f"charges[{row}].{value_field}", "The charge's value")
            except ValidationError as error:
                errors.append(error)
                continue
            base = tuple(part.strip() for part in self.text(row, 3).split(",") if part.strip())
            charges.append(Charge(kind, self.text(row, 0), base=base, order=row,
                                  **{value_field: value}))  # type: ignore[arg-type]
        return charges

    def load(self, charges: Sequence[Charge]) -> None:
        self.set_rows([[c.name, c.kind.value, str(next(v for v in (c.amount, c.rate, c.percent)
                                                       if v is not None)), ", ".join(c.base)]
                       for c in sorted(charges, key=lambda c: c.order)])


def _month_day(text: str, field: str) -> tuple[int, int]:
    found = re.fullmatch(r"\s*(\d{1,2})\s*-\s*(\d{1,2})\s*", text)
    if not found:
        raise ValidationError(field, "Write the day as MM-DD, e.g. 11-01")
    return int(found.group(1)), int(found.group(2))


def _hour_ranges(text: str, field: str) -> tuple[tuple[int, int], ...]:
    spans = []
    for part in text.split(","):
        found = re.fullmatch(r"\s*(\d{1,2})\s*-\s*(\d{1,2})\s*", part)
        if not found:
            raise ValidationError(field, "Write hours as 16-20, or 6-16, 20-22 for two ranges")
        spans.append((int(found.group(1)), int(found.group(2))))
    return tuple(spans)
