"""Engine, SQLite pragmas, sessions, and Alembic migrations applied at start-up."""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections import deque
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, exc, text
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from app.domain.core.errors import UtilityDeskError
from app.schema_version import MIGRATIONS
from app.schema_version import head_revision as _only_head

if TYPE_CHECKING:
    from alembic.config import Config

BUSY_SECONDS = 15  # how long a writer waits for SQLite's write lock before "database is locked"


class DatabaseError(UtilityDeskError):
    """The database file cannot be used as it is; nothing was changed."""


def make_engine(url: str, *, echo: bool = False) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy issue BEGIN itself (see _sqlite_begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # FULL: money tables live here, and a committed payment must survive a power cut.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
    cursor.close()


# Execution option naming a connection whose transaction will write (see LocalSession.begin).
WRITES = "utilitydesk_writes"


def _sqlite_begin(connection: Connection) -> None:
    # A writer takes the write lock at BEGIN, so two writers queue instead of failing half-way
    # with "database is locked" (a deferred transaction that reads first and then writes cannot
    # wait: its snapshot is stale once another writer commits). A reader begins deferred: in WAL
    # mode it never holds the write lock, so it delays no writer.
    writes = connection.get_execution_options().get(WRITES, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


class WriteQueue:
    """This process's writers of one SQLite file, first come first served.

    SQLite's busy handler sleeps ever longer between tries (up to 100 ms), so a writer that commits
    every few milliseconds (a counter taking 40 payments a second) would keep a waiting one (the
    sync agent storing results and leases) out for seconds. Here the lock is handed to the longest
    waiter at each commit; SQLite's own lock (busy_timeout) still guards against other processes.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held = False
        self._waiters: deque[threading.Event] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._lock:
            if not self._held:
                self._held = True
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        with self._lock:
            if turn.is_set():  # handed over just as the wait ended
                return True
            self._waiters.remove(turn)
            return False

    def release(self) -> None:
        with self._lock:
            if self._waiters:
                self._waiters.popleft().set()  # handed over: still held
            else:
                self._held = False


_queues: weakref.WeakKeyDictionary[Engine, WriteQueue] = weakref.WeakKeyDictionary()
_queues_lock = threading.Lock()


def write_queue(bind: Engine | Connection) -> WriteQueue | None:
    engine = bind.engine
    if engine.dialect.name != "sqlite":
        return None
    with _queues_lock:
        return _queues.setdefault(engine, WriteQueue())


class LocalSession(Session):
    """Transactions begun explicitly (`with session.begin():`, every use case) are writes: they wait
    their turn in the write queue and take SQLite's write lock at their start. A session used
    without begin() (autobegin) only reads, in a deferred transaction. Nothing in the app commits an
    autobegun transaction."""

    _queued: WriteQueue | None = None

    def begin(self, nested: bool = False) -> SessionTransaction:
        transaction = super().begin(nested)
        if nested:
            return transaction
        queue = write_queue(self.get_bind())
        if queue is not None and not queue.acquire(BUSY_SECONDS):
            transaction.rollback()
            raise exc.OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError(
                f"database is locked: another writer of this app held it for {BUSY_SECONDS} s"))
        self._queued = queue
        try:
            self.connection(execution_options={WRITES: True})  # BEGIN IMMEDIATE now, not at first write
        except BaseException:
            transaction.rollback()
            raise
        return transaction


@event.listens_for(LocalSession, "after_transaction_end")
def _end_of_write(session: LocalSession, transaction: SessionTransaction) -> None:
    if transaction.parent is None and session._queued is not None:
        queue, session._queued = session._queued, None
        queue.release()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, class_=LocalSession)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _at_head(engine: Engine) -> bool:
    """True when the database already has the newest schema: the everyday start, which then needs
    neither Alembic nor its migration scripts."""
    head = _only_head()
    try:
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except exc.DatabaseError:
        return False  # a new file, or one Alembic should look at (and explain)
    return head is not None and stored == [head]


def upgrade(engine: Engine) -> None:
    """Bring the schema to head; refuse a file that is not ours or is newer than us."""
    if _at_head(engine):
        return
    from alembic import command
    from alembic.script import ScriptDirectory

    config = alembic_config(engine)
    script = ScriptDirectory.from_config(config)
    try:
        revision = current_revision(engine)
    except exc.DatabaseError as error:
        raise DatabaseError(
            f"The database file cannot be read ({error.orig}). It may be damaged or not a "
            "UtilityDesk database; restore it from a backup or choose another data folder."
        ) from error
    known = {rev.revision for rev in script.walk_revisions()}
    if revision is not None and revision not in known:
        raise DatabaseError(
            f"The database was created by a newer version of UtilityDesk (schema {revision}). "
            "Install the newer version; this one will not change the file."
        )
    command.upgrade(config, "head")


def open_database(url: str) -> tuple[Engine, sessionmaker[Session]]:
    engine = make_engine(url)
    upgrade(engine)
    return engine, session_factory(engine)
