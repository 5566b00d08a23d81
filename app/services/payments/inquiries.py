"""Customers' payment inquiries and disputes: logged against a payment at the counter, resolved
with an outcome and the customer's satisfaction; an escalation tells the centre's supervisors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from app.domain.core.errors import NotFound, ValidationError
from app.domain.core.permissions import Permission, Role
from app.domain.payments import inquiries as rules
from app.models.inquiries import PaymentInquiry
from app.models.payments import Payment
from app.models.users import User
from app.services.core.changes import INQUIRIES, NOTICES, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.inbox import Recipient, notify
from app.services.core.work import Work, unit_of_work

ESCALATED = "payment_inquiry_escalated"


@dataclass(frozen=True)
class InquiryItem:
    inquiry_id: str
    payment_id: str
    inquiry_type: str
    notes: str
    status: str
    opened_at: datetime
    opened_by: str
    resolved_at: datetime | None
    resolved_by: str
    outcome: str
    escalated: bool
    satisfaction: str
    version: int

    @property
    def is_open(self) -> bool:
        return self.status == rules.OPEN

    @property
    def resolution_minutes(self) -> int | None:
        if self.resolved_at is None:
            return None
        return rules.resolution_minutes(self.opened_at, self.resolved_at)


def _item(row: PaymentInquiry) -> InquiryItem:
    return InquiryItem(row.id, row.payment_id, row.inquiry_type, row.notes, row.status,
                       row.opened_at, row.opened_by, row.resolved_at, row.resolved_by, row.outcome,
                       row.escalated, row.satisfaction, row.version)


class PaymentInquiries:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def for_payment(self, actor: Actor, payment_id: str) -> list[InquiryItem]:
        """Oldest first: the payment's history of inquiries."""
        actor.require(Permission.VIEW_PAYMENTS)
        with self.app.sessions() as session:
            rows = session.execute(select(PaymentInquiry).where(
                PaymentInquiry.payment_id == payment_id, PaymentInquiry.deleted.is_(False))
                .order_by(PaymentInquiry.opened_at, PaymentInquiry.id)).scalars()
            return [_item(row) for row in rows]

    def open_count(self, actor: Actor) -> int:
        actor.require(Permission.VIEW_PAYMENTS)
        with self.app.sessions() as session:
            return session.execute(select(func.count()).select_from(PaymentInquiry).where(
                PaymentInquiry.status == rules.OPEN, PaymentInquiry.deleted.is_(False))).scalar_one()

    def log(self, actor: Actor, payment_id: str, inquiry_type: str, notes: str) -> InquiryItem:
        actor.require(Permission.HANDLE_INQUIRIES)
        inquiry_type, notes = rules.check_inquiry(inquiry_type, notes)
        with unit_of_work(self.app, actor) as work:
            payment = work.session.get(Payment, payment_id)
            if payment is None:
                raise NotFound("That payment is not on this desktop")
            row = PaymentInquiry(payment_id=payment_id, inquiry_type=inquiry_type, notes=notes,
                                 status=rules.OPEN, opened_at=work.now, opened_by=actor.username)
            work.record(row)
            work.audit("payment_inquiry_logged", "payment", payment_id, inquiry_type=inquiry_type,
                       receipt_no=payment.receipt_no)
            return _item(row)

    def resolve(self, actor: Actor, inquiry_id: str, outcome: str, escalate: bool,
                satisfaction: str) -> Changes:
        actor.require(Permission.HANDLE_INQUIRIES)
        outcome, satisfaction = rules.check_resolution(outcome, satisfaction)
        with unit_of_work(self.app, actor) as work:
            row = work.session.get(PaymentInquiry, inquiry_id)
            if row is None or row.deleted:
                raise NotFound("That inquiry is not on this desktop")
            if row.status != rules.OPEN:
                raise ValidationError("Inquiry", f"was already resolved by {row.resolved_by}")
            base = row.version
            row.status, row.resolved_at, row.resolved_by = rules.RESOLVED, work.now, actor.username
            row.outcome, row.escalated, row.satisfaction = outcome, escalate, satisfaction
            row.version, row.updated_at = base + 1, work.now
            work.record(row, "update", base_version=base)
            minutes = rules.resolution_minutes(row.opened_at, work.now)
            work.audit("payment_inquiry_resolved", "payment", row.payment_id,
                       inquiry_type=row.inquiry_type, escalated=escalate, satisfaction=satisfaction)
            work.track("payment_inquiry_resolved", inquiry_type=row.inquiry_type,
                       resolution_time=minutes, escalation_required=escalate,
                       customer_satisfaction=satisfaction)
            if escalate:
                _tell_supervisors(work, row, outcome)
        return Changes.of(INQUIRIES, NOTICES) if escalate else Changes.of(INQUIRIES)


def _tell_supervisors(work: Work, row: PaymentInquiry, outcome: str) -> None:
    payment = work.session.get(Payment, row.payment_id)
    centre = work.actor.centre_id
    query = select(User).where(User.role == Role.SUPERVISOR.value, User.active.is_(True),
                               User.deleted.is_(False))
    if centre is not None:
        query = query.where(or_(User.centre_id == centre, User.centre_id.is_(None)))
    people = [Recipient(user.username, user.email) for user in work.session.execute(query).scalars()]
    notify(work, people, f"Payment inquiry escalated: {payment.receipt_no} ({row.inquiry_type})",
           f"{work.actor.full_name} escalated an inquiry about payment {payment.payment_no}: {outcome}",
           ESCALATED, f"payment:{row.payment_id}", key=f"{ESCALATED}:{row.id}", email=False)
