"""The desktop side of sync in its SQLite: outbox results, pulled rows, cursor, number blocks."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    func,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from app.domain.core.errors import NotFound, ValidationError
from app.domain.payments.rules import PaymentStatus
from app.models.system import NumberBlock, OutboxEntry, SyncState
from sync.bulk import insert_new
from sync.protocol import Operation, OperationResult
from sync.records import APPEND_ONLY, build_row, entity_class, table_values

PENDING = "Pending"
STATES = {"applied": "Applied", "duplicate": "Duplicate", "conflict": "Conflict", "rejected": "Rejected"}
CURSOR, EPOCH, ACKED_SEQ, LAST_SYNC = "cursor", "epoch", "acked_seq", "last_sync"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SyncProblem:
    """An operation the central service refused or found stale: shown under "Sync problems"."""

    seq: int
    entity: str
    entity_id: str
    operation: str
    state: str
    reason: str
    created_at: datetime


def get_state(session: Session, key: str, default: str = "") -> str:
    row = session.get(SyncState, key)
    return row.value if row is not None else default


def set_state(session: Session, key: str, value: str) -> None:
    row = session.get(SyncState, key)
    if row is None:
        session.add(SyncState(key=key, value=value))
    else:
        row.value = value


def pending_operations(session: Session, limit: int) -> list[Operation]:
    rows = session.execute(select(OutboxEntry).where(OutboxEntry.state == PENDING)
                           .order_by(OutboxEntry.seq).limit(limit)).scalars()
    return [Operation(seq=r.seq, entity=r.entity, entity_id=r.entity_id, operation=r.operation,
                      payload=r.payload, base_version=r.base_version, actor=r.actor_username) for r in rows]


def record_results(session: Session, results: list[OperationResult]) -> Counter[str]:
    """Mark each outbox row with its outcome; a conflict shows the server's current row."""
    entries = {e.seq: e for e in session.execute(
        select(OutboxEntry).where(OutboxEntry.seq.in_([r.seq for r in results]))).scalars()}
    counts: Counter[str] = Counter()
    for result in results:
        entry = entries[result.seq]
        entry.state, entry.attempts = STATES[result.status], entry.attempts + 1
        entry.last_error = result.reason if result.status in ("conflict", "rejected") else ""
        counts[result.status] += 1
    session.flush()
    for result in results:
        if result.status == "conflict" and result.current is not None:
            apply_rows(session, result.entity, [result.current])
            _withdraw_dependents(session, entries, result)
    return counts


WITHDRAWN = " (taken out of this desktop's records with it)"


def _withdraw_dependents(session: Session, entries: dict[int, OutboxEntry], refused: OperationResult) -> None:
    """A change that lost a conflict takes the append-only rows written with it out of the local
    database too (a void's reversing ledger entry): the server refused them with it, and the
    record now holds the server's state. They follow the change straight away in the outbox."""
    seq = refused.seq + 1
    while (entry := entries.get(seq)) is not None and entry.state == "Rejected" and entry.operation == "insert" \
            and entry.entity in APPEND_ONLY and isinstance(entry.payload, dict) \
            and refused.entity_id in entry.payload.values():
        cls = entity_class(entry.entity)
        row = session.get(cls, entry.entity_id) if cls is not None else None
        if row is not None:
            session.delete(row)
            entry.last_error += WITHDRAWN
        seq += 1
    session.flush()


def pending_ids(session: Session, entity_ids: list[str]) -> set[str]:
    found: set[str] = set()
    if not entity_ids or session.execute(select(OutboxEntry.seq).where(OutboxEntry.state == PENDING)
                                         .limit(1)).first() is None:
        return found  # nothing waits to be pushed (a first download): no need to look each id up
    for chunk in _chunks(entity_ids):
        found.update(session.execute(select(OutboxEntry.entity_id).where(
            OutboxEntry.state == PENDING, OutboxEntry.entity_id.in_(chunk))).scalars())
    return found


