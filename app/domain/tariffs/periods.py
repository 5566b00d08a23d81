"""The period factor: how long a billing period is, in months, by the tariff's own method.

Monthly fixed charges, per-kW charges, minimums, slab limits and allowances are all scaled
by this one factor. A period of whole calendar months is a whole number under every method
(a quarter 3, a year 12) except `days_30`, which counts days / 30 by definition.

- none: every billing period counts as 1, whatever its length.
- start_month: days / days in the month the period starts in; a period longer than that
  counts each whole month from its start as 1 and the rest as days / that month's length.
- calendar_months: each calendar month touched adds its days in the period / its length
  (late June to late July: June days / 30 + July days / 31).
- days_30: days / 30.

A part of a period (the days one tariff version or one season prices) gets its share: its
own calendar-month sum under calendar_months, else the whole factor x its days / the days.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from app.domain.tariffs.model import PeriodFactor, days_in_month

ONE = Decimal(1)
_THIRTY = Decimal(30)


@lru_cache(maxsize=4096)  # a bill run meets a few hundred periods, millions of times
def period_factor(method: PeriodFactor, start: date, days: int) -> Decimal:
    """The factor of a whole billing period of `days` days from `start`."""
    if method is PeriodFactor.NONE:
        return ONE
    if method is PeriodFactor.DAYS_30:
        return ONE if days == 30 else Decimal(days) / _THIRTY
    factor = calendar_months(start, days) if method is PeriodFactor.CALENDAR_MONTHS else (
        _from_start_month(start, days))
    return ONE if factor == ONE else factor  # ONE itself lets the engine take its fast path


def part_factor(method: PeriodFactor, whole: Decimal, period_days: int, start: date,
                days: int) -> Decimal:
    """The factor of `days` days from `start`, a part of a period of `period_days` days."""
    if days == period_days:
        return whole
    if method is PeriodFactor.CALENDAR_MONTHS:
        return calendar_months(start, days)
    return whole * days / period_days


def calendar_months(start: date, days: int) -> Decimal:
    """Each calendar month touched: its days in the period / its length."""
    total, day, left = Decimal(0), start, days
    while left > 0:
        length = days_in_month(day)
        taken = min(left, length - day.day + 1)
        total += ONE if taken == length else Decimal(taken) / length
        day += timedelta(days=taken)
        left -= taken
    return total


def _from_start_month(start: date, days: int) -> Decimal:
    end = start + timedelta(days=days - 1)
    months, month_start = 0, start
    while True:
        following = _months_after(start, months + 1)
        if following - timedelta(days=1) > end:
            break
        months, month_start = months + 1, following
    rest = (end - month_start).days + 1
    if rest <= 0:
        return Decimal(months)
    return months + Decimal(rest) / days_in_month(month_start)


def _months_after(day: date, months: int) -> date:
    """The same day `months` months later, or that month's last day if it is shorter."""
    year, month = divmod(day.month - 1 + months, 12)
    first = date(day.year + year, month + 1, 1)
    return first.replace(day=min(day.day, days_in_month(first)))
