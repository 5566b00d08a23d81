"""Pulled rows applied in bulk (a bootstrap's pages): each new row goes to SQLite as one tuple built
by a per-table plan. The row stored must be exactly the one SQLAlchemy's insert of the same
values stores, and a value that cannot be read is refused naming its field."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import insert, select

from app.models.billing import LedgerEntry
from app.models.consumers import Consumer
from app.models.reference import ServiceCentre, Zone
from sync import local
from sync.records import PayloadError, entity_class, row_payload, table_values
from sync.server.bootstrap import read_rows
from sync.server.scope import DeviceScope

AT = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)


def _rows(session) -> tuple[Zone, Consumer, LedgerEntry]:
    centre = session.execute(select(ServiceCentre)).scalars().first()
    zone = Zone(code="ZB", name="Zone B", centre_id=centre.id)
    session.add(zone)
    session.flush()
    consumer = Consumer(account_no="B-000001", name="Bulk Consumer", category="Residential", vip=True,
                        service_address="1 Main St", billing_address="1 Main St", zone_id=zone.id,
                        registered_on=date(2020, 2, 29), updated_at=AT)
    session.add(consumer)
    session.flush()
    entry = LedgerEntry(consumer_id=consumer.id, entry_type="payment", amount=Decimal("-1234.56"),
                        source_type="payment", source_id="p-1", posted_at=AT, updated_at=AT)
    session.add(entry)
    session.flush()
    return zone, consumer, entry


def _payloads(session) -> dict[str, dict]:
    """Rows as the server sends them (row_payload of stored rows), then taken out again."""
    _, consumer, entry = _rows(session)
    payloads = {"consumers": row_payload(consumer), "ledger_entries": row_payload(entry)}
    session.delete(entry)
    session.delete(consumer)
    session.flush()
    return payloads


def _stored(session, entity: str, row_id: str) -> tuple:
    table = entity_class(entity).__table__
    return tuple(session.connection().exec_driver_sql(f"SELECT * FROM {table.name} WHERE id = ?", (row_id,)).one())


def test_a_bulk_applied_row_is_the_row_sqlalchemy_would_store(runtime):
    with runtime.app.sessions() as session, session.begin():
        local.defer_foreign_keys(session)
        for entity, payload in _payloads(session).items():
            assert local.apply_rows(session, entity, [payload]) == 1
            bulk = _stored(session, entity, payload["id"])
            cls = entity_class(entity)
            session.connection().execute(cls.__table__.delete().where(cls.__table__.c.id == payload["id"]))
            session.connection().execute(insert(cls.__table__), [table_values(cls, payload)])
            assert bulk == _stored(session, entity, payload["id"]), entity
        session.rollback()


def test_a_bootstrap_page_hands_out_each_row_as_its_payload(runtime):
    """The server reads pages with Core and converts only money, times and JSON: the same
    payload as row_payload of the ORM row, which the change log and the desktop rely on."""
    with runtime.app.sessions() as session, session.begin():
        zone, consumer, entry = _rows(session)
        scope = DeviceScope(zone.centre_id, (zone.id,))
        for entity, row in (("consumers", consumer), ("ledger_entries", entry)):
            page, _ = read_rows(session, entity, scope, None, 100)
            assert [p for p in page if p["id"] == row.id] == [row_payload(row)], entity
        session.rollback()


def test_a_payload_missing_a_column_still_applies_with_the_columns_default(runtime):
    with runtime.app.sessions() as session, session.begin():
        local.defer_foreign_keys(session)
        payload = _payloads(session)["ledger_entries"]
        del payload["description"]  # an older server's row, say
        assert local.apply_rows(session, "ledger_entries", [payload]) == 1
        assert session.get(LedgerEntry, payload["id"]).amount == Decimal("-1234.56")
        session.rollback()


@pytest.mark.parametrize(("field", "value", "says"), [
    ("amount", "abc", "amount: 'abc' is not a number"),
    ("amount", "1.005", "amount: '1.005' has more than 2 decimal places"),
    ("posted_at", "2026-03-04T05:06:07", "posted_at: '2026-03-04T05:06:07' is not a valid date or time"),
])
def test_a_value_that_cannot_be_read_is_refused_naming_its_field(runtime, field, value, says):
    with runtime.app.sessions() as session, session.begin():
        local.defer_foreign_keys(session)
        payload = _payloads(session)["ledger_entries"] | {field: value}
        with pytest.raises(PayloadError) as refused:
            local.apply_rows(session, "ledger_entries", [payload])
        assert str(refused.value).startswith(says)
        session.rollback()
