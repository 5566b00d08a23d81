"""The Payments details view and the receipt: every section of one payment, as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.core.errors import NotFound
from app.domain.core.money import Money
from app.domain.payments.allocation import LATEST
from app.domain.payments.method_details import detail_rows
from app.domain.payments.rules import (
    CASH,
    SYSTEM_RECEIVER,
    VERIFIED,
    AmountAnalysis,
    PaymentStatus,
    ProcessingTime,
    analyse_amount,
    processing_time,
)
from app.models.consumers import Consumer
from app.models.payments import CreditNote, Payment, PaymentAllocation
from app.services.payments.queries import PayableItem, allocated_item, load_item


@dataclass(frozen=True)
class ConsumerInfo:
    consumer_id: str
    name: str
    account_no: str
    service_address: str
    phone: str
    email: str


@dataclass(frozen=True)
class PaymentInfo:
    payment_id: str
    payment_no: str
    status: str
    amount: Money
    method: str
    payment_type: str
    channel: str
    webhook_status: str
    settlement_status: str
    method_details: tuple[tuple[str, str], ...] = ()  # card, cheque or transfer: (label, value)


@dataclass(frozen=True)
class CreditNoteLink:
    credit_note_id: str
    credit_note_no: str
    amount: Money
    reason: str



@dataclass(frozen=True)
class CashDetails:
    received: Money
    change: Money


@dataclass(frozen=True)
class TransactionInfo:
    transaction_no: str
    receipt_no: str
    paid_at: datetime


@dataclass(frozen=True)
class ProcessingInfo:
    received_by: str
    processing_time: ProcessingTime
    verification: str

    @property
    def needs_verification(self) -> bool:
        """The details view offers a Verify button (to those allowed) when this is True."""
        return self.verification != VERIFIED


@dataclass(frozen=True)
class VoidInfo:
    reason: str
    voided_by: str
    voided_at: datetime | None


@dataclass(frozen=True)
class PaymentDetails:
    payment: PaymentInfo
    item: PayableItem | None
    analysis: AmountAnalysis
    credit_notes: tuple[CreditNoteLink, ...]
    cash: CashDetails | None
    transaction: TransactionInfo
    processing: ProcessingInfo
    consumer: ConsumerInfo
    notes: str
    void: VoidInfo | None
    # Every item the payment settled and what it applied to each, oldest due first.
    allocations: tuple[tuple[PayableItem, Money], ...] = ()

    @property
    def overpayment_credit_note(self) -> CreditNoteLink | None:
        """The credit note generated because extra was paid (the first one, made with the payment)."""
        return self.credit_notes[0] if self.credit_notes else None

    def where_the_difference_went(self) -> tuple[tuple[str, Money], ...]:
        """For an overpaid payment, where the amount beyond the item's went, as (what, amount):
        applied to the consumer's other open items, kept on account as a credit note, or left on
        the account as credit (it lowers the balance). Empty unless overpaid."""
        over = self.analysis.difference
        if over.is_negative or not over:
            return ()
        first = self.item.reference if self.item is not None else None
        went: list[tuple[str, Money]] = []
        for item, amount in self.allocations:
            if item.reference != first:
                went.append((f"Applied to {item.payment_type.value.lower()} {item.reference}", amount))
        for note in self.credit_notes:
            went.append((f"Kept on account as credit note {note.credit_note_no}", note.amount))
        left = over
        for _, amount in went:
            left = left - amount
        if left and not left.is_negative:
            went.append(("Left on the account as credit (it lowers the balance)", left))
        return tuple(went)


def consumer_info(consumer: Consumer) -> ConsumerInfo:
    return ConsumerInfo(consumer.id, consumer.name, consumer.account_no, consumer.service_address,
                        consumer.phone, consumer.email)


def _allocations(session: Session, payment: Payment,
                 currency: str) -> tuple[tuple[PayableItem, Money], ...]:
    rows = session.execute(
        select(PaymentAllocation).where(PaymentAllocation.payment_id == payment.id,
                                        PaymentAllocation.amount > 0)).scalars().all()
    settled = []
    for allocation in rows:
        item = load_item(session, *allocated_item(allocation), currency)
        if item is not None:
            settled.append((item, Money(allocation.amount, currency)))
    return tuple(sorted(settled, key=lambda pair: (pair[0].due_date or LATEST,
                                                   pair[0].reference)))



def _credit_notes(session: Session, payment: Payment, currency: str) -> tuple[CreditNoteLink, ...]:
    notes = session.execute(
        select(CreditNote).where(CreditNote.payment_id == payment.id)
        .order_by(CreditNote.created_at, CreditNote.credit_note_no)).scalars()
    return tuple(CreditNoteLink(n.id, n.credit_note_no, Money(n.amount, currency), n.reason)
                 for n in notes)


def _cash(payment: Payment, currency: str) -> CashDetails | None:
    if payment.method != CASH or payment.tendered is None:
        return None
    return CashDetails(Money(payment.tendered, currency), Money(payment.change_given or 0, currency))


def _processing(payment: Payment, now: datetime) -> ProcessingInfo:
    by_user = payment.received_by != SYSTEM_RECEIVER and payment.gateway_ref is None
    return ProcessingInfo(payment.received_by,
                          processing_time(by_user, payment.paid_at, payment.settled_at, now),
                          payment.verification)


def load_details(session: Session, payment_id: str, currency: str, now: datetime) -> PaymentDetails:
    payment = session.get(Payment, payment_id)
    if payment is None:
        raise NotFound("No such payment")
    consumer = session.get(Consumer, payment.consumer_id)
    amount = Money(payment.amount, currency)
    allocations = _allocations(session, payment, currency)
    item = allocations[0][0] if allocations else None
    voided = payment.status == PaymentStatus.VOIDED
    return PaymentDetails(
        payment=PaymentInfo(payment.id, payment.payment_no, payment.status, amount, payment.method,
                            payment.payment_type, payment.channel, payment.webhook_status,
                            payment.settlement_status,
                            tuple(detail_rows(payment.method, payment.method_details))),
        item=item,
        analysis=analyse_amount(sum((i.amount for i, _ in allocations[1:]), item.amount)
                                if item else amount, amount),
        credit_notes=_credit_notes(session, payment, currency),
        cash=_cash(payment, currency),
        transaction=TransactionInfo(payment.transaction_no, payment.receipt_no, payment.paid_at),
        processing=_processing(payment, now),
        consumer=consumer_info(consumer),
        notes=payment.notes,
        void=VoidInfo(payment.void_reason, payment.voided_by, payment.voided_at) if voided else None,
        allocations=allocations,
    )
