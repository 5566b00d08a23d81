"""What a device was answered before: kept answers for retries, and the refusals that take
the records depending on them down too."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models.central import PushResult
from sync.protocol import Operation, OperationResult
from sync.records import is_append_only

REFUSED = ("rejected", "conflict")
_ID_LENGTH = 60  # push_results.entity_id


def stored_key(op: Operation) -> tuple[str, str, str]:
    """What is kept of an operation to recognise it again (text the database can hold)."""
    return _storable(op.entity), _storable(op.entity_id), op.operation


def _storable(text: str) -> str:
    return text.replace("\x00", "\ufffd")[:_ID_LENGTH]


def references(op: Operation) -> set[str]:
    """The record ids an operation's payload points at (a ledger entry's payment, say)."""
    if not isinstance(op.payload, dict):
        return set()
    return {v for k, v in op.payload.items()
            if k != "id" and isinstance(v, str) and v and len(v) <= _ID_LENGTH and "\x00" not in v}


def kept_results(session: Session, device_id: str, seqs: list[int]) -> dict[int, PushResult]:
    if not seqs:
        return {}
    rows = session.execute(select(PushResult).where(PushResult.device_id == device_id,
                                                    PushResult.seq.in_(seqs))).scalars()
    return {row.seq: row for row in rows}


def replay(op: Operation, kept: PushResult | None) -> OperationResult:
    """The answer a sequence the device already pushed gets: the first answer, word for word."""
    if kept is None:  # processed before answers were kept
        return OperationResult(seq=op.seq, entity=op.entity, entity_id=op.entity_id, status="duplicate",
                               reason="already processed")
    if (kept.entity, kept.entity_id, kept.operation) != stored_key(op):
        return OperationResult(
            seq=op.seq, entity=op.entity, entity_id=op.entity_id, status="rejected",
            reason=f"Sequence {op.seq} of this desktop was already used by another operation "
                   f"({kept.operation} of {kept.entity} {kept.entity_id})")
    return OperationResult(seq=op.seq, entity=op.entity, entity_id=op.entity_id, status=kept.status,
                           version=kept.version, reason=kept.reason, current=kept.current)


def keep(session: Session, device_id: str, answered: list[tuple[Operation, OperationResult, str | None]]) -> None:
    """Upserted: after a restore from backup moved the device's sequence back, a sequence is
    pushed again and its new answer replaces whatever a later backup had kept."""
    if not answered:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(PushResult)
    statement = statement.on_conflict_do_update(
        index_elements=["device_id", "seq"],
        set_={key: statement.excluded[key] for key in
              ("entity", "entity_id", "operation", "status", "version", "reason", "current", "depends_on")})
    session.execute(statement, [
        {"device_id": device_id, "seq": op.seq, "entity": key[0], "entity_id": key[1],
         "operation": key[2], "status": result.status, "version": result.version,
         "reason": result.reason, "current": result.current, "depends_on": depends_on}
        for op, result, depends_on in answered for key in [stored_key(op)]])


@dataclass
class Dependencies:
    """Refused records, and which later operations go with them.

    - A refused insert: the record does not exist on the server, so every later operation of
      this device that refers to it is refused (until the insert is retried and applied).
    - A refused change (a conflicting void, say): the append-only records written with it, which
      follow it straight away in the outbox (the void's reversing ledger entry and cash
      movement), are refused with it. A later, separate operation on the record is not.
    """

    refused_inserts: dict[str, str] = field(default_factory=dict)  # record id -> its refusal
    changed: str | None = None  # the record whose change was just refused
    changed_status: str = ""

    @classmethod
    def load(cls, session: Session, device_id: str, applied_seq: int, operations: list[Operation]) -> Dependencies:
        deps = cls()
        ids = set().union(*(references(op) for op in operations)) if operations else set()
        # One round trip: this device's answers to inserts of the records referred to, and its
        # last answer (which may leave a refused change whose rows follow in this batch).
        wanted = PushResult.seq == applied_seq
        if ids:
            wanted = wanted | ((PushResult.operation == "insert") & PushResult.entity_id.in_(sorted(ids)))
        rows = session.execute(select(PushResult).where(  # none above: a restore may have left some
            PushResult.device_id == device_id, PushResult.seq <= applied_seq, wanted)
            .order_by(PushResult.seq)).scalars().all()
        for row in rows:  # the latest answer for each record wins
            if row.operation == "insert" and row.entity_id in ids:
                deps._note_insert(row.entity_id, row.status)
        last = rows[-1] if rows and rows[-1].seq == applied_seq else None
        if last is not None:
            if last.operation in ("update", "delete") and last.status in REFUSED:
                deps.changed, deps.changed_status = last.entity_id, last.status
            elif last.depends_on and is_append_only(last.entity):
                deps.changed, deps.changed_status = last.depends_on, "refused"
        return deps

    def refusal(self, op: Operation) -> tuple[str, str] | None:
        """(record id, reason) when op must be refused with a refused record."""
        refs = references(op)
        for ref in sorted(refs & self.refused_inserts.keys()):
            return ref, f"Depends on record {ref}, which was {self.refused_inserts[ref]}"
        if self.changed and op.operation == "insert" and is_append_only(op.entity) and self.changed in refs:
            return self.changed, f"Depends on record {self.changed}, whose change was {_said(self.changed_status)}"
        return None

    def note(self, op: Operation, result: OperationResult, depends_on: str | None) -> None:
        if op.operation == "insert":
            self._note_insert(op.entity_id, result.status)
        if result.status in REFUSED and op.operation in ("update", "delete"):
            self.changed, self.changed_status = op.entity_id, result.status
        elif depends_on is None or depends_on != self.changed:
            self.changed = None

    def _note_insert(self, entity_id: str, status: str) -> None:
        if status in REFUSED:
            self.refused_inserts[entity_id] = status
        else:
            self.refused_inserts.pop(entity_id, None)


def _said(status: str) -> str:
    return {"conflict": "refused as a conflict", "rejected": "rejected"}.get(status, "refused")
