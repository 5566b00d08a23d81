"""New pulled rows into SQLite in bulk: one executemany of tuples built by a plan made once per table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from operator import itemgetter

from sqlalchemy import Dialect, Table, insert
from sqlalchemy.orm import Session

from sync.records import column_readers, table_values


def insert_new(session: Session, cls: type, payloads: list[dict]) -> None:
    """executemany INSERT of new rows. A payload with every column goes straight to the driver as
    one tuple, read and bound column by column with a plan made once per table (building a dict of
    values and then SQLAlchemy's parameters for each row cost more than SQLite's insert); the rest
    (an older server's payload, say) through SQLAlchemy, which fills in the columns' defaults."""
    if not payloads:
        return
    table: Table = cls.__table__
    connection = session.connection()
    plan = _insert_plan(cls, connection.dialect) if connection.dialect.paramstyle == "qmark" else None
    partial: dict[frozenset, list[dict]] = {}
    rows: list[tuple] = []
    for payload in payloads:
        if plan is None or not plan.keys <= payload.keys():
            _group(partial, payload, cls)
            continue
        row = list(plan.values(payload))
        for i, convert in plan.converters:
            if row[i] is not None:
                row[i] = convert(row[i])
        rows.append(tuple(row))
    if rows:
        connection.exec_driver_sql(plan.sql, rows)
    for group in partial.values():
        connection.execute(insert(table), group)


def _group(groups: dict[frozenset, list[dict]], payload: dict, cls: type) -> None:
    values = table_values(cls, payload)
    values["id"] = str(payload["id"])
    groups.setdefault(frozenset(values), []).append(values)


@dataclass(frozen=True)
class _InsertPlan:
    keys: frozenset[str]  # the payload keys a row needs to take this way
    values: Callable[[dict], tuple]  # the payload's values in the table's column order
    converters: tuple[tuple[int, Callable], ...]  # (position, converter) where a value needs one
    sql: str


@cache
def _insert_plan(cls: type, dialect: Dialect) -> _InsertPlan | None:
    """How a full payload becomes one INSERT's parameters, or None when some column of the table
    is not in the payload (SQLAlchemy then fills in its default).

    A converter reads the payload's value (sync.records.column_readers: the id as text, money and
    times parsed and checked) and binds it as SQLAlchemy would (the column type's bind processor)."""
    table: Table = cls.__table__
    readers = column_readers(cls)
    if len(readers) != len(table.c):
        return None
    converters = []
    for i, (key, name, read) in enumerate(readers):
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        convert = _compose(str if key == "id" else read, process)
        if convert is not None:
            converters.append((i, convert))
    quote = dialect.identifier_preparer
    columns = ", ".join(quote.quote(name) for _, name, _ in readers)
    keys = [key for key, _, _ in readers]
    return _InsertPlan(frozenset(keys), itemgetter(*keys), tuple(converters),
                       f"INSERT INTO {quote.format_table(table)} ({columns}) VALUES ({', '.join('?' * len(keys))})")


def _compose(read, process):
    if read is None:
        return process
    if process is None:
        return read
    return lambda raw: process(read(raw))
