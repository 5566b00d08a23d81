"""The payments list (search, filters, SQL paging and sorting) and the header KPIs (SQL aggregates)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, or_, select, text
from sqlalchemy.orm import Session

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.payments.rules import PaymentStatus
from app.models.billing import Bill, ServiceCharge
from app.models.consumers import Consumer
from app.models.dashboard import PAYMENT_SEARCH_TABLE
from app.models.payments import Payment, PaymentAllocation
from app.services.payments.queries import (
    OPEN_BILL_STATUSES,
    days_between,
    like_pattern,
    money_sql,
    utc_bounds,
)

MIN_TRIGRAM = 3


@dataclass(frozen=True)
class PaymentFilter:
    """Search text matches consumer name, receipt no or account no (case-insensitive, partial)."""

    text: str = ""
    date_from: date | None = None
    date_to: date | None = None
    method: str | None = None
    status: str | None = None
    payment_type: str | None = None
    consumer_id: str | None = None
    channel: str | None = None  # Walk-in, Online, ...: a drill-down's slice


@dataclass(frozen=True)
class Sort:
    key: str = "date"
    descending: bool = True


@dataclass(frozen=True)
class PaymentRow:
    payment_id: str
    receipt_no: str
    consumer_id: str
    consumer_name: str
    account_no: str
    amount: Money
    method: str
    paid_at: datetime
    payment_type: str
    status: str


@dataclass(frozen=True)
class KpiBaseline:
    """What each KPI card compares with: the month before (yesterday for Received Today)."""

    month: date
    total_collected: Money
    collection_rate: Decimal | None
    avg_collection_days: Decimal | None
    received_yesterday: Money


@dataclass(frozen=True)
class PaymentKpis:
    month: date
    total_collected: Money
    received_today: Money
    received_today_count: int
    total_due: Money
    collection_rate: Decimal | None  # percent, one decimal; None when nothing fell due
    avg_collection_days: Decimal | None  # one decimal; None without payments
    # What posted payments applied to the bills due in the month (whenever paid): the
    # numerator of Collection Rate, whose denominator is total_due (the same bills).
    applied_to_due: Money | None = None
    previous: KpiBaseline | None = None
    alerts_raised: tuple[str, ...] = ()  # payment alerts these figures newly breached


SORT_COLUMNS = {
    "receipt": Payment.receipt_no, "consumer": Consumer.name, "amount": Payment.amount,
    "method": Payment.method, "date": Payment.paid_at, "type": Payment.payment_type,
    "status": Payment.status,
}


def _indexed(words: str, dialect: str) -> bool:
    """A fragment of three characters or more is looked up in SQLite's trigram index."""
    return dialect == "sqlite" and len(words) >= MIN_TRIGRAM


def _matching(words: str, dialect: str) -> ColumnElement:
    """Payments whose consumer name, account number or receipt number holds the fragment
    (case-insensitive): through the FTS5 trigram index payment_search (migration 0014) locally,
    else (PostgreSQL, or under three characters) ILIKE over the joined consumer."""
    if _indexed(words, dialect):
        phrase = '"' + words.replace('"', '""') + '"'
        return text(f"payments.rowid IN (SELECT rowid FROM {PAYMENT_SEARCH_TABLE} "
                    f"WHERE {PAYMENT_SEARCH_TABLE} MATCH :phrase)").bindparams(phrase=phrase)
    pattern = like_pattern(words)
    return or_(*(column.ilike(pattern, escape="\\") for column in
                 (Consumer.name, Payment.receipt_no, Consumer.account_no)))


def _filtered(query: Select, flt: PaymentFilter, tz: ZoneInfo, *, consumer: bool = True,
              dialect: str = "sqlite") -> Select:
    """`consumer=False`: no join to consumers unless the search text needs it (every payment
    has its consumer: the foreign key)."""
    words = flt.text.strip()
    if consumer or (words and not _indexed(words, dialect)):
        query = query.join(Consumer, Consumer.id == Payment.consumer_id)
    if words:
        query = query.where(_matching(words, dialect))
    if flt.date_from and flt.date_to and flt.date_from > flt.date_to:
        raise ValidationError("Date range", "From must be on or before To")
    if flt.date_from:
        query = query.where(Payment.paid_at >= utc_bounds(flt.date_from, flt.date_from, tz)[0])
    if flt.date_to:
        query = query.where(Payment.paid_at < utc_bounds(flt.date_to, flt.date_to, tz)[1])
    for column, value in ((Payment.method, flt.method), (Payment.status, flt.status),
                          (Payment.payment_type, flt.payment_type),
                          (Payment.consumer_id, flt.consumer_id), (Payment.channel, flt.channel)):
        if value:
            query = query.where(column == value)
    return query


def list_payments(session: Session, flt: PaymentFilter, tz: ZoneInfo, currency: str, *,
                  offset: int, limit: int, sort: Sort) -> list[PaymentRow]:
    if sort.key not in SORT_COLUMNS:
        raise ValueError(f"Unknown sort key {sort.key!r}; use one of {', '.join(SORT_COLUMNS)}")
    column = SORT_COLUMNS[sort.key]
    order = (column.desc(), Payment.receipt_no.desc()) if sort.descending \
        else (column.asc(), Payment.receipt_no.asc())
    query = _filtered(select(Payment, Consumer), flt, tz,
                      dialect=session.get_bind().dialect.name).order_by(*order)
    rows = session.execute(query.offset(max(offset, 0)).limit(max(limit, 0))).all()
    return [PaymentRow(p.id, p.receipt_no, c.id, c.name, c.account_no, Money(p.amount, currency),
                       p.method, p.paid_at, p.payment_type, p.status) for p, c in rows]


