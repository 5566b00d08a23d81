"""The append-only, hash-chained audit trail: writing entries and verifying the chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.domain.core.permissions import Permission
from app.models.system import AuditEntry
from app.services.core.audit_chain import (
    CHAIN_COLUMNS,
    GENESIS,
    ChainCheck,
    check_chain,
    entry_hash,
)
from app.services.core.context import Actor, AppContext
from app.services.core.serialize import json_safe

__all__ = ["GENESIS", "AuditFilter", "AuditRow", "AuditService", "ChainCheck", "append", "entry_hash",
           "verify"]


def _lock_chain(session: Session) -> None:
    # SQLite already serialises writers (BEGIN IMMEDIATE); PostgreSQL needs a lock
    # so that two concurrent transactions cannot both extend the same tail.
    if session.bind is not None and session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7411001)"))


def append(session: Session, *, at: datetime, actor: Actor, device_id: str, action: str,
           entity: str, entity_id: str, summary: dict) -> AuditEntry:
    _lock_chain(session)
    prev = session.execute(select(AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)).scalar()
    prev_hash = prev or GENESIS
    clean = json_safe(summary)
    entry = AuditEntry(
        at=at, user_name=actor.username, device_id=device_id, action=action, entity=entity,
        entity_id=str(entity_id), summary=clean, prev_hash=prev_hash,
        hash=entry_hash(prev_hash, at, actor.username, device_id, action, entity, str(entity_id), clean),
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: datetime
    user_name: str
    device_id: str
    action: str
    entity: str
    entity_id: str
    summary: dict


@dataclass(frozen=True)
class AuditFilter:
    user_name: str = ""
    action: str = ""
    entity: str = ""
    date_from: date | None = None
    date_to: date | None = None


class AuditService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def search(self, actor: Actor, flt: AuditFilter, *, limit: int = 500, offset: int = 0) -> list[AuditRow]:
        actor.require(Permission.VIEW_AUDIT)
        query = select(AuditEntry).order_by(AuditEntry.seq.desc())
        if flt.user_name:
            query = query.where(AuditEntry.user_name.ilike(f"%{flt.user_name}%"))
        if flt.action:
            query = query.where(AuditEntry.action.ilike(f"%{flt.action}%"))
        if flt.entity:
            query = query.where(AuditEntry.entity.ilike(f"%{flt.entity}%"))
        if flt.date_from:
            query = query.where(func.date(AuditEntry.at) >= flt.date_from.isoformat())
        if flt.date_to:
            query = query.where(func.date(AuditEntry.at) <= flt.date_to.isoformat())
        with self.app.sessions() as session:
            rows = session.execute(query.limit(limit).offset(offset)).scalars().all()
            return [AuditRow(r.seq, r.at, r.user_name, r.device_id, r.action, r.entity, r.entity_id, r.summary)
                    for r in rows]

    def distinct_values(self, actor: Actor, column: str) -> list[str]:
        actor.require(Permission.VIEW_AUDIT)
        col = {"user": AuditEntry.user_name, "action": AuditEntry.action, "entity": AuditEntry.entity}[column]
        with self.app.sessions() as session:
            return sorted(session.execute(select(col).distinct()).scalars().all())

    def verify_chain(self, actor: Actor) -> ChainCheck:
        """Recompute every hash in order; report the first entry where the chain breaks."""
        actor.require(Permission.VIEW_AUDIT)
        with self.app.sessions() as session:
            return verify(session)


def verify(session: Session) -> ChainCheck:
    """The chain read through the ORM (any database); `audit verify` reads the file directly."""
    columns = [getattr(AuditEntry, name) for name in CHAIN_COLUMNS]
    return check_chain(session.execute(select(*columns).order_by(AuditEntry.seq)).yield_per(2000))
