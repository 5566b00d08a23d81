"""Applying a device's pushed outbox batch: one transaction, one result per operation.

The whole batch is first applied in one go (few round trips); should the database refuse any
row, that attempt is rolled back and the batch is applied again operation by operation, each
in its own savepoint, so that only the refused operation is rejected. Every answer given to a
new sequence is kept: a retry after a lost response gets the same answer back.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import literal, select, union_all
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, StatementError
from sqlalchemy.orm import Session

from app.models.central import Device
from sync.protocol import Operation, OperationResult
from sync.records import entity_class
from sync.server.auth import Caller
from sync.server.authors import Authors
from sync.server.changelog import change_values, record_changes, txid_column
from sync.server.errors import ApiError
from sync.server.push_apply import ID_LENGTH, Batch, apply_or_refuse, result
from sync.server.push_history import Dependencies, keep, kept_results, replay
from sync.server.scope import DeviceScope, Locator, consumer_locations

log = logging.getLogger("utilitydesk.server")


@dataclass
class Outcome:
    results: list[OperationResult] = field(default_factory=list)
    answered: list[tuple[Operation, OperationResult, str | None]] = field(default_factory=list)
    applied_seq: int = 0


def apply_batch(session: Session, caller: Caller, scope: DeviceScope, operations: list[Operation],
                now: datetime) -> tuple[list[OperationResult], int]:
    """Returns the results and the device's new highest processed sequence."""
    seqs = [op.seq for op in operations]
    if seqs != sorted(set(seqs)):
        raise ApiError(422, "bad_order", "Operations must be pushed in increasing outbox order.")
    # The device row lock serialises two pushes of the same outbox (a retry racing the original).
    device, txid = session.execute(select(Device, txid_column(session)).where(Device.id == caller.device_id)
                                   .with_for_update(of=Device)
                                   .execution_options(populate_existing=True)).one()
    start = device.applied_seq
    kept = kept_results(session, device.id, [seq for seq in seqs if seq <= start])
    fresh = [op for op in operations if op.seq > start]
    known = _existing_ids(session, fresh)
    consumers = consumer_locations(session, _consumer_ids(fresh))
    deps = Dependencies.load(session, device.id, start, fresh)

    def batch() -> Batch:
        return Batch(session, caller, scope, now, Locator(session, consumers), txid, dict(known),
                     Authors(session, caller))

    try:
        with session.begin_nested():
            outcome = _run(batch(), start, operations, kept, copy.deepcopy(deps), guarded=False)
    except OperationalError:
        raise
    except Exception:  # noqa: BLE001 - some row was refused: find which, one savepoint each
        outcome = _run(batch(), start, operations, kept, deps, guarded=True)
    keep(session, device.id, outcome.answered)
    device.applied_seq, device.last_seen_at = outcome.applied_seq, now
    return outcome.results, device.applied_seq


def _run(batch: Batch, start: int, operations: list[Operation], kept: dict, deps: Dependencies, *,
         guarded: bool) -> Outcome:
    outcome = Outcome(applied_seq=start)
    for op in operations:
        if op.seq <= start:
            outcome.results.append(replay(op, kept.get(op.seq)))
            continue
        if op.seq != outcome.applied_seq + 1:
            outcome.results.append(result(op, "rejected", reason=(
                f"seq: {op.seq} skips ahead of this desktop's outbox (the next operation is "
                f"{outcome.applied_seq + 1})")))
            continue
        refusal = deps.refusal(op)
        depends_on = refusal[0] if refusal else None
        if refusal:
            answer = result(op, "rejected", reason=refusal[1])
        else:
            answer = _apply_guarded(batch, op) if guarded else apply_or_refuse(batch, op)
        deps.note(op, answer, depends_on)
        outcome.results.append(answer)
        outcome.answered.append((op, answer, depends_on))
        outcome.applied_seq = op.seq
    batch.session.flush()
    record_changes(batch.session, [
        change_values(row, operation, location, txid=batch.txid, now=batch.now, device_id=batch.caller.device_id,
                      sent=sent) for row, operation, location, sent in batch.changed])
    return outcome


def _existing_ids(session: Session, operations: list[Operation]) -> dict[tuple[str, str], int]:
    """One query for the whole batch (a UNION ALL over its record types)."""
    wanted: dict[str, list[str]] = {}
    for op in operations:
        if op.operation == "insert" and entity_class(op.entity) is not None and _plain_id(op.entity_id):
            wanted.setdefault(op.entity, []).append(op.entity_id)
    if not wanted:
        return {}
    queries = [select(literal(entity).label("entity"), cls.id, cls.version).where(cls.id.in_(ids))
               for entity, ids in wanted.items() for cls in [entity_class(entity)]]
    statement = queries[0] if len(queries) == 1 else union_all(*queries)
    return {(entity, row_id): version for entity, row_id, version in session.execute(statement)}


def _consumer_ids(operations: list[Operation]) -> set[str]:
    return {op.payload["consumer_id"] for op in operations
            if isinstance(op.payload, dict) and _plain_id(op.payload.get("consumer_id"))}


def _plain_id(value: object) -> bool:
    return isinstance(value, str) and 0 < len(value) <= ID_LENGTH and "\x00" not in value


def _apply_guarded(batch: Batch, op: Operation) -> OperationResult:
    logged = len(batch.changed)
    try:
        with batch.session.begin_nested():
            return apply_or_refuse(batch, op)
    except OperationalError:
        raise
    except Exception as error:  # noqa: BLE001 - whatever this one row did, it is this row's refusal
        del batch.changed[logged:]
        batch.known.pop((op.entity, op.entity_id), None)
        return _refusal(batch, op, error)


def _refusal(batch: Batch, op: Operation, error: Exception) -> OperationResult:
    if isinstance(error, IntegrityError):
        cls = entity_class(op.entity)
        existing = batch.session.get(cls, op.entity_id) if cls else None
        if op.operation == "insert" and existing is not None:
            # Another push inserted the same record id meanwhile: the UNIQUE id decided.
            return result(op, "duplicate", version=existing.version)
        return result(op, "rejected", reason=f"Refused by the database: {_first_line(error)}")
    if isinstance(error, DataError):
        return result(op, "rejected", reason=f"A value does not fit its column: {_first_line(error)}")
    log.warning("push: operation refused by an unexpected error", exc_info=error,
                extra={"entity": op.entity, "entity_id": op.entity_id, "seq": op.seq})
    return result(op, "rejected", reason=f"{op.entity} {op.operation} could not be stored: {_first_line(error)}")


def _first_line(error: Exception) -> str:
    cause = error.orig if isinstance(error, StatementError) and error.orig is not None else error
    text = str(cause).splitlines()[0] if str(cause) else type(cause).__name__
    return text[:300]
