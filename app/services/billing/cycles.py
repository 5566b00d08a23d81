"""Billing cycles as the billing screens and the command line list them.

Most recent first; an alert within the configured hours of a deadline (48 by default) while
not completed; performance figures only once a cycle is at least the configured share (80%)
billed; completed cycles stay listed for the retention months (18 by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Integer, func, select
from sqlalchemy.orm import Session

from app.domain.core.settings import Settings
from app.models.billing import Bill, BillingCycle, BillingException
from app.models.reference import Zone

OPEN_STATES = ("Open", "Escalated")


@dataclass(frozen=True)
class CycleRow:
    id: str
    name: str
    zone: str
    period_start: date
    period_end: date
    deadline: datetime
    status: str
    accounts_total: int
    billed: int
    estimated: int
    open_exceptions: int
    billed_amount: Decimal
    deadline_alert: bool
    metrics_available: bool

    @property
    def progress_percent(self) -> Decimal:
        if not self.accounts_total:
            return Decimal(0)
        return (Decimal(self.billed) * 100 / self.accounts_total).quantize(Decimal("0.01"))

    @property
    def success_rate(self) -> Decimal | None:
        """Bills generated / (generated + not generated) x 100, two places; None before 80%."""
        attempted = self.billed + self.open_exceptions
        if not self.metrics_available or not attempted:
            return None
        return (Decimal(self.billed) * 100 / attempted).quantize(Decimal("0.01"))

    @property
    def average_bill(self) -> Decimal | None:
        if not self.metrics_available or not self.billed:
            return None
        return (self.billed_amount / self.billed).quantize(Decimal("0.01"))


def list_cycles(session: Session, settings: Settings, now: datetime, today: date,
                zone: str | None = None) -> list[CycleRow]:
    retention = settings.get("billing.completed_cycle_retention_months")
    oldest = today - timedelta(days=round(retention * 30.44))
    bills = (select(Bill.cycle_id, func.count().label("billed"),
                    func.sum(Bill.total).label("amount"),
                    func.sum((Bill.bill_type == "Estimated").cast(Integer)).label("estimated"))
             .where(Bill.status != "Cancelled", Bill.cycle_id.is_not(None))
             .group_by(Bill.cycle_id).subquery())
    problems = (select(BillingException.cycle_id, func.count().label("open"))
                .where(BillingException.status.in_(OPEN_STATES)).group_by(BillingException.cycle_id)
                .subquery())
    query = (select(BillingCycle, Zone.name, bills.c.billed, bills.c.amount, bills.c.estimated,
                    problems.c.open)
             .join(Zone, Zone.id == BillingCycle.zone_id)
             .outerjoin(bills, bills.c.cycle_id == BillingCycle.id)
             .outerjoin(problems, problems.c.cycle_id == BillingCycle.id)
             .where((BillingCycle.status != "Completed") | (BillingCycle.period_end >= oldest))
             .order_by(BillingCycle.period_start.desc(), BillingCycle.name))
    if zone:
        query = query.where((Zone.code == zone) | (Zone.name == zone))
    return [_row(settings, now, *row) for row in session.execute(query).all()]


def _row(settings: Settings, now: datetime, cycle: BillingCycle, zone: str, billed, amount,
         estimated, open_) -> CycleRow:
    billed, open_ = int(billed or 0), int(open_ or 0)
    total = max(cycle.accounts_total, billed + open_)
    alert_hours = settings.get("billing.cycle_deadline_alert_hours")
    threshold = settings.get("billing.cycle_metrics_min_completion_percent")
    alert = cycle.status != "Completed" and cycle.deadline - now <= timedelta(hours=alert_hours)
    complete_enough = bool(total) and Decimal(billed) * 100 / total >= threshold
    return CycleRow(cycle.id, cycle.name, zone, cycle.period_start, cycle.period_end, cycle.deadline,
                    cycle.status, total, billed, int(estimated or 0), open_,
                    amount or Decimal(0), alert, complete_enough)
