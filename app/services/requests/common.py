"""What the request use cases share: loading a request, its reasons and SLA targets from
settings, bumping a mutable row, timeline events and queued e-mails."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import NAMESPACE_URL, uuid5

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.core.errors import NotFound
from app.domain.core.settings import Settings
from app.domain.requests.form import ReasonChoice
from app.domain.requests.sla import SlaHours
from app.models.base import new_id
from app.models.consumers import Consumer
from app.models.requests import RequestEvent, ServiceRequest
from app.services.core.work import Work

QUEUED = "Queued"


def reasons_for(settings: Settings, request_type: str) -> tuple[ReasonChoice, ...]:
    key = ("disconnections.reconnection_reasons" if request_type == "Reconnection"
           else "disconnections.reasons")
    return tuple(ReasonChoice(r.code, r.reason, r.priority, r.description, r.requires_approval,
                              r.approval_threshold) for r in settings.get(key))


def sla_hours(settings: Settings, request_type: str) -> SlaHours:
    target = settings.sla_target(request_type)
    return SlaHours(target.acknowledgement_hours, target.response_hours, target.resolution_hours)


def series_for(request_type: str) -> str:
    """Reconnections have their own series (REC-...): the type shows in the number."""
    return "reconnection_request" if request_type == "Reconnection" else "disconnection_request"


def request_by_id(session: Session, request_id: str) -> ServiceRequest:
    request = session.get(ServiceRequest, request_id)
    if request is None or request.deleted:
        raise NotFound(f"Request {request_id} was not found")
    return request


def request_by_number(session: Session, request_no: str) -> ServiceRequest:
    request = session.execute(select(ServiceRequest).where(
        ServiceRequest.request_no == request_no.strip().upper(),
        ServiceRequest.deleted.is_(False))).scalar_one_or_none()
    if request is None:
        raise NotFound(f"Request {request_no.strip()} was not found")
    return request


def consumer_row(session: Session, consumer_id: str) -> Consumer:
    consumer = session.get(Consumer, consumer_id)
    if consumer is None:
        raise NotFound(f"Consumer {consumer_id} was not found")
    return consumer


def bump(work: Work, row: object) -> None:
    """A mutable synced row changed: new version, queued as an update against the old one."""
    base = row.version
    row.version, row.updated_at = base + 1, work.now
    work.record(row, "update", base_version=base)


def touch(work: Work, request: ServiceRequest) -> None:
    request.last_updated_by, request.last_updated_at = work.actor.full_name, work.now
    bump(work, request)


def event(work: Work, request: ServiceRequest, name: str, detail: str = "", key: str | None = None) -> None:
    """A timeline entry, never earlier than the request's last one: events in one transaction
    (or under a clock that stands still) follow each other by a microsecond, in order."""
    last = work.session.execute(select(func.max(RequestEvent.at))
                                .where(RequestEvent.request_id == request.id)).scalar()
    at = work.now if last is None else max(work.now, _aware(last) + timedelta(microseconds=1))
    work.record(RequestEvent(id=keyed_id(key, "event"), request_id=request.id, event=name,
                             detail=detail, user_name=work.actor.full_name, at=at))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def keyed_id(key: str | None, *parts: str) -> str:
    """A record id decided by what the record is (uuid5), or a fresh one without a key."""
    return new_id() if key is None else str(uuid5(NAMESPACE_URL, ":".join(("utilitydesk", key, *parts))))
