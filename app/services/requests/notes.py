"""The communication tab: internal notes and messages to the consumer (an e-mail is queued),
each with its time and user and audited (AC020); and the request's timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.domain.core.errors import ValidationError
from app.domain.core.permissions import Permission
from app.domain.requests.form import check_notes
from app.models.requests import Communication, RequestEvent
from app.services.core.context import Actor, AppContext
from app.services.core.inbox import queue_email
from app.services.core.work import unit_of_work
from app.services.requests.common import consumer_row, event, request_by_id, touch

INTERNAL = "Internal"
CONSUMER = "Consumer"
MESSAGE_MAX = 1000


@dataclass(frozen=True)
class CommunicationRow:
    at: datetime
    user_name: str
    audience: str
    channel: str
    body: str


@dataclass(frozen=True)
class TimelineRow:
    at: datetime
    event: str
    detail: str
    user_name: str


class RequestNotes:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def add_communication(self, actor: Actor, request_id: str, audience: str,
                          body: str) -> CommunicationRow:
        """Internal: a note for colleagues. Consumer: an e-mail queued to the consumer."""
        actor.require(Permission.NOTE_REQUEST)
        if audience not in (INTERNAL, CONSUMER):
            raise ValidationError("Audience", "choose Internal or Consumer")
        text = check_notes(body, MESSAGE_MAX)
        if not text:
            raise ValidationError("Message", "is required")
        with unit_of_work(self.app, actor) as work:
            request = request_by_id(work.session, request_id)
            consumer = consumer_row(work.session, request.consumer_id)
            channel = "Note" if audience == INTERNAL else "Email"
            if audience == CONSUMER:
                if not consumer.email:
                    raise ValidationError("Audience", "the consumer has no e-mail address")
                queue_email(work, "request_message", consumer.email,
                            f"Your {request.request_type.lower()} request {request.request_no}", text)
                request.responded_at = request.responded_at or work.now
            row = Communication(request_id=request.id, consumer_id=consumer.id, audience=audience,
                                channel=channel, body=text, created_by=work.actor.full_name,
                                created_at=work.now)
            work.record(row)
            touch(work, request)
            label = "Internal note added" if audience == INTERNAL else "Message sent to consumer"
            event(work, request, label, text[:120])
            work.audit(label, "service_request", request.id, request_no=request.request_no,
                       audience=audience, channel=channel,
                       recipient=consumer.email if audience == CONSUMER else "", text=text)
            return CommunicationRow(work.now, work.actor.full_name, audience, channel, text)

    def communications(self, actor: Actor, request_id: str) -> list[CommunicationRow]:
        actor.require(Permission.VIEW_REQUESTS)
        with self.app.sessions() as session:
            rows = session.execute(select(Communication).where(
                Communication.request_id == request_id, Communication.deleted.is_(False))
                .order_by(Communication.created_at)).scalars()
            return [CommunicationRow(r.created_at, r.created_by, r.audience, r.channel, r.body)
                    for r in rows]

    def timeline(self, actor: Actor, request_id: str) -> list[TimelineRow]:
        actor.require(Permission.VIEW_REQUESTS)
        with self.app.sessions() as session:
            rows = session.execute(select(RequestEvent).where(RequestEvent.request_id == request_id)
                                   .order_by(RequestEvent.at, RequestEvent.updated_at)).scalars()
            return [TimelineRow(r.at, r.event, r.detail, r.user_name) for r in rows]
