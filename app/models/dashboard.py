"""The dashboard's per-user preferences: card layout and thresholds, saved views, saved searches."""

from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Synced


class DashboardPreference(Synced, Base):
    """One user's layout ("layout", name ""), a saved view ("view") or a saved search ("search").

    Synced like any other row, so a manager finds the same dashboard on another desk.
    """

    __tablename__ = "dashboard_preferences"
    user_name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(80), default="")
    payload: Mapped[dict] = mapped_column()
    __table_args__ = (UniqueConstraint("user_name", "kind", "name"),)


# SQLite FTS5 keeps the search index in a virtual table and its shadow tables (migration 0012);
# they are not models, so autogenerate and the schema check leave them alone.
SEARCH_TABLE = "consumer_search"
PAYMENT_SEARCH_TABLE = "payment_search"  # the payments list's (migration 0014)


def is_model_table(name: str | None, type_: str, _parent_names: object = None) -> bool:
    """Alembic's include_name hook: False for the search indexes' tables and for the job
    queue's (procrastinate's own schema, migration 0022)."""
    return not (type_ == "table" and name is not None
                and name.startswith((SEARCH_TABLE, PAYMENT_SEARCH_TABLE, "procrastinate_")))
