"""Declarative base, column types for money/rates/quantities, and the sync columns."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from app.domain.core.money import to_decimal

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict: JSON, list: JSON}


class ScaledDecimal(TypeDecorator):
    """A Decimal stored as an integer of 10^-scale: exact on SQLite and PostgreSQL alike.

    SQLAlchemy's Numeric goes through float on SQLite, so money never uses it.
    Writing a value with more places than the scale is refused, not rounded.
    """

    impl = BigInteger
    cache_ok = True
    scale = 2

    def process_bind_param(self, value: object, dialect: object) -> int | None:
        if value is None:
            return None
        scaled = to_decimal(value).scaleb(self.scale)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {self.scale} decimal places")
        return int(scaled)

    def process_result_value(self, value: int | None, dialect: object) -> Decimal | None:
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-self.scale)


class MoneyAmount(ScaledDecimal):
    """Money in integer minor units (paise, cents)."""

    cache_ok = True
    scale = 2


class UnitRate(ScaledDecimal):
    """A unit rate in integers of 1/1,000,000 (migration 0008 moved it from 1/10,000)."""

    cache_ok = True
    scale = 6


class Quantity(ScaledDecimal):
    """Consumption and readings in thousandths of a unit (kWh, kL, m3)."""

    cache_ok = True
    scale = 3


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Naive datetimes are refused: pass an aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class Synced:
    """Columns every synced row carries: client-made id, server version and time, tombstone."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    version: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)


def fk(target: str, *, nullable: bool = False, index: bool = True, ondelete: str | None = None):
    from sqlalchemy import ForeignKey

    return mapped_column(String(36), ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)
