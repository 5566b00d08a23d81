"""Reading requests back: the detail view (header, SLA, consumer, settlement, meters) and the
landing page (KPI cards of the month, the Current requests and Request history lists)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from app.domain.core.money import Money
from app.domain.core.permissions import Permission
from app.domain.requests.disconnection import status_of
from app.domain.requests.form import ReasonChoice, action_button_label
from app.domain.requests.sla import SlaStatus, sla_status
from app.formatting import Formats
from app.models.billing import LedgerEntry
from app.models.consumers import Consumer, ServiceAccount
from app.models.requests import ServiceRequest
from app.printing.pdf.request_receipt_pdf import RequestReceiptDocument, write_request_receipt
from app.services.core.context import Actor, AppContext
from app.services.core.settings import load_settings
from app.services.payments.queries import like_pattern, local_today, money_sql, utc_bounds, zone
from app.services.requests.common import (
    consumer_row,
    reasons_for,
    request_by_id,
    request_by_number,
    sla_hours,
)
from app.services.requests.lock import ProfileLock, lock_of
from app.services.requests.meters import MeterView, meter_views
from app.services.requests.settlement import SettlementView, settlement_of

HISTORY_STATUSES = ("Completed", "Closed")


@dataclass(frozen=True)
class ConsumerCard:
    consumer_id: str
    name: str
    account_no: str
    vip: bool
    status: str
    phone: str
    email: str
    category: str
    sub_category: str
    service_address: str
    billing_address: str
    lock: ProfileLock


@dataclass(frozen=True)
class RequestDetail:
    request_id: str
    request_no: str
    request_type: str
    reason: str
    reason_code: str
    description: str
    priority: str
    status: str
    preferred_date: date | None
    time_slot: str
    notes: str
    required_approval: bool
    notify_customer: bool
    created_by: str
    created_at: datetime
    last_updated_by: str
    last_updated_at: datetime | None
    close_reason: str
    version: int
    action_label: str | None  # Acknowledge / Put on Hold / Resume, or None
    consumer: ConsumerCard
    sla: SlaStatus
    settlement: SettlementView
    meters: tuple[MeterView, ...]
    utilities: tuple[str, ...]  # of the consumer's service accounts

    def preferred_text(self, formats: Formats) -> str:
        if self.preferred_date is None:
            return "Not specified"
        return f"{formats.day(self.preferred_date)} {self.time_slot}".strip()


@dataclass(frozen=True)
class RequestRow:
    request_id: str
    request_no: str
    consumer: str
    account_no: str
    address: str
    request_type: str
    created_at: datetime
    status: str
    outstanding: Money
    priority: str


@dataclass(frozen=True)
class RequestFilter:
    text: str = ""  # request id, consumer name or account number
    status: str = ""
    request_type: str = ""
    priority: str = ""
    created_from: date | None = None
    created_to: date | None = None
    history: bool | None = None  # True: Completed and Closed; False: the rest; None: all


@dataclass(frozen=True)
class RequestKpis:
    month: date
    pending_disconnections: int
    completed_disconnections: int
    pending_reconnections: int
    completed_reconnections: int


@dataclass(frozen=True)
class MonthKpis:
    """The chosen month's cards and the month before, shown beside them."""

    current: RequestKpis
    previous: RequestKpis


def _card(consumer: Consumer, now: datetime) -> ConsumerCard:
    return ConsumerCard(consumer.id, consumer.name, consumer.account_no, consumer.vip, consumer.status,
                        consumer.phone, consumer.email, consumer.category, consumer.sub_category,
                        consumer.service_address, consumer.billing_address, lock_of(consumer, now))


def _status_text(stored: str) -> str:
    found = status_of(stored)
    return found.value if found else stored


def _detail(session: Session, request: ServiceRequest, now: datetime) -> RequestDetail:
    settings = load_settings(session)
    consumer = consumer_row(session, request.consumer_id)
    reason = next((r for r in reasons_for(settings, request.request_type) if r.code == request.reason_code),
                  ReasonChoice(request.reason_code, request.reason, request.priority, "", False))
    sla = sla_status(sla_hours(settings, request.request_type), created_at=request.created_at, now=now,
                     acknowledged_at=request.acknowledged_at, responded_at=request.responded_at,
                     resolved_at=request.resolved_at, closed_at=request.closed_at)
    return RequestDetail(
        request.id, request.request_no, request.request_type, request.reason, request.reason_code,
        reason.description, request.priority, _status_text(request.status), request.preferred_date,
        request.time_slot, request.notes, request.required_approval, request.notify_customer,
        request.created_by, request.created_at, request.last_updated_by, request.last_updated_at,
        request.close_reason, request.version, action_button_label(request.status),
        _card(consumer, now), sla, settlement_of(session, consumer.id, settings.currency),
        tuple(meter_views(session, consumer.id, request.created_at.date())),
        tuple(session.execute(select(ServiceAccount.utility).where(
            ServiceAccount.consumer_id == consumer.id).order_by(ServiceAccount.utility)).scalars()))


