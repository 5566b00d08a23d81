"""billing runs

Bill runs are recorded (who, scope, counts, state, resume point); one bill per service
account and period (rebill number after a cancellation) is a unique key, so a re-run bills
nobody twice; bill lines carry their GL code, service and tariff version; late payment
charges name the bill that assessed them; reads record a meter change or rollover.
Existing rows get: arrears 0, rebill 0, empty GL codes, 6-digit meters.

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-06 11:40:52.128186
"""
import sqlalchemy as sa
from alembic import op

import app.models.base

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bill_runs',
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('scope_label', sa.String(length=160), nullable=False),
    sa.Column('cycle_id', sa.String(length=36), nullable=True),
    sa.Column('zone_id', sa.String(length=36), nullable=True),
    sa.Column('segment', sa.String(length=60), nullable=False),
    sa.Column('account_no', sa.String(length=40), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('bill_date', sa.Date(), nullable=False),
    sa.Column('off_cycle', sa.Boolean(), nullable=False),
    sa.Column('as_draft', sa.Boolean(), nullable=False),
    sa.Column('started_by', sa.String(length=80), nullable=False),
    sa.Column('started_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('accounts_total', sa.Integer(), nullable=False),
    sa.Column('billed', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('failed', sa.Integer(), nullable=False),
    sa.Column('last_account_no', sa.String(length=40), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['cycle_id'], ['billing_cycles.id'], name=op.f('fk_bill_runs_cycle_id_billing_cycles')),
    sa.ForeignKeyConstraint(['zone_id'], ['zones.id'], name=op.f('fk_bill_runs_zone_id_zones')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bill_runs'))
    )
    with op.batch_alter_table('bill_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bill_runs_cycle_id'), ['cycle_id'], unique=False)

    with op.batch_alter_table('bill_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gl_code', sa.String(length=20), server_default='', nullable=False))
        batch_op.add_column(sa.Column('utility', sa.String(length=30), server_default='', nullable=False))
        batch_op.add_column(sa.Column('tariff_version', sa.Integer(), nullable=True))

    with op.batch_alter_table('billing_exceptions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('service_account_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('run_id', sa.String(length=36), nullable=True))
        batch_op.alter_column('cycle_id',
               existing_type=sa.VARCHAR(length=36),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_billing_exceptions_run_id'), ['run_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_billing_exceptions_run_id_bill_runs'), 'bill_runs', ['run_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_billing_exceptions_service_account_id_service_accounts'), 'service_accounts', ['service_account_id'], ['id'])

    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.add_column(sa.Column('arrears', app.models.base.MoneyAmount(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('closing_read_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('run_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('rebill_no', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('replaces_bill_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('approved_by', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('printed_at', app.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('printed_by', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('sent_at', app.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sent_by', sa.String(length=80), server_default='', nullable=False))
        batch_op.create_unique_constraint('uq_bills_account_period', ['service_account_id', 'period_start', 'rebill_no'])
        batch_op.create_foreign_key(batch_op.f('fk_bills_run_id_bill_runs'), 'bill_runs', ['run_id'], ['id'])

    with op.batch_alter_table('meter_reads', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=20), server_default='', nullable=False))

    with op.batch_alter_table('meters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dial_digits', sa.Integer(), server_default='6', nullable=False))

    with op.batch_alter_table('service_charges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bill_id', sa.String(length=36), nullable=True))
        batch_op.create_index(batch_op.f('ix_service_charges_bill_id'), ['bill_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_service_charges_bill_id_bills'), 'bills', ['bill_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('service_charges', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_service_charges_bill_id_bills'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_service_charges_bill_id'))
        batch_op.drop_column('bill_id')

    with op.batch_alter_table('meters', schema=None) as batch_op:
        batch_op.drop_column('dial_digits')

    with op.batch_alter_table('meter_reads', schema=None) as batch_op:
        batch_op.drop_column('reason')

    with op.batch_alter_table('bills', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_bills_run_id_bill_runs'), type_='foreignkey')
        batch_op.drop_constraint('uq_bills_account_period', type_='unique')
        batch_op.drop_column('sent_by')
        batch_op.drop_column('sent_at')
        batch_op.drop_column('printed_by')
        batch_op.drop_column('printed_at')
        batch_op.drop_column('approved_by')
        batch_op.drop_column('replaces_bill_id')
        batch_op.drop_column('rebill_no')
        batch_op.drop_column('run_id')
        batch_op.drop_column('closing_read_on')
        batch_op.drop_column('arrears')

    with op.batch_alter_table('billing_exceptions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_billing_exceptions_service_account_id_service_accounts'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_billing_exceptions_run_id_bill_runs'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_billing_exceptions_run_id'))
        batch_op.alter_column('cycle_id',
               existing_type=sa.VARCHAR(length=36),
               nullable=False)
        batch_op.drop_column('run_id')
        batch_op.drop_column('service_account_id')

    with op.batch_alter_table('bill_lines', schema=None) as batch_op:
        batch_op.drop_column('tariff_version')
        batch_op.drop_column('utility')
        batch_op.drop_column('gl_code')

    with op.batch_alter_table('bill_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bill_runs_cycle_id'))

    op.drop_table('bill_runs')
