"""The collections link: consumers the recovery executive should consider disconnecting for
non-payment (a defaulted payment plan, or a bill unpaid longer than the configured age), each
with the reason not to when there is one (a compliant, i.e. Active, payment plan)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from app.domain.core.money import Money
from app.domain.core.permissions import Permission
from app.domain.payments.installments import PlanStatus
from app.models.billing import Bill
from app.models.consumers import Consumer
from app.models.payments import PaymentPlan
from app.models.requests import ServiceRequest
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.payments.queries import balance, bill_open, local_today

OPEN_REQUEST_STATUSES = ("pending", "in progress", "on hold")


@dataclass(frozen=True)
class SuggestedDisconnection:
    consumer_id: str
    name: str
    account_no: str
    outstanding: Money
    overdue_since: date | None  # the oldest unpaid bill's due date
    why: str  # "Payment plan PP-... defaulted" or "Bill unpaid 120 days past due"
    reason_not_to: str  # "" or "Compliant payment plan PP-..."


class CollectionsLink:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def suggested_disconnections(self, actor: Actor) -> list[SuggestedDisconnection]:
        actor.require(Permission.CREATE_REQUEST)
        actor.require(Permission.SETTLE_ACCOUNT)
        with self.app.sessions() as session:
            s = load_settings(session)
            today = local_today(self.app, s)
            cutoff = today - timedelta(days=s.get("disconnections.suggest_after_days"))
            overdue = dict(session.execute(
                select(Bill.consumer_id, func.min(Bill.due_date))
                .where(Bill.due_date < cutoff, bill_open() > 0, Bill.status != "Cancelled")
                .group_by(Bill.consumer_id)).all())
            plans = session.execute(select(PaymentPlan).where(PaymentPlan.deleted.is_(False))
                                    .order_by(PaymentPlan.created_at)).scalars().all()
            defaulted = {p.consumer_id: p.plan_no for p in plans if p.status == PlanStatus.DEFAULTED.value}
            active = {p.consumer_id: p.plan_no for p in plans if p.status == PlanStatus.ACTIVE.value}
            already = set(session.execute(select(ServiceRequest.consumer_id).where(
                ServiceRequest.request_type == "Disconnection",
                func.lower(ServiceRequest.status).in_(OPEN_REQUEST_STATUSES))).scalars())
            candidates = (set(overdue) | set(defaulted)) - already
            consumers = session.execute(select(Consumer).where(
                Consumer.id.in_(candidates), Consumer.status != "Inactive")).scalars().all()
            found = []
            for c in consumers:
                since = overdue.get(c.id)
                why = (f"Payment plan {defaulted[c.id]} defaulted" if c.id in defaulted and c.id not in active
                       else f"Bill unpaid {(today - since).days} days past due" if since else "")
                if not why:
                    continue
                not_to = f"Compliant payment plan {active[c.id]}" if c.id in active else ""
                found.append(SuggestedDisconnection(c.id, c.name, c.account_no,
                                                    Money(balance(session, c.id), s.currency), since,
                                                    why, not_to))
            return sorted(found, key=lambda row: (bool(row.reason_not_to), -row.outstanding.amount))
