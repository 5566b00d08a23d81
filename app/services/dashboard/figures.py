"""One scope's figures as SQL aggregates (never a Python loop over rows), the consumption
classes, the bill lines by GL code, and the figures the reconciliation checks."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import Select, and_, case, distinct, func, select
from sqlalchemy.orm import Session, aliased

from app.domain.dashboard.consumption import HIGH_FACTOR, LOW_FACTOR
from app.domain.dashboard.ledger_codes import (
    FIXED_CODE,
    LATE_PAYMENT_CODE,
    SERVICE_FEE_CODE,
    line_gl_code,
)
from app.domain.dashboard.metrics import PeriodFigures
from app.domain.payments.rules import PaymentStatus
from app.models.base import MoneyAmount
from app.models.billing import Bill, BillingException, BillLine, LedgerEntry, ServiceCharge
from app.models.consumers import ServiceAccount
from app.models.payments import Payment
from app.services.dashboard.scope import COUNTED_BILLS, Scope
from app.services.dashboard.sql import days_before, money_sum, month_of, quantity_sum, raw
from app.services.payments.queries import utc_bounds

EARLIER_YEAR_DAYS = 330  # "the same period in an earlier year" starts at least this long before
# (numerator, denominator) of the factors, so the comparison stays in integers
_HIGH = HIGH_FACTOR.as_integer_ratio()
_LOW = LOW_FACTOR.as_integer_ratio()
DOCUMENT_SOURCES = ("bill", "service_charge", "payment")
# A payment is on the ledger once posted; a pending one (an online payment not yet confirmed)
# is not, and a voided one is there with its reversal.
LEDGER_PAYMENTS = (PaymentStatus.POSTED.value,)
HIGH, LOW, ZERO, INSUFFICIENT, NORMAL = "High", "Low", "Zero", "Insufficient history", "Normal"


def _history(dialect: str):
    """An account's other bills (`history`) before the outer query's Bill, and those of the same
    period in earlier years: period starting in the same month, 330 days or more before."""
    history = aliased(Bill)
    before = [history.service_account_id == Bill.service_account_id,
              history.status.in_(COUNTED_BILLS)]
    same_period = [*before, history.period_start <= days_before(Bill.period_start, EARLIER_YEAR_DAYS, dialect),
                   month_of(history.period_start, dialect) == month_of(Bill.period_start, dialect)]
    return history, before, same_period


def _previous_cycles(dialect: str) -> list:
    """The bill's two previous cycles' consumption, looked up only for a zero reading (the only
    class that needs them; NULL otherwise)."""
    history, before, _same = _history(dialect)

    def previous(offset: int):
        return (select(raw(history.consumption)).where(*before, history.period_start < Bill.period_start)
                .order_by(history.period_start.desc()).limit(1).offset(offset).scalar_subquery())

    zero = raw(Bill.consumption) == 0
    return [raw(Bill.consumption).label("now_units"), case((zero, previous(0))).label("previous_1"),
            case((zero, previous(1))).label("previous_2")]


def class_inputs(dialect: str) -> list:
    """Per bill of the outer query (Bill), what its class needs, as labelled columns: its
    consumption, its two previous cycles' (when it is zero) and the count and sum of the same
    period in earlier years. Computed once per bill in an inner query, so the class CASE does not
    repeat the lookups."""
    history, _before, same_period = _history(dialect)
    return [*_previous_cycles(dialect),
            select(func.count()).where(*same_period).scalar_subquery().label("history_count"),
            select(func.coalesce(func.sum(raw(history.consumption)), 0)).where(*same_period)
            .scalar_subquery().label("history_total")]


def class_inputs_by_bill(dialect: str, *columns) -> Select:
    """class_inputs as one query grouped by bill: the same period's count and sum from one join
    to the account's earlier bills rather than two lookups. Bill's own columns only (`columns`):
    what the group by the bill's id allows on every database. Counted by period_start: read
    from the covering index ix_bills_account_period, as the id is not."""
    history, _before, same_period = _history(dialect)
    return (select(*columns, *_previous_cycles(dialect), func.count(history.period_start).label("history_count"),
                   func.coalesce(func.sum(raw(history.consumption)), 0).label("history_total"))
            .select_from(Bill).outerjoin(history, and_(*same_period)).group_by(Bill.id))


def consumption_class(columns):
    """The class, by the rules of domain/dashboard/consumption.py, from class_inputs' columns."""
    now, count, total = columns.now_units, columns.history_count, columns.history_total
    return case(
        (and_(now == 0, columns.previous_2.is_(None)), INSUFFICIENT),
        (and_(now == 0, columns.previous_1 > 0, columns.previous_2 > 0), ZERO),
        (count == 0, INSUFFICIENT),
        (now * _HIGH[1] * count > total * _HIGH[0], HIGH),
        (now * _LOW[1] * count < total * _LOW[0], LOW),
        else_=NORMAL)


