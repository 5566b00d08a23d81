"""Global bill search: by bill number, consumer name, address or account number, partial and
case-insensitive, in the current cycles or all of them.

Locally (SQLite) the consumer side is an FTS5 trigram index (migration 0012), so a fragment of a
name or an address anywhere in it is found without scanning; a bill number matches from its
start through the unique index of invoice numbers. Fragments under three characters (too short
for trigrams) and PostgreSQL (the central service) use ILIKE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, func, or_, select, text
from sqlalchemy.orm import Session

from app.domain.core.errors import ValidationError
from app.models.billing import Bill, BillingCycle
from app.models.consumers import Consumer
from app.models.dashboard import SEARCH_TABLE
from app.services.payments.queries import like_pattern

MIN_TRIGRAM = 3
SORTS = {"bill_date": Bill.bill_date, "invoice_no": Bill.invoice_no, "consumer": Consumer.name,
         "total": Bill.total, "account_no": Consumer.account_no}


@dataclass(frozen=True)
class SearchHit:
    bill_id: str
    invoice_no: str
    consumer_id: str
    consumer: str
    account_no: str
    address: str
    cycle: str
    bill_date: date
    bill_type: str
    status: str
    total: Decimal


def _matching_consumers(words: str, dialect: str):
    if dialect == "sqlite" and len(words) >= MIN_TRIGRAM:
        phrase = '"' + words.replace('"', '""') + '"'
        return text(f"consumers.rowid IN (SELECT rowid FROM {SEARCH_TABLE} "
                    f"WHERE {SEARCH_TABLE} MATCH :phrase)").bindparams(phrase=phrase)
    pattern = like_pattern(words)
    return or_(*(column.ilike(pattern, escape="\\")
                 for column in (Consumer.name, Consumer.service_address, Consumer.account_no)))


def current_cycles() -> Select:
    """The most recent cycle of each zone."""
    latest = (select(BillingCycle.zone_id, func.max(BillingCycle.period_start).label("start"))
              .where(BillingCycle.deleted.is_(False)).group_by(BillingCycle.zone_id).subquery())
    return select(BillingCycle.id).join(latest, (latest.c.zone_id == BillingCycle.zone_id)
                                        & (latest.c.start == BillingCycle.period_start))


def search_query(words: str, all_cycles: bool, dialect: str) -> Select:
    words = " ".join(words.split())
    if not words:
        raise ValidationError("Search", "type part of a bill number, consumer name, address or account number")
    if len(words) > 120:
        raise ValidationError("Search", "at most 120 characters")
    consumer_ids = select(Consumer.id).where(_matching_consumers(words, dialect))
    upper = words.upper()
    by_number = (Bill.invoice_no >= upper) & (Bill.invoice_no < upper + "\uffff")
    query = (select(Bill.id, Bill.invoice_no, Consumer.id, Consumer.name, Consumer.account_no,
                    Consumer.service_address, func.coalesce(BillingCycle.name, ""), Bill.bill_date,
                    Bill.bill_type, Bill.status, Bill.total)
             .join(Consumer, Consumer.id == Bill.consumer_id)
             .outerjoin(BillingCycle, BillingCycle.id == Bill.cycle_id)
             .where(or_(Bill.consumer_id.in_(consumer_ids), by_number), Bill.deleted.is_(False)))
    if not all_cycles:
        query = query.where(Bill.cycle_id.in_(current_cycles()))
    return query


def search_page(session: Session, query: Select, *, offset: int, limit: int, sort: str = "bill_date",
                descending: bool = True) -> list[SearchHit]:
    if sort not in SORTS:
        raise ValidationError("Sort", f"must be one of {', '.join(SORTS)}")
    column = SORTS[sort]
    order = (column.desc(), Bill.id.desc()) if descending else (column.asc(), Bill.id.asc())
    rows = session.execute(query.order_by(*order).offset(max(0, offset)).limit(max(0, limit)))
    return [SearchHit(*row) for row in rows]


def search_count(session: Session, query: Select) -> int:
    return int(session.execute(select(func.count()).select_from(query.subquery())).scalar_one())
