"""The disconnections page's Escalations tab: the signed-in supervisor's unread SLA breach
notices, a filtered view of the general inbox (app/services/core/inbox.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.domain.core.permissions import Permission
from app.services.core.context import Actor, AppContext
from app.services.core.inbox import Inbox

SLA_BREACH = "sla_breach"


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
    app: AppContext

    def inbox(self, actor: Actor) -> list[InboxItem]:
        actor.require(Permission.VIEW_REQUESTS)
        return [InboxItem(n.notice_id, n.at, n.subject, n.body)
                for n in Inbox(self.app).notices(actor, unread_only=True, kind=SLA_BREACH)]

    def mark_read(self, actor: Actor, notification_id: str) -> None:
        actor.require(Permission.VIEW_REQUESTS)
        Inbox(self.app).mark_read(actor, notification_id)
