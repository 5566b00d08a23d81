"""Tariff wizard, step 1's measuring fields: the price basis and how a period's length counts."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit

from app.domain.core.errors import ValidationError
from app.domain.tariffs.validation import (
    UNITS_BY_UTILITY,
    LimitRounding,
    PeriodFactor,
    TariffVersion,
    Unit,
    Utility,
)
from app.views.tariffs.ui import add_field, chosen, message_label, parse_decimal, show_message

FIELDS = ("price_unit", "price_per", "conversion", "period_factor", "limit_rounding")
_ROUNDING_LABELS = {
    LimitRounding.NONE: "None (to 0.001 unit)",
    LimitRounding.NEAREST_UNIT: "To the nearest unit",
    LimitRounding.DOWN: "Down to a whole unit",
}
SAME_AS_METER = "Same as the meter"


class BasisFields:
    """Price unit and quantity ("per 1,000 gal"), a volume-to-energy factor, the period factor
    method and how scaled slab limits are rounded."""

    def __init__(self, changed: Callable[[str], None]) -> None:
        self.price_unit = QComboBox()
        self.price_per = QLineEdit("1")
        self.conversion = QLineEdit()
        self.conversion.setPlaceholderText("only between a volume and an energy unit")
        self.period_factor = QComboBox()
        for method in PeriodFactor:
            self.period_factor.addItem(method.label, method)
        self.limit_rounding = QComboBox()
        for rounding, label in _ROUNDING_LABELS.items():
            self.limit_rounding.addItem(label, rounding)
        self.messages = {field: message_label(f"{label} message") for field, label in (
            ("price_unit", "Priced in"), ("price_per", "Price per quantity"),
            ("conversion", "Conversion factor"), ("period_factor", "Period factor"),
            ("limit_rounding", "Slab limit rounding"))}
        self.price_unit.currentIndexChanged.connect(lambda _i: changed("price_unit"))
        self.price_per.textChanged.connect(lambda _t: changed("price_per"))
        self.conversion.textChanged.connect(lambda _t: changed("conversion"))
        self.period_factor.currentIndexChanged.connect(lambda _i: changed("period_factor"))
        self.limit_rounding.currentIndexChanged.connect(lambda _i: changed("limit_rounding"))

    def add_to(self, form: QFormLayout) -> None:
        m = self.messages
        add_field(form, "Priced in", self.price_unit, m["price_unit"],
                  "The unit the rates are stated in, if not the meter's (gas per kWh)")
        add_field(form, "Price per quantity", self.price_per, m["price_per"],
                  "Rates are per this many units: 1,000 for a rate per 1,000 gallons")
        add_field(form, "Conversion factor", self.conversion, m["conversion"],
                  "Price units one meter unit makes, e.g. kWh per m3 of gas")
        add_field(form, "Period factor", self.period_factor, m["period_factor"],
                  "How a period's length scales monthly charges, per-kW charges and slab limits")
        add_field(form, "Slab limit rounding", self.limit_rounding, m["limit_rounding"])

    def utility_changed(self, utility: Utility | None) -> None:
        current = chosen(self.price_unit, Unit)
        self.price_unit.blockSignals(True)
        self.price_unit.clear()
        self.price_unit.addItem(SAME_AS_METER, None)
        for unit in UNITS_BY_UTILITY.get(utility, ()):  # type: ignore[arg-type]
            self.price_unit.addItem(unit.value, unit)
        found = self.price_unit.findData(current) if current is not None else 0
        self.price_unit.setCurrentIndex(max(0, found))
        self.price_unit.blockSignals(False)

    def collect(self, errors: list[ValidationError]) -> dict[str, object]:
        fields: dict[str, object] = {
            "price_unit": chosen(self.price_unit, Unit),
            "period_factor": chosen(self.period_factor, PeriodFactor) or PeriodFactor.NONE,
            "limit_rounding": chosen(self.limit_rounding, LimitRounding) or LimitRounding.NONE,
            "price_per": Decimal(1), "conversion": None,
        }
        for field, label, required in (("price_per", "Price per quantity", True),
                                       ("conversion", "Conversion factor", False)):
            try:
                value = parse_decimal(getattr(self, field).text(), field, label, required=required)
            except ValidationError as error:
                errors.append(error)
                continue
            if value is not None:
                fields[field] = value
        return fields

    def load(self, version: TariffVersion) -> None:
        self.utility_changed(version.utility)
        self.price_unit.setCurrentIndex(max(0, self.price_unit.findData(version.price_unit))
                                        if version.price_unit is not None else 0)
        self.price_per.setText(str(version.price_per))
        self.conversion.setText("" if version.conversion is None else str(version.conversion))
        self.period_factor.setCurrentIndex(max(0, self.period_factor.findData(version.period_factor)))
        self.limit_rounding.setCurrentIndex(
            max(0, self.limit_rounding.findData(version.limit_rounding)))

    def show_errors(self, messages: dict[str, str], visible: set[str]) -> None:
        for field, label in self.messages.items():
            show_message(label, messages.get(field, "") if field in visible else "")
