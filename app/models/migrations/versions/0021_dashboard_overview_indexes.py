"""dashboard overview indexes

The overview's reconciliation sums every counted bill up to a day and the ledger by source
type. Both were read row by row: bills through the one-column bill_date index (a table lookup
per bill for status and total), the ledger's entries that no document stands behind through
the posted_at index (a lookup per entry for source_type). The lines by GL code of a cycle's bills
looked up each line for its kind and amount. Covering indexes answer them from the index alone;
the bill_date and bill_id indexes become the first columns of the new ones.

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
    with op.batch_alter_table('bill_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_bill_lines_bill_id')
        batch_op.create_index('ix_bill_lines_bill_kind_amount', ['bill_id', 'kind', 'amount', 'deleted'],
                              unique=False)
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_source_posted', ['source_type', 'posted_at', 'amount', 'deleted'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_ledger_source_posted')
    with op.batch_alter_table('bill_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_bill_lines_bill_kind_amount')
        batch_op.create_index('ix_bill_lines_bill_id', ['bill_id'], unique=False)
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.drop_index('ix_bills_date_status_total')
        batch_op.create_index('ix_bills_bill_date', ['bill_date'], unique=False)
