"""push results and refused webhooks

The central service keeps the answer it gave to every pushed operation (push_results), so a
push retried after a lost response gets the same answers back, and keeps signed gateway events
it could not use (refused_webhooks) for an administrator to look at.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 12:00:00
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('push_results',
    sa.Column('device_id', sa.String(length=36), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.Column('entity', sa.String(length=60), nullable=False),
    sa.Column('entity_id', sa.String(length=60), nullable=False),
    sa.Column('operation', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('current', sa.JSON(), nullable=True),
    sa.Column('depends_on', sa.String(length=60), nullable=True),
    sa.PrimaryKeyConstraint('device_id', 'seq', name=op.f('pk_push_results'))
    )
    with op.batch_alter_table('push_results', schema=None) as batch_op:
        batch_op.create_index('ix_push_results_device_entity', ['device_id', 'entity_id'], unique=False)

    op.create_table('refused_webhooks',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('received_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('event_id', sa.String(length=120), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refused_webhooks'))
    )


def downgrade() -> None:
    op.drop_table('refused_webhooks')
    with op.batch_alter_table('push_results', schema=None) as batch_op:
        batch_op.drop_index('ix_push_results_device_entity')
    op.drop_table('push_results')
