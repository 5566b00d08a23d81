"""notices: the in-app inbox

A synced table of in-app notices, one per recipient, read or unread. Until now the in-app
copies of SLA escalations lived in the mailer's outbox (`notifications`, status Unread or
Read), which is never sent back to a desktop; they move here with their read state.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 15:00:00
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

IN_APP = "('Unread', 'Read')"


def upgrade() -> None:
    op.create_table(
        'notices',
        sa.Column('recipient', sa.String(length=80), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=80), nullable=False),
        sa.Column('event_key', sa.String(length=200), nullable=False),
        sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('read_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    )
    op.create_index(op.f('ix_notices_recipient'), 'notices', ['recipient'], unique=False)
    op.execute(
        "INSERT INTO notices (id, version, updated_at, deleted, recipient, kind, subject, body, "
        "link, event_key, created_at, read_at) "
        "SELECT id, version, updated_at, deleted, recipient, kind, subject, body, '', "
        "'legacy:' || id, created_at, CASE WHEN status = 'Read' THEN updated_at END "
        f"FROM notifications WHERE status IN {IN_APP}")
    op.execute(f"DELETE FROM notifications WHERE status IN {IN_APP}")


def downgrade() -> None:
    op.execute(
        "INSERT INTO notifications (id, version, updated_at, deleted, kind, recipient, subject, "
        "body, status, attempts, created_at) "
        "SELECT id, version, updated_at, deleted, kind, recipient, subject, body, "
        "CASE WHEN read_at IS NULL THEN 'Unread' ELSE 'Read' END, 0, created_at FROM notices")
    op.drop_index(op.f('ix_notices_recipient'), table_name='notices')
    op.drop_table('notices')
