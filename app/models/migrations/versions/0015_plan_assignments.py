"""plan assignments

A service account's plan history (plan_assignments: from, to, effective date, who, when,
how), and the day a plan was deactivated (plans.inactive_since), so its accounts keep it
until their next billing cycle and no longer.

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-06 14:45:00
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'plan_assignments',
        sa.Column('service_account_id', sa.String(length=36), nullable=False),
        sa.Column('from_plan_id', sa.String(length=36), nullable=True),
        sa.Column('to_plan_id', sa.String(length=36), nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=False),
        sa.Column('source', sa.String(length=80), nullable=False),
        sa.Column('assigned_by', sa.String(length=80), nullable=False),
        sa.Column('assigned_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['from_plan_id'], ['plans.id'],
                                name=op.f('fk_plan_assignments_from_plan_id_plans')),
        sa.ForeignKeyConstraint(['service_account_id'], ['service_accounts.id'],
                                name=op.f('fk_plan_assignments_service_account_id_service_accounts')),
        sa.ForeignKeyConstraint(['to_plan_id'], ['plans.id'],
                                name=op.f('fk_plan_assignments_to_plan_id_plans')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_assignments')),
    )
    with op.batch_alter_table('plan_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_assignments_service_account_id'),
                              ['service_account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_assignments_to_plan_id'), ['to_plan_id'], unique=False)
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('inactive_since', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('inactive_since')
    with op.batch_alter_table('plan_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_assignments_to_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_assignments_service_account_id'))
    op.drop_table('plan_assignments')
