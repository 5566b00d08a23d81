"""A PostgreSQL database of its own for one bench run, dropped afterwards however the run ends."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from bench.figures import Unavailable
from tests.conftest import PG_ADMIN_URL


@contextlib.contextmanager
def scratch_database(prefix: str) -> Iterator[str]:
    """Yields the new database's URL. No server: Unavailable, which the bench table shows."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"utilitydesk_{prefix}_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        admin.dispose()
        raise Unavailable(f"no PostgreSQL at {PG_ADMIN_URL.rsplit('@', 1)[-1]}") from error
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
