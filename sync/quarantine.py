"""Pulled rows that cannot be applied yet: applied one by one, kept aside, tried again at each sync.

A page of pulled changes is applied in one transaction. When the database refuses it (a row refers
to one this desktop does not have, a value cannot be read), the page is applied again change by
change, each in a savepoint with its references checked at once, in passes until no more apply:
a child listed before its parent applies on the next pass. What is left is kept here with the
reason, the cursor moves on, and the pages after it apply. Every later sync tries the kept rows
again; until they apply they are shown as sync problems.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.models.system import PulledQuarantine
from sync.local import apply_rows

log = logging.getLogger("utilitydesk.sync")
QUARANTINED = "Quarantined"


@dataclass(frozen=True)
class Pulled:
    entity: str
    payload: dict


@dataclass(frozen=True)
class Held:
    """A kept row, as the Sync problems dialog lists it."""

    id: int
    entity: str
    entity_id: str
    reason: str
    first_seen: datetime
    attempts: int


def apply_each(session: Session, changes: list[Pulled]) -> tuple[int, list[tuple[Pulled, str]]]:
    """Apply what can be applied, in passes; returns the rows applied and the rest with reasons."""
    applied, left = 0, list(changes)
    reasons: dict[int, str] = {}
    while left:
        still: list[Pulled] = []
        for change in left:
            try:
                with session.begin_nested():
                    applied += apply_rows(session, change.entity, [change.payload])
            except (SQLAlchemyError, ValueError) as error:
                reasons[id(change)] = _reason(error)
                still.append(change)
        if len(still) == len(left):
            break
        left = still
    return applied, [(change, reasons[id(change)]) for change in left]


def keep(session: Session, rows: list[tuple[Pulled, str]], now: datetime) -> None:
    for change, reason in rows:
        payload = change.payload
        session.add(PulledQuarantine(entity=change.entity, entity_id=str(payload.get("id", "")),
                                     version=int(payload.get("version") or 0), payload=payload,
                                     reason=reason, first_seen=now))
        log.warning("pulled %s %s kept aside: %s", change.entity, payload.get("id"), reason)


def retry(session: Session) -> int:
    """Try every kept row again, oldest first; returns how many applied (and left the quarantine)."""
    held = session.execute(select(PulledQuarantine).order_by(PulledQuarantine.id)).scalars().all()
    if not held:
        return 0
    changes = {row.id: Pulled(row.entity, row.payload) for row in held}
    applied, left = apply_each(session, list(changes.values()))
    reasons = {id(change): reason for change, reason in left}
    done = []
    for row in held:
        reason = reasons.get(id(changes[row.id]))
        if reason is None:
            done.append(row.id)
        else:
            row.reason, row.attempts = reason, row.attempts + 1
    if done:
        session.execute(delete(PulledQuarantine).where(PulledQuarantine.id.in_(done)))
    return applied


def count(session: Session) -> int:
    return session.execute(select(func.count()).select_from(PulledQuarantine)).scalar_one()


def held_rows(session: Session) -> list[Held]:
    rows = session.execute(select(PulledQuarantine).order_by(PulledQuarantine.id)).scalars()
    return [Held(r.id, r.entity, r.entity_id, r.reason, r.first_seen, r.attempts) for r in rows]


def _reason(error: Exception) -> str:
    orig = getattr(error, "orig", None)
    text = str(orig if orig is not None else error).splitlines()[0]
    if "FOREIGN KEY" in text.upper():
        return f"It refers to a record this desktop does not have yet ({text})."
    return f"It cannot be applied: {text}"
