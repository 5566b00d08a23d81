"""What the desktop needs before its login window, read with sqlite3 alone (#17): whether the
data folder's database has users, and the utility's settings. The window is on screen while
SQLAlchemy and the models load in the background (app.runtime.OpeningRuntime).

Only a file whose schema is already the newest is read this way; any other (new, older, newer,
damaged) gets the full start, which migrates it or says what is wrong.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.domain.core.errors import UtilityDeskError
from app.domain.core.settings import Settings
from app.schema_version import file_is_current, read_only


@dataclass(frozen=True)
class StartFacts:
    users_exist: bool
    settings: Settings


def read_start_facts(database: Path) -> StartFacts | None:
    """None when the file is not one to read this way (see the module's note)."""
    if not file_is_current(database):
        return None
    try:
        connection = read_only(database)
        try:
            users = connection.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None
            stored = {key: None if value is None else json.loads(value)
                      for key, value in connection.execute("SELECT key, value FROM settings")}
        finally:
            connection.close()
        settings = Settings.from_stored(stored)
    except (sqlite3.Error, ValueError, UtilityDeskError):  # not JSON, or a setting it refuses
        return None  # the full start meets the same problem and reports it as it always has
    return StartFacts(users, settings)
