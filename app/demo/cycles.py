"""The demo's billing calendar: monthly cycles per zone, staggered read days, seasons."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.demo.reference import ZONES, ZoneDef

WINDOW_DAYS = 9  # a zone's meters are read (and billed) over this many days from its read day
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, min(day.day, 28))


@dataclass(slots=True)
class Cycle:
    id: str
    zone: ZoneDef
    year: int
    month: int
    period_start: date
    period_end: date
    window_start: date
    window_end: date
    status: str  # Scheduled, Running, Completed
    deadline: datetime | None = None
    expected: int = 0
    billed: int = 0

    @property
    def name(self) -> str:
        return self.zone.cycle_name(f"{MONTH_ABBR[self.month - 1]} {self.year}")

    @property
    def days(self) -> int:
        return (self.period_end - self.period_start).days + 1


def months_of_history(today: date, months: int, earliest_period: date) -> list[date]:
    """First days of the billed months, oldest first, ending with today's month; never so far
    back that a period would start before `earliest_period`."""
    first_of_month = today.replace(day=1)
    wanted = [add_months(first_of_month, -back) for back in range(max(1, months) - 1, -1, -1)]
    return [month for month in wanted if add_months(month, -1) >= earliest_period.replace(day=1)]


def make_cycles(month_starts: list[date], today: date, new_id) -> dict[tuple[str, int, int], Cycle]:
    cycles = {}
    for month in month_starts:
        previous = add_months(month, -1)
        for zone in ZONES:
            start = previous.replace(day=zone.read_day)
            window_start = month.replace(day=zone.read_day)
            window_end = window_start + timedelta(days=WINDOW_DAYS - 1)
            status = ("Completed" if window_end < today else "Scheduled" if window_start > today
                      else "Running")
            cycles[(zone.code, month.year, month.month)] = Cycle(
                new_id(), zone, month.year, month.month, start, window_start - timedelta(days=1),
                window_start, window_end, status)
    return cycles


def _shape(peak_month: float, amplitude: float) -> tuple[float, ...]:
    return tuple(1 + amplitude * math.cos(2 * math.pi * (month - peak_month) / 12) for month in range(1, 13))


# month -> factor on the yearly average: electricity peaks in the hot months, gas in winter
SEASON = {
    "electricity": _shape(5.5, 0.22),
    "water": _shape(5.0, 0.12),
    "gas": _shape(0.5, 0.30),
}
