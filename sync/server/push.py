"""Applying a device's pushed outbox batch: one transaction, one result per operation.

The whole batch is first applied in one go (few round trips); should the
database refuse any row, that attempt is rolled back and the batch is applied
again operation by operation, each in its own savepoint, so that only the
refused operation is rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain.core.permissions import Role
from app.models.central import Device
from app.models.consumers import Consumer
from app.models.users import User
from sync.protocol import Operation, OperationResult
from sync.records import (
    SERVER_COLUMNS,
    PayloadError,
    column_values,
    entity_class,
    is_append_only,
    row_payload,
)
from sync.server.auth import Caller
from sync.server.changelog import current_txid, record_change
from sync.server.counters import ownership_problem
from sync.server.errors import ApiError
from sync.server.permissions import permission_problem, writable_columns
from sync.server.rules import change_problem, insert_problem
from sync.server.scope import DeviceScope, Location, Locator


@dataclass
class Batch:
    """What one push transaction needs to apply its operations."""

    session: Session
    caller: Caller
    scope: DeviceScope
    now: datetime
    locator: Locator
    txid: int
    known: dict[tuple[str, str], int]  # record ids already on the server -> version
    changed: list[tuple[object, str, Location, dict]] = field(default_factory=list)  # row, op, where, sent
    authors: dict[str, Caller | str] = field(default_factory=dict)  # actor -> Caller, or why refused


# Actors of outbox rows written by the app itself rather than a person (background jobs,
# `utilitydesk` commands): they carry no user account, so they act as the token's user, as an
# operation without an actor does.
SYSTEM_ACTORS = frozenset({"system", "cli"})


def author_of(batch: Batch, op: Operation) -> Caller | str:
    """Who the operation is checked as: the user who made it, or the reason it is refused."""
    name = op.actor
    if not name or name == batch.caller.username:
        return batch.caller
    if name not in batch.authors:
        batch.authors[name] = _author(batch, name)
    return batch.authors[name]


def _author(batch: Batch, name: str) -> Caller | str:
    user = batch.session.execute(select(User).where(User.username == name)).scalar_one_or_none()
    if user is None:
        return batch.caller if name in SYSTEM_ACTORS else f"Made by unknown user {name}"
    if not user.active or user.deleted:
        return f"Made by {name}, who is no longer an active user"
    if user.centre_id is not None and user.centre_id != batch.caller.device_centre_id:
        return f"{name} is not a user of this centre"
    return Caller(user.id, user.username, Role(user.role), user.centre_id,
                  batch.caller.device_id, batch.caller.device_centre_id)


def apply_batch(session: Session, caller: Caller, scope: DeviceScope, operations: list[Operation],
                now: datetime) -> tuple[list[OperationResult], int]:
    """Returns the results and the device's new highest processed sequence."""
    seqs = [op.seq for op in operations]
    if seqs != sorted(set(seqs)):
        raise ApiError(422, "bad_order", "Operations must be pushed in increasing outbox order.")
    # The device row lock serialises two pushes of the same outbox (a retry racing the original).
    device = session.get(Device, caller.device_id, with_for_update=True)
    assert device is not None
    known = _existing_ids(session, operations)
    _preload_consumers(session, operations)
    batch = Batch(session, caller, scope, now, Locator(session), current_txid(session), dict(known))
    try:
        with session.begin_nested():
            results = _run(batch, device, operations, guarded=False)
    except IntegrityError:
        batch.known, batch.changed, batch.locator = dict(known), [], Locator(session)
        results = _run(batch, device, operations, guarded=True)
    device.last_seen_at = now
    return results, device.applied_seq


def _run(batch: Batch, device: Device, operations: list[Operation], *, guarded: bool) -> list[OperationResult]:
    results: list[OperationResult] = []
    refused: set[str] = set()
    for op in operations:
        if op.seq <= device.applied_seq:
            results.append(_result(op, "duplicate", reason="already processed"))
            continue
        depends_on = _refused_reference(op, refused)
        if depends_on:
            result = _result(op, "rejected", reason=f"Depends on record {depends_on}, which was rejected")
        else:
            result = _apply_guarded(batch, op) if guarded else _apply_or_refuse(batch, op)
        if result.status == "rejected":
            refused.add(op.entity_id)
        results.append(result)
        device.applied_seq = op.seq
    batch.session.flush()
    for row, operation, location, sent in batch.changed:
        record_change(batch.session, row, operation, location, txid=batch.txid, now=batch.now,
                      device_id=batch.caller.device_id, sent=sent)
    batch.session.flush()
    return results


def _refused_reference(op: Operation, refused: set[str]) -> str | None:
    """A ledger entry or allocation of a rejected payment must not apply without it."""
    if not refused:
        return None
    return next((str(v) for k, v in op.payload.items() if k != "id" and isinstance(v, str) and v in refused), None)


def _existing_ids(session: Session, operations: list[Operation]) -> dict[tuple[str, str], int]:
    """One query per record type instead of one per operation."""
    wanted: dict[str, list[str]] = {}
    for op in operations:
        if op.operation == "insert" and entity_class(op.entity) is not None:
            wanted.setdefault(op.entity, []).append(op.entity_id)
    known = {}
    for entity, ids in wanted.items():
        cls = entity_class(entity)
        for row_id, version in session.execute(select(cls.id, cls.version).where(cls.id.in_(ids))):
            known[(entity, row_id)] = version
    return known


