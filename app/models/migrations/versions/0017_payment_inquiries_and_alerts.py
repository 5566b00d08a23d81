"""payment inquiries and payment alerts

Two synced tables from the payments story: a customer's inquiry or dispute about a payment,
logged and resolved at the counter (payment_inquiries), and a billing manager's performance
threshold on a Payments KPI, checked when the KPIs are computed (payment_alerts).

Revision ID: 0017
Revises: 0021
Create Date: 2026-12-06 17:45:00
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0017'
down_revision = '0021'
branch_labels = None
depends_on = None


def _synced() -> list[sa.Column]:
    return [
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        'payment_alerts',
        sa.Column('owner', sa.String(length=80), nullable=False),
        sa.Column('centre_id', sa.String(length=36), nullable=True),
        sa.Column('metric', sa.String(length=40), nullable=False),
        sa.Column('threshold', app.models.base.MoneyAmount(), nullable=False),
        sa.Column('notify_in_app', sa.Boolean(), nullable=False),
        sa.Column('notify_email', sa.Boolean(), nullable=False),
        sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
        *_synced(),
        sa.ForeignKeyConstraint(['centre_id'], ['service_centres.id'],
                                name=op.f('fk_payment_alerts_centre_id_service_centres')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_alerts')),
    )
    op.create_index(op.f('ix_payment_alerts_centre_id'), 'payment_alerts', ['centre_id'], unique=False)
    op.create_index(op.f('ix_payment_alerts_owner'), 'payment_alerts', ['owner'], unique=False)
    op.create_table(
        'payment_inquiries',
        sa.Column('payment_id', sa.String(length=36), nullable=False),
        sa.Column('inquiry_type', sa.String(length=40), nullable=False),
        sa.Column('notes', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('opened_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('opened_by', sa.String(length=80), nullable=False),
        sa.Column('resolved_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column('resolved_by', sa.String(length=80), nullable=False),
        sa.Column('outcome', sa.Text(), nullable=False),
        sa.Column('escalated', sa.Boolean(), nullable=False),
        sa.Column('satisfaction', sa.String(length=20), nullable=False),
        *_synced(),
        sa.ForeignKeyConstraint(['payment_id'], ['payments.id'],
                                name=op.f('fk_payment_inquiries_payment_id_payments')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_inquiries')),
    )
    op.create_index(op.f('ix_payment_inquiries_payment_id'), 'payment_inquiries', ['payment_id'],
                    unique=False)
    op.create_index(op.f('ix_payment_inquiries_status'), 'payment_inquiries', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_payment_inquiries_status'), table_name='payment_inquiries')
    op.drop_index(op.f('ix_payment_inquiries_payment_id'), table_name='payment_inquiries')
    op.drop_table('payment_inquiries')
    op.drop_index(op.f('ix_payment_alerts_owner'), table_name='payment_alerts')
    op.drop_index(op.f('ix_payment_alerts_centre_id'), table_name='payment_alerts')
    op.drop_table('payment_alerts')
