"""The demo's SQLite writer: a child process that owns the build's transactions.

Generating rows is Python work and inserting them is mostly SQLite's; a thread cannot run
them side by side (sqlite3 takes the GIL back for every row), a second process can. The
parent turns each row into the exact values the column types store (the conversions below
are checked against the types in the tests; every other column goes through its type's own
bind processor) and sends plain tuples; the child runs executemany inside BEGIN IMMEDIATE
... COMMIT, one transaction per phase, on a connection with the app's pragmas.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import struct
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import Column, Date, DateTime, Table
from sqlalchemy.engine import Dialect

from app.domain.core.money import to_decimal
from app.models.base import ScaledDecimal, UTCDateTime

SYNC_COLUMNS = ("version", "deleted", "updated_at")
CACHE_KIB = 2_000_000  # the writer's page cache (up to 2 GB): bulk inserts spill far less


class DemoWriteError(RuntimeError):
    """The writer process refused a batch; the phase is rolled back."""


# the stored forms ----------------------------------------------------------------------------


def stored_datetime(dialect: Dialect, moment: datetime) -> str:
    """The text the UTCDateTime column itself stores for `moment` on this dialect."""
    processor = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    stored = processor(moment) if processor else moment
    text = stored if isinstance(stored, str) else str(stored)
    if "'" in text:
        raise ValueError("unexpected quote in a stored datetime")
    return text


def scaled_integer(scale: int) -> Callable[[object], int | None]:
    """What a ScaledDecimal column stores: the integer of 10^-scale; more places are refused."""

    def convert(value: object) -> int | None:
        if value is None:
            return None
        scaled = (value if value.__class__ is Decimal else to_decimal(value)).scaleb(scale)
        whole = int(scaled)
        if whole != scaled:
            raise ValueError(f"{value} has more than {scale} decimal places")
        return whole

    return convert


def sqlite_datetime(value: datetime | None) -> str | None:
    """What UTCDateTime stores on SQLite: the UTC time as 'YYYY-MM-DD HH:MM:SS.ffffff'."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("Naive datetimes are refused: pass an aware datetime")
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def sqlite_date() -> Callable[[date | None], str | None]:
    memo: dict[date, str] = {}

    def convert(value: date | None) -> str | None:
        if value is None:
            return None
        text = memo.get(value)
        if text is None:
            if isinstance(value, datetime):
                raise ValueError("a date column takes a date")
            text = memo[value] = value.isoformat()
        return text

    return convert


def fast_converter(column: Column, dialect: Dialect) -> Callable[[object], object] | None:
    """How a value of this column is stored on SQLite; None when it is stored as it is."""
    kind = column.type
    if isinstance(kind, ScaledDecimal):
        return scaled_integer(kind.scale)
    if isinstance(kind, UTCDateTime):
        return sqlite_datetime
    if isinstance(kind, Date) and not isinstance(kind, DateTime):
        return sqlite_date()
    return kind.dialect_impl(dialect).bind_processor(dialect)


@dataclass(frozen=True)
class FastInsert:
    """One table's INSERT as plain SQL, and its rows as the tuples SQLite stores."""

    sql: str
    defaults: dict[str, object]
    convert_rows: Callable[[list[dict]], list[tuple]]

    @classmethod
    def of(cls, table: Table, dialect: Dialect, updated_at: str) -> FastInsert:
        synced = all(name in table.c for name in SYNC_COLUMNS)
        columns = [c for c in table.c if not (synced and c.name in SYNC_COLUMNS)]
        names = [f'"{column.name}"' for column in columns]
        values = ["?"] * len(columns)
        if synced:
            names += ['"version"', '"deleted"', '"updated_at"']
            values += ["1", "0", f"'{updated_at}'"]
        sql = f'INSERT INTO "{table.name}" ({", ".join(names)}) VALUES ({", ".join(values)})'
        defaults = {column.name: None for column in columns if column.nullable}
        defaults |= {column.name: column.default.arg for column in columns
                     if column.default is not None and column.default.is_scalar}
        return cls(sql, defaults, _compile_rows(columns, dialect))

    def rows(self, rows: list[dict]) -> list[tuple]:
        try:
            return self.convert_rows(rows)
        except KeyError:  # a column left to its default, as Core would fill it
            return self.convert_rows([{**self.defaults, **row} for row in rows])

    def values(self, row: dict) -> tuple:
        return self.rows([row])[0]


def _compile_rows(columns: list[Column], dialect: Dialect) -> Callable[[list[dict]], list[tuple]]:
    """One list comprehension per table, written out like namedtuple's methods: millions of
    rows go through it, and a generic loop over columns costs twice as much."""
    namespace: dict[str, object] = {}
    items = []
    for position, column in enumerate(columns):
        convert = fast_converter(column, dialect)
        item = f"row[{column.name!r}]"
        if convert is not None:
            namespace[f"_convert{position}"] = convert
            item = f"_convert{position}({item})"
        items.append(item)
    source = f"def convert_rows(rows):\n    return [({', '.join(items)},) for row in rows]\n"
    exec(source, namespace)  # noqa: S102 - the source is built from our own column names
    return namespace["convert_rows"]  # type: ignore[return-value]


# the two processes -------------------------------------------------------------------------------


