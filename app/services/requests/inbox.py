"""The in-app inbox: SLA breach escalations addressed to the signed-in user (a supervisor),
unread until marked read. The e-mail copy of each goes out through the central mailer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.domain.core.errors import NotFound
from app.domain.core.permissions import Permission
from app.models.requests import Notification
from app.services.core.context import Actor, AppContext
from app.services.core.work import unit_of_work
from app.services.requests.common import IN_APP_UNREAD, bump

READ = "Read"


@dataclass(frozen=True)
class InboxItem:
    notification_id: str
    at: datetime
    subject: str
    body: str

    @property
    def request_no(self) -> str:
        """"SLA breached: DIS-2025-000001 (...)" -> "DIS-2025-000001"."""
        return self.subject.split(": ", 1)[-1].split(" ", 1)[0]


class RequestInbox:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def inbox(self, actor: Actor) -> list[InboxItem]:
        actor.require(Permission.VIEW_REQUESTS)
        with self.app.sessions() as session:
            rows = session.execute(select(Notification).where(
                Notification.recipient == actor.username, Notification.status == IN_APP_UNREAD,
                Notification.deleted.is_(False)).order_by(Notification.created_at.desc())).scalars()
            return [InboxItem(n.id, n.created_at, n.subject, n.body) for n in rows]

    def mark_read(self, actor: Actor, notification_id: str) -> None:
        actor.require(Permission.VIEW_REQUESTS)
        with unit_of_work(self.app, actor) as work:
            row = work.session.get(Notification, notification_id)
            if row is None or row.recipient != actor.username or row.status != IN_APP_UNREAD:
                raise NotFound("That notification is not in your inbox")
            row.status = READ
            bump(work, row)
