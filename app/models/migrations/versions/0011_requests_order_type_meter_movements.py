"""service order type and meter movements

A service order carries its type (Disconnection, Reconnection, ...) so that an SO ID can be
validated as "an open disconnection order of this consumer"; existing orders take the type of
the type that ends their template name at upgrade ("Residential Disconnection"). Meter movements
record what executing a disconnection or reconnection did to each meter.

Revision ID: 0011
Revises: 0005
Create Date: 2026-12-06 12:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('service_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('order_type', sa.String(length=30), server_default='', nullable=False))
    for order_type in ('Disconnection', 'Reconnection'):
        op.execute(sa.text("UPDATE service_orders SET order_type = :t WHERE template LIKE :p")
                   .bindparams(t=order_type, p=f'% {order_type}'))
    op.create_table(
        'meter_movements',
        sa.Column('meter_id', sa.String(length=36), nullable=False),
        sa.Column('consumer_id', sa.String(length=36), nullable=False),
        sa.Column('request_id', sa.String(length=36), nullable=True),
        sa.Column('so_no', sa.String(length=40), nullable=False),
        sa.Column('action', sa.String(length=30), nullable=False),
        sa.Column('from_status', sa.String(length=20), nullable=False),
        sa.Column('to_status', sa.String(length=20), nullable=False),
        sa.Column('service_account_id', sa.String(length=36), nullable=True),
        sa.Column('moved_by', sa.String(length=80), nullable=False),
        sa.Column('moved_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['consumer_id'], ['consumers.id'], name=op.f('fk_meter_movements_consumer_id_consumers')),
        sa.ForeignKeyConstraint(['meter_id'], ['meters.id'], name=op.f('fk_meter_movements_meter_id_meters')),
        sa.ForeignKeyConstraint(['request_id'], ['service_requests.id'], name=op.f('fk_meter_movements_request_id_service_requests')),
        sa.ForeignKeyConstraint(['service_account_id'], ['service_accounts.id'], name=op.f('fk_meter_movements_service_account_id_service_accounts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meter_movements')),
    )
    with op.batch_alter_table('meter_movements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meter_movements_consumer_id'), ['consumer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meter_movements_meter_id'), ['meter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meter_movements_request_id'), ['request_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('meter_movements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meter_movements_request_id'))
        batch_op.drop_index(batch_op.f('ix_meter_movements_meter_id'))
        batch_op.drop_index(batch_op.f('ix_meter_movements_consumer_id'))
    op.drop_table('meter_movements')
    with op.batch_alter_table('service_orders', schema=None) as batch_op:
        batch_op.drop_column('order_type')
