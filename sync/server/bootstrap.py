"""Bootstrap downloads: reference data first, then accounts, open items and recent money history, in
pages, every entity after the entities its rows refer to."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    String,
    TypeDecorator,
    and_,
    inspect,
    or_,
    select,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Session

from app.models.cash import CashMovement, CashSession, ReceiptPrint
from app.models.inquiries import PaymentInquiry
from app.models.payments import CreditNote, CreditNoteApplication, Payment, PaymentAllocation
from app.models.reference import Counter
from app.services.core.serialize import json_safe
from sync.records import entity_class
from sync.server.scope import DeviceScope, visible_rows

REFERENCE_ENTITIES = [
    "settings", "service_centres", "zones", "counters", "users", "consumer_categories",
    "consumer_sub_categories", "meter_types", "tariffs", "tariff_versions", "plans",
    "plan_categories", "plan_services", "plan_charges", "plan_versions",
]
ACCOUNT_ENTITIES = [
    "consumers", "service_accounts", "meters", "billing_cycles", "bills", "service_charges",
    "ledger_entries", "payment_plans", "installments", "service_requests", "security_deposits",
    # a request's orders, messages and meter history: the Disconnect tab checks SO IDs locally
    "service_orders", "communications", "meter_movements", "plan_assignments",
    "payment_alerts",  # the centre's managers' KPI thresholds, checked on any of its desks
]
# The centre's money history: what a counter needs to reprint a receipt, show a consumer's recent
# payments or void yesterday's payment, and what later pulled rows refer to (a cash movement's
# session, an allocation's payment). For a window (HISTORY_DAYS) plus everything still open.
HISTORY_ENTITIES = [
    "cash_sessions", "payments", "payment_allocations", "cash_movements", "receipt_prints",
    "credit_notes", "credit_note_applications", "payment_inquiries",
]
HISTORY_DAYS = 90
MAX_HISTORY_DAYS = 3660


def dependency_order(entities: list[str]) -> list[str]:
    """The entities with each one after those its foreign keys point to (among these), keeping the
    given order where the references leave a choice: a page then never needs a later page's row."""
    parents: dict[str, set[str]] = {}
    for entity in entities:
        cls = entity_class(entity)
        assert cls is not None, entity
        refers = {fk.column.table.name for column in cls.__table__.columns for fk in column.foreign_keys}
        parents[entity] = {p for p in refers if p in entities and p != entity}
    ordered: list[str] = []
    while len(ordered) < len(entities):
        ready = next((e for e in entities if e not in ordered and parents[e] <= set(ordered)), None)
        if ready is None:
            raise ValueError(f"foreign keys form a circle among {sorted(set(entities) - set(ordered))}")
        ordered.append(ready)
    return ordered


BOOTSTRAP_ENTITIES = dependency_order(REFERENCE_ENTITIES + ACCOUNT_ENTITIES + HISTORY_ENTITIES)


MAX_PAGE = 5000  # bootstrap pages may be larger than pulls (sync.protocol.MAX_PAGE)


def history_since(now: datetime, days: int) -> datetime:
    """The window's start: midnight UTC `days` days ago, the same for every page fetched that day."""
    start = (now.astimezone(UTC).date() if now.tzinfo else now.date()) - timedelta(days=days)
    return datetime.combine(start, time.min, tzinfo=UTC)


def _sessions(scope: DeviceScope, since: datetime):
    """The centre's cash sessions still open or opened in the window."""
    counters = select(Counter.id).where(Counter.centre_id == scope.centre_id)
    return select(CashSession.id).where(CashSession.counter_id.in_(counters),
                                        or_(CashSession.status == "Open", CashSession.opened_at >= since))


def _credit_notes(since: datetime, today: date) -> ColumnElement[bool]:
    return or_(CreditNote.created_at >= since, CreditNote.expires_on >= today)


