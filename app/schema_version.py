"""Which schema revision the migration files end at, and whether a database file already has it,
found without Alembic or SQLAlchemy (#17): the everyday start and the read-only commands ask
this before (or instead of) loading the database layer."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

MIGRATIONS = Path(__file__).parent / "models" / "migrations"

_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*['\"](\w+)['\"]", re.M)


def head_revision() -> str | None:
    """The one head of the migration files (each names its revision and the one before);
    None when there is not exactly one."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for kind, revision in _REVISION.findall(path.read_text(encoding="utf-8")):
            (revisions if kind == "revision" else parents).add(revision)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def read_only(database: Path) -> sqlite3.Connection:
    """A connection that cannot change the file (nor create it when it is missing)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    connection.execute("PRAGMA query_only = ON")
    return connection


def file_is_current(database: Path) -> bool:
    """True when the file exists and holds the newest schema: False for a missing, new, older,
    newer or unreadable file, which the full start (Alembic) then migrates or explains."""
    if not database.is_file():
        return False
    try:
        connection = read_only(database)
        try:
            stored = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
        finally:
            connection.close()
    except sqlite3.Error:
        return False
    head = head_revision()
    return head is not None and stored == [head]
