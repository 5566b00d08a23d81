"""Synced entities by table name, and rows to and from their JSON-safe payloads."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Integer, String, inspect
from sqlalchemy.orm import Mapper

from app.models import Base
from app.models.base import ScaledDecimal, UTCDateTime
from app.services.core.serialize import row_to_dict

# Posted money and history records: corrected by new rows, never edited, so never in conflict.
APPEND_ONLY = frozenset({
    "ledger_entries", "cash_movements", "payment_allocations", "credit_note_applications",
    "receipt_prints", "request_events", "communications", "bill_lines", "meter_reads",
    "plan_versions", "plan_assignments", "payment_plan_revisions", "installments",
})
SERVER_COLUMNS = frozenset({"id", "version", "updated_at"})


BIGGEST_STORED = 2**63 - 1  # a BIGINT column; money and rates are stored scaled into one


class PayloadError(ValueError):
    """A payload field that cannot be read as its column's type: str() is "field: message"."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


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
def column_readers(cls: type) -> tuple[tuple[str, str, object], ...]:
    """(payload key, table column name, reader) for every column, in the table's column order:
    the reader turns a payload value that is not None into the column's Python value, with the
    same checks and PayloadError as table_values, or is None where the value is taken as it is.
    Computed once per class, for bulk loads that build one tuple per row."""
    names = _column_names(cls)
    by_name = {name: key for key, name in names.items()}
    typed = dict(_typed_columns(cls))

    def reader(key: str, column_type: object):
        return lambda raw: _read(key, column_type, raw)

    return tuple((by_name[column.name], column.name,
                  reader(by_name[column.name], typed[by_name[column.name]])
                  if by_name[column.name] in typed else None)
                 for column in cls.__table__.columns if column.name in by_name)


@cache
def _column_names(cls: type) -> dict[str, str]:
    mapper: Mapper = inspect(cls)
    return {attr.key: attr.columns[0].name for attr in mapper.column_attrs}


def _read(field: str, column_type: object, raw: object) -> object:
    if raw is None:
        return None
    if isinstance(column_type, ScaledDecimal):
        return _scaled(field, column_type, raw)
    try:
        if isinstance(column_type, UTCDateTime | DateTime):
            return _datetime(raw)
        if isinstance(column_type, Date):
            return date.fromisoformat(str(raw))
    except ValueError as error:
        raise PayloadError(field, f"{_shown(raw)} is not a valid date or time ({error})") from None
    return _plain(field, column_type, raw)


def _scaled(field: str, column_type: ScaledDecimal, raw: object) -> Decimal:
    if isinstance(raw, bool | dict | list):
        raise PayloadError(field, f"{_shown(raw)} is not a number")
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise PayloadError(field, f"{_shown(raw)} is not a number") from None
    if not value.is_finite():
        raise PayloadError(field, f"{_shown(raw)} is not a number")
    limit = Decimal(BIGGEST_STORED).scaleb(-column_type.scale)
    if abs(value) > limit:
        raise PayloadError(field, f"{_shown(raw)} is too large (at most {limit})")
    if value != value.quantize(Decimal(1).scaleb(-column_type.scale)):
        raise PayloadError(field, f"{_shown(raw)} has more than {column_type.scale} decimal places")
    return value


def _plain(field: str, column_type: object, raw: object) -> object:
    """Text, whole numbers and flags: the right kind and a size the column holds."""
    if isinstance(column_type, Boolean):
        if not isinstance(raw, bool):
            raise PayloadError(field, f"{_shown(raw)} is not true or false")
    elif isinstance(column_type, Integer):
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise PayloadError(field, f"{_shown(raw)} is not a whole number")
        if abs(raw) > (BIGGEST_STORED if isinstance(column_type, BigInteger) else 2**31 - 1):
            raise PayloadError(field, f"{_shown(raw)} is too large")
    elif isinstance(column_type, String):
        if not isinstance(raw, str):
            raise PayloadError(field, f"{_shown(raw)} is not text")
        if column_type.length is not None and len(raw) > column_type.length:
            raise PayloadError(field, f"is longer than {column_type.length} characters")
        if "\x00" in raw:
            raise PayloadError(field, "contains a NUL character")
    return raw


def _shown(raw: object) -> str:
    text = repr(raw)
    return text if len(text) <= 40 else text[:37] + "..."


def _datetime(raw: object) -> datetime:
    moment = datetime.fromisoformat(str(raw))
    if moment.tzinfo is None:
        raise ValueError("a time must carry its time zone")
    return moment


def build_row(cls: type, payload: dict[str, object]) -> object:
    return cls(**column_values(cls, payload))
