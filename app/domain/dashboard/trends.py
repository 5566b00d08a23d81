"""Dashboard trends: percent changes, which way is good, highlights, comparison periods."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import Literal

from app.domain.core.errors import ValidationError
from app.domain.core.money import round_half_up, to_decimal

Arrow = Literal["up", "down", "flat"]
Verdict = Literal["good", "bad", "neutral"]
Highlight = Literal["green", "red"]

DEFAULT_THRESHOLD = Decimal(5)
HUNDRED = Decimal(100)


class GoodDirection(Enum):
    UP_IS_GOOD = "up"
    DOWN_IS_GOOD = "down"
    NEUTRAL = "neutral"


class ChangeKind(Enum):
    """How a change is measured: relative percent, or percentage points for rates.

    The spec's samples move rates by points: success rate 96.4% -> 98.2% is
    shown as +1.8%, not the relative +1.9%.
    """

    RELATIVE = "relative"
    POINTS = "points"


@dataclass(frozen=True, slots=True)
class MetricSpec:
    name: str
    good: GoodDirection
    change: ChangeKind = ChangeKind.RELATIVE


def _spec(name: str, good: GoodDirection, change: ChangeKind = ChangeKind.RELATIVE) -> MetricSpec:
    return MetricSpec(name, good, change)


_UP, _DOWN, _NEUTRAL = GoodDirection.UP_IS_GOOD, GoodDirection.DOWN_IS_GOOD, GoodDirection.NEUTRAL

METRICS: MappingProxyType[str, MetricSpec] = MappingProxyType({
    spec.name: spec for spec in (
        _spec("bills_generated", _UP),
        _spec("bills_not_generated", _DOWN),
        _spec("success_rate", _UP, ChangeKind.POINTS),
        # A bigger average bill is neither good nor bad news on its own.
        _spec("average_bill_amount", _NEUTRAL),
        _spec("total_consumption", _NEUTRAL),
        # High/low/zero consumption accounts are anomalies to investigate.
        _spec("high_consumption_accounts", _DOWN),
        _spec("low_consumption_accounts", _DOWN),
        _spec("zero_consumption_accounts", _DOWN),
        _spec("total_billed", _UP),
        _spec("service_charges", _UP),
        _spec("outstanding_amount", _DOWN),
        # Penalties and interest: more revenue, but only because more people
        # paid late, so a rise is not good news; it is shown without colour.
        _spec("late_payment_revenue", _NEUTRAL),
        _spec("total_collected", _UP),
        _spec("received_today", _UP),  # the Payments landing page's card, against yesterday
        _spec("collection_rate", _UP, ChangeKind.POINTS),
        _spec("avg_collection_time", _DOWN),
        # The Plans & Tariffs overview's totals: more plans, tariffs and subscribers is good.
        _spec("total_plans", _UP),
        _spec("total_tariffs", _UP),
        _spec("active_subscribers", _UP),
    )
})


def metric_spec(metric: str) -> MetricSpec:
    try:
        return METRICS[metric]
    except KeyError:
        raise ValidationError("Metric", f"unknown dashboard metric {metric!r}") from None


# changes -------------------------------------------------------------------

def percent_change(current: Decimal | int, previous: Decimal | int | None) -> Decimal | None:
    """Exact relative change in percent; None when there is nothing to compare with.

    Divides by the size of the previous value so the sign always follows the
    direction of the number, even for a negative previous value.
    """
    if previous is None:
        return None
    before, now = to_decimal(previous), to_decimal(current)
    if before == 0:
        return None
    return (now - before) / abs(before) * HUNDRED


def points_change(current: Decimal | int, previous: Decimal | int) -> Decimal:
    """Change in percentage points, for metrics that are themselves rates."""
    return to_decimal(current) - to_decimal(previous)


def rounded(value: Decimal | None, places: int = 1) -> Decimal | None:
    """Half-up for display; rules keep the exact value."""
    return None if value is None else round_half_up(value, places)


def success_rate(generated: int, not_generated: int) -> Decimal | None:
    """Generated / (generated + not generated) x 100, exact; None when no bills were due."""
    for field, count in (("Bills generated", generated), ("Bills not generated", not_generated)):
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValidationError(field, "must be a whole number, zero or more")
    attempted = generated + not_generated
    if attempted == 0:
        return None
    return Decimal(generated) * HUNDRED / Decimal(attempted)


# trends --------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Trend:
    """One comparison. `percent` is exact (points for rates); round it at the edge."""

    metric: str
    current: Decimal
    previous: Decimal
    percent: Decimal | None
    arrow: Arrow
    verdict: Verdict
    highlight: Highlight | None
    change: ChangeKind = ChangeKind.RELATIVE


@dataclass(frozen=True, slots=True)
class TrendPair:
    vs_previous_cycle: Trend | None
    vs_last_year: Trend | None


def arrow_of(current: Decimal, previous: Decimal) -> Arrow:
    if current > previous:
        return "up"
    return "down" if current < previous else "flat"


def verdict_of(arrow: Arrow, good: GoodDirection) -> Verdict:
    if arrow == "flat" or good is GoodDirection.NEUTRAL:
        return "neutral"
    rising_is_good = good is GoodDirection.UP_IS_GOOD
    return "good" if (arrow == "up") == rising_is_good else "bad"


def _highlight(verdict: Verdict, change: Decimal | None, threshold: Decimal) -> Highlight | None:
    # No percent means growth from zero: unbounded, so it exceeds any threshold.
    beyond = change is None or abs(change) > threshold
    if verdict == "neutral" or not beyond:
        return None
    return "green" if verdict == "good" else "red"


def trend(
    metric: str,
    current: Decimal | int,
    previous: Decimal | int | None,
    threshold: Decimal = DEFAULT_THRESHOLD,
) -> Trend | None:
    """Compare a metric with one earlier value; None when that value is missing."""
    spec = metric_spec(metric)
    if threshold < 0:
        raise ValidationError("Threshold", "must be zero or more")
    if previous is None:
        return None
    now, before = to_decimal(current), to_decimal(previous)
    if spec.change is ChangeKind.POINTS:
        change: Decimal | None = points_change(now, before)
    else:
        change = percent_change(now, before)
    arrow = arrow_of(now, before)
    verdict = verdict_of(arrow, spec.good)
    return Trend(metric, now, before, change, arrow, verdict,
                 _highlight(verdict, change, threshold), spec.change)


def compare(
    metric: str,
    current: Decimal | int,
    previous_cycle: Decimal | int | None,
    same_period_last_year: Decimal | int | None,
    threshold: Decimal = DEFAULT_THRESHOLD,
) -> TrendPair:
    """Every dashboard indicator compares with both the previous cycle and last year."""
    return TrendPair(
        trend(metric, current, previous_cycle, threshold),
        trend(metric, current, same_period_last_year, threshold),
    )


# periods -------------------------------------------------------------------

class Granularity(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


_MONTHS_BACK = {Granularity.MONTHLY: 1, Granularity.QUARTERLY: 3, Granularity.YEARLY: 12}
_DAYS_BACK = {Granularity.DAILY: 1, Granularity.WEEKLY: 7}
_STEP_NAME = {Granularity.DAILY: "day", Granularity.WEEKLY: "week", Granularity.MONTHLY: "month",
              Granularity.QUARTERLY: "quarter", Granularity.YEARLY: "year"}


@dataclass(frozen=True, slots=True)
class Period:
    """A run of days, both ends included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError("Period", "the end is before the start")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _is_month_end(day: date) -> bool:
    return day.day == _last_day(day.year, day.month)


