"""Raising a disconnection or reconnection request: validated as a whole, numbered, stored with
its timeline event, audit entry and (when the checkbox is on) the consumer's e-mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.core.errors import ValidationError
from app.domain.core.permissions import Permission
from app.domain.requests.disconnection import INITIAL_STATUS, request_type_for
from app.domain.requests.form import (
    check_notes,
    check_preferred_date,
    check_reason,
    check_time_slot,
    needs_approval,
)
from app.models.requests import Communication, ServiceRequest
from app.services.core.changes import REQUESTS, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.inbox import queue_email
from app.services.core.numbering import issue_number
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work
from app.services.payments.queries import balance, local_today
from app.services.requests.common import (
    consumer_row,
    event,
    reasons_for,
    series_for,
)
from app.services.requests.lock import lock_of, release_in


@dataclass(frozen=True)
class RequestDraft:
    """What the create form submits. The request type is never taken from the form: it follows
    the consumer's status (AC003)."""

    consumer_id: str
    reason_code: str
    preferred_date: date | None
    time_slot: str
    notes: str = ""
    notify_customer: bool = True


@dataclass(frozen=True)
class CreatedRequest:
    request_id: str
    request_no: str
    request_type: str
    provisional_number: bool
    notified: str  # the e-mail address told, or "" when the box was unchecked
    changes: Changes


def _notice(request: ServiceRequest, consumer_name: str, account_no: str) -> tuple[str, str]:
    subject = f"{request.request_type} request {request.request_no}"
    # the day as ISO: the mailer and the screens write it as the settings say when they show it
    when = (f"{request.preferred_date.isoformat()} between {request.time_slot.replace('-', ' and ')}"
            if request.preferred_date else "a date to be confirmed")
    body = (f"Dear {consumer_name}, {request.request_type.lower()} request {request.request_no} for "
            f"account {account_no} is scheduled for {when}.")
    return subject, body


class RequestCreation:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def create_request(self, actor: Actor, draft: RequestDraft) -> CreatedRequest:
        actor.require(Permission.CREATE_REQUEST)
        with unit_of_work(self.app, actor) as work:
            return self._create(work, draft)

    def _create(self, work: Work, draft: RequestDraft) -> CreatedRequest:
        settings = load_settings(work.session)
        if not draft.consumer_id:
            raise ValidationError("Customer", "search for and verify a customer first")
        consumer = consumer_row(work.session, draft.consumer_id)
        if not lock_of(consumer, work.now).held_by(work.actor.username):
            raise ValidationError("Customer", "verify the customer first (the profile lock is not yours)")
        request_type = request_type_for(consumer.status)
        reason = check_reason(draft.reason_code, reasons_for(settings, request_type))
        preferred = check_preferred_date(draft.preferred_date, local_today(self.app, settings))
        slot = check_time_slot(draft.time_slot, settings.time_slots)
        notes = check_notes(draft.notes, settings.get("disconnections.notes_max_length"))
        if draft.notify_customer and not consumer.email:
            raise ValidationError("Customer notification",
                                  "the customer has no e-mail address: uncheck it or add one")
        number = issue_number(work.session, settings, series_for(request_type),
                              on=local_today(self.app, settings),
                              device_code=self.app.device_code, self_lease=self.app.self_lease)
        request = ServiceRequest(
            request_no=number.text, consumer_id=consumer.id, request_type=request_type,
            reason_code=reason.code, reason=reason.reason, priority=reason.priority,
            preferred_date=preferred, time_slot=slot, notes=notes, status=INITIAL_STATUS.value,
            notify_customer=draft.notify_customer,
            required_approval=needs_approval(reason, balance(work.session, consumer.id)),
            created_by=work.actor.full_name, created_at=work.now,
            last_updated_by=work.actor.full_name, last_updated_at=work.now)
        work.record(request)
        event(work, request, "Request created",
              f"{request.request_no}: {reason.reason} ({reason.code}), priority {reason.priority}")
        work.audit("Request created", "service_request", request.id, request_no=request.request_no,
                   request_type=request_type, consumer=consumer.account_no, reason=reason.code,
                   preferred=f"{preferred} {slot}", notify_customer=draft.notify_customer)
        notified = self._notify(work, request, consumer) if draft.notify_customer else ""
        release_in(work, consumer)
        work.track("disconnection_request_created", request_type=request_type, reason=reason.code)
        return CreatedRequest(request.id, request.request_no, request_type, number.provisional,
                              notified, Changes.of(REQUESTS))

    @staticmethod
    def _notify(work: Work, request: ServiceRequest, consumer) -> str:
        """AC019: checked, an e-mail is queued for the consumer and the audit says so."""
        subject, body = _notice(request, consumer.name, consumer.account_no)
        queue_email(work, "request_created", consumer.email, subject, body)
        work.record(Communication(request_id=request.id, consumer_id=consumer.id, audience="Consumer",
                                  channel="Email", body=body, created_by=work.actor.full_name,
                                  created_at=work.now))
        event(work, request, "Customer notified", f"Email queued to {consumer.email}")
        work.audit("Customer notified", "service_request", request.id, request_no=request.request_no,
                   channel="Email", recipient=consumer.email)
        return consumer.email
