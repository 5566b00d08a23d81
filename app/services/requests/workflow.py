"""Moving a request through its statuses (Acknowledge, Put on Hold, Resume, Close) and
escalating SLA breaches to supervisors. Each move is checked against the domain's machine,
bumps the request's version (a stale copy on another desktop conflicts) and is audited."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.domain.core.errors import ConflictError, ValidationError
from app.domain.core.permissions import Permission, Role
from app.domain.requests.disconnection import RequestStatus, check_transition, status_of
from app.domain.requests.form import check_notes
from app.domain.requests.sla import sla_status
from app.models.requests import RequestEvent, ServiceRequest
from app.models.users import User
from app.services.core.changes import REQUESTS, Changes
from app.services.core.context import SYSTEM_ACTOR, Actor, AppContext
from app.services.core.inbox import Recipient, notify
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work
from app.services.requests.common import (
    consumer_row,
    event,
    keyed_id,
    request_by_id,
    sla_hours,
    touch,
)

S = RequestStatus
OPEN_STATUSES = (S.PENDING.value, S.IN_PROGRESS.value, S.ON_HOLD.value)
BREACH_EVENT = "SLA breached"


@dataclass(frozen=True)
class StatusChange:
    request_id: str
    before: str
    after: str
    version: int
    changes: Changes


def move(work: Work, request: ServiceRequest, to: RequestStatus, detail: str = "",
         base_version: int | None = None) -> StatusChange:
    """One status move: refused when illegal or when the screen's copy is stale."""
    if base_version is not None and base_version != request.version:
        raise ConflictError(f"Request {request.request_no} was changed by {request.last_updated_by} "
                            "meanwhile; it now shows its current status")
    before = request.status
    check_transition(before, to.value)
    request.status = to.value
    if to is S.IN_PROGRESS and request.acknowledged_at is None:
        request.acknowledged_at = work.now
    if to is S.COMPLETED:
        request.resolved_at = work.now
        request.responded_at = request.responded_at or work.now
    if to is S.CLOSED:
        request.closed_at = work.now
    touch(work, request)
    event(work, request, _EVENT_NAMES.get(to, f"Status {to.value}"),
          f"Status: {before} → {to.value}" + (f" ({detail})" if detail else ""))
    work.audit(f"Request {to.value.lower()}", "service_request", request.id,
               request_no=request.request_no, before=before, after=to.value, detail=detail)
    return StatusChange(request.id, before, to.value, request.version, Changes.of(REQUESTS))


_EVENT_NAMES = {S.IN_PROGRESS: "Status changed", S.ON_HOLD: "Put on hold",
                S.COMPLETED: "Request completed", S.CLOSED: "Request closed"}


class RequestWorkflow:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def acknowledge(self, actor: Actor, request_id: str, base_version: int | None = None) -> StatusChange:
        """AC010: Pending -> In progress."""
        return self._move(actor, request_id, S.IN_PROGRESS, {S.PENDING}, base_version, "acknowledged")

    def put_on_hold(self, actor: Actor, request_id: str, base_version: int | None = None) -> StatusChange:
        return self._move(actor, request_id, S.ON_HOLD, {S.IN_PROGRESS}, base_version)

    def resume(self, actor: Actor, request_id: str, base_version: int | None = None) -> StatusChange:
        return self._move(actor, request_id, S.IN_PROGRESS, {S.ON_HOLD}, base_version, "resumed")

    def close(self, actor: Actor, request_id: str, reason: str, notes: str = "",
              base_version: int | None = None) -> StatusChange:
        """Close with one of the configured close reasons; "Other" needs notes saying why."""
        actor.require(Permission.WORK_REQUEST)
        with unit_of_work(self.app, actor) as work:
            settings = load_settings(work.session)
            if reason not in settings.get("disconnections.close_reasons"):
                raise ValidationError("Close reason", "choose one of the configured reasons")
            notes = check_notes(notes, 250)
            if reason.casefold() == "other" and not notes:
                raise ValidationError("Additional notes", "say why when the reason is Other")
            request = request_by_id(work.session, request_id)
            request.close_reason = reason
            detail = reason + (f": {notes}" if notes else "")
            return move(work, request, S.CLOSED, detail, base_version)

    def _move(self, actor: Actor, request_id: str, to: RequestStatus, allowed_from: set,
              base_version: int | None, detail: str = "") -> StatusChange:
        actor.require(Permission.WORK_REQUEST)
        with unit_of_work(self.app, actor) as work:
            request = request_by_id(work.session, request_id)
            if status_of(request.status) not in allowed_from:
                raise ValidationError("Status", f"cannot move from {request.status} to {to.value}")
            return move(work, request, to, detail, base_version)

    # SLA escalation ---------------------------------------------------------------------------

    def escalate_breaches(self, actor: Actor = SYSTEM_ACTOR) -> list[str]:
        """Each target an open request breaches is escalated once, whichever desktop sees it
        first: a timeline event, an in-app notification and a queued e-mail to every active
        supervisor, audited. Their ids follow from (request, target, recipient), so another
        desktop escalating the same breach before it has synced writes the same records, and
        the central service keeps one of each. Returns the request numbers escalated now."""
        with unit_of_work(self.app, actor) as work:
            settings = load_settings(work.session)
            supervisors = work.session.execute(select(User).where(
                User.role == Role.SUPERVISOR.value, User.active.is_(True))
                .order_by(User.username)).scalars().all()
            escalated = []
            for request in self._open_requests(work):
                missed = sla_status(sla_hours(settings, request.request_type),
                                    created_at=request.created_at, now=work.now,
                                    acknowledged_at=request.acknowledged_at,
                                    responded_at=request.responded_at).missed
                fresh = [target for target in missed
                         if work.session.get(RequestEvent, keyed_id(breach_key(request.id, target), "event"))
                         is None]
                for target in fresh:
                    self._escalate(work, request, target, supervisors)
                if fresh:
                    escalated.append(request.request_no)
            return escalated

    @staticmethod
    def _open_requests(work: Work) -> list[ServiceRequest]:
        return list(work.session.execute(select(ServiceRequest).where(
            ServiceRequest.status.in_(OPEN_STATUSES + ("In Progress", "On Hold")),
            ServiceRequest.deleted.is_(False))).scalars())

    @staticmethod
    def _escalate(work: Work, request: ServiceRequest, target: str, supervisors: list[User]) -> None:
        key = breach_key(request.id, target)
        consumer = consumer_row(work.session, request.consumer_id)
        subject = f"SLA breached: {request.request_no} ({consumer.name}, {consumer.account_no})"
        body = (f"{request.request_type} request {request.request_no} ({request.reason}, priority "
                f"{request.priority}, status {request.status}) has breached its {target.lower()} target.")
        notify(work, [Recipient(s.username, s.email) for s in supervisors], subject, body, "sla_breach",
               f"service_request:{request.id}", key=key)
        event(work, request, BREACH_EVENT, f"{target} target missed; escalated to "
              + (", ".join(s.full_name for s in supervisors) or "no supervisor"), key=key)
        work.audit("SLA breach escalated", "service_request", request.id, request_no=request.request_no,
                   target=target, supervisors=[s.username for s in supervisors])


def breach_key(request_id: str, target: str) -> str:
    return f"sla-breach:{request_id}:{target}"
