"""counter device and pull quarantine

counters.device_id: a counter belongs to the desktop that created (or first claimed) it, so
two desktops can no longer open cash sessions "at the same counter". Existing counters get
NULL (claimed by the first desktop that opens a session there).

sync_quarantine: pulled rows that could not be applied (a referenced row missing), kept
aside so that the pages after them apply, retried at each sync.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-06 11:50:00
"""
import sqlalchemy as sa
from alembic import op

from app.models.base import UTCDateTime

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('counters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_id', sa.String(length=36), nullable=True))
    op.create_table(
        'sync_quarantine',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('entity', sa.String(length=60), nullable=False),
        sa.Column('entity_id', sa.String(length=60), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('first_seen', UTCDateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('sync_quarantine', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_quarantine_entity_id'), ['entity_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sync_quarantine', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_quarantine_entity_id'))
    op.drop_table('sync_quarantine')
    with op.batch_alter_table('counters', schema=None) as batch_op:
        batch_op.drop_column('device_id')