def _payments(scope: DeviceScope, since: datetime, today: date) -> ColumnElement[bool]:
    """Payments in the window, still pending, taken in an included session, or paid back by an
    included credit note (a credit note cannot come down without its payment)."""
    in_scope = visible_rows("payments", scope)
    wanted = or_(
        Payment.paid_at >= since,
        Payment.status == "Pending",
        Payment.verification == "Pending",
        Payment.cash_session_id.in_(_sessions(scope, since)),
        Payment.id.in_(select(CashMovement.payment_id).where(
            CashMovement.session_id.in_(_sessions(scope, since)), CashMovement.payment_id.is_not(None))),
        Payment.id.in_(select(CreditNote.payment_id).where(_credit_notes(since, today))),
    )
    return and_(in_scope, wanted) if in_scope is not None else wanted


def history_rows(entity: str, scope: DeviceScope, now: datetime, days: int) -> ColumnElement[bool] | None:
    """The WHERE clause of a history entity; children follow exactly the parents that come down."""
    since, today = history_since(now, days), now.date()
    payments = select(Payment.id).where(_payments(scope, since, today))
    if entity == "cash_sessions":
        return CashSession.id.in_(_sessions(scope, since))
    if entity == "payments":
        return _payments(scope, since, today)
    if entity == "payment_allocations":
        return PaymentAllocation.payment_id.in_(payments)
    if entity == "receipt_prints":
        return ReceiptPrint.payment_id.in_(payments)
    if entity == "cash_movements":
        return and_(CashMovement.session_id.in_(_sessions(scope, since)),
                    or_(CashMovement.payment_id.is_(None), CashMovement.payment_id.in_(payments)))
    if entity == "credit_notes":
        in_scope = visible_rows("credit_notes", scope)
        wanted = and_(_credit_notes(since, today), CreditNote.payment_id.in_(payments))
        return and_(in_scope, wanted) if in_scope is not None else wanted
    if entity == "payment_inquiries":  # the history shown in a payment's details
        return PaymentInquiry.payment_id.in_(payments)
    if entity == "credit_note_applications":
        notes = select(CreditNote.id).where(history_rows("credit_notes", scope, now, days))
        return CreditNoteApplication.credit_note_id.in_(notes)
    return None


def read_rows(session: Session, entity: str, scope: DeviceScope, after: str | None, limit: int, *,
              now: datetime | None = None,
              history_days: int = HISTORY_DAYS) -> tuple[list[dict[str, object]], str | None]:
    """One page of an entity in id order; the id to continue after, or None at the end.

    Core, not ORM: the columns are read straight into JSON-safe dicts (the same values
    row_payload gives), keyset-paged by id.
    """
    cls = entity_class(entity)
    assert cls is not None
    table = cls.__table__
    keys = [attr.key for attr in inspect(cls).column_attrs]
    query = select(*(getattr(cls, key) for key in keys)).order_by(table.c.id).limit(limit + 1)
    clause = (history_rows(entity, scope, now or datetime.now(UTC), history_days)
              if entity in HISTORY_ENTITIES else visible_rows(entity, scope))
    if clause is not None:
        query = query.where(clause)
    if after:
        query = query.where(table.c.id > after)
    rows = session.execute(query).all()
    more = len(rows) > limit
    rows = rows[:limit]
    converted = _converted_keys(cls)
    payloads = []
    for row in rows:
        payload = dict(zip(keys, row, strict=True))
        for key in converted:
            value = payload[key]
            if value is not None:
                payload[key] = json_safe(value)
        payloads.append(payload)
    return payloads, (rows[-1][keys.index("id")] if more else None)


@cache
def _converted_keys(cls: type) -> tuple[str, ...]:
    """The columns whose values need json_safe (money, times, enums, JSON): every column but plain
    text, whole numbers and flags, which the driver already hands out JSON-ready."""
    return tuple(attr.key for attr in inspect(cls).column_attrs
                 if not _plain(attr.columns[0].type))


def _plain(column_type: object) -> bool:
    return (isinstance(column_type, String | Integer | Boolean)
            and not isinstance(column_type, TypeDecorator | SAEnum))
