"""The change log: written in the writer's transaction, handed out behind the snapshot fence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    and_,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.orm import Session

from app.models.central import ChangeLogEntry
from app.models.system import OutboxEntry
from sync.protocol import Change
from sync.records import SERVER_COLUMNS, row_payload
from sync.server.scope import DeviceScope, Location, Locator, consumer_locations

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


def txid_column(session: Session):
    """current_txid as a column, to ask for it in a statement the transaction runs anyway."""
    if not _is_postgres(session):
        return literal(0, BigInteger)
    return literal_column("pg_current_xact_id()::text::bigint", BigInteger)


# The oldest transaction still running that could write this database's change log: the snapshot's
# in-progress xids, less those that pg_stat_activity (or pg_prepared_xacts) places in another
# database, and this transaction's own. Not the snapshot's xmin, which is cluster-wide: a long
# transaction in any other database would stall every pull. An xid that finished between the
# snapshot and the activity read is not found there and so still counts (it may be ours and not
# visible to this snapshot); backends whose database is not shown count too.
_FENCE = text("""
WITH snap AS (SELECT pg_current_snapshot() AS s),
elsewhere AS (
    SELECT backend_xid::text::bigint AS xid FROM pg_stat_activity
     WHERE backend_xid IS NOT NULL AND datname <> current_database()
    UNION ALL
    SELECT transaction::text::bigint FROM pg_prepared_xacts WHERE database <> current_database())
SELECT LEAST(pg_snapshot_xmax(s)::text::bigint,
             pg_current_xact_id_if_assigned()::text::bigint,
             (SELECT min(x::text::bigint) FROM pg_snapshot_xip(s) AS x
               WHERE x::text::bigint % 4294967296 NOT IN (SELECT xid FROM elsewhere)))
FROM snap""")


def fence(session: Session) -> int:
    """Rows with txid below this belong to finished transactions: no earlier row can still appear.

    Rows below it are visible to any later statement of this transaction (READ COMMITTED takes a
    newer snapshot, which sees at least what this one saw committed)."""
    if not _is_postgres(session):
        return NO_FENCE
    return int(session.execute(_FENCE).scalar_one())


def record_change(session: Session, row: object, operation: str, location: Location, *,
                  txid: int, now: datetime, device_id: str | None = None, sent: dict | None = None) -> None:
    """Log a committed row for the devices that pull it.

    device_id names the device whose push this is, and only when the row is what that device sent
    (`sent`, its payload): that device already holds it, so its pulls skip it. When the server
    altered it (a column the author may not write, a value a rule changed) device_id stays None
    and the author receives the server's row like everyone else.
    """
    session.add(ChangeLogEntry(**change_values(row, operation, location, txid=txid, now=now,
                                               device_id=device_id, sent=sent)))


def change_values(row: object, operation: str, location: Location, *, txid: int, now: datetime,
                  device_id: str | None = None, sent: dict | None = None) -> dict[str, object]:
    """The change log row record_change writes, as column values."""
    payload = row_payload(row)
    echo = device_id if device_id is not None and sent is not None and not altered(payload, sent) else None
    return {"txid": txid, "entity": type(row).__tablename__, "entity_id": str(payload["id"]),
            "operation": operation, "version": int(payload.get("version") or 1), "zone_id": location.zone_id,
            "centre_id": location.centre_id, "payload": payload, "device_id": echo, "at": now}


def record_changes(session: Session, changes: list[dict[str, object]]) -> None:
    """Many change_values at once, one executemany INSERT (Core: no ORM object, no RETURNING of
    each seq); seq follows the list's order, as it followed the order record_change added them."""
    if changes:
        session.execute(insert(ChangeLogEntry.__table__), changes)


def drain_outbox(session: Session, now: datetime) -> int:
    """The desktop's use cases run by the service (a central bill run) queue their synced rows in
    the outbox, as on a desktop: here they become change-log rows, in the writer's transaction
    and in the order they were queued, and leave the outbox empty. Returns how many."""
    session.flush()
    queued = sorted(session.execute(
        delete(OutboxEntry).returning(OutboxEntry.seq, OutboxEntry.entity, OutboxEntry.entity_id,
                                      OutboxEntry.operation, OutboxEntry.payload)
        .execution_options(synchronize_session=False)).all())
    if not queued:
        return 0
    txid, locator, bills = current_txid(session), Locator(session, consumer_locations(
        session, {str(row[4]['consumer_id']) for row in queued if row[4].get('consumer_id')})), {}
    rows = []
    for _seq, entity, entity_id, operation, payload in queued:
        # a chunk's lines follow their bills: their place is their bill's, without a lookup each
        where = bills.get(payload.get("bill_id")) if entity == "bill_lines" else None
        where = where or locator.locate(entity, payload)
        if entity == "bills":
            bills[entity_id] = where
        rows.append({"txid": txid, "entity": entity, "entity_id": entity_id, "operation": operation,
                     "version": int(payload.get("version") or 1), "zone_id": where.zone_id,
                     "centre_id": where.centre_id, "payload": payload, "device_id": None, "at": now})
    session.execute(insert(ChangeLogEntry.__table__), rows)
    return len(rows)


def altered(stored: dict, sent: dict) -> bool:
    """Whether the server's row differs from what the device sent in any column but the server's own
    (version and updated_at, which the device sets the same way or which only the server decides)."""
    return any(stored.get(key) != sent.get(key) for key in stored if key not in SERVER_COLUMNS)


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


def read_page(session: Session, after: Position, scope: DeviceScope, limit: int,
              device_id: str | None = None) -> Page:
    """Rows after the cursor, in the device's scope, from finished transactions only; not the rows
    this device pushed itself and the server kept as sent (see record_change)."""
    below = fence(session)
    mine = [] if device_id is None else [or_(ChangeLogEntry.device_id.is_(None),
                                              ChangeLogEntry.device_id != device_id)]
    rows = session.execute(
        select(ChangeLogEntry)
        .where(tuple_(ChangeLogEntry.txid, ChangeLogEntry.seq) > tuple_(after.txid, after.seq),
               ChangeLogEntry.txid < below, _scope_clause(scope), *mine)
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
