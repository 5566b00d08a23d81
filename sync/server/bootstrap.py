"""Bootstrap downloads: reference data first, then consumers, accounts and open items, in pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.records import entity_class, row_payload
from sync.server.scope import DeviceScope, visible_rows

REFERENCE_ENTITIES = [
    "settings", "service_centres", "zones", "counters", "users", "consumer_categories",
    "consumer_sub_categories", "meter_types", "tariffs", "tariff_versions", "plans",
    "plan_categories", "plan_services", "plan_charges", "plan_versions",
]
ACCOUNT_ENTITIES = [
    "consumers", "service_accounts", "meters", "billing_cycles", "bills", "service_charges",
    "ledger_entries", "payment_plans", "installments", "service_requests", "security_deposits",
]
BOOTSTRAP_ENTITIES = REFERENCE_ENTITIES + ACCOUNT_ENTITIES


def read_rows(session: Session, entity: str, scope: DeviceScope, after: str | None,
              limit: int) -> tuple[list[dict[str, object]], str | None]:
    """One page of an entity in id order; the id to continue after, or None at the end."""
    cls = entity_class(entity)
    assert cls is not None
    query = select(cls).order_by(cls.id).limit(limit + 1)
    clause = visible_rows(entity, scope)
    if clause is not None:
        query = query.where(clause)
    if after:
        query = query.where(cls.id > after)
    rows = session.execute(query).scalars().all()
    more = len(rows) > limit
    rows = rows[:limit]
    return [row_payload(row) for row in rows], (rows[-1].id if more else None)
