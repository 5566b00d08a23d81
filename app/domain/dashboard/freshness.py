"""When dashboard data is stale, when a cycle's figures may be shown, and deadline alerts.

Stale: loaded more than 30 minutes ago (a setting); acting on stale data asks first.
A cycle's performance metrics are calculated only once it is at least 80% complete;
a cycle whose deadline is within 48 hours (and not yet completed) carries an alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from app.domain.core.errors import ValidationError

STALE_AFTER = timedelta(minutes=30)
METRICS_FROM_COMPLETE = Decimal(80)
DEADLINE_ALERT = timedelta(hours=48)


def is_stale(loaded_at: datetime | None, now: datetime, after: timedelta = STALE_AFTER) -> bool:
    """No data at all is stale too: there is nothing safe to act on."""
    return loaded_at is None or now - loaded_at > after


def data_age(loaded_at: datetime, now: datetime) -> str:
    minutes = int((now - loaded_at).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    return f"{minutes // 60} hours ago"


@dataclass(frozen=True, slots=True)
class CycleProgress:
    expected: int
    billed: int

    @property
    def percent(self) -> Decimal:
        if self.expected <= 0:
            return Decimal(100) if self.billed else Decimal(0)
        return min(Decimal(100), Decimal(self.billed) * 100 / Decimal(self.expected))

    def metrics_ready(self, from_percent: Decimal = METRICS_FROM_COMPLETE) -> bool:
        return self.percent >= from_percent


def deadline_near(deadline: datetime, status: str, now: datetime,
                  alert: timedelta = DEADLINE_ALERT) -> bool:
    """Within 48 hours (a setting) of its deadline, or past it, and not completed."""
    return status != "Completed" and deadline - now <= alert


def in_business_hours(moment_local: datetime, hours: tuple[time, time]) -> bool:
    """Automatic refresh runs only inside the configured business hours (local time)."""
    start, end = hours
    if end <= start:
        raise ValidationError("Business hours", "the end must be after the start")
    return start <= moment_local.time() < end
