"""Engine, SQLite pragmas, sessions, and Alembic migrations applied at start-up."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from app.domain.core.errors import UtilityDeskError

MIGRATIONS = Path(__file__).with_name("migrations")


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
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.close()


# Execution option naming a connection whose transaction will write (see LocalSession.begin).
WRITES = "utilitydesk_writes"


def _sqlite_begin(connection: Connection) -> None:
    # A writer takes the write lock at BEGIN, so two writers queue on busy_timeout instead of
    # failing half-way with "database is locked" (a deferred transaction that reads first and
    # then writes cannot wait: its snapshot is stale once another writer commits). A reader
    # begins deferred: in WAL mode it never holds the write lock, so it delays no writer.
    writes = connection.get_execution_options().get(WRITES, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


class LocalSession(Session):
    """Transactions begun explicitly (`with session.begin():`, every use case) are writes and take
    the write lock at their start; a session used without begin() (autobegin) only reads, in a
    deferred transaction. Nothing in the app commits an autobegun transaction."""

    def begin(self, nested: bool = False) -> SessionTransaction:
        transaction = super().begin(nested)
        if not nested:
            self.connection(execution_options={WRITES: True})  # BEGIN IMMEDIATE now, not at first write
        return transaction


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, class_=LocalSession)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Bring the schema to head; refuse a file that is not ours or is newer than us."""
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
