"""dashboard overview indexes

The overview's reconciliation sums every counted bill up to a day and the ledger by source
type. Both were read row by row: bills through the one-column bill_date index (a table lookup
per bill for status and total), the ledger's entries that no document stands behind through
the posted_at index (a lookup per entry for source_type). Two covering indexes answer them from
the index alone; the bill_date index becomes the first columns of the new one.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 18:00:00
"""
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.drop_index('ix_bills_bill_date')
        batch_op.create_index('ix_bills_date_status_total', ['bill_date', 'status', 'deleted', 'total'],
                              unique=False)
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_source_posted', ['source_type', 'posted_at', 'amount', 'deleted'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_source_posted')
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.drop_index('ix_bills_date_status_total')
        batch_op.create_index('ix_bills_bill_date', ['bill_date'], unique=False)
