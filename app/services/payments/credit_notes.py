"""Credit notes: created from a payment (or for an overpayment), applied to bills and services.

Money stays consistent with the ledger without new ledger entries: a payment
already credited the ledger in full. An Overpayment note is the part of it no
item took; a note created later first takes that free part, then reverses
the payment's allocation (a negative allocation row, append-only), so the
item is open again and the credit can be applied where the customer wants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.domain.core.errors import NotFound, ValidationError
from app.domain.core.money import Money
from app.domain.core.permissions import Permission
from app.domain.core.settings import Settings
from app.domain.payments import credit_notes as rules
from app.domain.payments.rules import COUNTED_STATUSES, PaymentStatus, PaymentType
from app.models.billing import Bill, ServiceCharge
from app.models.consumers import Consumer
from app.models.payments import CreditNote, CreditNoteApplication, Payment, PaymentAllocation
from app.services.core.changes import CREDIT_NOTES, PAYMENTS, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.numbering import issue_number
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work
from app.services.payments.credit_note_list import (
    CreditNoteFilter,
    CreditNoteRow,
    CreditNoteSort,
    count_credit_notes,
    list_credit_notes,
)
from app.services.payments.queries import load_item, local_today

__all__ = ["CreditNoteDetails", "CreditNoteDraft", "CreditNoteFilter", "CreditNoteRow",
           "CreditNoteSort", "CreditNotesService", "write_credit_note"]


@dataclass(frozen=True)
class CreditNoteDraft:
    """The read-only payment block of the Create Credit Note dialog, and its limits."""

    payment_id: str
    consumer_name: str
    account_no: str
    receipt_no: str
    payment_amount: Money
    paid_at: datetime
    method: str
    maximum: Money
    reasons: tuple[str, ...]
    remarks_max_length: int


@dataclass(frozen=True)
class AppliedCredit:
    target_type: str
    target_id: str
    amount: Money
    applied_at: datetime
    applied_by: str


@dataclass(frozen=True)
class CreditNoteDetails:
    credit_note_id: str
    credit_note_no: str
    status: rules.CreditNoteStatus
    consumer_id: str
    consumer_name: str
    account_no: str
    created_at: datetime
    expires_on: date
    original_amount: Money
    applied_amount: Money
    remaining: Money
    usage_percent: Decimal
    reason: str
    created_by: str
    remarks: str
    payment_id: str
    receipt_no: str
    applications: tuple[AppliedCredit, ...]
    changes: Changes = Changes()


ALL_CREDIT_NOTES = CreditNoteFilter()
NEWEST_NOTES = CreditNoteSort()
NO_CHANGES = Changes()


def write_credit_note(work: Work, settings: Settings, payment: Payment, amount: Money,
                      reason: str, remarks: str, today: date) -> CreditNote:
    """Number, write, queue and audit one credit note (inside the caller's transaction)."""
    number = issue_number(work.session, settings, "credit_note", on=today,
                          device_code=work.app.device_code, self_lease=work.app.self_lease)
    note = CreditNote(credit_note_no=number.text, payment_id=payment.id,
                      consumer_id=payment.consumer_id, amount=amount.amount, reason=reason,
                      remarks=remarks, created_by=work.actor.full_name, created_at=work.now,
                      expires_on=rules.expiry_date(today, settings.credit_note_expiry_days))
    work.record(note)
    work.audit("credit_note_created", "credit_note", note.id, credit_note_no=note.credit_note_no,
               receipt_no=payment.receipt_no, amount=amount.amount, reason=reason, remarks=remarks,
               expires_on=note.expires_on)
    work.track("credit_note_created", reason=reason, amount=amount.amount)
    return note


def _sum(session: Session, column, *where) -> Decimal:
    return session.execute(select(func.coalesce(func.sum(column), 0)).where(*where)).scalar() \
        or Decimal(0)


def _credited(session: Session, payment_id: str) -> Decimal:
    return _sum(session, CreditNote.amount, CreditNote.payment_id == payment_id)


def _applied(session: Session, note_id: str) -> Decimal:
    return _sum(session, CreditNoteApplication.amount,
                CreditNoteApplication.credit_note_id == note_id)


def _payment(session: Session, payment_id: str) -> Payment:
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound("No such payment")
    return payment


class CreditNotesService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def draft(self, actor: Actor, payment_id: str) -> CreditNoteDraft:
        actor.require(Permission.CREATE_CREDIT_NOTE)
        with self.app.sessions() as session:
            settings = load_settings(session)
            payment = _payment(session, payment_id)
            consumer = session.get(Consumer, payment.consumer_id)
            return CreditNoteDraft(
                payment.id, consumer.name, consumer.account_no, payment.receipt_no,
                Money(payment.amount, settings.currency), payment.paid_at, payment.method,
                self._maximum(session, payment, settings.currency), settings.credit_note_reasons,
                settings.get("credit_notes.remarks_max_length"))

    @staticmethod
    def _maximum(session: Session, payment: Payment, currency: str) -> Money:
        return rules.creditable(Money(payment.amount, currency),
                                Money(_credited(session, payment.id), currency))

    def create(self, actor: Actor, payment_id: str, amount: object, reason: str | None,
               remarks: str | None = "") -> CreditNoteDetails:
        actor.require(Permission.CREATE_CREDIT_NOTE)
        with unit_of_work(self.app, actor) as work:
            settings = load_settings(work.session)
            payment = _payment(work.session, payment_id)
            if payment.status not in COUNTED_STATUSES:
                raise ValidationError("Payment", f"is {payment.status.lower()}; it cannot be credited")
            credit = rules.check_credit_amount(
                amount, self._maximum(work.session, payment, settings.currency))
            reason = rules.check_reason(reason, settings.credit_note_reasons)
            remarks = rules.check_remarks(remarks, settings.get("credit_notes.remarks_max_length"))
            self._reverse_allocation(work, payment, credit)
            note = write_credit_note(work, settings, payment, credit, reason, remarks,
                                     local_today(self.app, settings))
            return self._details(work.session, note, settings, Changes.of(CREDIT_NOTES, PAYMENTS))

    @staticmethod
    def _reverse_allocation(work: Work, payment: Payment, credit: Money) -> None:
        """Take the credit from the payment's unallocated part first, then from its item."""
        session = work.session
        allocated = _sum(session, PaymentAllocation.amount, PaymentAllocation.payment_id == payment.id)
        free = payment.amount - allocated - _credited(session, payment.id)
        reverse = credit.amount - max(free, Decimal(0))
        if reverse <= 0:
            return
        first = session.execute(select(PaymentAllocation).where(
            PaymentAllocation.payment_id == payment.id, PaymentAllocation.amount > 0)).scalars().first()
        work.record(PaymentAllocation(payment_id=payment.id, bill_id=first.bill_id,
                                      service_charge_id=first.service_charge_id,
                                      installment_id=first.installment_id, amount=-reverse))

    def apply(self, actor: Actor, credit_note_id: str, target_id: str,
              amount: object | None = None) -> CreditNoteDetails:
        """Apply credit to a bill or service charge of the same consumer (all that fits by default)."""
        actor.require(Permission.APPLY_CREDIT_NOTE)
        with unit_of_work(self.app, actor) as work:
            settings = load_settings(work.session)
            note = self._note(work.session, credit_note_id)
            today = local_today(self.app, settings)
            before = self._details(work.session, note, settings)
            if before.status is not rules.CreditNoteStatus.ACTIVE:
                raise ValidationError("Credit note", f"is {before.status.value}; it cannot be applied")
            target = self._target(work.session, target_id, note.consumer_id, settings.currency)
            applied = rules.apply_credit(before.remaining, target.open_amount, amount)
            row = CreditNoteApplication(credit_note_id=note.id, amount=applied.amount.amount,
                                        applied_by=work.actor.full_name, applied_at=work.now,
                                        **_target_column(target.payment_type, target.item_id))
            work.record(row)
            work.audit("credit_note_applied", "credit_note", note.id,
                       credit_note_no=note.credit_note_no, applied_to=target.reference,
                       amount=applied.amount.amount, remaining_after=applied.remaining_after.amount,
                       on=today)
            return self._details(work.session, note, settings, Changes.of(CREDIT_NOTES, PAYMENTS))

    @staticmethod
    def _target(session: Session, target_id: str, consumer_id: str, currency: str):
        kind = PaymentType.BILL if session.get(Bill, target_id) else (
            PaymentType.SERVICE if session.get(ServiceCharge, target_id) else None)
        if kind is None:
            raise NotFound("No such bill or service charge")
        target = load_item(session, kind, target_id, currency)
        if target.consumer_id != consumer_id:
            raise ValidationError("Apply to", "belongs to another consumer")
        if not target.payable:
            raise ValidationError("Apply to", "is not open for payment")
        return target

    @staticmethod
    def _note(session: Session, credit_note_id: str) -> CreditNote:
        note = session.get(CreditNote, credit_note_id)
        if note is None:
            raise NotFound("No such credit note")
        return note

    def details(self, actor: Actor, credit_note_id: str) -> CreditNoteDetails:
        actor.require(Permission.VIEW_PAYMENTS)
        with self.app.sessions() as session:
            settings = load_settings(session)
            return self._details(session, self._note(session, credit_note_id), settings)

    def _details(self, session: Session, note: CreditNote, settings: Settings,
                 changes: Changes = NO_CHANGES) -> CreditNoteDetails:
        currency = settings.currency
        payment = session.get(Payment, note.payment_id)
        consumer = session.get(Consumer, note.consumer_id)
        original = Money(note.amount, currency)
        applied = Money(_applied(session, note.id), currency)
        left = rules.remaining(original, applied)
        status = rules.credit_note_status(note.expires_on, left, local_today(self.app, settings),
                                          voided=payment.status == PaymentStatus.VOIDED)
        return CreditNoteDetails(
            note.id, note.credit_note_no, status, consumer.id, consumer.name, consumer.account_no,
            note.created_at, note.expires_on, original, applied, left,
            rules.usage_percent(applied, original), note.reason, note.created_by, note.remarks,
            payment.id, payment.receipt_no, self._applications(session, note.id, currency), changes)

    @staticmethod
    def _applications(session: Session, note_id: str, currency: str) -> tuple[AppliedCredit, ...]:
        rows = session.execute(select(CreditNoteApplication).where(
            CreditNoteApplication.credit_note_id == note_id)
            .order_by(CreditNoteApplication.applied_at)).scalars()
        return tuple(AppliedCredit("Bill" if r.bill_id else "Service", r.bill_id or r.service_charge_id,
                                   Money(r.amount, currency), r.applied_at, r.applied_by) for r in rows)

    def list(self, actor: Actor, flt: CreditNoteFilter = ALL_CREDIT_NOTES, offset: int = 0,
             limit: int = 100, sort: CreditNoteSort = NEWEST_NOTES) -> list[CreditNoteRow]:
        actor.require(Permission.VIEW_PAYMENTS)
        with self.app.sessions() as session:
            settings = load_settings(session)
            return list_credit_notes(session, flt, local_today(self.app, settings), settings,
                                     offset=offset, limit=limit, sort=sort)

    def count(self, actor: Actor, flt: CreditNoteFilter = ALL_CREDIT_NOTES) -> int:
        actor.require(Permission.VIEW_PAYMENTS)
        with self.app.sessions() as session:
            settings = load_settings(session)
            return count_credit_notes(session, flt, local_today(self.app, settings), settings)


def _target_column(payment_type: PaymentType, item_id: str) -> dict[str, str]:
    return {"bill_id": item_id} if payment_type is PaymentType.BILL else {"service_charge_id": item_id}
