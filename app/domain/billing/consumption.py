"""High, low and zero consumption against history, and estimated reads where none was taken.

High and low compare a period's units with the average of the same period in earlier years
(per day, so periods of different lengths compare fairly). Without such history an account
is "insufficient history", never "normal". An estimate is last year's same period adjusted
to this period's days; without it, the recent periods' average per day; without any
history, there is nothing to estimate from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

ZERO = Decimal(0)
HUNDRED = Decimal(100)
UNITS_QUANTUM = Decimal("0.001")


class ConsumptionClass(StrEnum):
    HIGH = "High"
    LOW = "Low"
    ZERO = "Zero"
    NORMAL = "Normal"
    INSUFFICIENT_HISTORY = "Insufficient history"


@dataclass(frozen=True, slots=True)
class PastPeriod:
    """Units billed for one earlier period, and its length in days."""

    units: Decimal
    days: int

    @property
    def per_day(self) -> Decimal:
        return self.units / self.days


def classify(units: Decimal, days: int, same_period_earlier_years: Sequence[PastPeriod],
             high_percent: Decimal, low_percent: Decimal) -> ConsumptionClass:
    if units == 0:
        return ConsumptionClass.ZERO
    if not same_period_earlier_years:
        return ConsumptionClass.INSUFFICIENT_HISTORY
    average = sum((p.per_day for p in same_period_earlier_years), ZERO) / len(same_period_earlier_years)
    share = units / days / average * HUNDRED if average else None
    if share is None or share > high_percent:
        return ConsumptionClass.HIGH
    if share < low_percent:
        return ConsumptionClass.LOW
    return ConsumptionClass.NORMAL


class EstimateBasis(StrEnum):
    LAST_YEAR = "same period last year"
    RECENT_AVERAGE = "recent average"


@dataclass(frozen=True, slots=True)
class Estimate:
    units: Decimal
    basis: EstimateBasis


def estimate_units(days: int, same_period_last_year: PastPeriod | None,
                   recent: Sequence[PastPeriod]) -> Estimate | None:
    """Units to bill for `days` days with no actual read; None when there is no history."""
    if same_period_last_year is not None and same_period_last_year.days > 0:
        return Estimate(_units(same_period_last_year.per_day * days), EstimateBasis.LAST_YEAR)
    usable = [p for p in recent if p.days > 0]
    if not usable:
        return None
    per_day = sum((p.units for p in usable), ZERO) / sum(p.days for p in usable)
    return Estimate(_units(per_day * days), EstimateBasis.RECENT_AVERAGE)


def _units(value: Decimal) -> Decimal:
    return value.quantize(UNITS_QUANTUM, rounding=ROUND_HALF_UP)
