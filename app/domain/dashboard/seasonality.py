"""Consumption compared across seasons: season-adjusted changes and statistically significant
deviations, the method named so a reader can check it.

Seasonal index of a calendar month = the mean of that month's totals / the mean of all monthly
totals (classical ratio-to-mean). A total divided by its month's index is season-adjusted, so
October can be compared with September. Year on year compares the same calendar month, whose
index is the same: there the adjusted change equals the plain one.

Significance: the z-score of this month's season-adjusted total against the season-adjusted
totals of the months before it (at least six); |z| > 2 is flagged for review.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from app.domain.dashboard.trends import percent_change

METHOD = ("z-score of the season-adjusted monthly total against the earlier months "
          "(ratio-to-mean seasonal indices); |z| > 2 is flagged")
Z_LIMIT = Decimal(2)
MIN_HISTORY = 6


def seasonal_indices(monthly: Mapping[str, Decimal]) -> dict[int, Decimal]:
    """Calendar month (1-12) -> index, from totals keyed 'YYYY-MM'."""
    values = [value for value in monthly.values()]
    if not values:
        return {}
    overall = sum(values, Decimal(0)) / len(values)
    if overall == 0:
        return {}
    by_month: dict[int, list[Decimal]] = {}
    for key, value in monthly.items():
        by_month.setdefault(int(key[5:7]), []).append(value)
    return {month: (sum(vals, Decimal(0)) / len(vals)) / overall for month, vals in by_month.items()}


def adjusted(monthly: Mapping[str, Decimal], indices: Mapping[int, Decimal]) -> dict[str, Decimal]:
    return {key: value / indices[int(key[5:7])] for key, value in monthly.items()
            if indices.get(int(key[5:7]))}


@dataclass(frozen=True, slots=True)
class SeasonalReading:
    month: str
    vs_previous_month: Decimal | None  # season-adjusted % change
    vs_last_year: Decimal | None  # same calendar month: adjusted = plain
    z: Decimal | None
    method: str = METHOD

    @property
    def significant(self) -> bool:
        return self.z is not None and abs(self.z) > Z_LIMIT


def _previous_key(key: str, months: int) -> str:
    index = int(key[:4]) * 12 + int(key[5:7]) - 1 - months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def read(monthly: Mapping[str, Decimal], month: str) -> SeasonalReading:
    """The reading of `month` from the monthly totals around it."""
    adjusted_totals = adjusted(monthly, seasonal_indices(monthly))
    now = adjusted_totals.get(month)
    if now is None:
        return SeasonalReading(month, None, None, None)
    before = adjusted_totals.get(_previous_key(month, 1))
    year_ago = monthly.get(_previous_key(month, 12))  # the same index cancels: plain totals, exact
    earlier = [value for key, value in sorted(adjusted_totals.items()) if key < month]
    return SeasonalReading(month, None if before is None else percent_change(now, before),
                           None if year_ago is None else percent_change(monthly[month], year_ago),
                           _z(now, earlier))


def _z(value: Decimal, history: list[Decimal]) -> Decimal | None:
    if len(history) < MIN_HISTORY:
        return None
    mean = sum(history, Decimal(0)) / len(history)
    variance = sum(((v - mean) ** 2 for v in history), Decimal(0)) / (len(history) - 1)
    if variance == 0:
        return None
    return (value - mean) / variance.sqrt()
