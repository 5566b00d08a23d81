"""The Credit Notes tab: search, the spec's filters, status and remaining computed in SQL, paging."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import Session

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money, MoneyError, to_decimal
from app.domain.core.settings import Settings
from app.domain.payments.credit_notes import CreditNoteStatus, RemainingKind
from app.domain.payments.rules import PaymentStatus
from app.models.consumers import Consumer
from app.models.payments import CreditNote, CreditNoteApplication, Payment
from app.services.payments.queries import like_pattern, money_sql, utc_bounds, zone


@dataclass(frozen=True)
class CreditNoteFilter:
    """Text matches credit note no, consumer name, account no or linked receipt no."""

    text: str = ""
    status: CreditNoteStatus | None = None
    created_from: date | None = None
    created_to: date | None = None
    reasons: tuple[str, ...] = ()
    consumer_id: str | None = None
    remaining: RemainingKind | None = None
    receipt_no: str = ""
    amount_min: Decimal | str | None = None
    amount_max: Decimal | str | None = None


@dataclass(frozen=True)
class CreditNoteSort:
    key: str = "created"
    descending: bool = True


@dataclass(frozen=True)
class CreditNoteRow:
    credit_note_id: str
    credit_note_no: str
    consumer_id: str
    consumer_name: str
    account_no: str
    amount: Money
    remaining: Money
    reason: str
    status: CreditNoteStatus
    created_at: datetime
    payment_id: str
    receipt_no: str


def _applied() -> ColumnElement:
    return (select(func.coalesce(func.sum(CreditNoteApplication.amount), 0))
            .where(CreditNoteApplication.credit_note_id == CreditNote.id).scalar_subquery())


def _remaining() -> ColumnElement:
    return money_sql(CreditNote.amount - _applied())


def _status(today: date) -> ColumnElement:
    return case(
        (Payment.status == PaymentStatus.VOIDED.value, CreditNoteStatus.VOIDED.value),
        (_remaining() <= 0, CreditNoteStatus.APPLIED.value),
        (CreditNote.expires_on < today, CreditNoteStatus.EXPIRED.value),
        else_=CreditNoteStatus.ACTIVE.value)


SORT_COLUMNS = {
    "number": lambda today: CreditNote.credit_note_no, "consumer": lambda today: Consumer.name,
    "amount": lambda today: CreditNote.amount, "remaining": lambda today: _remaining(),
    "reason": lambda today: CreditNote.reason, "status": _status,
    "created": lambda today: CreditNote.created_at, "receipt": lambda today: Payment.receipt_no,
}


def _amount_bound(label: str, value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return to_decimal(value)
    except MoneyError:
        raise ValidationError(label, "must be a number") from None


def _remaining_clause(kind: RemainingKind) -> ColumnElement:
    remaining = _remaining()
    if kind is RemainingKind.FULLY_USED:
        return remaining <= 0
    if kind is RemainingKind.FULL:
        return remaining >= CreditNote.amount
    return (remaining > 0) & (remaining < CreditNote.amount)


def _text_clause(text: str) -> ColumnElement:
    pattern = like_pattern(text)
    return or_(*(column.ilike(pattern, escape="\\") for column in (
        CreditNote.credit_note_no, Consumer.name, Consumer.account_no, Payment.receipt_no)))


def _filtered(query: Select, flt: CreditNoteFilter, today: date, settings: Settings) -> Select:
    query = (query.join(Consumer, Consumer.id == CreditNote.consumer_id)
             .join(Payment, Payment.id == CreditNote.payment_id))
    low = _amount_bound("Minimum amount", flt.amount_min)
    high = _amount_bound("Maximum amount", flt.amount_max)
    if low is not None and high is not None and low > high:
        raise ValidationError("Maximum amount", "must not be below the minimum")
    if flt.created_from and flt.created_to and flt.created_from > flt.created_to:
        raise ValidationError("Date range", "From must be on or before To")
    clauses = [
        (flt.text.strip(), lambda: _text_clause(flt.text)),
        (flt.status, lambda: _status(today) == CreditNoteStatus(flt.status).value),
        (flt.created_from, lambda: CreditNote.created_at
         >= utc_bounds(flt.created_from, flt.created_from, zone(settings))[0]),
        (flt.created_to, lambda: CreditNote.created_at
         < utc_bounds(flt.created_to, flt.created_to, zone(settings))[1]),
        (flt.reasons, lambda: CreditNote.reason.in_(flt.reasons)),
        (flt.consumer_id, lambda: CreditNote.consumer_id == flt.consumer_id),
        (flt.remaining, lambda: _remaining_clause(RemainingKind(flt.remaining))),
        (flt.receipt_no.strip(), lambda: Payment.receipt_no.ilike(like_pattern(flt.receipt_no),
                                                                  escape="\\")),
        (low is not None, lambda: CreditNote.amount >= low),
        (high is not None, lambda: CreditNote.amount <= high),
    ]
    return query.where(*(make() for wanted, make in clauses if wanted))


def list_credit_notes(session: Session, flt: CreditNoteFilter, today: date, settings: Settings, *,
                      offset: int, limit: int, sort: CreditNoteSort) -> list[CreditNoteRow]:
    if sort.key not in SORT_COLUMNS:
        raise ValueError(f"Unknown sort key {sort.key!r}; use one of {', '.join(SORT_COLUMNS)}")
    column = SORT_COLUMNS[sort.key](today)
    order = (column.desc(), CreditNote.credit_note_no.desc()) if sort.descending \
        else (column.asc(), CreditNote.credit_note_no.asc())
    query = select(CreditNote, Consumer, Payment, _remaining(), _status(today))
    query = _filtered(query, flt, today, settings).order_by(*order)
    rows = session.execute(query.offset(max(offset, 0)).limit(max(limit, 0))).all()
    currency = settings.currency
    return [CreditNoteRow(n.id, n.credit_note_no, c.id, c.name, c.account_no,
                          Money(n.amount, currency), Money(left, currency), n.reason,
                          CreditNoteStatus(status), n.created_at, p.id, p.receipt_no)
            for n, c, p, left, status in rows]


def count_credit_notes(session: Session, flt: CreditNoteFilter, today: date,
                       settings: Settings) -> int:
    query = _filtered(select(func.count()).select_from(CreditNote), flt, today, settings)
    return int(session.execute(query).scalar() or 0)