def _class_counts(session: Session, scope: Scope, dialect: str) -> dict[str, int]:
    # MATERIALIZED: each bill's four history lookups run once. As a plain subquery the database
    # flattens it into the class CASE and the four counts, and re-runs the lookups for every
    # reference to their columns (six times slower on the demo).
    inputs = scope.bills(class_inputs_by_bill(dialect, Bill.service_account_id.label("account"))) \
        .cte("class_inputs").prefix_with("MATERIALIZED")
    classes = select(inputs.c.account, consumption_class(inputs.c).label("cls")).subquery()
    counts = [func.count(distinct(case((classes.c.cls == name, classes.c.account))))
              for name in (HIGH, LOW, ZERO, INSUFFICIENT)]
    row = session.execute(select(*counts)).one()
    return dict(zip((HIGH, LOW, ZERO, INSUFFICIENT), (int(v or 0) for v in row), strict=True))


def lines_by_gl(session: Session, scope: Scope) -> dict[str, Decimal]:
    """The scope's bill lines summed by GL code (kind and utility, mapped by the domain)."""
    query = scope.bills(
        select(BillLine.kind, ServiceAccount.utility, money_sum(BillLine.amount))
        .select_from(BillLine).join(Bill, Bill.id == BillLine.bill_id)
        .join(ServiceAccount, ServiceAccount.id == Bill.service_account_id)
        .where(BillLine.deleted.is_(False))
        .group_by(BillLine.kind, ServiceAccount.utility))
    totals: dict[str, Decimal] = {}
    for kind, utility, amount in session.execute(query):
        code = line_gl_code(kind, utility)
        totals[code] = totals.get(code, Decimal(0)) + amount
    return totals


def charges_by_gl(session: Session, scope: Scope) -> dict[str, Decimal]:
    query = scope.charges(select(ServiceCharge.gl_code, money_sum(ServiceCharge.amount))
                          .where(ServiceCharge.deleted.is_(False)).group_by(ServiceCharge.gl_code))
    return {code: amount for code, amount in session.execute(query)}


def ledger_balance(session: Session, scope: Scope) -> Decimal:
    query = scope.ledger(select(money_sum(LedgerEntry.amount)).where(LedgerEntry.deleted.is_(False)))
    return session.execute(query).scalar_one()


def ledger_balances(session: Session, scopes: Sequence[Scope]) -> list[Decimal]:
    """The ledger balance at the end of each scope (all narrowed alike): one ledger's running
    total, read as the ranges between the scopes' ends, oldest first, so each entry is summed
    once rather than once for every scope that ends after it."""
    if len({(scope.zone_id, scope.segment) for scope in scopes}) > 1:
        return [ledger_balance(session, scope) for scope in scopes]
    ends = [scope.ledger_end() for scope in scopes]
    running, since, at = Decimal(0), None, {}
    for end in sorted(set(ends)):
        query = select(money_sum(LedgerEntry.amount)).where(
            LedgerEntry.deleted.is_(False), LedgerEntry.posted_at < end,
            *([LedgerEntry.posted_at >= since] if since else []))
        running += session.execute(scopes[0].narrow(query, LedgerEntry.consumer_id)).scalar_one()
        at[end], since = running, end
    return [at[end] for end in ends]


