"""The change log: written in the writer's transaction, handed out behind the snapshot fence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, text, tuple_
from sqlalchemy.orm import Session

from app.models.central import ChangeLogEntry
from sync.protocol import Change
from sync.records import row_payload
from sync.server.scope import DeviceScope, Location

# Larger than any txid: on SQLite every row is visible once committed.
NO_FENCE = 2**62


@dataclass(frozen=True)
class Position:
    """A place in the change log, ordered by (txid, seq)."""

    txid: int
    seq: int


@dataclass(frozen=True)
class Page:
    changes: list[Change]
    next_position: Position
    more: bool


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def current_txid(session: Session) -> int:
    if not _is_postgres(session):
        return 0
    return int(session.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one())


def fence(session: Session) -> int:
    """Rows with txid below this belong to finished transactions: no earlier row can still appear."""
    if not _is_postgres(session):
        return NO_FENCE
    return int(session.execute(
        text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")).scalar_one())


def record_change(session: Session, row: object, operation: str, location: Location, *,
                  txid: int, now: datetime, device_id: str | None = None) -> None:
    payload = row_payload(row)
    session.add(ChangeLogEntry(
        txid=txid, entity=type(row).__tablename__, entity_id=str(payload["id"]), operation=operation,
        version=int(payload.get("version") or 1), zone_id=location.zone_id,
        centre_id=location.centre_id, payload=payload, device_id=device_id, at=now,
    ))


def head_position(session: Session) -> Position:
    """Where a device that downloads a snapshot now should start pulling."""
    if _is_postgres(session):
        return Position(fence(session), 0)
    return Position(0, int(session.execute(select(func.coalesce(func.max(ChangeLogEntry.seq), 0))).scalar_one()))


def _scope_clause(scope: DeviceScope):
    return or_(
        ChangeLogEntry.zone_id.in_(scope.zone_ids),
        and_(ChangeLogEntry.zone_id.is_(None),
             or_(ChangeLogEntry.centre_id.is_(None), ChangeLogEntry.centre_id == scope.centre_id)),
    )


def read_page(session: Session, after: Position, scope: DeviceScope, limit: int) -> Page:
    """Rows after the cursor, in the device's scope, from finished transactions only."""
    below = fence(session)
    rows = session.execute(
        select(ChangeLogEntry)
        .where(tuple_(ChangeLogEntry.txid, ChangeLogEntry.seq) > tuple_(after.txid, after.seq),
               ChangeLogEntry.txid < below, _scope_clause(scope))
        .order_by(ChangeLogEntry.txid, ChangeLogEntry.seq)
        .limit(limit + 1)
    ).scalars().all()
    more = len(rows) > limit
    rows = rows[:limit]
    changes = [Change(entity=r.entity, entity_id=r.entity_id, operation=r.operation,
                      version=r.version, payload=r.payload) for r in rows]
    last = Position(rows[-1].txid, rows[-1].seq) if rows else after
    if not more:
        last = max(last, _caught_up(session, below), key=lambda p: (p.txid, p.seq))
    return Page(changes, last, more)


def _caught_up(session: Session, below: int) -> Position:
    # Nothing in scope is left below the fence, so skip past rows of other scopes for good.
    if below == NO_FENCE:
        return Position(0, int(session.execute(
            select(func.coalesce(func.max(ChangeLogEntry.seq), 0))).scalar_one()))
    return Position(below, 0)