def count_payments(session: Session, flt: PaymentFilter, tz: ZoneInfo) -> int:
    query = _filtered(select(func.count()).select_from(Payment), flt, tz, consumer=False,
                      dialect=session.get_bind().dialect.name)
    return int(session.execute(query).scalar() or 0)


# KPIs ------------------------------------------------------------------------

def month_range(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def _posted_between(start: datetime, end: datetime):
    return (Payment.status == PaymentStatus.POSTED.value, Payment.paid_at >= start,
            Payment.paid_at < end)


def _sum_and_count(session: Session, start: datetime, end: datetime) -> tuple[Decimal, int]:
    total, count = session.execute(
        select(money_sql(func.coalesce(func.sum(Payment.amount), 0)), func.count())
        .where(*_posted_between(start, end))).one()
    return total or Decimal(0), int(count)


def _due_between(first: date, last: date) -> tuple:
    return (Bill.due_date >= first, Bill.due_date <= last, Bill.status.in_(OPEN_BILL_STATUSES))


def _total_due(session: Session, first: date, last: date) -> Decimal:
    total = session.execute(
        select(money_sql(func.coalesce(func.sum(Bill.total), 0)))
        .where(*_due_between(first, last))).scalar()
    return total or Decimal(0)


def _applied_to_due(session: Session, first: date, last: date) -> Decimal:
    """What posted payments applied to the bills due between first and last, whenever paid
    (an allocation is never more than its bill's due, so the rate is at most 100%)."""
    total = session.execute(
        select(money_sql(func.coalesce(func.sum(PaymentAllocation.amount), 0)))
        .select_from(Bill)
        .join(PaymentAllocation, PaymentAllocation.bill_id == Bill.id)
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(*_due_between(first, last), Payment.status == PaymentStatus.POSTED.value)).scalar()
    return total or Decimal(0)


def _avg_days(session: Session, start: datetime, end: datetime, dialect: str) -> Decimal | None:
    """The average, over the bills and service charges that posted payments paid (allocations
    > 0), of the days from the item's bill / service date to the payment. A payment carries
    its items' date and count (item_dated_on, item_count: the index holds both); one without
    them (older rows, items of several dates, other writers) is read through its allocations."""
    carried = session.execute(
        select(func.sum(Payment.item_count * days_between(Payment.paid_at, Payment.item_dated_on,
                                                          dialect)),
               func.sum(Payment.item_count))
        .where(*_posted_between(start, end), Payment.item_dated_on.is_not(None))).one()
    generated = func.coalesce(Bill.bill_date, ServiceCharge.service_date)
    allocated = session.execute(
        select(func.sum(days_between(Payment.paid_at, generated, dialect)), func.count())
        .select_from(Payment)
        .join(PaymentAllocation, PaymentAllocation.payment_id == Payment.id)
        .outerjoin(Bill, Bill.id == PaymentAllocation.bill_id)
        .outerjoin(ServiceCharge, ServiceCharge.id == PaymentAllocation.service_charge_id)
        .where(*_posted_between(start, end), Payment.item_dated_on.is_(None),
               PaymentAllocation.amount > 0, generated.is_not(None))).one()
    items = int(carried[1] or 0) + int(allocated[1] or 0)
    if not items:
        return None
    days = (carried[0] or 0) + (allocated[0] or 0)  # whole days (floats on SQLite)
    return _one_decimal(Decimal(str(days)) / items)


def _one_decimal(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


def _month(session: Session, first: date, tz: ZoneInfo, dialect: str
           ) -> tuple[Decimal, Decimal, Decimal, Decimal | None, Decimal | None]:
    """A month's collected, due, applied to what was due, Collection Rate and Avg Collection
    Time."""
    first, last = month_range(first)
    start, end = utc_bounds(first, last, tz)
    collected, _ = _sum_and_count(session, start, end)
    due = _total_due(session, first, last)
    applied = _applied_to_due(session, first, last)
    rate = _one_decimal(applied * 100 / due) if due > 0 else None
    return collected, due, applied, rate, _avg_days(session, start, end, dialect)


def kpis(session: Session, month: date, today: date, tz: ZoneInfo, currency: str,
         dialect: str) -> PaymentKpis:
    first = month.replace(day=1)
    collected, due, applied, rate, days = _month(session, first, tz, dialect)
    today_total, today_count = _sum_and_count(session, *utc_bounds(today, today, tz))
    before = (first - timedelta(days=1)).replace(day=1)
    p_collected, _due, _applied, p_rate, p_days = _month(session, before, tz, dialect)
    yesterday = today - timedelta(days=1)
    p_today, _ = _sum_and_count(session, *utc_bounds(yesterday, yesterday, tz))
    previous = KpiBaseline(before, Money(p_collected, currency), p_rate, p_days,
                           Money(p_today, currency))
    return PaymentKpis(first, Money(collected, currency), Money(today_total, currency), today_count,
                       Money(due, currency), rate, days, Money(applied, currency), previous)
