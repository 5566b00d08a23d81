"""dashboard preferences and search

The dashboard's per-user preferences (layout, saved views, saved searches) in a synced
table; an index for the consumption classes (an account's bills by period) and one for the
ledger balance at a date (posted_at, amount); and, on SQLite,
consumer_search: an FTS5 table with the trigram tokenizer over consumer name, service address
and account number (partial, case-insensitive matches), kept in step by triggers. PostgreSQL
(the central service) searches with ILIKE instead.

Revision ID: 0012
Revises: 0005
Create Date: 2026-12-06 12:00:00
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

SEARCH_TABLE = "consumer_search"
_COLUMNS = "new.name, new.service_address, new.account_no"
SQLITE_SEARCH = [
    f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5(name, address, account_no, "
    "content='consumers', content_rowid='rowid', tokenize='trigram')",
    f"INSERT INTO {SEARCH_TABLE}(rowid, name, address, account_no) "
    "SELECT rowid, name, service_address, account_no FROM consumers",
    f"CREATE TRIGGER consumer_search_ai AFTER INSERT ON consumers BEGIN "
    f"INSERT INTO {SEARCH_TABLE}(rowid, name, address, account_no) VALUES (new.rowid, {_COLUMNS}); END",
    f"CREATE TRIGGER consumer_search_ad AFTER DELETE ON consumers BEGIN "
    f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, name, address, account_no) "
    "VALUES ('delete', old.rowid, old.name, old.service_address, old.account_no); END",
    f"CREATE TRIGGER consumer_search_au AFTER UPDATE OF name, service_address, account_no "
    f"ON consumers BEGIN "
    f"INSERT INTO {SEARCH_TABLE}({SEARCH_TABLE}, rowid, name, address, account_no) "
    "VALUES ('delete', old.rowid, old.name, old.service_address, old.account_no); "
    f"INSERT INTO {SEARCH_TABLE}(rowid, name, address, account_no) VALUES (new.rowid, {_COLUMNS}); END",
]


def upgrade() -> None:
    op.create_table(
        'dashboard_preferences',
        sa.Column('user_name', sa.String(length=80), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_dashboard_preferences')),
        sa.UniqueConstraint('user_name', 'kind', 'name',
                            name=op.f('uq_dashboard_preferences_user_name')),
    )
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.create_index('ix_bills_account_period',
                              ['service_account_id', 'period_start', 'consumption', 'status'],
                              unique=False)
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_posted_amount', ['posted_at', 'amount', 'deleted'], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_SEARCH:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("consumer_search_ai", "consumer_search_ad", "consumer_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute(f"DROP TABLE IF EXISTS {SEARCH_TABLE}")
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_posted_amount')
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.drop_index('ix_bills_account_period')
    op.drop_table('dashboard_preferences')
