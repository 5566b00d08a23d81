"""Consumption as a rating takes it: a total, or a register per time-of-use period, checked.

A figure is a Decimal, an int or a numeric string; never a float, never negative. A
Time-based tariff needs every one of its periods' registers and no other.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from app.domain.core.errors import ValidationError
from app.domain.core.money import MoneyError, to_decimal
from app.domain.tariffs.rating_plan import ZERO, RatingPlan


def consumption(plan: RatingPlan, units: object, units_by_period: Mapping[str, object] | None
                 ) -> tuple[Decimal, dict[str, Decimal] | None]:
    """Total units and, for Time-based tariffs, units per period name, checked."""
    if not plan.tou:
        if units is None:
            raise ValidationError("units", "Consumption is required")
        return quantity("units", units), None
    if units_by_period is None:
        raise ValidationError("units_by_period", "Time-based tariffs need consumption per time period")
    names = [period[0] for period in plan.tou]
    for name in units_by_period:
        if name not in names:
            raise ValidationError("units_by_period", f"Unknown time period '{name}'")
    by_period = {}
    for name in names:
        if name not in units_by_period:
            raise ValidationError("units_by_period", f"Consumption is required for time period '{name}'")
        by_period[name] = quantity(f"units_by_period[{name}]", units_by_period[name])
    total = sum(by_period.values(), ZERO)
    if units is not None and quantity("units", units) != total:
        raise ValidationError("units", "Consumption must equal the sum of the time periods")
    return total, by_period


def quantity(field: str, value: object) -> Decimal:
    """A consumption figure: a Decimal, an int or a numeric string; never a float or negative."""
    if value.__class__ is not Decimal or not value.is_finite():  # type: ignore[attr-defined]
        try:
            value = to_decimal(value)
        except MoneyError as error:
            raise ValidationError(field, str(error)) from None
    assert isinstance(value, Decimal)
    if value < 0:
        raise ValidationError(field, "Consumption must not be negative")
    return value


def plain(value: object) -> bool:
    """A finite, non-negative Decimal: what _quantity would return unchanged."""
    return value.__class__ is Decimal and value.is_finite() and value >= 0  # type: ignore[attr-defined,operator]


def load(load_kw: object) -> Decimal | None:
    if load_kw is None:
        return None
    return quantity("load_kw", load_kw)
