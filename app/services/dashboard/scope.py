"""What the dashboard looks at: a billing cycle or a date range, narrowed to a service area and a
customer segment, and the two earlier scopes every figure is compared with.

A cycle scope counts the cycle's bills and exceptions, and the service charges and ledger of its
billing window (the day after its period ends to its deadline). A date-range scope counts bills
by bill date, exceptions by the day they were raised, charges by service date, and the ledger
up to the end of the range. Compared with: the previous cycle of the same zone, or the previous
period of the chosen granularity; and the same period a year earlier.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from app.domain.core.errors import NotFound, ValidationError
from app.domain.dashboard.trends import (
    Granularity,
    Period,
    period_containing,
    previous_period,
    same_period_last_year,
)
from app.formatting import Formats
from app.models.billing import Bill, BillingCycle, BillingException, LedgerEntry, ServiceCharge
from app.models.consumers import Consumer
from app.services.core.settings import load_settings
from app.services.payments.queries import utc_bounds

COUNTED_BILLS = ("Approved", "Final")  # drafts are not bills yet; cancelled ones are not owed
YEAR_TOLERANCE = timedelta(days=15)  # last year's cycle of a zone starts within this of a year ago


@dataclass(frozen=True)
class DashboardFilter:
    """The dashboard's filters. No cycle and no period: the period of today's date."""

    cycle_id: str | None = None
    period: Period | None = None
    granularity: Granularity = Granularity.MONTHLY
    zone_id: str | None = None
    segment: str | None = None  # consumer category (Residential, Commercial, ...)

    def to_json(self) -> dict[str, object]:
        return {"cycle_id": self.cycle_id, "granularity": self.granularity.value,
                "start": self.period.start.isoformat() if self.period else None,
                "end": self.period.end.isoformat() if self.period else None,
                "zone_id": self.zone_id, "segment": self.segment}

    @classmethod
    def from_json(cls, data: dict) -> DashboardFilter:
        try:
            period = Period(date.fromisoformat(data["start"]), date.fromisoformat(data["end"])) \
                if data.get("start") and data.get("end") else None
            return cls(data.get("cycle_id"), period, Granularity(data.get("granularity", "monthly")),
                       data.get("zone_id"), data.get("segment"))
        except (KeyError, ValueError, TypeError) as error:
            raise ValidationError("Saved view", f"cannot be read ({error})") from None


@dataclass(frozen=True)
class Scope:
    label: str
    window: Period  # days of charges and exceptions; the ledger is read up to its end
    tz: ZoneInfo
    cycle_ids: tuple[str, ...] | None = None  # a cycle scope: bills and exceptions of these cycles
    zone_id: str | None = None
    segment: str | None = None

    @property
    def narrowed(self) -> bool:
        return bool(self.zone_id or self.segment)

    def consumer_conditions(self) -> list[ColumnElement]:
        conditions = []
        if self.zone_id:
            conditions.append(Consumer.zone_id == self.zone_id)
        if self.segment:
            conditions.append(Consumer.category == self.segment)
        return conditions

    def narrow(self, query: Select, consumer_column, joined: bool = False) -> Select:
        """Only the consumers of the zone and segment; `joined`: the query already joins them."""
        if not self.narrowed:
            return query
        if not joined:
            query = query.join(Consumer, Consumer.id == consumer_column)
        return query.where(*self.consumer_conditions())

    def bills(self, query: Select, joined: bool = False) -> Select:
        query = query.where(Bill.status.in_(COUNTED_BILLS))
        if self.cycle_ids is not None:
            query = query.where(Bill.cycle_id.in_(self.cycle_ids))
        else:
            query = query.where(Bill.bill_date >= self.window.start, Bill.bill_date <= self.window.end)
        return self.narrow(query, Bill.consumer_id, joined)

    def exceptions(self, query: Select, joined: bool = False) -> Select:
        if self.cycle_ids is not None:
            query = query.where(BillingException.cycle_id.in_(self.cycle_ids))
        else:
            start, end = utc_bounds(self.window.start, self.window.end, self.tz)
            query = query.where(BillingException.opened_at >= start, BillingException.opened_at < end)
        return self.narrow(query, BillingException.consumer_id, joined)

    def charges(self, query: Select, joined: bool = False) -> Select:
        query = query.where(ServiceCharge.service_date >= self.window.start,
                            ServiceCharge.service_date <= self.window.end)
        return self.narrow(query, ServiceCharge.consumer_id, joined)

    def ledger_end(self) -> datetime:
        """The ledger is read up to (before) this moment: the end of the window's last day."""
        return utc_bounds(self.window.end, self.window.end, self.tz)[1]

    def ledger(self, query: Select) -> Select:
        return self.narrow(query.where(LedgerEntry.posted_at < self.ledger_end()), LedgerEntry.consumer_id)


