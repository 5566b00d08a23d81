"""SQL pieces of the dashboard that differ between SQLite and PostgreSQL, and raw-unit sums."""

from __future__ import annotations

from sqlalchemy import BigInteger, ColumnElement, func, literal_column, type_coerce

from app.models.base import MoneyAmount, Quantity


def raw(column: ColumnElement) -> ColumnElement:
    """A scaled column as its stored integer (minor units, thousandths), for exact arithmetic
    in SQL: `Bill.consumption * 2` would otherwise bind 2 as 2.000 units."""
    return type_coerce(column, BigInteger())


def money_sum(column: ColumnElement) -> ColumnElement:
    return type_coerce(func.coalesce(func.sum(raw(column)), 0), MoneyAmount())


def quantity_sum(column: ColumnElement) -> ColumnElement:
    return type_coerce(func.coalesce(func.sum(raw(column)), 0), Quantity())


def month_of(column: ColumnElement, dialect: str) -> ColumnElement:
    if dialect == "sqlite":
        return func.strftime("%m", column)
    return func.to_char(column, "MM")


def month_key(column: ColumnElement, dialect: str) -> ColumnElement:
    """'2026-05' for a date: the revenue trend's buckets."""
    if dialect == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(column, "YYYY-MM")


def days_before(column: ColumnElement, days: int, dialect: str) -> ColumnElement:
    if dialect == "sqlite":
        return func.date(column, f"-{int(days)} days")
    return column - literal_column(str(int(days)))


def age_days(moment: ColumnElement, now_iso: str, dialect: str) -> ColumnElement:
    """Days (with fractions) from a timestamp to now."""
    if dialect == "sqlite":
        return func.julianday(now_iso) - func.julianday(moment)
    return func.extract("epoch", func.cast(now_iso, type_=moment.type) - moment) / 86400
