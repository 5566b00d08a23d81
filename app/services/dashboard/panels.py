"""The dashboard's other panels as SQL aggregates: billing cycles with progress and deadline
alerts, exceptions by category and priority, and the revenue trend by month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.domain.core.money import round_half_up
from app.domain.dashboard.freshness import CycleProgress, deadline_near
from app.domain.dashboard.trends import Period, percent_change
from app.models.billing import Bill, BillingCycle, BillingException
from app.models.reference import Zone
from app.services.dashboard.scope import COUNTED_BILLS, Scope
from app.services.dashboard.sql import age_days, money_sum, month_key, quantity_sum

SEVERITIES = ("Critical", "High", "Medium", "Low")


@dataclass(frozen=True)
class CycleRow:
    cycle_id: str
    name: str
    zone: str
    period_start: date
    period_end: date
    deadline: datetime
    status: str
    progress: CycleProgress
    deadline_alert: bool
    not_generated: int
    actual_bills: int
    estimated_bills: int
    total_billed: Decimal


def cycles(session: Session, now: datetime, alert: timedelta, since: date | None = None) -> list[CycleRow]:
    """Every cycle, most recent first, with its bills counted in one grouped query."""
    bills = (select(Bill.cycle_id, func.count().label("billed"),
                    func.count(case((Bill.bill_type == "Estimated", 1))).label("estimated"),
                    money_sum(Bill.total).label("total"))
             .where(Bill.status.in_(COUNTED_BILLS), Bill.cycle_id.is_not(None))
             .group_by(Bill.cycle_id).subquery())
    held = (select(BillingException.cycle_id, func.count(BillingException.consumer_id.distinct()).label("held"))
            .where(BillingException.status != "Resolved").group_by(BillingException.cycle_id).subquery())
    query = (select(BillingCycle, Zone.name, bills.c.billed, bills.c.estimated, bills.c.total, held.c.held)
             .join(Zone, Zone.id == BillingCycle.zone_id)
             .outerjoin(bills, bills.c.cycle_id == BillingCycle.id)
             .outerjoin(held, held.c.cycle_id == BillingCycle.id)
             .where(BillingCycle.deleted.is_(False))
             .order_by(BillingCycle.period_start.desc(), Zone.name))
    if since is not None:
        query = query.where(BillingCycle.period_end >= since)
    rows = []
    for cycle, zone, billed, estimated, total, held_count in session.execute(query):
        billed, estimated = int(billed or 0), int(estimated or 0)
        rows.append(CycleRow(cycle.id, cycle.name, zone, cycle.period_start, cycle.period_end,
                             cycle.deadline, cycle.status,
                             CycleProgress(cycle.accounts_total, billed + int(held_count or 0)),
                             deadline_near(cycle.deadline, cycle.status, now, alert),
                             int(held_count or 0), billed - estimated, estimated,
                             total if total is not None else Decimal(0)))
    return rows


@dataclass(frozen=True)
class ExceptionGroup:
    category: str
    priority: str
    count: int  # open or escalated
    average_age_days: Decimal | None
    raised_this_period: int
    raised_previous_period: int

    @property
    def trend_percent(self) -> Decimal | None:
        change = percent_change(self.raised_this_period, self.raised_previous_period)
        return None if change is None else round_half_up(change, 1)


def exception_groups(session: Session, scope: Scope, previous: Scope | None, now: datetime,
                     dialect: str) -> list[ExceptionGroup]:
    """Open and escalated exceptions by category and priority with their average age; the trend
    compares the exceptions raised in this scope with those of the previous one."""
    age = age_days(BillingException.opened_at, now.strftime("%Y-%m-%d %H:%M:%S"), dialect)
    unresolved = BillingException.status != "Resolved"
    key = (BillingException.category, BillingException.severity)
    open_rows = session.execute(
        select(*key, func.count(case((unresolved, 1))), func.avg(case((unresolved, age))))
        .where(BillingException.deleted.is_(False)).group_by(*key)).all()
    raised = _raised(session, scope)
    before = _raised(session, previous) if previous else {}
    groups = [ExceptionGroup(category, severity, int(count or 0),
                             None if average is None else round_half_up(Decimal(str(average)), 1),
                             raised.get((category, severity), 0), before.get((category, severity), 0))
              for category, severity, count, average in open_rows]
    groups = [g for g in groups if g.count or g.raised_this_period or g.raised_previous_period]
    return sorted(groups, key=lambda g: (SEVERITIES.index(g.priority) if g.priority in SEVERITIES else 9,
                                         -g.count, g.category))


def _raised(session: Session, scope: Scope) -> dict[tuple[str, str], int]:
    query = scope.exceptions(select(BillingException.category, BillingException.severity, func.count())
                             .group_by(BillingException.category, BillingException.severity))
    return {(category, severity): int(count) for category, severity, count in session.execute(query)}


@dataclass(frozen=True)
class TrendPoint:
    month: str  # "2026-05"
    billed: Decimal
    consumption: Decimal
    bills: int


def revenue_trend(session: Session, scope: Scope, period: Period, dialect: str) -> list[TrendPoint]:
    """Billed amount and consumption by month of bill date over `period`, narrowed like the scope."""
    month = month_key(Bill.bill_date, dialect)
    query = scope.narrow(
        select(month, money_sum(Bill.total), quantity_sum(Bill.consumption), func.count())
        .where(Bill.status.in_(COUNTED_BILLS), Bill.bill_date >= period.start, Bill.bill_date <= period.end)
        .group_by(month).order_by(month), Bill.consumer_id)
    return [TrendPoint(key, billed, consumption, int(count))
            for key, billed, consumption, count in session.execute(query)]
