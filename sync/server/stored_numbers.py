"""The numbers of each series already stored in the central database (imported, seeded or
pushed): a leased block must never overlap them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.core.numbering import NumberFormat
from app.domain.core.settings import Settings
from app.models.billing import Bill
from app.models.payments import CreditNote, Payment, PaymentPlan
from app.models.requests import ServiceOrder, ServiceRequest

NUMBER_COLUMNS = {
    "receipt": Payment.receipt_no,
    "payment": Payment.payment_no,
    "transaction": Payment.transaction_no,
    "credit_note": CreditNote.credit_note_no,
    "invoice": Bill.invoice_no,
    "disconnection_request": ServiceRequest.request_no,
    "service_order": ServiceOrder.so_no,
    "payment_plan": PaymentPlan.plan_no,
}


def highest_stored(session: Session, settings: Settings, series: str) -> int:
    """The highest sequence number of the series found in stored records (0 if none).

    Reads the whole column once, so it runs when a series is first leased and when a block
    turns out to collide, not on every lease.
    """
    column = NUMBER_COLUMNS.get(series)
    if column is None:
        return 0
    number_format = NumberFormat.parse(settings.number_format(series))
    highest = 0
    for (text,) in session.execute(select(column)).yield_per(10_000):
        seq = number_format.match(text) if text else None
        if seq is not None and seq > highest:
            highest = seq
    return highest


def any_stored(session: Session, settings: Settings, series: str, first: int, last: int, on: date) -> bool:
    """Whether a number of first..last, as it would be written on `on`, is already stored."""
    column = NUMBER_COLUMNS.get(series)
    if column is None:
        return False
    number_format = NumberFormat.parse(settings.number_format(series))
    texts = [number_format.format(seq, on) for seq in range(first, last + 1)]
    for start in range(0, len(texts), 1000):
        if session.execute(select(column).where(column.in_(texts[start:start + 1000])).limit(1)).first():
            return True
    return False
