"""Bootstrap downloads: reference data first, then consumers, accounts and open items, in pages."""

from __future__ import annotations

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

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
    "service_orders", "communications", "meter_movements",
]
BOOTSTRAP_ENTITIES = REFERENCE_ENTITIES + ACCOUNT_ENTITIES


MAX_PAGE = 5000  # bootstrap pages may be larger than pulls (sync.protocol.MAX_PAGE)


def read_rows(session: Session, entity: str, scope: DeviceScope, after: str | None,
              limit: int) -> tuple[list[dict[str, object]], str | None]:
    """One page of an entity in id order; the id to continue after, or None at the end.

    Core, not ORM: the columns are read straight into JSON-safe dicts (the same values
    row_payload gives), keyset-paged by id.
    """
    cls = entity_class(entity)
    assert cls is not None
    table = cls.__table__
    keys = [attr.key for attr in inspect(cls).column_attrs]
    query = select(*(getattr(cls, key) for key in keys)).order_by(table.c.id).limit(limit + 1)
    clause = visible_rows(entity, scope)
    if clause is not None:
        query = query.where(clause)
    if after:
        query = query.where(table.c.id > after)
    rows = session.execute(query).all()
    more = len(rows) > limit
    rows = rows[:limit]
    payloads = [{key: _safe(value) for key, value in zip(keys, row, strict=True)} for row in rows]
    return payloads, (rows[-1][keys.index("id")] if more else None)


def _safe(value: object) -> object:
    if value is None or type(value) in (str, int, bool):
        return value
    return json_safe(value)
