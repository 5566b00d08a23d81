"""The audit trail's hash chain: each entry's hash, and checking a whole chain in order.

Light on purpose (hashlib, json, sqlite3): `utilitydesk audit verify` checks a data folder's
chain from here without SQLAlchemy or the models (#17). The app's audit page checks the same
rows read through the ORM (app.services.core.audit.verify); both go through `check_chain`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.domain.core.errors import UtilityDeskError
from app.schema_version import read_only
from app.services.core.serialize import canonical_json

GENESIS = "0" * 64

# The columns check_chain reads, in its order (AuditEntry's).
CHAIN_COLUMNS = ("seq", "at", "user_name", "device_id", "action", "entity", "entity_id", "summary",
                 "prev_hash", "hash")


@dataclass(frozen=True)
class ChainCheck:
    entries_checked: int
    intact: bool
    first_broken_seq: int | None = None
    problem: str = ""


def entry_hash(prev_hash: str, at: datetime, user_name: str, device_id: str, action: str,
               entity: str, entity_id: str, summary: dict) -> str:
    body = canonical_json({
        "at": at.isoformat(), "user": user_name, "device": device_id, "action": action,
        "entity": entity, "entity_id": entity_id, "summary": summary,
    })
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def check_chain(rows: Iterable[tuple]) -> ChainCheck:
    """Recompute every hash in `seq` order (rows of CHAIN_COLUMNS, `at` an aware datetime and
    `summary` decoded); the first entry where the chain breaks, if it does."""
    expected_prev = GENESIS
    count = 0
    for seq, at, user_name, device_id, action, entity, entity_id, summary, prev_hash, hash_ in rows:
        count += 1
        if prev_hash != expected_prev:
            return ChainCheck(count, False, seq, "an entry before this one was removed or altered")
        if entry_hash(prev_hash, at, user_name, device_id, action, entity, entity_id, summary) != hash_:
            return ChainCheck(count, False, seq, "this entry's contents were altered")
        expected_prev = hash_
    return ChainCheck(count, True)


class ChainUnreadable(UtilityDeskError):
    """The database file has no audit trail that can be read; nothing was changed."""


def verify_file(database: Path) -> ChainCheck:
    """check_chain over a SQLite file's audit entries, read as the ORM reads them (UTC times
    stored without their zone, summaries as JSON text), without changing the file."""
    try:
        connection = read_only(database)
        try:
            rows = connection.execute(
                f"SELECT {', '.join(CHAIN_COLUMNS)} FROM audit_entries ORDER BY seq")
            return check_chain(_decoded(row) for row in rows)
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise ChainUnreadable(
            f"The audit trail in {database} cannot be read ({error}). The file may be damaged or "
            "not a UtilityDesk database; restore it from a backup or choose another data folder."
        ) from error


def _decoded(row: tuple) -> tuple:
    seq, at, *middle, summary, prev_hash, hash_ = row
    return (seq, _utc(at), *middle, None if summary is None else json.loads(summary), prev_hash, hash_)


def _utc(stored: str | None) -> datetime | None:
    """app.models.base.UTCDateTime's reading of SQLite's text (SQLAlchemy: fromisoformat)."""
    if stored is None:
        return None
    value = datetime.fromisoformat(stored)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