@dataclass(frozen=True)
class Scopes:
    current: Scope
    previous: Scope | None
    last_year: Scope | None


def resolve(session: Session, flt: DashboardFilter, today: date, tz: ZoneInfo) -> Scopes:
    narrow = {"zone_id": flt.zone_id, "segment": flt.segment}
    if flt.cycle_id:
        cycle = session.get(BillingCycle, flt.cycle_id)
        if cycle is None or cycle.deleted:
            raise NotFound("That billing cycle no longer exists")
        narrow["zone_id"] = None if flt.zone_id in (None, cycle.zone_id) else flt.zone_id
        current = _cycle_scope(cycle, tz, **narrow)
        previous = session.execute(_zone_cycles(cycle).where(
            BillingCycle.period_start < cycle.period_start)
            .order_by(BillingCycle.period_start.desc()).limit(1)).scalar()
        year_ago = _year_before(cycle.period_start)
        last_year = session.execute(_zone_cycles(cycle).where(
            BillingCycle.period_start >= year_ago - YEAR_TOLERANCE,
            BillingCycle.period_start <= year_ago + YEAR_TOLERANCE)
            .order_by(BillingCycle.period_start).limit(1)).scalar()
        return Scopes(current, previous and _cycle_scope(previous, tz, **narrow),
                      last_year and _cycle_scope(last_year, tz, **narrow))
    period = flt.period or period_containing(today, flt.granularity)
    earlier = _or_none(lambda: previous_period(period, flt.granularity))
    year = _or_none(lambda: same_period_last_year(period))
    formats = Formats.of(load_settings(session))  # labels in the utility's date format
    return Scopes(_period_scope(period, tz, formats, **narrow),
                  earlier and _period_scope(earlier, tz, formats, **narrow),
                  year and _period_scope(year, tz, formats, **narrow))


def _or_none(make) -> Period | None:
    try:
        return make()
    except ValidationError:  # a range longer than the step has no comparable period
        return None


def _zone_cycles(cycle: BillingCycle) -> Select:
    return select(BillingCycle).where(BillingCycle.zone_id == cycle.zone_id,
                                      BillingCycle.deleted.is_(False), BillingCycle.id != cycle.id)


def _year_before(day: date) -> date:
    return day.replace(year=day.year - 1, day=min(day.day, 28))


def billing_window(cycle: BillingCycle, tz: ZoneInfo) -> Period:
    end = cycle.deadline.astimezone(tz).date() if isinstance(cycle.deadline, datetime) else cycle.period_end
    start = cycle.period_end + timedelta(days=1)
    return Period(start, max(start, end))


def _cycle_scope(cycle: BillingCycle, tz: ZoneInfo, **narrow) -> Scope:
    return Scope(cycle.name, billing_window(cycle, tz), tz, (cycle.id,), **narrow)


def _period_scope(period: Period, tz: ZoneInfo, formats: Formats, **narrow) -> Scope:
    label = formats.day(period.start) if period.days == 1 else formats.span(period.start, period.end)
    return Scope(label, period, tz, None, **narrow)


def with_ledger_until(scope: Scope, day: date) -> Scope:
    """The ledger of a scope whose window runs past today is read up to today."""
    if scope.window.end <= day:
        return scope
    return replace(scope, window=Period(min(scope.window.start, day), day))
