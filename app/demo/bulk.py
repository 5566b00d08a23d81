"""Bulk writing for the demo: deterministic ids, local times, chunked inserts in FK order."""

from __future__ import annotations

import itertools
import sys
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, Table, bindparam, false, literal_column, update
from sqlalchemy.sql.dml import Insert

from app.demo.sqlite_writer import SqliteWriterProcess, stored_datetime
from app.models.base import Base

_NAMESPACE = uuid.UUID("6f1d2c1e-5b7a-4c1e-9d55-7a2f0e4b9c31")
SYNC_COLUMNS = ("version", "deleted", "updated_at")


class DemoIds:
    """Row ids that are the same for the same seed: '<seed>-<table>-5000-8000-<serial>'.

    They are valid UUID strings (version nibble 5), never equal to the uuid4 ids the app
    makes later, and far cheaper than hashing a uuid5 for each of millions of rows.
    """

    def __init__(self, seed: int) -> None:
        self._base = uuid.uuid5(_NAMESPACE, f"utilitydesk-demo:{seed}").hex[:8]
        self._makers: dict[str, Callable[[], str]] = {}

    def maker(self, table: str) -> Callable[[], str]:
        """The id maker of one table (the same one each time it is asked for)."""
        maker = self._makers.get(table)
        if maker is None:
            code = uuid.uuid5(_NAMESPACE, table).hex[:4]
            text = f"{self._base}-{code}-5000-8000-{{:012x}}".format
            serials = itertools.count(1)
            maker = self._makers[table] = lambda: text(next(serials))
        return maker

    def new(self, table: str) -> str:
        return self.maker(table)()


class LocalTime:
    """Times of day in the utility's zone, as the aware UTC datetimes the columns want."""

    def __init__(self, zone_name: str, now: datetime | None = None) -> None:
        self.zone = ZoneInfo(zone_name)
        self._hours: dict[tuple[date, int], datetime] = {}
        self.now = now
        self.today = now.astimezone(self.zone).date() if now else None

    def at(self, day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
        if day == self.today:
            return self._so_far_today(day, hour, minute, second)
        return self._at(day, hour, minute, second)

    def _so_far_today(self, day: date, hour: int, minute: int, second: int) -> datetime:
        """Today's events keep their order but happen between midnight and now: a demo built at
        4 a.m. has no payment stamped 9:27 a.m."""
        assert self.now is not None
        midnight = self._at(day, 0)
        elapsed = self.now - midnight
        planned = self._at(day, hour, minute, second) - midnight
        return midnight + elapsed * (planned / timedelta(days=1))

    def _at(self, day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
        # The zone's offset is looked up once per local hour (offsets change on the hour).
        start = self._hours.get((day, hour))
        if start is None:
            start = datetime.combine(day, time(hour), self.zone).astimezone(UTC)
            if len(self._hours) > 100_000:
                self._hours.clear()
            self._hours[(day, hour)] = start
        if minute or second:
            return start + timedelta(minutes=minute, seconds=second)
        return start


class BulkWriter:
    """Buffers rows per table and writes them in chunks of about 10,000, parents first.

    The sync columns of generated history are the same for every row (version 1, not
    deleted, updated when the demo was built), so they go into the statement as constants.
    On an SQLite file a child process owns the writes (sqlite_writer.py): SQLite's own work
    then runs on the second core while this process generates the next rows. Elsewhere
    (PostgreSQL, in-memory SQLite) Core's executemany on one connection does it all.
    """

    def __init__(self, backend: _CoreBackend | SqliteWriterProcess, chunk_rows: int = 10_000) -> None:
        self.backend = backend
        self.chunk_rows = chunk_rows
        self.counts: Counter[str] = Counter()
        self._buffers: dict[Table, list[dict]] = defaultdict(list)
        self._pending = 0

    @classmethod
    @contextmanager
    def open(cls, engine: Engine, built_at: datetime) -> Iterator[BulkWriter]:
        url = engine.url
        frozen = getattr(sys, "frozen", False)  # a bundled app cannot run `python -m`
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:") and not frozen:
            engine.dispose()  # no idle connections: the writer may then build without the WAL
            backend: _CoreBackend | SqliteWriterProcess = SqliteWriterProcess(
                url.render_as_string(hide_password=False), stored_datetime(engine.dialect, built_at))
            try:
                yield cls(backend)
            finally:
                backend.close()
            return
        with engine.connect() as connection:
            yield cls(_CoreBackend(connection, stored_datetime(engine.dialect, built_at)))

    def add(self, table: Table, row: dict) -> None:
        self._buffers[table].append(row)
        self._pending += 1
        if self._pending >= self.chunk_rows:
            self._send()

    def appender(self, table: Table) -> Callable[[dict], None]:
        """A fast add for the hottest tables; the caller calls `flush_if_full` now and then."""
        return self._buffers[table].append

    def flush_if_full(self) -> None:
        if sum(len(rows) for rows in self._buffers.values()) >= self.chunk_rows:
            self._send()

    def update(self, table: Table, rows: list[dict]) -> None:
        """Sets columns of existing rows, each dict holding the row's "id" and the new values."""
        self.flush()
        self.backend.update(table, rows)

    def flush(self) -> None:
        """Everything added so far is written (in the open transaction)."""
        self._send()
        self.backend.sync()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One phase: committed with all its rows, or rolled back with none of them."""
        self.backend.begin()
        try:
            yield
            self._send()
            self.backend.commit()
        except BaseException:
            for rows in self._buffers.values():
                rows.clear()
            self._pending = 0
            self.backend.rollback()
            raise

    def _send(self) -> None:
        batch = [(table, rows) for table in Base.metadata.sorted_tables
                 if (rows := self._buffers.get(table))]
        if batch:
            self.backend.insert(batch)  # converts or executes before returning
            for table, rows in batch:
                self.counts[table.name] += len(rows)
                rows.clear()  # in place: appenders keep adding to the same lists
        self._pending = 0


class _CoreBackend:
    """Core executemany on one connection: for PostgreSQL and in-memory SQLite."""

    def __init__(self, connection: Connection, updated_at: str) -> None:
        self.connection = connection
        self._updated_at = updated_at
        self._statements: dict[Table, Insert] = {}
        self._transaction = None

    def begin(self) -> None:
        self._transaction = self.connection.begin()

    def commit(self) -> None:
        self._transaction.commit()

    def rollback(self) -> None:
        if self._transaction is not None and self._transaction.is_active:
            self._transaction.rollback()

    def sync(self) -> None:
        pass

    def insert(self, batch: list[tuple[Table, list[dict]]]) -> None:
        for table, rows in batch:
            self.connection.execute(self._statement(table), rows)

    def update(self, table: Table, rows: list[dict]) -> None:
        names = [name for name in rows[0] if name != "id"]
        statement = (update(table).where(table.c.id == bindparam("row_id"))
                     .values({name: bindparam(f"new_{name}") for name in names}))
        self.connection.execute(statement, [{"row_id": row["id"], **{f"new_{n}": row[n] for n in names}}
                                            for row in rows])

    def _statement(self, table: Table) -> Insert:
        statement = self._statements.get(table)
        if statement is None:
            statement = table.insert()
            if all(name in table.c for name in SYNC_COLUMNS):
                statement = statement.values(version=literal_column("1"), deleted=false(),
                                             updated_at=literal_column(f"'{self._updated_at}'"))
            self._statements[table] = statement
        return statement
