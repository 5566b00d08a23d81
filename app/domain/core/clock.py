"""Injectable clocks: rules are handed the time, they never read it themselves."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol

from app.domain.core.errors import ValidationError


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, time-zone aware, in UTC."""
        ...

    def today(self, tz: tzinfo) -> date:
        """The calendar day in the given zone (a service centre's local day)."""
        ...


def _aware_utc(moment: datetime) -> datetime:
    # A naive datetime is ambiguous across centres in different zones: refuse it.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError("Clock", "a time must carry its time zone")
    return moment.astimezone(UTC)


class SystemClock:
    """The real clock; the only place the product reads the time of day."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self, tz: tzinfo) -> date:
        return self.now().astimezone(tz).date()


class FixedClock:
    """A clock for tests: stands still until advanced."""

    def __init__(self, moment: datetime) -> None:
        self._now = _aware_utc(moment)

    def now(self) -> datetime:
        return self._now

    def today(self, tz: tzinfo) -> date:
        return self._now.astimezone(tz).date()

    def advance(self, delta: timedelta) -> None:
        self._now = self._now + delta
