"""Usage events (the specs' section 12): recorded by work.track, summarised for administrators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.domain.core.permissions import Permission
from app.models.system import UsageEvent
from app.services.core.context import Actor, AppContext


@dataclass(frozen=True)
class UsageCount:
    event: str
    role: str
    count: int
    users: int
    last_at: datetime


class UsageService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def summary(self, actor: Actor, since: datetime | None = None) -> list[UsageCount]:
        """Counts per event and role, most frequent first (one SQL aggregate)."""
        actor.require(Permission.VIEW_USAGE_REPORT)
        query = (
            select(UsageEvent.event, UsageEvent.role, func.count(), func.count(UsageEvent.user_name.distinct()),
                   func.max(UsageEvent.at))
            .group_by(UsageEvent.event, UsageEvent.role)
            .order_by(func.count().desc(), UsageEvent.event)
        )
        if since is not None:
            query = query.where(UsageEvent.at >= since)
        with self.app.sessions() as session:
            return [UsageCount(event, role, count, users, _aware(last)) for event, role, count, users, last
                    in session.execute(query)]


def _aware(moment: datetime | str) -> datetime:
    # max() over a SQLite text column comes back as text, not through the column type.
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
