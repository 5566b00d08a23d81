"""Applying one pushed operation to the central database, or saying why it is refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

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
from sync.server.authors import Authors
from sync.server.counters import ownership_problem
from sync.server.permissions import permission_problem, writable_columns
from sync.server.rules import change_problem, insert_problem, settled_problem
from sync.server.scope import DeviceScope, Location, Locator

ID_LENGTH = 36  # every synced record's id column


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
    authors: Authors
    changed: list[tuple[object, str, Location, dict]] = field(default_factory=list)  # row, op, where, sent


def result(op: Operation, status: str, *, version: int | None = None, reason: str = "",
           current: dict | None = None) -> OperationResult:
    return OperationResult(seq=op.seq, entity=op.entity, entity_id=op.entity_id, status=status,
                           version=version, reason=reason, current=current)


def apply_or_refuse(batch: Batch, op: Operation) -> OperationResult:
    try:
        return _apply(batch, op)
    except PayloadError as error:
        return result(op, "rejected", reason=str(error))


def _shape_problem(op: Operation) -> str:
    if not isinstance(op.payload, dict):
        return "payload: must be a JSON object of the record's fields"
    if not op.entity_id or len(op.entity_id) > ID_LENGTH or "\x00" in op.entity_id:
        return f"entity_id: must be 1 to {ID_LENGTH} characters"
    if str(op.payload.get("id", op.entity_id)) != op.entity_id:
        return "id: the payload's id differs from the operation's"
    return ""


def _apply(batch: Batch, op: Operation) -> OperationResult:
    cls = entity_class(op.entity)
    if cls is None:
        return result(op, "rejected", reason=f"Unknown record type {op.entity[:60]!r}")
    if op.operation not in ("insert", "update", "delete"):
        return result(op, "rejected", reason=f"Operation {op.operation!r} is not supported")
    shape = _shape_problem(op)
    if shape:
        return result(op, "rejected", reason=shape)
    author = batch.authors.of(op.actor)
    if isinstance(author, str):
        return result(op, "rejected", reason=author)
    problem = permission_problem(author, op)
    if problem:
        return result(op, "rejected", reason=problem)
    values = column_values(cls, op.payload) | {"id": op.entity_id}
    location = batch.locator.locate(op.entity, values)
    if location.missing:
        return result(op, "rejected", reason=f"Refers to {location.missing}, which the server does not have")
    if not batch.scope.covers(location):
        return result(op, "rejected", reason="Outside this desktop's service centre")
    owner = ownership_problem(batch.session, batch.caller, op, values)
    if owner:
        return result(op, "rejected", reason=owner)
    if op.operation == "insert":
        rule = insert_problem(author, op, values)
        if rule:
            return result(op, "rejected", reason=rule)
        return _insert(batch, op, cls, values, location)
    return _change(batch, op, cls, values, location, author)


def _insert(batch: Batch, op: Operation, cls: type, values: dict, location: Location) -> OperationResult:
    key = (op.entity, op.entity_id)
    if key in batch.known:
        return result(op, "duplicate", version=batch.known[key])
    row = cls(**(values | {"version": 1, "updated_at": batch.now}))
    batch.session.add(row)
    batch.known[key] = 1
    batch.changed.append((row, "insert", location, op.payload))
    return result(op, "applied", version=1)


def _change(batch: Batch, op: Operation, cls: type, values: dict, location: Location,
            author: Caller) -> OperationResult:
    if is_append_only(op.entity):
        return result(op, "rejected", reason=f"{op.entity} are append-only: correct them with a new record")
    row = batch.session.get(cls, op.entity_id, with_for_update=True)
    if row is None:
        return result(op, "rejected", reason=f"No {op.entity} record {op.entity_id} on the server")
    if op.base_version is None:
        return result(op, "rejected", reason="base_version: required to change a record")
    rule = change_problem(author, op, row, values, batch.now)
    if rule:  # against the server's current row, stale base_version or not: a rule, not a conflict
        return result(op, "rejected", reason=rule)
    if op.entity == "notices" and row.read_at is not None:
        return result(op, "duplicate", version=row.version)  # read on another desk first: nothing to do
    if row.version != op.base_version:
        return result(op, "conflict", version=row.version, current=row_payload(row),
                      reason=f"Changed elsewhere first (server version {row.version}, "
                             f"this change was made on version {op.base_version})")
    settled = settled_problem(op, row)
    if settled:
        return result(op, "rejected", reason=settled)
    before = batch.locator.locate(op.entity, {a.key: getattr(row, a.key) for a in row.__mapper__.column_attrs})
    if not batch.scope.covers(before):
        return result(op, "rejected", reason="Outside this desktop's service centre")
    writable = writable_columns(author, op)
    for key, value in values.items():
        if key not in SERVER_COLUMNS and (writable is None or key in writable):
            setattr(row, key, value)
    row.deleted = row.deleted or op.operation == "delete"
    row.version, row.updated_at = op.base_version + 1, batch.now
    batch.changed.append((row, op.operation, location, op.payload))
    return result(op, "applied", version=row.version)
