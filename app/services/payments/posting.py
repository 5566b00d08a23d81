"""Recording payments at the counter and voiding them (reading them back: reads.py).

Recording is one transaction: numbers, the payment, its allocation, the
ledger credit, an Overpayment credit note when extra is kept on account, the
audit entry, the usage event and an outbox row for every row written. If any
step fails nothing is kept, not even the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.core.errors import NotFound, ValidationError
from app.domain.core.money import Money
from app.domain.core.permissions import Permission
from app.domain.core.settings import Settings
from app.domain.payments.allocation import LATEST
from app.domain.payments.credit_notes import OVERPAYMENT, check_reason
from app.domain.payments.method_details import check_details
from app.domain.payments.rules import (
    COUNTED_STATUSES,
    VERIFIED,
    PaymentLimits,
    PaymentRequest,
    PaymentStatus,
    PaymentType,
    ValidPayment,
    check_required,
    item_field,
    validate_request,
)
from app.models.billing import LedgerEntry
from app.models.consumers import Consumer
from app.models.payments import CreditNote, CreditNoteApplication, Payment, PaymentAllocation
from app.services.cash.counter import requeue_insert
from app.services.cash.takings import attach_cash_payment, attach_cash_void
from app.services.core.changes import CREDIT_NOTES, LEDGER, PAYMENTS, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.numbering import issue_number
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work
from app.services.payments.credit_notes import (
    ALL_CREDIT_NOTES,
    NEWEST_NOTES,
    CreditNoteDetails,
    CreditNoteDraft,
    CreditNoteFilter,
    CreditNoteRow,
    CreditNoteSort,
    CreditNotesService,
    write_credit_note,
)
from app.services.payments.details import PaymentDetails, load_details
from app.services.payments.listing import PaymentFilter, PaymentKpis, PaymentRow, Sort
from app.services.payments.queries import (
    PayableItem,
    allocation_target,
    balance,
    load_item,
    local_today,
    moment_on,
    open_item_of,
    zone,
)
from app.services.payments.reads import (
    AccountView,
    ConsumerSummary,
    PaymentFormOptions,
    PaymentReads,
    consumer_of,
)
from app.services.payments.receipt_data import LoadedReceipt
from app.services.payments.receipt_facts import facts_of, facts_to_json

__all__ = ["AccountView", "ConsumerSummary", "PayableItem", "PaymentFilter", "PaymentFormOptions",
           "PaymentKpis", "PaymentRequest", "PaymentRow", "PaymentsService", "PostedPayment", "Sort"]


@dataclass(frozen=True)
class PostedPayment:
    """Everything the confirmation and the receipt show."""

    details: PaymentDetails
    balance_after: Money
    changes: Changes
    receipt: LoadedReceipt | None = None  # what its receipt says, ready to print without a read

    @property
    def payment_no(self) -> str:
        return self.details.payment.payment_no

    @property
    def receipt_no(self) -> str:
        return self.details.transaction.receipt_no

    @property
    def amount(self) -> Money:
        return self.details.payment.amount

    @property
    def change(self) -> Money | None:
        return self.details.cash.change if self.details.cash else None

    @property
    def credit_note_no(self) -> str | None:
        note = self.details.overpayment_credit_note
        return note.credit_note_no if note else None


def check_large_change(valid: ValidPayment, settings: Settings, confirmed: bool) -> None:
    """Change above the confirmation limit is most often a mistyped amount received."""
    limit = settings.money("counter.change_confirm_limit")
    if valid.cash is not None and valid.cash.change > limit and not confirmed:
        raise ValidationError("Amount received", f"gives change of {valid.cash.change.amount}, "
                                                 f"more than {limit.amount}: check it and confirm")


def _items_dated(items: list[PayableItem], valid: ValidPayment) -> dict[str, object]:
    """What the Avg Collection Time KPI reads off the payment: the bill or service date the items
    it paid share, and how many they are (an installment has none; items of several dates or
    nothing applied: NULL, and the KPI works it out from the allocations)."""
    paid = {a.key for a in valid.allocations}
    dates = {i.generated_on for i in items if i.item_id in paid}
    if valid.payment_type is PaymentType.INSTALLMENT or not paid or len(dates) != 1:
        return {}
    return {"item_dated_on": dates.pop(), "item_count": len(paid)}


def _plan_payment(items: list[PayableItem], valid: ValidPayment,
                  request: PaymentRequest) -> dict[str, object]:
    """The story's plan_payment_recorded: on time when every installment paid was not yet due."""
    late = any(i.due_date is not None and i.due_date < valid.paid_on for i in items)
    return {"payment_amount": valid.amount.amount, "plan_compliance": "Late" if late else "On time",
            "method_used": valid.method, "processing_time": request.seconds_taken,
            "installments": [i.reference for i in items]}


