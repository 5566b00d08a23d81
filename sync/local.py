"""The desktop side of sync in its SQLite: outbox results, pulled rows, cursor, number blocks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from app.domain.errors import NotFound, ValidationError
from app.models.system import NumberBlock, OutboxEntry, SyncState
from sync.protocol import Operation, OperationResult
from sync.records import APPEND_ONLY, build_row, entity_class

PENDING = "Pending"
STATES = {"applied": "Applied", "duplicate": "Duplicate", "conflict": "Conflict", "rejected": "Rejected"}
CURSOR, EPOCH, ACKED_SEQ, LAST_SYNC = "cursor", "epoch", "acked_seq", "last_sync"


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
                      payload=r.payload, base_version=r.base_version) for r in rows]


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
    return counts


def pending_ids(session: Session, entity_ids: list[str]) -> set[str]:
    if not entity_ids:
        return set()
    return set(session.execute(select(OutboxEntry.entity_id).where(
        OutboxEntry.state == PENDING, OutboxEntry.entity_id.in_(entity_ids))).scalars())


def apply_rows(session: Session, entity: str, rows: list[dict]) -> int:
    """Upsert rows from the server, newest version wins; rows with unpushed local changes are kept."""
    cls = entity_class(entity)
    if cls is None or not rows:
        return 0  # a record type this version does not know yet
    ids = [str(row["id"]) for row in rows]
    keep = pending_ids(session, ids)
    versions = dict(session.execute(select(cls.id, cls.version).where(cls.id.in_(ids))).all())
    applied = 0
    for payload in rows:
        row_id = str(payload["id"])
        if row_id in keep or versions.get(row_id, 0) > int(payload.get("version") or 0):
            continue
        row = build_row(cls, payload)
        if row_id in versions:
            session.merge(row)
        else:
            session.add(row)
        applied += 1
    session.flush()
    return applied


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
    """A block the server leased to this device, ready for app.services.numbering.issue_number."""
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
        if entry.entity_id in e.payload.values()]
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
    entry.state = RETRIED
    again = OutboxEntry(entity=entry.entity, entity_id=entry.entity_id, operation=entry.operation,
                        payload=entry.payload, base_version=base, created_at=now)
    session.add(again)
    session.flush()
    return again.seq


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