class SqliteWriterProcess:
    """The parent's side: sends batches without waiting, waits at begin/sync/commit/rollback.

    The child is `python -m app.demo.sqlite_writer <url>` speaking length-prefixed pickles on
    its stdin and stdout, so nothing depends on how the parent's main module was started.
    """

    def __init__(self, url: str, updated_at: str) -> None:
        from app.models.db import make_engine

        self._dialect = make_engine(url).dialect
        self._updated_at = updated_at
        self._inserts: dict[Table, FastInsert] = {}
        project = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [project, *filter(None, [os.environ.get("PYTHONPATH")])]))
        self._process = subprocess.Popen([sys.executable, "-m", "app.demo.sqlite_writer", url],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)

    def begin(self) -> None:
        self._call("begin")

    def commit(self) -> None:
        self._call("commit")

    def rollback(self) -> None:
        if self._process.poll() is None:
            self._call("rollback")

    def sync(self) -> None:
        self._call("sync")

    def insert(self, batch: list[tuple[Table, list[dict]]]) -> None:
        payload = []
        for table, rows in batch:
            insert = self._insert(table)
            payload.append((insert.sql, insert.rows(rows)))
        self._send("rows", payload)

    def update(self, table: Table, rows: list[dict]) -> None:
        names = [name for name in rows[0] if name != "id"]
        sets = ", ".join(f'"{name}" = ?' for name in names)
        converters = [fast_converter(table.c[name], self._dialect) for name in names]
        values = [tuple((convert(row[name]) if convert else row[name])
                        for name, convert in zip(names, converters, strict=True)) + (row["id"],)
                  for row in rows]
        self._send("rows", [(f'UPDATE "{table.name}" SET {sets} WHERE "id" = ?', values)])

    def close(self) -> None:
        try:
            if self._process.poll() is None:
                self._call("stop")
        except DemoWriteError:
            pass
        finally:
            for stream in (self._process.stdin, self._process.stdout):
                if stream is not None:
                    stream.close()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def _insert(self, table: Table) -> FastInsert:
        insert = self._inserts.get(table)
        if insert is None:
            insert = self._inserts[table] = FastInsert.of(table, self._dialect, self._updated_at)
        return insert

    def _send(self, operation: str, payload: object = None) -> None:
        try:
            write_message(self._process.stdin, (operation, payload))
        except (BrokenPipeError, OSError, ValueError) as error:
            raise DemoWriteError(f"The demo writer process stopped ({error})") from None

    def _call(self, operation: str) -> None:
        self._send(operation)
        try:
            status, message = read_message(self._process.stdout)
        except (EOFError, OSError, ValueError) as error:
            raise DemoWriteError(f"The demo writer process stopped ({error!r})") from None
        if status == "error":
            raise DemoWriteError(message)


_HEADER = struct.Struct("<Q")


def write_message(stream: BinaryIO, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)))
    stream.write(data)
    stream.flush()


def read_message(stream: BinaryIO) -> object:
    header = _read_exactly(stream, _HEADER.size)
    return pickle.loads(_read_exactly(stream, _HEADER.unpack(header)[0]))


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    data = stream.read(size)
    if data is None or len(data) != size:
        raise EOFError("the other process closed the pipe")
    return data


def serve(url: str, requests: BinaryIO, replies: BinaryIO) -> None:  # pragma: no cover - child process
    """The child's loop: batches of rows are executed as they come; control operations answer."""
    from app.models.db import make_engine

    engine = make_engine(url)
    proxy = engine.raw_connection()  # with the app's pragmas (WAL, foreign keys, busy timeout)
    connection = proxy.driver_connection
    connection.execute(f"PRAGMA cache_size={-CACHE_KIB}")
    # A rollback journal while building: new pages go straight into the file instead of
    # through the write-ahead log and a checkpoint (twice the writing). It only switches when
    # no other connection has the file open; otherwise the build simply stays in WAL mode.
    connection.execute("PRAGMA journal_mode=DELETE")
    cursor = connection.cursor()
    failure: str | None = None
    try:
        while True:
            operation, payload = read_message(requests)
            if operation == "rows":
                if failure is None:
                    try:
                        for sql, rows in payload:
                            cursor.executemany(sql, rows)
                    except Exception as error:  # reported at the next control operation
                        failure = f"{type(error).__name__}: {error}"
                continue
            if operation == "stop":
                connection.execute("PRAGMA journal_mode=WAL")
                write_message(replies, ("ok", None))
                return
            reply, failure = _control(connection, operation, failure)
            write_message(replies, ("error", reply) if reply else ("ok", None))
    finally:
        cursor.close()
        proxy.close()
        engine.dispose()


def _control(connection, operation: str, failure: str | None) -> tuple[str | None, str | None]:
    """Runs begin/commit/rollback/sync; returns (what to report, the failure still pending)."""
    try:
        if operation == "begin":
            connection.execute("BEGIN IMMEDIATE")
            return None, None
        if operation == "commit" and failure is None:
            connection.execute("COMMIT")
        elif operation == "rollback":
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            return None, None
        return failure, failure
    except Exception as error:
        message = f"{type(error).__name__}: {error}"
        return message, message


if __name__ == "__main__":  # pragma: no cover - the child process
    # EOFError: the parent went away, and its open transaction was never committed
    with contextlib.suppress(EOFError):
        serve(sys.argv[1], sys.stdin.buffer, sys.stdout.buffer)
