"""SLA arithmetic for a request: due time, On Track / Breached, time remaining, achieved hours.

Decision: time On Hold does NOT pause the SLA. The due time the consumer is told when the
request is raised (creation + resolution target, AC008) stays the promise; a hold is the
utility's own choice and must show as a risk, not hide it. The clock stops when the request
is resolved (Completed) or, failing that, closed.

What breaches: an achieved metric later than its target; an acknowledgement still pending
after its target (the desk's own button, so escalation must not wait for it); and the
resolution once the due time passes. A pending response does not breach on its own: the
spec's sample is On Track at 5.25 hours with the response (4-hour target) still Pending,
because the response is the field's first action, which the preferred date may put later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

ON_TRACK = "On Track"
BREACHED = "Breached"
PENDING = "Pending"
_HOUR = Decimal(3600)


@dataclass(frozen=True)
class SlaHours:
    """The targets of one request type, in hours (settings: sla.targets)."""

    acknowledgement: Decimal
    response: Decimal
    resolution: Decimal


@dataclass(frozen=True)
class SlaMetric:
    name: str  # Acknowledgement, Response, Resolution
    target_hours: Decimal
    achieved_hours: Decimal | None  # two decimals; None while pending

    @property
    def achieved_text(self) -> str:
        return PENDING if self.achieved_hours is None else f"{self.achieved_hours} hours"

    def met(self, elapsed_hours: Decimal) -> bool:
        """Within target: achieved in time, or pending and not (yet) judged late."""
        if self.achieved_hours is not None:
            return self.achieved_hours <= self.target_hours
        return self.name == "Response" or elapsed_hours <= self.target_hours


@dataclass(frozen=True)
class SlaStatus:
    due_at: datetime
    status: str  # ON_TRACK or BREACHED
    time_remaining: timedelta  # due minus now (or minus the stop); negative once breached
    metrics: tuple[SlaMetric, ...]
    missed: tuple[str, ...] = ()  # the targets breached: each escalates once

    @property
    def breached(self) -> bool:
        return self.status == BREACHED

    @property
    def remaining_text(self) -> str:
        return remaining_text(self.time_remaining)


def hours_between(start: datetime, end: datetime) -> Decimal:
    """Elapsed hours with two decimals (half-up), as the detail view shows them."""
    seconds = Decimal(int((end - start).total_seconds()))
    return (seconds / _HOUR).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def due_at(created_at: datetime, targets: SlaHours) -> datetime:
    """AC008: the SLA due time is the creation time plus the resolution target."""
    return created_at + timedelta(seconds=int(targets.resolution * _HOUR))


def sla_status(targets: SlaHours, *, created_at: datetime, now: datetime,
               acknowledged_at: datetime | None = None, responded_at: datetime | None = None,
               resolved_at: datetime | None = None, closed_at: datetime | None = None) -> SlaStatus:
    """AC009: On Track while every metric is within its target, measured at `now` (the clock
    stops at resolution or closure); Breached as soon as one is not."""
    stop = min(now, resolved_at or closed_at or now)
    elapsed = hours_between(created_at, stop)
    metrics = (
        SlaMetric("Acknowledgement", targets.acknowledgement, _achieved(created_at, acknowledged_at)),
        SlaMetric("Response", targets.response, _achieved(created_at, responded_at)),
        SlaMetric("Resolution", targets.resolution, _achieved(created_at, resolved_at)),
    )
    due = due_at(created_at, targets)
    missed = tuple(metric.name for metric in metrics if not metric.met(elapsed))
    return SlaStatus(due, BREACHED if missed else ON_TRACK, due - stop, metrics, missed)


def _achieved(created_at: datetime, at: datetime | None) -> Decimal | None:
    return None if at is None else hours_between(created_at, at)


def remaining_text(remaining: timedelta) -> str:
    """"18 hours 45 minutes"; "Overdue by 2 hours 5 minutes" once past due; from two days on in
    days and hours ("Overdue by 711 days 7 hours", not "17071 hours")."""
    seconds = int(remaining.total_seconds())
    minutes = abs(seconds) // 60
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:
        days, hours = divmod(hours, 24)
        text = f"{_count(days, 'day')} {_count(hours, 'hour')}"
    else:
        text = f"{_count(hours, 'hour')} {_count(minutes, 'minute')}"
    return text if seconds >= 0 else f"Overdue by {text}"


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}{'s' if number != 1 else ''}"
