"""Reading payment plans: installments with what is still open and their state, plan details,
and the plan list (next due, missed count, remaining) as one SQL query with paging and sorting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from app.domain.core.errors import NotFound
from app.domain.core.money import Money
from app.domain.payments import installments as rules
from app.domain.payments.installments import InstallmentState, PlanStatus
from app.models.consumers import Consumer
from app.models.payments import Installment, PaymentPlan, PaymentPlanRevision
from app.services.payments.queries import installment_open, like_pattern, money_sql


@dataclass(frozen=True)
class InstallmentLine:
    installment_id: str
    number: int
    amount: Money
    paid: Money
    open_amount: Money
    due_date: date
    state: InstallmentState

    @property
    def label(self) -> str:
        return "Down payment" if self.number == rules.DOWN_PAYMENT_NUMBER else f"#{self.number}"


@dataclass(frozen=True)
class RevisionLine:
    changed_at: datetime
    changed_by: str
    summary: str


@dataclass(frozen=True)
class PlanDetails:
    plan_id: str
    plan_no: str
    consumer_id: str
    consumer_name: str
    account_no: str
    status: PlanStatus
    total: Money
    down_payment: Money
    frequency: str
    installments_count: int
    start_date: date
    created_by: str
    created_at: datetime
    installments: tuple[InstallmentLine, ...]
    revisions: tuple[RevisionLine, ...]

    @property
    def paid(self) -> Money:
        return sum((i.paid for i in self.installments), Money.zero(self.total.currency))

    @property
    def remaining(self) -> Money:
        return sum((i.open_amount for i in self.installments), Money.zero(self.total.currency))

    @property
    def missed_count(self) -> int:
        return sum(i.state is InstallmentState.MISSED for i in self.installments)

    @property
    def next_due(self) -> InstallmentLine | None:
        return next((i for i in self.installments if i.state is not InstallmentState.PAID), None)


@dataclass(frozen=True)
class PlanRow:
    plan_id: str
    plan_no: str
    consumer_name: str
    account_no: str
    status: str
    total: Money
    remaining: Money
    next_due: date | None
    missed: int
    created_at: datetime


@dataclass(frozen=True)
class PlanFilter:
    text: str = ""
    status: str | None = None


SORTS = {"plan": PaymentPlan.plan_no, "consumer": Consumer.name, "status": PaymentPlan.status,
         "created": PaymentPlan.created_at, "total": PaymentPlan.total_amount}


def installment_rows(session: Session, plan_ids: list[str]):
    return session.execute(
        select(Installment, installment_open()).where(Installment.plan_id.in_(plan_ids),
                                                      Installment.deleted.is_(False))
        .order_by(Installment.plan_id, Installment.number)).all()


def installment_lines(rows, currency: str, today: date) -> tuple[InstallmentLine, ...]:
    lines = []
    for installment, open_ in rows:
        amount, left = Money(installment.amount, currency), Money(max(open_, 0), currency)
        lines.append(InstallmentLine(installment.id, installment.number, amount, amount - left,
                                     left, installment.due_date,
                                     rules.installment_state(installment.due_date, left, today)))
    return tuple(lines)


def plan_row(session: Session, plan_id: str) -> PaymentPlan:
    plan = session.get(PaymentPlan, plan_id)
    if plan is None or plan.deleted:
        raise NotFound("No such payment plan")
    return plan


def plan_details(session: Session, plan_id: str, currency: str, today: date) -> PlanDetails:
    plan = plan_row(session, plan_id)
    consumer = session.get(Consumer, plan.consumer_id)
    revisions = session.execute(select(PaymentPlanRevision).where(
        PaymentPlanRevision.plan_id == plan.id).order_by(
        PaymentPlanRevision.changed_at.desc(),
        case((PaymentPlanRevision.summary.like("Plan created%"), 1), else_=0))  # oldest at a tie
    ).scalars()
    return PlanDetails(
        plan.id, plan.plan_no, consumer.id, consumer.name, consumer.account_no,
        PlanStatus(plan.status), Money(plan.total_amount, currency), Money(plan.down_payment, currency),
        plan.frequency, plan.installments_count, plan.start_date, plan.created_by, plan.created_at,
        installment_lines(installment_rows(session, [plan.id]), currency, today),
        tuple(RevisionLine(r.changed_at, r.changed_by, r.summary) for r in revisions))


def filtered(query, flt: PlanFilter):
    if flt.status:
        query = query.where(PaymentPlan.status == flt.status)
    if flt.text.strip():
        pattern = like_pattern(flt.text)
        query = query.where(or_(PaymentPlan.plan_no.ilike(pattern, escape="\\"),
                                Consumer.name.ilike(pattern, escape="\\"),
                                Consumer.account_no.ilike(pattern, escape="\\")))
    return query.where(PaymentPlan.deleted.is_(False))


def plan_list_query(flt: PlanFilter, cutoff: date):
    inst = select(Installment.plan_id.label("plan_id"), Installment.due_date.label("due"),
                  installment_open().label("open")).where(Installment.deleted.is_(False)).subquery()
    is_open = inst.c.open > 0
    agg = select(inst.c.plan_id,
                 func.min(case((is_open, inst.c.due))).label("next_due"),
                 func.sum(case((and_(is_open, inst.c.due < cutoff), 1), else_=0)).label("missed"),
                 func.sum(case((is_open, inst.c.open), else_=0)).label("remaining")
                 ).group_by(inst.c.plan_id).subquery()
    query = (select(PaymentPlan, Consumer.name, Consumer.account_no, agg.c.next_due, agg.c.missed,
                    money_sql(agg.c.remaining))
             .join(Consumer, Consumer.id == PaymentPlan.consumer_id)
             .outerjoin(agg, agg.c.plan_id == PaymentPlan.id))
    return filtered(query, flt)


def list_plans(session: Session, flt: PlanFilter, today: date, currency: str, offset: int,
               limit: int, sort: str, descending: bool) -> list[PlanRow]:
    query = plan_list_query(flt, rules.missed_cutoff(today))
    key = SORTS.get(sort)
    if key is None:
        key = query.selected_columns[{"next_due": 3, "missed": 4, "remaining": 5}[sort]]
    order = key.desc() if descending else key.asc()
    rows = session.execute(query.order_by(order, PaymentPlan.plan_no.desc())
                           .offset(offset).limit(limit)).all()
    return [PlanRow(p.id, p.plan_no, name, account, p.status, Money(p.total_amount, currency),
                    Money(remaining or 0, currency), next_due, int(missed or 0), p.created_at)
            for p, name, account, next_due, missed, remaining in rows]


def count_plans(session: Session, flt: PlanFilter) -> int:
    query = filtered(select(PaymentPlan.id).join(Consumer, Consumer.id == PaymentPlan.consumer_id), flt)
    return session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
