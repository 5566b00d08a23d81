"""Synced entities by table name, and rows to and from their JSON-safe payloads."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from sqlalchemy import Date, DateTime, inspect
from sqlalchemy.orm import Mapper

from app.models import Base
from app.models.base import ScaledDecimal, UTCDateTime
from app.services.core.serialize import row_to_dict

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
    return {key: _read(key, column_type, payload[key])
            for key, column_type in _columns(cls) if key in payload}


@cache
def _columns(cls: type) -> tuple[tuple[str, object], ...]:
    mapper: Mapper = inspect(cls)
    return tuple((attr.key, attr.columns[0].type) for attr in mapper.column_attrs)


@cache
def _typed_columns(cls: type) -> tuple[tuple[str, object], ...]:
    """Only the columns whose payload text needs reading (money, dates, times)."""
    return tuple((key, column_type) for key, column_type in _columns(cls)
                 if isinstance(column_type, ScaledDecimal | UTCDateTime | DateTime | Date))


def table_values(cls: type, payload: dict[str, object]) -> dict[str, object]:
    """column_values keyed by table column name, for Core statements (bulk apply of pulled rows).

    Same reading and the same PayloadError as column_values; columns that need no reading are
    copied as they are.
    """
    names = _column_names(cls)
    values = {names[key]: value for key, value in payload.items() if key in names}
    for key, column_type in _typed_columns(cls):
        raw = payload.get(key)
        if raw is not None:
            values[names[key]] = _read(key, column_type, raw)
    return values


@cache
def _column_names(cls: type) -> dict[str, str]:
    mapper: Mapper = inspect(cls)
    return {attr.key: attr.columns[0].name for attr in mapper.column_attrs}


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