def ledger_by_source(session: Session, scope: Scope) -> dict[str, Decimal]:
    """The scope's ledger summed by source type (bill, payment, ...): their sum is the balance.
    One pass over the index led by source_type, in its order."""
    query = scope.ledger(select(LedgerEntry.source_type, money_sum(LedgerEntry.amount))
                         .where(LedgerEntry.deleted.is_(False)).group_by(LedgerEntry.source_type))
    return {source: amount for source, amount in session.execute(query)}


def undocumented(by_source: dict[str, Decimal]) -> Decimal:
    """The ledger's own entries that no bill, charge or payment stands behind (deposits applied)."""
    return sum((amount for source, amount in by_source.items() if source not in DOCUMENT_SOURCES),
               Decimal(0))


def scope_figures(session: Session, scope: Scope, dialect: str, lines: dict[str, Decimal] | None = None,
                  outstanding: Decimal | None = None) -> PeriodFigures:
    """`lines` and `outstanding`: the scope's lines_by_gl and ledger balance when the caller has
    them already (the reconciliation's lines; ledger_balances of several scopes at once)."""
    generated, billed, consumption, estimated = session.execute(scope.bills(select(
        func.count(), money_sum(Bill.total), quantity_sum(Bill.consumption),
        func.count(case((Bill.bill_type == "Estimated", 1)))))).one()
    not_generated = session.execute(scope.exceptions(
        select(func.count(distinct(BillingException.consumer_id)))
        .where(BillingException.status != "Resolved", BillingException.deleted.is_(False)))).scalar_one()
    classes = _class_counts(session, scope, dialect)
    lines = lines_by_gl(session, scope) if lines is None else lines
    charges = charges_by_gl(session, scope)
    return PeriodFigures(
        bills_generated=int(generated), bills_not_generated=int(not_generated), total_billed=billed,
        total_consumption=consumption, high_consumption_accounts=classes[HIGH],
        low_consumption_accounts=classes[LOW], zero_consumption_accounts=classes[ZERO],
        insufficient_history_accounts=classes[INSUFFICIENT],
        service_charges=lines.get(FIXED_CODE, Decimal(0)) + charges.get(SERVICE_FEE_CODE, Decimal(0)),
        outstanding_amount=ledger_balance(session, scope) if outstanding is None else outstanding,
        late_payment_revenue=charges.get(LATE_PAYMENT_CODE, Decimal(0)),
        actual_bills=int(generated) - int(estimated), estimated_bills=int(estimated))


def documents_total(session: Session, scope: Scope, others: Decimal) -> Decimal:
    """What the ledger must hold up to the scope's end, read from the documents themselves:
    bills (approved or final) and service charges less posted payments (a voided payment and its
    reversal cancel out; a pending one is not on the ledger yet), plus `others`, the ledger's own
    entries that no such document stands behind (`undocumented`). A bill, charge or payment
    missing from the ledger, or posted there with another amount, makes the two differ."""
    _, until = utc_bounds(scope.window.end, scope.window.end, scope.tz)
    day_end = scope.window.end
    bills = scope.narrow(select(func.coalesce(func.sum(raw(Bill.total)), 0)).where(
        Bill.status.in_(COUNTED_BILLS), Bill.deleted.is_(False), Bill.bill_date <= day_end),
        Bill.consumer_id)
    charges = scope.narrow(select(func.coalesce(func.sum(raw(ServiceCharge.amount)), 0)).where(
        ServiceCharge.deleted.is_(False), ServiceCharge.service_date <= day_end),
        ServiceCharge.consumer_id)
    payments = scope.narrow(select(func.coalesce(func.sum(raw(Payment.amount)), 0)).where(
        Payment.status.in_(LEDGER_PAYMENTS), Payment.paid_at < until), Payment.consumer_id)
    value = lambda query: int(session.execute(query).scalar_one() or 0)  # noqa: E731
    minor = value(bills) + value(charges) - value(payments)
    return Decimal(minor).scaleb(-MoneyAmount.scale) + others
