"""The central service's job queue: procrastinate on the central PostgreSQL database.

Its schema is applied by migration 0022 (the server's start-up migration step). This module
only names the tasks and opens the queue; the tasks themselves are in jobs.py, which only job
workers import, so that deferring a job needs nothing but the task's name.
"""

from __future__ import annotations

import procrastinate
from sqlalchemy.engine import make_url

NAMESPACE = "utilitydesk"
BILL_CHUNK = f"{NAMESPACE}:bill_chunk"
BILLING_QUEUE = "billing"


def libpq_url(database_url: str) -> str:
    """postgresql+psycopg://... (SQLAlchemy's) as libpq reads it."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def queue_app(database_url: str) -> procrastinate.App:
    """An App to defer jobs with (configure_task by name); its pool opens only when used without
    a connection of the caller's."""
    return procrastinate.App(connector=procrastinate.PsycopgConnector(
        conninfo=libpq_url(database_url), min_size=1, max_size=4))
