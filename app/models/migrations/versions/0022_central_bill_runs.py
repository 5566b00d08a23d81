"""central bill runs

The central service bills a run in chunks that job workers claim from PostgreSQL through
procrastinate (issue 13): its schema (procrastinate 3.10's schema.sql, applied once, here,
by the server's start-up migration step) and a row per finished chunk, so that a chunk's job
run twice bills nothing the second time. Only PostgreSQL gets the job queue.

Revision ID: 0022
Revises: 0017
Create Date: 2026-12-06 18:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'bill_run_chunks',
        sa.Column('run_id', sa.String(length=36), nullable=False),
        sa.Column('chunk_no', sa.Integer(), nullable=False),
        sa.Column('billed', sa.Integer(), nullable=False),
        sa.Column('skipped', sa.Integer(), nullable=False),
        sa.Column('failed', sa.Integer(), nullable=False),
        sa.Column('worker', sa.String(length=80), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('run_id', 'chunk_no'),
    )
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        from procrastinate.schema import SchemaManager

        # The raw driver: the schema's text holds % and :name that SQLAlchemy would read as
        # parameters; without parameters psycopg sends it as one simple query.
        bind.connection.driver_connection.execute(SchemaManager.get_schema())


def downgrade() -> None:
    op.drop_table('bill_run_chunks')
