"""One transaction per use case, with its audit entry, outbox rows and usage events."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from app.models.system import OutboxEntry, UsageEvent
from app.services.core import audit
from app.services.core.context import Actor, AppContext
from app.services.core.serialize import json_safe, row_to_dict


@dataclass
class Work:
    """The open transaction of one use case. Everything it writes commits together or not at all."""

    session: Session
    app: AppContext
    actor: Actor
    now: datetime
    audited: list[str] = field(default_factory=list)

    def audit(self, action: str, entity: str, entity_id: str, **summary: object) -> None:
        audit.append(self.session, at=self.now, actor=self.actor, device_id=self.app.device_id,
                     action=action, entity=entity, entity_id=entity_id, summary=summary)
        self.audited.append(action)

    def record(self, row: object, operation: str = "insert", *, base_version: int | None = None,
               flush: bool = True) -> None:
        """Queue a synced row for the central service (after flushing its defaults).

        `flush=False` is for callers that set every column themselves (imports of thousands
        of rows): the rows are then written together when the unit of work commits."""
        self.session.add(row)
        if flush:
            self.session.flush()
        payload = row_to_dict(row)
        self.session.add(OutboxEntry(
            entity=type(row).__tablename__, entity_id=payload["id"], operation=operation,
            payload=payload, base_version=base_version, created_at=self.now,
            actor_username=self.actor.username,
        ))

    def track(self, event: str, **properties: object) -> None:
        self.session.add(UsageEvent(at=self.now, user_name=self.actor.username,
                                    role=self.actor.role.value, event=event,
                                    properties=json_safe(properties)))


@contextmanager
def unit_of_work(app: AppContext, actor: Actor) -> Iterator[Work]:
    with app.sessions() as session, session.begin():
        yield Work(session=session, app=app, actor=actor, now=app.clock.now())


def track(app: AppContext, actor: Actor, event: str, **properties: object) -> None:
    """A usage event on its own (a screen viewed, a search made)."""
    with unit_of_work(app, actor) as work:
        work.track(event, **properties)
