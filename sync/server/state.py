"""The handles one service process holds: engine, sessions, configuration, metrics, epoch."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from app.models.central import ServerMeta
from app.models.db import make_engine, session_factory
from app.services.core.context import AppContext
from sync.server.config import ServerConfig
from sync.server.metrics import Metrics

EPOCH_KEY = "epoch"


@dataclass
class Central:
    """Nothing here is state another process would need: all of that lives in the database."""

    config: ServerConfig
    engine: Engine
    sessions: sessionmaker[Session]
    metrics: Metrics

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def app_context(self) -> AppContext:
        return AppContext(sessions=self.sessions, device_id="central", device_code="CENTRAL",
                          clock=self.config.clock)

    def now(self):
        return self.config.clock.now()


def open_central(config: ServerConfig) -> Central:
    engine = _engine(config)
    central = Central(config, engine, session_factory(engine), Metrics())
    ensure_epoch(central.sessions)
    return central


def _engine(config: ServerConfig) -> Engine:
    if config.database_url.startswith("sqlite"):
        return make_engine(config.database_url)
    return create_engine(config.database_url, pool_pre_ping=True, pool_size=config.pool_size,
                         max_overflow=config.pool_size * 2)


def _insert(session: Session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def ensure_epoch(sessions: sessionmaker[Session]) -> str:
    """Create the epoch on first start; every process then reads the same one."""
    with sessions() as session, session.begin():
        insert = _insert(session)
        session.execute(insert(ServerMeta).values(key=EPOCH_KEY, value=uuid.uuid4().hex)
                        .on_conflict_do_nothing(index_elements=["key"]))
    return current_epoch_of(sessions)


def current_epoch(session: Session) -> str:
    return session.execute(select(ServerMeta.value).where(ServerMeta.key == EPOCH_KEY)).scalar_one()


def current_epoch_of(sessions: sessionmaker[Session]) -> str:
    with sessions() as session:
        return current_epoch(session)


def rotate_epoch(sessions: sessionmaker[Session]) -> str:
    """After restoring a backup: every device re-bootstraps and re-pushes what was lost."""
    epoch = uuid.uuid4().hex
    with sessions() as session, session.begin():
        row = session.get(ServerMeta, EPOCH_KEY)
        if row is None:
            session.add(ServerMeta(key=EPOCH_KEY, value=epoch))
        else:
            row.value = epoch
    return epoch
