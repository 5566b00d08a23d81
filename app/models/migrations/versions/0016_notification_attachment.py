"""notification attachment

A queued e-mail may name documents the central mailer attaches as PDFs when it sends it
("bills:INV-414013,INV-414014": a disconnection's final bill, approved and sent).

Revision ID: 0016
Revises: 0012
Create Date: 2026-12-06 15:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment', sa.String(length=200), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('attachment')