def _preload_consumers(session: Session, operations: list[Operation]) -> None:
    # Into the identity map: the scope check then finds them without a query each.
    ids = {str(op.payload["consumer_id"]) for op in operations if op.payload.get("consumer_id")}
    if ids:
        session.execute(select(Consumer).where(Consumer.id.in_(ids))).scalars().all()


def _apply_or_refuse(batch: Batch, op: Operation) -> OperationResult:
    try:
        return _apply(batch, op)
    except PayloadError as error:
        return _result(op, "rejected", reason=f"{error.field}: {error}")


def _apply_guarded(batch: Batch, op: Operation) -> OperationResult:
    logged = len(batch.changed)
    try:
        with batch.session.begin_nested():
            return _apply_or_refuse(batch, op)
    except IntegrityError as error:
        del batch.changed[logged:]
        batch.known.pop((op.entity, op.entity_id), None)
        return _integrity_result(batch, op, error)


def _integrity_result(batch: Batch, op: Operation, error: IntegrityError) -> OperationResult:
    cls = entity_class(op.entity)
    existing = batch.session.get(cls, op.entity_id) if cls else None
    if op.operation == "insert" and existing is not None:
        # Another push inserted the same record id meanwhile: the UNIQUE id decided.
        return _result(op, "duplicate", version=existing.version)
    detail = str(error.orig).splitlines()[0] if error.orig else str(error)
    return _result(op, "rejected", reason=f"Refused by the database: {detail}")


def _apply(batch: Batch, op: Operation) -> OperationResult:
    cls = entity_class(op.entity)
    if cls is None:
        return _result(op, "rejected", reason=f"Unknown record type {op.entity!r}")
    if op.operation not in ("insert", "update", "delete"):
        return _result(op, "rejected", reason=f"Operation {op.operation!r} is not supported")
    if str(op.payload.get("id", op.entity_id)) != op.entity_id:
        return _result(op, "rejected", reason="id: the payload's id differs from the operation's")
    author = author_of(batch, op)
    if isinstance(author, str):
        return _result(op, "rejected", reason=author)
    problem = permission_problem(author, op)
    if problem:
        return _result(op, "rejected", reason=problem)
    values = column_values(cls, op.payload) | {"id": op.entity_id}
    location = batch.locator.locate(op.entity, values)
    if location.missing:
        return _result(op, "rejected", reason=f"Refers to {location.missing}, which the server does not have")
    if not batch.scope.covers(location):
        return _result(op, "rejected", reason="Outside this desktop's service centre")
    owner = ownership_problem(batch.session, batch.caller, op, values)
    if owner:
        return _result(op, "rejected", reason=owner)
    if op.operation == "insert":
        rule = insert_problem(op, values)
        if rule:
            return _result(op, "rejected", reason=rule)
        return _insert(batch, op, cls, values, location)
    return _change(batch, op, cls, values, location, author)


def _insert(batch: Batch, op: Operation, cls: type, values: dict, location: Location) -> OperationResult:
    key = (op.entity, op.entity_id)
    if key in batch.known:
        return _result(op, "duplicate", version=batch.known[key])
    row = cls(**(values | {"version": 1, "updated_at": batch.now}))
    batch.session.add(row)
    batch.known[key] = 1
    batch.changed.append((row, "insert", location, op.payload))
    return _result(op, "applied", version=1)


def _change(batch: Batch, op: Operation, cls: type, values: dict, location: Location,
            author: Caller) -> OperationResult:
    if is_append_only(op.entity):
        return _result(op, "rejected", reason=f"{op.entity} are append-only: correct them with a new record")
    row = batch.session.get(cls, op.entity_id, with_for_update=True)
    if row is None:
        return _result(op, "rejected", reason=f"No {op.entity} record {op.entity_id} on the server")
    if op.base_version is None:
        return _result(op, "rejected", reason="base_version: required to change a record")
    rule = change_problem(author, op, row, values, batch.now)
    if rule:  # against the server's current row, stale base_version or not: a rule, not a conflict
        return _result(op, "rejected", reason=rule)
    if row.version != op.base_version:
        return _result(op, "conflict", version=row.version, current=row_payload(row),
                       reason=f"Changed elsewhere first (server version {row.version}, "
                              f"this change was made on version {op.base_version})")
    before = batch.locator.locate(op.entity, {a.key: getattr(row, a.key) for a in row.__mapper__.column_attrs})
    if not batch.scope.covers(before):
        return _result(op, "rejected", reason="Outside this desktop's service centre")
    writable = writable_columns(author, op)
    for key, value in values.items():
        if key not in SERVER_COLUMNS and (writable is None or key in writable):
            setattr(row, key, value)
    row.deleted = row.deleted or op.operation == "delete"
    row.version, row.updated_at = op.base_version + 1, batch.now
    batch.changed.append((row, op.operation, location, op.payload))
    return _result(op, "applied", version=row.version)


def _result(op: Operation, status: str, *, version: int | None = None, reason: str = "",
            current: dict | None = None) -> OperationResult:
    return OperationResult(seq=op.seq, entity=op.entity, entity_id=op.entity_id, status=status,
                           version=version, reason=reason, current=current)
