"""SQL shared by payments and credit notes: open amounts of payable items, balances, local days.

An item's open amount is its amount less the allocations of payments that
still count (not voided, failed or cancelled) less credit notes applied to it.
A consumer's balance is the SUM of the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, select, type_coerce
from sqlalchemy.orm import Session

from app.domain.core.money import Money
from app.domain.core.settings import Settings
from app.domain.payments.allocation import OpenItem
from app.domain.payments.rules import COUNTED_STATUSES, PaymentType
from app.models.base import MoneyAmount
from app.models.billing import Bill, LedgerEntry, ServiceCharge
from app.models.payments import (
    CreditNoteApplication,
    Installment,
    Payment,
    PaymentAllocation,
    PaymentPlan,
)
from app.services.core.context import AppContext

OPEN_BILL_STATUSES = ("Approved",)


# local days ------------------------------------------------------------------

def zone(settings: Settings) -> ZoneInfo:
    return ZoneInfo(settings.time_zone)


def local_today(app: AppContext, settings: Settings) -> date:
    return app.clock.today(zone(settings))


def utc_bounds(first: date, last: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[first 00:00, day after last 00:00) in the utility's zone, as aware datetimes."""
    start = datetime.combine(first, time(), tz)
    end = datetime.combine(last + timedelta(days=1), time(), tz)
    return start, end


def moment_on(day: date, now: datetime, tz: ZoneInfo) -> datetime:
    """When a payment dated `day` happened: now if today, else that day at now's time of day."""
    local_now = now.astimezone(tz)
    if day == local_now.date():
        return now
    return datetime.combine(day, local_now.time(), tz)


def days_between(later: ColumnElement, earlier: ColumnElement, dialect: str) -> ColumnElement:
    """Whole days from a date to a timestamp's date, in SQL."""
    if dialect == "sqlite":
        return func.julianday(func.date(later)) - func.julianday(earlier)
    return func.date(later) - earlier


def like_pattern(text: str) -> str:
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# open amounts ------------------------------------------------------------------

def money_sql(expr: object) -> ColumnElement:
    return type_coerce(expr, MoneyAmount())


def _allocated(column: ColumnElement, key: ColumnElement) -> ColumnElement:
    return (select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
            .join(Payment, Payment.id == PaymentAllocation.payment_id)
            .where(column == key, Payment.status.in_(COUNTED_STATUSES))
            .scalar_subquery())


def _credited(column: ColumnElement, key: ColumnElement) -> ColumnElement:
    return (select(func.coalesce(func.sum(CreditNoteApplication.amount), 0))
            .where(column == key).scalar_subquery())


def bill_open() -> ColumnElement:
    return money_sql(Bill.total - _allocated(PaymentAllocation.bill_id, Bill.id)
                     - _credited(CreditNoteApplication.bill_id, Bill.id))


def service_open() -> ColumnElement:
    return money_sql(ServiceCharge.amount
                     - _allocated(PaymentAllocation.service_charge_id, ServiceCharge.id)
                     - _credited(CreditNoteApplication.service_charge_id, ServiceCharge.id))


def installment_open() -> ColumnElement:
    return money_sql(Installment.amount
                     - _allocated(PaymentAllocation.installment_id, Installment.id))


def balance(session: Session, consumer_id: str) -> Decimal:
    total = session.execute(
        select(money_sql(func.coalesce(func.sum(LedgerEntry.amount), 0)))
        .where(LedgerEntry.consumer_id == consumer_id)).scalar()
    return total or Decimal(0)


# payable items ------------------------------------------------------------------

@dataclass(frozen=True)
class PayableItem:
    """A bill, service charge or installment that can be paid, with what is still open."""

    item_id: str
    payment_type: PaymentType
    consumer_id: str
    reference: str  # invoice no, service description, or plan no #n
    amount: Money
    open_amount: Money
    due_date: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    service_date: date | None = None
    generated_on: date | None = None
    payable: bool = True  # False for a cancelled bill or an installment of an inactive plan


