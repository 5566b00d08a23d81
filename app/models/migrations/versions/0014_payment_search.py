"""payment search

On SQLite, payment_search: an FTS5 table with the trigram tokenizer over each payment's
searchable text (its consumer's name and account number, and its receipt number), one row per
payment (rowid = the payment's rowid), kept in step by triggers on payments and on consumers
(a renamed consumer's payments are found by the new name). The payments list finds a fragment
of three characters or more through it instead of scanning with LIKE. PostgreSQL (the central
service) searches with ILIKE instead.

Note: a later batch_alter_table on payments or consumers recreates the table on SQLite and drops
these triggers; such a migration must create them again (SQLITE_TRIGGERS).

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-06 15:00:00
"""
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

SEARCH_TABLE = "payment_search"
_ROW = (f"INSERT INTO {SEARCH_TABLE}(rowid, name, account_no, receipt_no) SELECT new.rowid, "
        "(SELECT name FROM consumers WHERE id = new.consumer_id), "
        "(SELECT account_no FROM consumers WHERE id = new.consumer_id), new.receipt_no;")
_CONSUMER_ROWS = (
    f"DELETE FROM {SEARCH_TABLE} WHERE rowid IN "
    "(SELECT rowid FROM payments WHERE consumer_id = new.id); "
    f"INSERT INTO {SEARCH_TABLE}(rowid, name, account_no, receipt_no) "
    "SELECT p.rowid, new.name, new.account_no, p.receipt_no FROM payments p "
    "WHERE p.consumer_id = new.id;")
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER payment_search_ai AFTER INSERT ON payments BEGIN {_ROW} END",
    f"CREATE TRIGGER payment_search_ad AFTER DELETE ON payments BEGIN "
    f"DELETE FROM {SEARCH_TABLE} WHERE rowid = old.rowid; END",
    f"CREATE TRIGGER payment_search_au AFTER UPDATE OF consumer_id, receipt_no ON payments BEGIN "
    f"DELETE FROM {SEARCH_TABLE} WHERE rowid = old.rowid; {_ROW} END",
    # a consumer arriving after its payments (a pull in any order) or renamed
    f"CREATE TRIGGER payment_search_ci AFTER INSERT ON consumers BEGIN {_CONSUMER_ROWS} END",
    f"CREATE TRIGGER payment_search_cu AFTER UPDATE OF name, account_no ON consumers BEGIN "
    f"{_CONSUMER_ROWS} END",
]
SQLITE_SEARCH = [
    f"CREATE VIRTUAL TABLE {SEARCH_TABLE} USING fts5(name, account_no, receipt_no, "
    "tokenize='trigram')",
    f"INSERT INTO {SEARCH_TABLE}(rowid, name, account_no, receipt_no) "
    "SELECT p.rowid, c.name, c.account_no, p.receipt_no FROM payments p "
    "LEFT JOIN consumers c ON c.id = p.consumer_id",
    *SQLITE_TRIGGERS,
]
TRIGGERS = ("payment_search_ai", "payment_search_ad", "payment_search_au", "payment_search_ci",
            "payment_search_cu")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_SEARCH:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute(f"DROP TABLE IF EXISTS {SEARCH_TABLE}")