def _filtered(query, flt: RequestFilter, tz):
    folded = func.lower(ServiceRequest.status)
    if flt.text.strip():
        pattern = like_pattern(flt.text)
        query = query.where(or_(ServiceRequest.request_no.ilike(pattern, escape="\\"),
                                Consumer.name.ilike(pattern, escape="\\"),
                                Consumer.account_no.ilike(pattern, escape="\\")))
    if flt.status:
        query = query.where(folded == flt.status.lower())
    if flt.request_type:
        query = query.where(ServiceRequest.request_type == flt.request_type)
    if flt.priority:
        query = query.where(ServiceRequest.priority == flt.priority)
    if flt.created_from or flt.created_to:
        start, end = utc_bounds(flt.created_from or date(1970, 1, 1), flt.created_to or date(9999, 12, 30), tz)
        query = query.where(ServiceRequest.created_at >= start, ServiceRequest.created_at < end)
    history = folded.in_([s.lower() for s in HISTORY_STATUSES])
    if flt.history is True:
        query = query.where(history)
    elif flt.history is False:
        query = query.where(~history)
    return query.where(ServiceRequest.deleted.is_(False))


class RequestReads:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def request_detail(self, actor: Actor, request_id: str) -> RequestDetail:
        actor.require(Permission.VIEW_REQUESTS)
        with self.app.sessions() as session:
            return _detail(session, request_by_id(session, request_id), self.app.clock.now())

    def request_by_number(self, actor: Actor, request_no: str) -> RequestDetail:
        actor.require(Permission.VIEW_REQUESTS)
        with self.app.sessions() as session:
            return _detail(session, request_by_number(session, request_no), self.app.clock.now())

    def consumer_card(self, actor: Actor, consumer_id: str) -> ConsumerCard:
        actor.require(Permission.VIEW_REQUESTS)
        with self.app.sessions() as session:
            return _card(consumer_row(session, consumer_id), self.app.clock.now())

    def reason_choices(self, actor: Actor, request_type: str) -> list[ReasonChoice]:
        actor.require(Permission.VIEW_REQUESTS)
        with self.app.sessions() as session:
            return list(reasons_for(load_settings(session), request_type))

    def form_choices(self, actor: Actor) -> tuple[tuple[str, ...], tuple[str, ...], int, date]:
        """The create form's slots, close reasons, notes limit and the local today."""
        actor.require(Permission.VIEW_REQUESTS)
        with self.app.sessions() as session:
            s = load_settings(session)
            return (s.time_slots, s.get("disconnections.close_reasons"),
                    s.get("disconnections.notes_max_length"), local_today(self.app, s))

    def list_requests(self, actor: Actor, flt: RequestFilter = RequestFilter(), offset: int = 0,
                      limit: int = 200) -> list[RequestRow]:
        actor.require(Permission.VIEW_REQUESTS)
        owed = (select(LedgerEntry.consumer_id, func.sum(LedgerEntry.amount).label("owed"))
                .group_by(LedgerEntry.consumer_id).subquery())
        with self.app.sessions() as session:
            s = load_settings(session)
            query = (select(ServiceRequest, Consumer, money_sql(func.coalesce(owed.c.owed, 0)))
                     .join(Consumer, Consumer.id == ServiceRequest.consumer_id)
                     .outerjoin(owed, owed.c.consumer_id == Consumer.id))
            query = _filtered(query, flt, zone(s)).order_by(ServiceRequest.created_at.desc())
            rows = session.execute(query.offset(offset).limit(limit)).all()
            return [RequestRow(r.id, r.request_no, c.name, c.account_no, c.service_address,
                               r.request_type, r.created_at, _status_text(r.status),
                               Money(owed_amount, s.currency), r.priority)
                    for r, c, owed_amount in rows]

    def kpis(self, actor: Actor, month: date | None = None) -> RequestKpis:
        """The month's cards: requests raised in the month still open, and completed in it."""
        actor.require(Permission.VIEW_REQUESTS)
        with self.app.sessions() as session:
            s = load_settings(session)
            first = (month or local_today(self.app, s)).replace(day=1)
            following = (first.replace(year=first.year + 1, month=1) if first.month == 12
                         else first.replace(month=first.month + 1))
            start, end = utc_bounds(first, following - timedelta(days=1), zone(s))
            counts = {}
            for request_type in ("Disconnection", "Reconnection"):
                base = select(func.count()).select_from(ServiceRequest).where(
                    ServiceRequest.request_type == request_type, ServiceRequest.deleted.is_(False))
                pending = base.where(ServiceRequest.created_at >= start, ServiceRequest.created_at < end,
                                     func.lower(ServiceRequest.status).not_in(["completed", "closed"]))
                done = base.where(and_(ServiceRequest.resolved_at >= start, ServiceRequest.resolved_at < end))
                counts[request_type] = (session.execute(pending).scalar(), session.execute(done).scalar())
            return RequestKpis(first, counts["Disconnection"][0], counts["Disconnection"][1],
                               counts["Reconnection"][0], counts["Reconnection"][1])

    def month_kpis(self, actor: Actor, month: date | None = None) -> MonthKpis:
        current = self.kpis(actor, month)
        return MonthKpis(current, self.kpis(actor, (current.month - timedelta(days=1)).replace(day=1)))

    def write_receipt(self, actor: Actor, request_id: str, path: Path, notified: str = "") -> Path:
        """The request's receipt as a PDF (print or download at the counter)."""
        detail = self.request_detail(actor, request_id)
        with self.app.sessions() as session:
            s = load_settings(session)
        tz = zone(s)
        return write_request_receipt(path, RequestReceiptDocument(
            s.utility_name, Formats.of(s), detail.request_no, detail.request_type, detail.status,
            detail.consumer.name, detail.consumer.account_no, detail.consumer.service_address,
            detail.consumer.phone, detail.reason, detail.reason_code, detail.priority,
            detail.preferred_date, detail.time_slot, detail.notes, detail.created_at.astimezone(tz),
            detail.created_by, detail.sla.due_at.astimezone(tz), notified,
            self.app.clock.now().astimezone(tz)))