def _bills(consumer_id: str | None, item_id: str | None):
    open_ = bill_open()
    query = select(Bill, open_)
    query = query.where(Bill.id == item_id) if item_id else query.where(
        Bill.consumer_id == consumer_id, Bill.status.in_(OPEN_BILL_STATUSES),
        open_ > 0).order_by(Bill.due_date, Bill.invoice_no)
    return query


def _services(consumer_id: str | None, item_id: str | None):
    open_ = service_open()
    query = select(ServiceCharge, open_)
    query = query.where(ServiceCharge.id == item_id) if item_id else query.where(
        ServiceCharge.consumer_id == consumer_id, open_ > 0).order_by(ServiceCharge.service_date)
    return query


def _installments(consumer_id: str | None, item_id: str | None):
    open_ = installment_open()
    query = select(Installment, open_, PaymentPlan).join(PaymentPlan,
                                                         PaymentPlan.id == Installment.plan_id)
    query = query.where(Installment.id == item_id) if item_id else query.where(
        PaymentPlan.consumer_id == consumer_id, PaymentPlan.status == "Active",
        Installment.deleted.is_(False),  # rescheduled by a plan modification
        open_ > 0).order_by(Installment.due_date, Installment.number)
    return query


def _item(payment_type: PaymentType, row, currency: str) -> PayableItem:
    def m(value: Decimal) -> Money:
        return Money(value, currency)

    if payment_type is PaymentType.BILL:
        bill, open_ = row
        return PayableItem(bill.id, payment_type, bill.consumer_id, bill.invoice_no, m(bill.total),
                           m(open_), bill.due_date, bill.period_start, bill.period_end,
                           generated_on=bill.bill_date, payable=bill.status in OPEN_BILL_STATUSES)
    if payment_type is PaymentType.SERVICE:
        charge, open_ = row
        return PayableItem(charge.id, payment_type, charge.consumer_id, charge.description,
                           m(charge.amount), m(open_), service_date=charge.service_date,
                           generated_on=charge.service_date)
    installment, open_, plan = row
    return PayableItem(installment.id, payment_type, plan.consumer_id,
                       f"{plan.plan_no} #{installment.number}", m(installment.amount), m(open_),
                       installment.due_date, generated_on=installment.due_date,
                       payable=plan.status == "Active" and not installment.deleted)


_QUERIES = {PaymentType.BILL: _bills, PaymentType.SERVICE: _services,
            PaymentType.INSTALLMENT: _installments}


def payable_items(session: Session, consumer_id: str, payment_type: PaymentType,
                  currency: str) -> list[PayableItem]:
    rows = session.execute(_QUERIES[payment_type](consumer_id, None)).all()
    return [_item(payment_type, row, currency) for row in rows]


def load_item(session: Session, payment_type: PaymentType, item_id: str,
              currency: str) -> PayableItem | None:
    row = session.execute(_QUERIES[payment_type](None, item_id)).first()
    return None if row is None else _item(payment_type, row, currency)


def open_item_of(item: PayableItem) -> OpenItem:
    return OpenItem(item.item_id, item.reference, item.due_date, item.open_amount)


def allocation_target(payment_type: PaymentType, item_id: str) -> dict[str, str]:
    column = {PaymentType.BILL: "bill_id", PaymentType.SERVICE: "service_charge_id",
              PaymentType.INSTALLMENT: "installment_id"}[payment_type]
    return {column: item_id}


def allocated_item(allocation: PaymentAllocation) -> tuple[PaymentType, str]:
    if allocation.bill_id:
        return PaymentType.BILL, allocation.bill_id
    if allocation.service_charge_id:
        return PaymentType.SERVICE, allocation.service_charge_id
    return PaymentType.INSTALLMENT, allocation.installment_id or ""
