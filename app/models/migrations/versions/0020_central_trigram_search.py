"""central trigram search

On PostgreSQL (the central service) the searches the desktop answers from its FTS5 trigram
tables (consumer_search, payment_search) are ILIKE '%fragment%' over consumers and payments. A
GIN index of trigrams (pg_trgm) on each searched column lets PostgreSQL answer those from the
index instead of reading every row. SQLite is untouched: it has its FTS5 tables.

pg_trgm is a trusted extension (PostgreSQL 13 and later): the database's owner may create it.
Where the service's role may not, the indexes are left out and the searches still work, by
scanning; the migration says so in the log.

Revision ID: 0020
Revises: 0016
Create Date: 2026-12-06 17:40:00
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0016'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# (index, table, column): the columns the central searches ILIKE.
TRIGRAM_INDEXES = (
    ("ix_consumers_name_trgm", "consumers", "name"),
    ("ix_consumers_service_address_trgm", "consumers", "service_address"),
    ("ix_consumers_account_no_trgm", "consumers", "account_no"),
    ("ix_payments_receipt_no_trgm", "payments", "receipt_no"),
    ("ix_service_requests_request_no_trgm", "service_requests", "request_no"),
)


def _has_trigrams(bind: sa.engine.Connection) -> bool:
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as error:
        savepoint.rollback()
        log.warning("pg_trgm cannot be created here (%s): central searches will scan instead of "
                    "using trigram indexes", error.orig)
        return False
    savepoint.commit()
    return True


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not _has_trigrams(bind):
        return
    for name, table, column in TRIGRAM_INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
