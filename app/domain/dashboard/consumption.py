"""Consumption classes of the dashboard: High, Low and Zero accounts, and when history is too short.

High: more than 150% of the account's average for the same period in earlier years.
Low: below 50% of that average. Zero: no consumption now after non-zero consumption in each
of the previous two billing cycles (flagged for investigation). An account with no same
period in an earlier year cannot be High or Low: it is "insufficient history", never
"normal" (ARCHITECTURE.md section 9); a zero reading without two earlier cycles likewise.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum

from app.domain.core.money import to_decimal

HIGH_FACTOR = Decimal("1.5")
LOW_FACTOR = Decimal("0.5")
ZERO_LOOKBACK = 2  # billing cycles that must have had consumption before a zero is flagged


class ConsumptionClass(StrEnum):
    HIGH = "High"
    LOW = "Low"
    ZERO = "Zero"
    NORMAL = "Normal"
    INSUFFICIENT_HISTORY = "Insufficient history"


def same_period_average(history: Sequence[Decimal | int]) -> Decimal | None:
    """The mean of the same period in earlier years; None when there is none."""
    if not history:
        return None
    return sum((to_decimal(value) for value in history), Decimal(0)) / len(history)


def classify(current: Decimal | int, same_period_history: Sequence[Decimal | int],
             previous_cycles: Sequence[Decimal | int]) -> ConsumptionClass:
    """`previous_cycles` are the account's last billing cycles before this one, newest first."""
    now = to_decimal(current)
    if now == 0:
        recent = [to_decimal(value) for value in previous_cycles[:ZERO_LOOKBACK]]
        if len(recent) < ZERO_LOOKBACK:
            return ConsumptionClass.INSUFFICIENT_HISTORY
        if all(value > 0 for value in recent):
            return ConsumptionClass.ZERO
    average = same_period_average(same_period_history)
    if average is None:
        return ConsumptionClass.INSUFFICIENT_HISTORY
    if now > average * HIGH_FACTOR:
        return ConsumptionClass.HIGH
    if now < average * LOW_FACTOR:
        return ConsumptionClass.LOW
    return ConsumptionClass.NORMAL
