"""A Payments KPI broken down: Total Collected (the month to date) or Received Today, by payment
method and by day or week, each slice a filter the payments list can show."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.models.payments import Payment
from app.services.payments.listing import PaymentFilter, _posted_between, _sum_and_count
from app.services.payments.queries import money_sql, utc_bounds

METRICS = {"total_collected": "Total Collected", "received_today": "Received Today"}
DAY, WEEK = "Day", "Week"


@dataclass(frozen=True)
class Slice:
    label: str  # the method; "" for a period (the screen writes its dates in the user's format)
    detail: str  # what the event names: "method:Cash", "day:2025-04-20"
    amount: Money
    count: int
    payments: PaymentFilter  # the payments list showing exactly this slice


@dataclass(frozen=True)
class Breakdown:
    metric: str
    title: str
    first: date
    last: date
    total: Money
    count: int
    by_method: tuple[Slice, ...]
    by_channel: tuple[Slice, ...]
    by_period: tuple[Slice, ...]


def span(metric: str, month: date, today: date) -> tuple[date, date]:
    """Received Today is today; Total Collected is the month, up to today for the current one."""
    if metric not in METRICS:
        raise ValidationError("Metric", f"choose one of {', '.join(METRICS.values())}")
    if metric == "received_today":
        return today, today
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, min(last, today) if first <= today else last


def breakdown(session: Session, metric: str, month: date, today: date, period: str, tz,
              currency: str) -> Breakdown:
    first, last = span(metric, month, today)
    start, end = utc_bounds(first, last, tz)
    total, count = _sum_and_count(session, start, end)
    by = {}
    for name, column in (("method", Payment.method), ("channel", Payment.channel)):
        rows = session.execute(
            select(column, money_sql(func.coalesce(func.sum(Payment.amount), 0)), func.count())
            .where(*_posted_between(start, end)).group_by(column).order_by(column)).all()
        by[name] = tuple(Slice(value, f"{name}:{value}", Money(amount, currency), int(n),
                               PaymentFilter(date_from=first, date_to=last, **{name: value}))
                         for value, amount, n in rows)
    return Breakdown(metric, METRICS[metric], first, last, Money(total, currency), count,
                     by["method"], by["channel"], _periods(session, first, last, period, tz, currency))


def _periods(session: Session, first: date, last: date, period: str, tz,
             currency: str) -> tuple[Slice, ...]:
    if period not in (DAY, WEEK):
        raise ValidationError("Period", f"choose {DAY} or {WEEK}")
    slices = []
    for start, end in _ranges(first, last, period):
        amount, n = _sum_and_count(session, *utc_bounds(start, end, tz))
        kind = "day" if period == DAY else "week"
        slices.append(Slice("", f"{kind}:{start.isoformat()}", Money(amount, currency), n,
                            PaymentFilter(date_from=start, date_to=end)))
    return tuple(slices)


def _ranges(first: date, last: date, period: str) -> list[tuple[date, date]]:
    """Days, or weeks from Monday cut to the span (a month's first week may be short)."""
    ranges, start = [], first
    while start <= last:
        end = start if period == DAY else min(last, start + timedelta(days=6 - start.weekday()))
        ranges.append((start, end))
        start = end + timedelta(days=1)
    return ranges
