"""Synced entities by table name, and rows to and from their JSON-safe payloads."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from sqlalchemy import Date, DateTime, inspect
from sqlalchemy.orm import Mapper

from app.models import Base
from app.models.base import ScaledDecimal, UTCDateTime
from app.services.serialize import row_to_dict

# Posted money and history records: corrected by new rows, never edited, so never in conflict.
APPEND_ONLY = frozenset({
    "ledger_entries", "cash_movements", "payment_allocations", "credit_note_applications",
    "receipt_prints", "request_events", "communications", "bill_lines", "meter_reads",
    "plan_versions", "payment_plan_revisions", "installments",
})
SERVER_COLUMNS = frozenset({"id", "version", "updated_at"})


class PayloadError(ValueError):
    """A payload field that cannot be read as its column's type."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


@cache
def synced_entities() -> dict[str, type]:
    """Table name -> mapped class, for every row that carries the sync columns."""
    classes: dict[str, type] = {}
    for mapper in Base.registry.mappers:
        columns = {c.key for c in mapper.column_attrs}
        if {"id", "version", "updated_at", "deleted"} <= columns:
            classes[mapper.class_.__tablename__] = mapper.class_
    return classes


def entity_class(entity: str) -> type | None:
    return synced_entities().get(entity)


def is_append_only(entity: str) -> bool:
    return entity in APPEND_ONLY


def row_payload(row: object) -> dict[str, object]:
    return row_to_dict(row)


def column_values(cls: type, payload: dict[str, object]) -> dict[str, object]:
    """The payload read back into Python values (Decimal, date, datetime), column by column."""
    mapper: Mapper = inspect(cls)
    values: dict[str, object] = {}
    for attr in mapper.column_attrs:
        if attr.key not in payload:
            continue
        values[attr.key] = _read(attr.key, attr.columns[0].type, payload[attr.key])
    return values


def _read(field: str, column_type: object, raw: object) -> object:
    if raw is None:
        return None
    try:
        if isinstance(column_type, ScaledDecimal):
            return Decimal(str(raw))
        if isinstance(column_type, UTCDateTime | DateTime):
            return _datetime(raw)
        if isinstance(column_type, Date):
            return date.fromisoformat(str(raw))
    except (ValueError, InvalidOperation) as error:
        raise PayloadError(field, f"{raw!r} is not valid ({error})") from None
    return raw


def _datetime(raw: object) -> datetime:
    moment = datetime.fromisoformat(str(raw))
    if moment.tzinfo is None:
        raise ValueError("a time must carry its time zone")
    return moment


def build_row(cls: type, payload: dict[str, object]) -> object:
    return cls(**column_values(cls, payload))