def apply_rows(session: Session, entity: str, rows: list[dict]) -> int:
    """Upsert rows from the server, newest version wins; rows with unpushed local changes are kept.

    Bulk: one query for the ids already here and one for the pending outbox ids, then one
    executemany INSERT for new rows and one executemany UPDATE for existing ones (Core, no ORM
    objects: a bootstrap page of thousands of rows must not build thousands of instances).
    """
    cls = entity_class(entity)
    if cls is None or not rows:
        return 0  # a record type this version does not know yet
    session.flush()  # ORM changes already in this session go first, as they did with merge()
    latest: dict[str, dict] = {}
    for payload in rows:  # the same row twice in one batch: the newer version (or the later one) wins
        row_id = str(payload["id"])
        seen = latest.get(row_id)
        if seen is None or int(payload.get("version") or 0) >= int(seen.get("version") or 0):
            latest[row_id] = payload
    ids = list(latest)
    keep = pending_ids(session, ids)
    table = cls.__table__
    versions: dict[str, int] = {}
    # Ids all above the table's highest have no row yet (a first download's pages, in id order): no
    # need to look each one up. max() reads the primary key's index; text compares as Python's does.
    highest = session.execute(select(func.max(table.c.id))).scalar()
    for chunk in _chunks(ids) if highest is not None and highest >= min(ids) else []:
        versions.update(session.execute(select(table.c.id, table.c.version).where(table.c.id.in_(chunk))).all())
    new: list[dict] = []
    updates: dict[frozenset, list[dict]] = {}
    for row_id, payload in latest.items():
        if row_id in keep or versions.get(row_id, 0) > int(payload.get("version") or 0):
            continue
        if row_id not in versions:
            new.append(payload)
            continue
        values = table_values(cls, payload)
        values["_row_id"] = row_id
        values.pop("id", None)
        updates.setdefault(frozenset(values), []).append(values)
    insert_new(session, cls, new)
    for keys, group in updates.items():
        if len(keys) > 1:  # SET takes the other keys of the parameters
            session.execute(update(table).where(table.c.id == bindparam("_row_id")), group)
    if updates:  # objects this session already holds show the server's row on next access
        for group in updates.values():
            for values in group:
                held = session.identity_map.get(identity_key(cls, values["_row_id"]))
                if held is not None:
                    session.expire(held)
    return len(new) + sum(len(g) for g in updates.values())


def _chunks(ids: list[str], size: int = 5000) -> list[list[str]]:
    return [ids[i:i + size] for i in range(0, len(ids), size)]


BULK_CACHE_KIB = 128 * 1024  # the page cache of a bootstrap's connection, given back afterwards


@contextmanager
def bulk_load(engine: Engine) -> Iterator[Connection]:
    """One connection for a bootstrap's pages, committing with synchronous=NORMAL instead of FULL,
    with a larger page cache.

    In WAL mode NORMAL skips the fsync at each commit but keeps the file consistent: a power cut
    can only lose the last pages, which are downloaded again (the cursor is stored after the last
    page, with FULL). Any other transaction on the device still commits with FULL, and its fsync
    also makes the earlier pages durable. FULL is restored before the connection goes back to the
    pool; if that fails the connection is discarded instead.
    """
    with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            yield connection
            return
        # Outside any transaction (SQLite refuses to change it inside one), so on the driver's
        # connection directly: SQLAlchemy would open one first (BEGIN IMMEDIATE, app.models.db).
        driver = connection.connection.driver_connection
        cache = driver.execute("PRAGMA cache_size").fetchone()[0]
        driver.execute("PRAGMA synchronous=NORMAL")
        # Pages of random ids land all over the tables' and indexes' B-trees: with SQLite's
        # default 2 MB cache they are written out and read back again and again.
        driver.execute(f"PRAGMA cache_size={-BULK_CACHE_KIB}")
        try:
            yield connection
        finally:
            try:
                if connection.in_transaction():
                    connection.rollback()
                driver.execute("PRAGMA synchronous=FULL")
                driver.execute(f"PRAGMA cache_size={int(cache)}")
            except Exception:
                connection.invalidate()
                raise


def defer_foreign_keys(session: Session) -> None:
    """Within a page, a child may arrive before its parent: check references at commit."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA defer_foreign_keys=ON"))


def requeue_after(session: Session, server_seq: int) -> int:
    """After a server restore: what the server no longer has goes back to Pending."""
    result = session.execute(update(OutboxEntry).where(
        OutboxEntry.seq > server_seq, OutboxEntry.state.in_(("Applied", "Duplicate")))
        .values(state=PENDING))
    return result.rowcount or 0


def remaining_numbers(session: Session, series: str) -> int:
    left = session.execute(select(func.coalesce(func.sum(NumberBlock.last - NumberBlock.next_seq + 1), 0))
                           .where(NumberBlock.series == series, NumberBlock.provisional.is_(False),
                                  NumberBlock.next_seq <= NumberBlock.last)).scalar_one()
    return int(left)


def store_leased_block(session: Session, series: str, first: int, last: int) -> NumberBlock:
    """A block the server leased to this device, ready for app.services.core.numbering.issue_number."""
    block = NumberBlock(series=series, first=first, last=last, next_seq=first)
    session.add(block)
    session.flush()
    return block


def sync_problems(session: Session) -> list[SyncProblem]:
    rows = session.execute(select(OutboxEntry).where(OutboxEntry.state.in_(("Rejected", "Conflict")))
                           .order_by(OutboxEntry.seq)).scalars()
    return [SyncProblem(r.seq, r.entity, r.entity_id, r.operation, r.state, r.last_error, r.created_at)
            for r in rows]


# sync problems handled by a person -----------------------------------------------------------

RETRIED, DISCARDED = "Retried", "Discarded"  # kept for the record, no longer problems
VOIDED = PaymentStatus.VOIDED.value
SETTLED = "Settled"  # a lost void whose payment the server had voided already: nothing to send
ALREADY_VOIDED = " (the payment was already voided elsewhere: not sent again, its reversal stays out)"
PROBLEM_STATES = ("Rejected", "Conflict")
# Money records are corrected by new records (void, reversal, credit note), never by giving up a change.
MONEY_RECORDS = APPEND_ONLY | {"payments", "credit_notes", "bills", "cash_sessions", "security_deposits",
                               "payment_plans", "bank_statement_lines"}


def can_discard(entity: str, state: str) -> bool:
    """Only a conflict, where the local row already holds the server's version (see record_results)."""
    return state == "Conflict" and entity not in MONEY_RECORDS


