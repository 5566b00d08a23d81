"""Alembic environment: uses the engine handed over by app.models.db."""

from alembic import context

from app.models import Base
from app.models.dashboard import is_model_table

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=is_model_table,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