class PaymentsService(PaymentReads):
    """Records and voids payments; reads them through PaymentReads."""

    def __init__(self, app: AppContext) -> None:
        super().__init__(app)
        self.credit_notes = CreditNotesService(app)

    # recording ------------------------------------------------------------------

    def record_payment(self, actor: Actor, request: PaymentRequest) -> PostedPayment:
        actor.require(Permission.RECORD_PAYMENT)
        payment_type = check_required(request)
        with unit_of_work(self.app, actor) as work:
            settings = load_settings(work.session)
            consumer = consumer_of(work.session, request.consumer_id)
            items = self._open_items(work.session, payment_type, request.chosen_ids, consumer.id,
                                     settings.currency)
            valid = validate_request(request, self._limits(work.session, settings, consumer, items))
            check_large_change(valid, settings, request.change_confirmed)
            about = check_details(valid.method, request.method_details,
                                  local_today(self.app, settings))
            payment = self._write_payment(work, settings, consumer, items, valid)
            payment.method_details = about or None
            attach_cash_payment(work, payment, request.received_pieces, request.change_pieces)
            note = self._keep_overpayment(work, settings, payment, valid)
            self._audit(work, payment, valid, note)
            work.track("payment_processed", type=valid.payment_type.value, method=valid.method,
                       channel=valid.channel, amount=valid.amount.amount,
                       processing_time="Immediate", receipt_generated=True,
                       seconds=request.seconds_taken)
            if valid.payment_type is PaymentType.INSTALLMENT:
                work.track("plan_payment_recorded", **_plan_payment(items, valid, request))
            details = load_details(work.session, payment.id, settings.currency, work.now)
            after = Money(balance(work.session, consumer.id), settings.currency)
            facts = facts_of(details, settings, after)
            payment.receipt_facts = facts_to_json(facts)
            requeue_insert(work, payment)
        areas = (PAYMENTS, LEDGER, CREDIT_NOTES) if note else (PAYMENTS, LEDGER)
        return PostedPayment(details, after, Changes.of(*areas),
                             LoadedReceipt(settings, details, facts, 0, 0))

    @staticmethod
    def _open_items(session: Session, payment_type: PaymentType, item_ids: tuple[str, ...],
                    consumer_id: str, currency: str) -> list[PayableItem]:
        """The items this payment settles, each open and the consumer's, oldest due first."""
        field = item_field(payment_type)
        if len(set(item_ids)) != len(item_ids):
            raise ValidationError(field, "each item can be paid only once in a payment")
        items = []
        for item_id in item_ids:
            item = load_item(session, payment_type, item_id, currency)
            if item is None or item.consumer_id != consumer_id:
                raise ValidationError(field, "was not found for this consumer")
            if not item.payable:
                raise ValidationError(field, f"{item.reference} is not open for payment")
            items.append(item)
        return sorted(items, key=lambda i: i.due_date or LATEST)

    def _limits(self, session: Session, settings: Settings, consumer: Consumer,
                items: list[PayableItem]) -> PaymentLimits:
        return PaymentLimits(
            currency=settings.currency, today=local_today(self.app, settings),
            channels=settings.channels, default_channel=settings.default_channel,
            methods=settings.payment_modes, notes_max_length=settings.get("payments.notes_max_length"),
            outstanding=Money(balance(session, consumer.id), settings.currency),
            threshold=settings.overpayment_threshold,
            open_amount=sum((i.open_amount for i in items), Money.zero(settings.currency)),
            items=tuple(open_item_of(i) for i in items))

    def _number(self, work: Work, settings: Settings, series: str, on: date) -> str:
        return issue_number(work.session, settings, series, on=on,
                            device_code=self.app.device_code, self_lease=self.app.self_lease).text

    def _write_payment(self, work: Work, settings: Settings, consumer: Consumer,
                       items: list[PayableItem], valid: ValidPayment) -> Payment:
        today = local_today(self.app, settings)
        numbers = {series: self._number(work, settings, series, today)
                   for series in ("payment", "transaction", "receipt")}
        cash = valid.cash
        payment = Payment(
            payment_no=numbers["payment"], transaction_no=numbers["transaction"],
            receipt_no=numbers["receipt"], consumer_id=consumer.id,
            payment_type=valid.payment_type.value, channel=valid.channel, method=valid.method,
            amount=valid.amount.amount, tendered=cash.tendered.amount if cash else None,
            change_given=cash.change.amount if cash else None,
            paid_at=moment_on(valid.paid_on, work.now, zone(settings)),
            status=PaymentStatus.POSTED.value, verification=VERIFIED,
            received_by=work.actor.full_name, notes=valid.notes, **_items_dated(items, valid))
        work.record(payment)
        for allocation in valid.allocations:  # one row per item settled, oldest due first
            work.record(PaymentAllocation(payment_id=payment.id, amount=allocation.amount.amount,
                                          **allocation_target(valid.payment_type, allocation.key)))
        work.record(LedgerEntry(consumer_id=consumer.id, entry_type="payment",
                                amount=-valid.amount.amount, source_type="payment",
                                source_id=payment.id, description=f"Payment {payment.receipt_no}",
                                posted_at=work.now))
        return payment

    def _keep_overpayment(self, work: Work, settings: Settings, payment: Payment,
                          valid: ValidPayment) -> CreditNote | None:
        if not valid.overpaid:
            return None
        reason = check_reason(OVERPAYMENT, settings.credit_note_reasons)
        return write_credit_note(work, settings, payment, valid.overpaid, reason,
                                 f"Overpayment on receipt {payment.receipt_no}",
                                 local_today(self.app, settings))

    @staticmethod
    def _audit(work: Work, payment: Payment, valid: ValidPayment, note: CreditNote | None) -> None:
        cash = valid.cash
        work.audit("payment_recorded", "payment", payment.id, payment_no=payment.payment_no,
                   receipt_no=payment.receipt_no, transaction_no=payment.transaction_no,
                   type=payment.payment_type,
                   item=", ".join(a.reference for a in valid.allocations), method=payment.method,
                   channel=payment.channel, amount=valid.amount.amount,
                   applied=valid.applied.amount,
                   tendered=cash.tendered.amount if cash else None,
                   change=cash.change.amount if cash else None,
                   credit_note_no=note.credit_note_no if note else None)

    # voiding --------------------------------------------------------------------

    def void_payment(self, actor: Actor, payment_id: str, reason: str) -> Changes:
        """Status Voided and a reversing ledger debit; the receipt keeps its number."""
        actor.require(Permission.VOID_PAYMENT)
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError("Reason", "is required")
        with unit_of_work(self.app, actor) as work:
            payment = work.session.get(Payment, payment_id)
            if payment is None:
                raise NotFound("No such payment")
            self._check_voidable(work.session, payment)
            before, base = payment.status, payment.version
            payment.status, payment.void_reason = PaymentStatus.VOIDED.value, reason
            payment.voided_by, payment.voided_at = actor.full_name, work.now
            payment.version, payment.updated_at = base + 1, work.now
            work.record(payment, "update", base_version=base)
            work.record(LedgerEntry(consumer_id=payment.consumer_id, entry_type="payment_void",
                                    amount=payment.amount, source_type="payment",
                                    source_id=payment.id, posted_at=work.now,
                                    description=f"Void of payment {payment.receipt_no}"))
            attach_cash_void(work, payment)
            work.audit("payment_voided", "payment", payment.id, receipt_no=payment.receipt_no,
                       amount=payment.amount, reason=reason, before=before,
                       after=PaymentStatus.VOIDED.value)
        return Changes.of(PAYMENTS, LEDGER, CREDIT_NOTES)

    @staticmethod
    def _check_voidable(session: Session, payment: Payment) -> None:
        if payment.status not in COUNTED_STATUSES:
            raise ValidationError("Payment", f"is {payment.status.lower()}; it cannot be voided")
        applied = session.execute(
            select(CreditNote.credit_note_no).join(
                CreditNoteApplication, CreditNoteApplication.credit_note_id == CreditNote.id)
            .where(CreditNote.payment_id == payment.id)).scalars().first()
        if applied:
            raise ValidationError("Payment", f"credit note {applied} has been applied; "
                                             "it cannot be voided")

    def verify_payment(self, actor: Actor, payment_id: str) -> Changes:
        """Mark an online payment Verified (the details view's Verify button); audited."""
        actor.require(Permission.VERIFY_PAYMENT)
        with unit_of_work(self.app, actor) as work:
            payment = work.session.get(Payment, payment_id)
            if payment is None:
                raise NotFound("No such payment")
            if payment.verification == VERIFIED:
                raise ValidationError("Verification", "is already Verified")
            if payment.status not in COUNTED_STATUSES:
                raise ValidationError("Payment", f"is {payment.status.lower()}; it cannot be verified")
            before, base = payment.verification, payment.version
            payment.verification, payment.version, payment.updated_at = VERIFIED, base + 1, work.now
            work.record(payment, "update", base_version=base)
            work.audit("payment_verified", "payment", payment.id, receipt_no=payment.receipt_no,
                       before=before, after=VERIFIED)
        return Changes.of(PAYMENTS)

    # credit notes -----------------------------------------------------------------

    def credit_note_draft(self, actor: Actor, payment_id: str) -> CreditNoteDraft:
        return self.credit_notes.draft(actor, payment_id)

    def create_credit_note(self, actor: Actor, payment_id: str, amount: object,
                           reason: str | None, remarks: str | None = "") -> CreditNoteDetails:
        return self.credit_notes.create(actor, payment_id, amount, reason, remarks)

    def apply_credit_note(self, actor: Actor, credit_note_id: str, target_id: str,
                          amount: object | None = None) -> CreditNoteDetails:
        return self.credit_notes.apply(actor, credit_note_id, target_id, amount)

    def list_credit_notes(self, actor: Actor, flt: CreditNoteFilter = ALL_CREDIT_NOTES,
                          offset: int = 0, limit: int = 100,
                          sort: CreditNoteSort = NEWEST_NOTES) -> list[CreditNoteRow]:
        return self.credit_notes.list(actor, flt, offset, limit, sort)

    def count_credit_notes(self, actor: Actor, flt: CreditNoteFilter = ALL_CREDIT_NOTES) -> int:
        return self.credit_notes.count(actor, flt)

    def credit_note_details(self, actor: Actor, credit_note_id: str) -> CreditNoteDetails:
        return self.credit_notes.details(actor, credit_note_id)
