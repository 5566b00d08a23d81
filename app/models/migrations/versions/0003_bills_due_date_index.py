"""bills due date index, for the payments KPIs (Total Due of a month)

The Collection Rate KPI sums the bills falling due in a month; without an
index that is a scan of every bill (about 120 ms at 1,000,000 bills, 3 ms with
this covering index). Measured by bench/bench_payments.py.

Revision ID: 0003
Revises: 0002
"""
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.create_index('ix_bills_due_date', ['due_date', 'status', 'total'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.drop_index('ix_bills_due_date')