def retry_problem(session: Session, seq: int, now: datetime) -> list[int]:
    """Queue a refused operation again as a new outbox row, and the rejected ones that refer to it.

    A new row, because the server answers "duplicate" to a sequence it has processed. A conflict
    goes again on top of the server's current version: the person chose their change over it.
    Returns the new sequences, in the original order.
    """
    entry = _problem(session, seq)
    followers = [e for e in session.execute(select(OutboxEntry).where(
        OutboxEntry.state == "Rejected", OutboxEntry.seq > seq).order_by(OutboxEntry.seq)).scalars()
        if isinstance(e.payload, dict) and entry.entity_id in e.payload.values()]
    if _void_already_done(session, entry):
        for done in [entry, *followers]:
            done.state, done.last_error = SETTLED, done.last_error + ALREADY_VOIDED
        session.flush()
        return []
    return [_requeue(session, e, now) for e in [entry, *followers]]


def discard_problem(session: Session, seq: int) -> SyncProblem:
    entry = _problem(session, seq)
    if not can_discard(entry.entity, entry.state):
        raise ValidationError("Sync problem", f"a {entry.state.lower()} change of {entry.entity} cannot be "
                                              "discarded; retry it or correct it with a new record")
    entry.state = DISCARDED
    session.flush()
    return SyncProblem(entry.seq, entry.entity, entry.entity_id, entry.operation, "Conflict",
                       entry.last_error, entry.created_at)


def _problem(session: Session, seq: int) -> OutboxEntry:
    entry = session.get(OutboxEntry, seq)
    if entry is None or entry.state not in PROBLEM_STATES:
        raise NotFound(f"Sync problem {seq} is no longer open (it may have been handled already).")
    return entry


def _requeue(session: Session, entry: OutboxEntry, now: datetime) -> int:
    base = _rebase(session, entry) if entry.state == "Conflict" else entry.base_version
    _restore_withdrawn(session, entry)
    entry.state = RETRIED
    again = OutboxEntry(entity=entry.entity, entity_id=entry.entity_id, operation=entry.operation,
                        payload=entry.payload, base_version=base, created_at=now,
                        actor_username=entry.actor_username)
    session.add(again)
    session.flush()
    return again.seq


def _void_already_done(session: Session, entry: OutboxEntry) -> bool:
    """A conflicting void whose payment holds the server's row, voided by another counter: sending it
    again would reverse the payment twice (the server refuses it; the ledger here must not post it)."""
    if entry.state != "Conflict" or entry.entity != "payments" or not isinstance(entry.payload, dict):
        return False
    current = session.get(entity_class(entry.entity), entry.entity_id)
    return entry.payload.get("status") == VOIDED and current is not None and current.status == VOIDED


def _restore_withdrawn(session: Session, entry: OutboxEntry) -> None:
    """A row taken out with a lost conflict (see _withdraw_dependents) comes back when retried."""
    cls = entity_class(entry.entity)
    if entry.last_error.endswith(WITHDRAWN) and cls is not None and session.get(cls, entry.entity_id) is None:
        session.add(build_row(cls, entry.payload))


def _rebase(session: Session, entry: OutboxEntry) -> int | None:
    """Put the change back on the local row, which holds the server's current version."""
    cls = entity_class(entry.entity)
    current = session.get(cls, entry.entity_id) if cls is not None else None
    if current is None:
        return entry.base_version
    central_version = current.version
    mine = build_row(cls, entry.payload)
    mine.version, mine.updated_at = central_version + 1, current.updated_at
    session.merge(mine)  # onto the loaded row: it now shows the change again
    return central_version
