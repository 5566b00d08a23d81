"""A count per note and coin with a live total: the float at open, the drawer at close, cash in/out."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from babel.numbers import format_currency
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QSpinBox, QWidget

from app.domain.cash.drawer import Denomination, counted_total
from app.domain.core.money import Money
from app.formatting import format_money
from app.views.common.widgets import named

MAX_PIECES = 100_000


def denomination_label(denomination: Denomination, currency: str, locale: str) -> str:
    """"$20 note", "$0.25 coin", "₹500 note": whole values without decimals."""
    value = denomination.value
    pattern = "¤#,##0" if value == value.to_integral_value() else "¤#,##0.00"
    shown = format_currency(value, currency, format=pattern, locale=locale, currency_digits=False)
    return f"{shown} {denomination.kind}"


def pieces_text(pieces: Mapping[Decimal, int] | tuple[tuple[Decimal, int], ...], currency: str,
                locale: str) -> str:
    items = pieces.items() if isinstance(pieces, Mapping) else pieces
    return ", ".join(f"{n} × {format_money(Money(v, currency), locale)}" for v, n in items if n)


class DenominationCounts(QWidget):
    """One spin box per note and coin, named by its label ("$20 note"), and the total."""

    total_changed = Signal(object)  # Money

    def __init__(self, denominations: tuple[Denomination, ...], currency: str, locale: str,
                 total_label: str = "Total counted") -> None:
        super().__init__()
        self.currency, self.locale = currency, locale
        self.boxes: dict[Denomination, QSpinBox] = {}
        self.line_totals: dict[Denomination, QLabel] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        for column, heading in enumerate(("Note or coin", "Count", "Amount")):
            grid.addWidget(QLabel(f"<b>{heading}</b>"), 0, column)
        for row, denomination in enumerate(denominations, start=1):
            self._add_row(grid, row, denomination)
        self.total = named(QLabel(self._money(Money.zero(currency))), total_label)
        self.total.setStyleSheet("font-weight: bold;")
        grid.addWidget(QLabel(f"<b>{total_label}</b>"), len(denominations) + 1, 0)
        grid.addWidget(self.total, len(denominations) + 1, 2, Qt.AlignmentFlag.AlignRight)
        grid.setColumnStretch(3, 1)  # keep the columns together on a wide screen
        grid.setRowStretch(len(denominations) + 2, 1)  # and the rows at the top
        grid.setHorizontalSpacing(24)

    def _add_row(self, grid: QGridLayout, row: int, denomination: Denomination) -> None:
        text = denomination_label(denomination, self.currency, self.locale)
        label = QLabel(text)
        box = named(QSpinBox(), text)
        box.setRange(0, MAX_PIECES)
        box.setAlignment(Qt.AlignmentFlag.AlignRight)
        box.setMinimumWidth(90)
        label.setBuddy(box)
        line = QLabel(self._money(Money.zero(self.currency)))
        line.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        box.valueChanged.connect(self._recount)
        grid.addWidget(label, row, 0)
        grid.addWidget(box, row, 1)
        grid.addWidget(line, row, 2)
        self.boxes[denomination], self.line_totals[denomination] = box, line

    def _money(self, money: Money) -> str:
        return format_money(money, self.locale)

    def _recount(self) -> None:
        for denomination, box in self.boxes.items():
            amount = Money(denomination.value * box.value(), self.currency)
            self.line_totals[denomination].setText(self._money(amount))
        total = self.total_amount()
        self.total.setText(self._money(total))
        self.total_changed.emit(total)

    def counts(self) -> dict[Denomination, int]:
        return {d: box.value() for d, box in self.boxes.items() if box.value()}

    def by_value(self) -> dict[Decimal, int]:
        merged: dict[Decimal, int] = {}
        for denomination, count in self.counts().items():
            merged[denomination.value] = merged.get(denomination.value, 0) + count
        return merged

    def total_amount(self) -> Money:
        return counted_total(self.by_value(), self.currency)

    def clear(self) -> None:
        for box in self.boxes.values():
            box.setValue(0)

    def first_box(self) -> QSpinBox | None:
        return next(iter(self.boxes.values()), None)
