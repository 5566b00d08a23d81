"""What stands behind each overview metric: the bills, exceptions, charges or open items, as SQL
that the screen pages through (sorted and filtered in SQL, never loaded whole).

Each metric maps to one query with labelled columns; `page` wraps it with the search text, the
sort and the page bounds, `count` counts it, `aging` sums the open items by bucket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, Select, String, case, cast, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from app.domain.core.errors import ValidationError
from app.domain.dashboard.ledger_codes import FIXED_CODE, LATE_PAYMENT_CODE, SERVICE_FEE_CODE
from app.models.billing import Bill, BillingCycle, BillingException, BillLine, ServiceCharge
from app.models.consumers import Consumer
from app.services.dashboard.figures import class_inputs, consumption_class
from app.services.dashboard.scope import COUNTED_BILLS, Scope
from app.services.payments.queries import bill_open, like_pattern, service_open


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text, money, quantity, number, date, moment


@dataclass(frozen=True)
class Drill:
    metric: str
    title: str
    columns: tuple[Column, ...]
    sort: str
    descending: bool = True


_CONSUMER = (Column("consumer", "Consumer"), Column("account_no", "Account #"))
_BILL_COLUMNS = (Column("invoice_no", "Bill #"), *_CONSUMER, Column("cycle", "Billing Cycle"),
                 Column("bill_date", "Bill Date", "date"), Column("bill_type", "Type"),
                 Column("consumption", "Consumption", "quantity"), Column("total", "Amount", "money"))
_EXCEPTION_COLUMNS = (*_CONSUMER, Column("cycle", "Billing Cycle"), Column("category", "Category"),
                      Column("severity", "Priority"), Column("status", "Status"),
                      Column("opened_at", "Raised", "moment"), Column("message", "Detail"))
_CLASS_COLUMNS = (Column("invoice_no", "Bill #"), *_CONSUMER, Column("bill_date", "Bill Date", "date"),
                  Column("consumption", "Consumption", "quantity"), Column("class", "Class"))
_CHARGE_COLUMNS = (Column("reference", "Reference"), *_CONSUMER, Column("dated", "Date", "date"),
                   Column("description", "Description"), Column("gl_code", "GL Code"),
                   Column("amount", "Amount", "money"))
_OPEN_COLUMNS = (Column("reference", "Reference"), *_CONSUMER, Column("due_date", "Due Date", "date"),
                 Column("days", "Days Past Due", "number"), Column("bucket", "Ageing Bucket"),
                 Column("open_amount", "Outstanding", "money"))

DRILLS: dict[str, Drill] = {
    "bills_generated": Drill("bills_generated", "Bills generated", _BILL_COLUMNS, "bill_date"),
    "average_bill_amount": Drill("average_bill_amount", "Bills by amount", _BILL_COLUMNS, "total"),
    "total_billed": Drill("total_billed", "Bills by amount", _BILL_COLUMNS, "total"),
    "total_consumption": Drill("total_consumption", "Bills by consumption", _BILL_COLUMNS, "consumption"),
    "bills_not_generated": Drill("bills_not_generated", "Bills not generated", _EXCEPTION_COLUMNS, "opened_at"),
    "success_rate": Drill("success_rate", "Bills not generated", _EXCEPTION_COLUMNS, "opened_at"),
    "high_consumption_accounts": Drill("high_consumption_accounts", "High consumption accounts",
                                       _CLASS_COLUMNS, "consumption"),
    "low_consumption_accounts": Drill("low_consumption_accounts", "Low consumption accounts",
                                      _CLASS_COLUMNS, "consumption", False),
    "zero_consumption_accounts": Drill("zero_consumption_accounts", "Zero consumption accounts",
                                       _CLASS_COLUMNS, "bill_date"),
    "service_charges": Drill("service_charges", "Service charges", _CHARGE_COLUMNS, "amount"),
    "late_payment_revenue": Drill("late_payment_revenue", "Late payment revenue", _CHARGE_COLUMNS, "dated"),
    "outstanding_amount": Drill("outstanding_amount", "Outstanding: ageing analysis", _OPEN_COLUMNS, "days"),
}
CLASS_OF = {"high_consumption_accounts": "High", "low_consumption_accounts": "Low",
            "zero_consumption_accounts": "Zero"}
BUCKETS = ("Current", "0-30", "31-60", "61-90", ">90")


def drill_of(metric: str) -> Drill:
    try:
        return DRILLS[metric]
    except KeyError:
        raise ValidationError("Metric", f"{metric!r} has no drill-down") from None


def _consumer(query: Select, column) -> Select:
    return query.join(Consumer, Consumer.id == column)


def _bills(scope: Scope) -> Select:
    query = select(Bill.id.label("row_id"), Bill.invoice_no.label("invoice_no"),
                   Consumer.name.label("consumer"), Consumer.account_no.label("account_no"),
                   func.coalesce(BillingCycle.name, "").label("cycle"), Bill.bill_date.label("bill_date"),
                   Bill.bill_type.label("bill_type"), Bill.consumption.label("consumption"),
                   Bill.total.label("total"), Bill.consumer_id.label("consumer_id"))
    query = _consumer(query, Bill.consumer_id).outerjoin(BillingCycle, BillingCycle.id == Bill.cycle_id)
    return scope.bills(query, joined=True)


def _exceptions(scope: Scope) -> Select:
    query = select(BillingException.id.label("row_id"), Consumer.name.label("consumer"),
                   Consumer.account_no.label("account_no"), BillingCycle.name.label("cycle"),
                   BillingException.category.label("category"), BillingException.severity.label("severity"),
                   BillingException.status.label("status"), BillingException.opened_at.label("opened_at"),
                   BillingException.message.label("message"), BillingException.consumer_id.label("consumer_id"))
    query = _consumer(query, BillingException.consumer_id).join(
        BillingCycle, BillingCycle.id == BillingException.cycle_id)
    return scope.exceptions(query.where(BillingException.status != "Resolved"), joined=True)


def _classes(scope: Scope, dialect: str, wanted: str) -> Select:
    inner = _consumer(select(Bill.id.label("row_id"), Bill.invoice_no.label("invoice_no"),
                             Consumer.name.label("consumer"), Consumer.account_no.label("account_no"),
                             Bill.bill_date.label("bill_date"), Bill.consumption.label("consumption"),
                             Bill.consumer_id.label("consumer_id"), *class_inputs(dialect)), Bill.consumer_id)
    # MATERIALIZED, as in figures._class_counts: the lookups run once per bill, not per reference
    inputs = scope.bills(inner, joined=True).cte("drill_class_inputs").prefix_with("MATERIALIZED")
    c = inputs.c
    classes = select(c.row_id, c.invoice_no, c.consumer, c.account_no, c.bill_date, c.consumption,
                     consumption_class(c).label("class"), c.consumer_id).subquery()
    return select(classes).where(classes.c["class"] == wanted)


def _charges(scope: Scope, codes: tuple[str, ...]) -> Select:
    items = _consumer(select(
        ServiceCharge.id.label("row_id"), ServiceCharge.description.label("reference"),
        Consumer.name.label("consumer"), Consumer.account_no.label("account_no"),
        ServiceCharge.service_date.label("dated"), ServiceCharge.description.label("description"),
        ServiceCharge.gl_code.label("gl_code"), ServiceCharge.amount.label("amount"),
        ServiceCharge.consumer_id.label("consumer_id")), ServiceCharge.consumer_id)
    items = scope.charges(items.where(ServiceCharge.gl_code.in_(codes), ServiceCharge.deleted.is_(False)),
                          joined=True)
    if FIXED_CODE not in codes:
        return items
    lines = _consumer(select(
        BillLine.id.label("row_id"), Bill.invoice_no.label("reference"), Consumer.name.label("consumer"),
        Consumer.account_no.label("account_no"), Bill.bill_date.label("dated"),
        BillLine.description.label("description"), literal(FIXED_CODE, String).label("gl_code"),
        BillLine.amount.label("amount"), Bill.consumer_id.label("consumer_id"))
        .select_from(BillLine).join(Bill, Bill.id == BillLine.bill_id), Bill.consumer_id)
    lines = scope.bills(lines.where(BillLine.kind == "fixed", BillLine.deleted.is_(False)), joined=True)
    both = union_all(lines, items).subquery()
    return select(both)


def _days_past_due(due, today: date, dialect: str):
    if dialect == "sqlite":
        return cast(func.julianday(today.isoformat()) - func.julianday(due), Integer)
    return literal(today) - due


def _bucket(days):
    return case((days < 0, "Current"), (days <= 30, "0-30"), (days <= 60, "31-60"),
                (days <= 90, "61-90"), else_=">90")


def _open_items(scope: Scope, today: date, dialect: str) -> Select:
    """Bills and service charges still open today (every cycle), aged by due date; a service
    charge falls due on its service date."""
    bill_days = _days_past_due(Bill.due_date, today, dialect)
    bills = scope.narrow(select(
        Bill.id.label("row_id"), Bill.invoice_no.label("reference"), Consumer.name.label("consumer"),
        Consumer.account_no.label("account_no"), Bill.due_date.label("due_date"),
        bill_days.label("days"), _bucket(bill_days).label("bucket"), bill_open().label("open_amount"),
        Bill.consumer_id.label("consumer_id"))
        .join(Consumer, Consumer.id == Bill.consumer_id)
        .where(Bill.status.in_(COUNTED_BILLS), bill_open() > 0), Bill.consumer_id, joined=True)
    charge_days = _days_past_due(ServiceCharge.service_date, today, dialect)
    charges = scope.narrow(select(
        ServiceCharge.id.label("row_id"), ServiceCharge.description.label("reference"),
        Consumer.name.label("consumer"), Consumer.account_no.label("account_no"),
        ServiceCharge.service_date.label("due_date"), charge_days.label("days"),
        _bucket(charge_days).label("bucket"), service_open().label("open_amount"),
        ServiceCharge.consumer_id.label("consumer_id"))
        .join(Consumer, Consumer.id == ServiceCharge.consumer_id)
        .where(ServiceCharge.deleted.is_(False), service_open() > 0), ServiceCharge.consumer_id, joined=True)
    return select(union_all(bills, charges).subquery())


def base_query(metric: str, scope: Scope, today: date, dialect: str) -> Select:
    drill_of(metric)
    if metric in CLASS_OF:
        return _classes(scope, dialect, CLASS_OF[metric])
    if metric in ("bills_not_generated", "success_rate"):
        return _exceptions(scope)
    if metric == "service_charges":
        return _charges(scope, (FIXED_CODE, SERVICE_FEE_CODE))
    if metric == "late_payment_revenue":
        return _charges(scope, (LATE_PAYMENT_CODE,))
    if metric == "outstanding_amount":
        return _open_items(scope, today, dialect)
    return _bills(scope)


def _filtered(metric: str, query: Select, text: str, bucket: str | None):
    rows = query.subquery()
    texts = [column.key for column in DRILLS[metric].columns if column.kind == "text"]
    outer = select(rows)
    if text.strip():
        pattern = like_pattern(text)
        outer = outer.where(or_(*(rows.c[key].ilike(pattern, escape="\\") for key in texts)))
    if bucket:
        if bucket not in BUCKETS:
            raise ValidationError("Ageing bucket", f"must be one of {', '.join(BUCKETS)}")
        outer = outer.where(rows.c.bucket == bucket)
    return outer, rows


def page(session: Session, metric: str, query: Select, *, offset: int, limit: int, sort: str | None,
         descending: bool, text: str = "", bucket: str | None = None) -> list[tuple]:
    drill = drill_of(metric)
    keys = [column.key for column in drill.columns]
    sort = sort or drill.sort
    if sort not in keys:
        raise ValidationError("Sort", f"must be one of {', '.join(keys)}")
    outer, rows = _filtered(metric, query, text, bucket)
    order = rows.c[sort].desc() if descending else rows.c[sort].asc()
    tie = rows.c.row_id.desc() if descending else rows.c.row_id.asc()
    outer = outer.order_by(order, tie).offset(max(0, offset)).limit(max(0, limit))
    return [tuple(row) for row in session.execute(outer)]


def count(session: Session, metric: str, query: Select, text: str = "", bucket: str | None = None) -> int:
    outer, _rows = _filtered(metric, query, text, bucket)
    return int(session.execute(select(func.count()).select_from(outer.subquery())).scalar_one())


def aging(session: Session, query: Select) -> dict[str, tuple[int, object]]:
    """Open items by ageing bucket: (count, amount) for every bucket, empty ones included."""
    rows = query.subquery()
    totals = {bucket: (0, None) for bucket in BUCKETS}
    for bucket, items, amount in session.execute(
            select(rows.c.bucket, func.count(), func.sum(rows.c.open_amount)).group_by(rows.c.bucket)):
        totals[bucket] = (int(items), amount)
    return totals


def result_keys(metric: str) -> tuple[str, ...]:
    """The columns a page row holds: row_id, the drill's columns in query order, consumer_id."""
    return ("row_id", *(column.key for column in drill_of(metric).columns), "consumer_id")