def _shift_months(day: date, months: int, to_month_end: bool = False) -> date:
    """Same day of month `months` earlier, clamped (Mar 31 -> Feb 28/29)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = _last_day(year, month + 1)
    return date(year, month + 1, last if to_month_end else min(day.day, last))


def months_earlier(day: date, months: int) -> date:
    """The same day of month `months` earlier (clamped to the month's end)."""
    return _shift_months(day, months)


def _months_back(period: Period, months: int) -> Period:
    # Whole months map to whole months, so all of April maps to all of March
    # (ending the 31st) and all of February 2025 to all of February 2024 (29th).
    whole = period.start.day == 1 and _is_month_end(period.end)
    return Period(_shift_months(period.start, months), _shift_months(period.end, months, whole))


def _no_overlap(earlier: Period, period: Period, what: str) -> Period:
    if earlier.end >= period.start:
        raise ValidationError("Period", f"is longer than one {what}, so it has no {what} before it")
    return earlier


def previous_period(period: Period, granularity: Granularity) -> Period:
    """The same stretch one step earlier: the day before, last week, last month..."""
    if granularity in _DAYS_BACK:
        step = timedelta(days=_DAYS_BACK[granularity])
        earlier = Period(period.start - step, period.end - step)
    else:
        earlier = _months_back(period, _MONTHS_BACK[granularity])
    return _no_overlap(earlier, period, _STEP_NAME[granularity])


def same_period_last_year(period: Period) -> Period:
    return _no_overlap(_months_back(period, 12), period, "year")


def period_containing(day: date, granularity: Granularity) -> Period:
    """The calendar day, ISO week (Monday first), month, quarter or year holding `day`."""
    if granularity is Granularity.DAILY:
        return Period(day, day)
    if granularity is Granularity.WEEKLY:
        monday = day - timedelta(days=day.weekday())
        return Period(monday, monday + timedelta(days=6))
    months = _MONTHS_BACK[granularity]
    first_month = (day.month - 1) // months * months + 1
    last_month = first_month + months - 1
    return Period(date(day.year, first_month, 1),
                  date(day.year, last_month, _last_day(day.year, last_month)))
