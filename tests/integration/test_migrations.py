"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from app.models import Base
from app.models.dashboard import is_model_table
from app.models.db import make_engine, upgrade


def test_migrations_match_the_models(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'schema.sqlite3'}")
    upgrade(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(
            connection, opts={"include_name": is_model_table}), Base.metadata) == []
    engine.dispose()
