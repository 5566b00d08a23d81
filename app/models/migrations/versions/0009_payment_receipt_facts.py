"""payment receipt facts

Each payment keeps what its receipt said when it was posted (amounts paid, applied, tendered,
change, kept on account, the balance after it, who and where), so that duplicates are rendered
from those facts and never from today's ledger; and card, cheque or transfer payments keep their
details (last four digits and authorisation code, cheque number, bank and date, transfer
reference). Older payments keep NULL.

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-06 11:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_facts', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('method_details', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_column('method_details')
        batch_op.drop_column('receipt_facts')
