"""Importing payment gateway events (a JSON list of Stripe-like events) as online payments.

Until the central service's webhook feeds this desktop, a file exported from the
gateway is imported here: payment_intent.* events create or update the online
payment (channel Online Portal, received by System, verification Pending), and
payout.* / settlement.* events update its settlement; statuses are mapped by the
settings' Stripe mappings (app.domain.payments.rules). Every event id is remembered, so
importing the same file again changes nothing. A file with a bad event imports
nothing. The format is in docs/reconciliation.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.billing.exceptions import Category
from app.domain.core.errors import ImportRefused, ValidationError
from app.domain.core.money import Money, minor_digits
from app.domain.core.permissions import Permission
from app.domain.core.settings import Settings
from app.domain.payments.rules import (
    SYSTEM_RECEIVER,
    VERIFICATION_PENDING,
    GatewayState,
    PaymentStatus,
    PaymentType,
    map_payment_status,
    map_settlement_status,
    processing_days,
)
from app.models.billing import Bill, LedgerEntry
from app.models.central import WebhookEvent
from app.models.consumers import Consumer
from app.models.payments import Payment, PaymentAllocation
from app.services.billing.raised import open_exception
from app.services.core.changes import LEDGER, PAYMENTS, Changes
from app.services.core.context import Actor, AppContext
from app.services.core.numbering import issue_number
from app.services.core.settings import load_settings
from app.services.core.work import Work, unit_of_work
from app.services.payments.queries import load_item, zone

# The same event types as the central service's webhook (sync/server/webhook.py).
PAYMENT_EVENTS = {"payment_intent.succeeded": "Succeeded", "payment_intent.payment_failed": "Failed",
                  "payment_intent.processing": "Pending"}
SETTLEMENT_EVENTS = {f"{prefix}.{kind}": kind.title() for prefix in ("payout", "settlement")
                     for kind in ("created", "paid", "failed")}
FAILED = "Failed"  # a webhook or settlement status
OUR_STATUS = {FAILED: PaymentStatus.FAILED, "Not Confirmed": PaymentStatus.PENDING}
ONLINE_CHANNEL = "Online Portal"
DEFAULT_METHOD = "Credit Card"
PROVIDER = "stripe"
CREATED, UPDATED, UNCHANGED, IGNORED = "created", "updated", "unchanged", "ignored"


@dataclass(frozen=True)
class GatewayProblem:
    index: int  # 1-based position in the file; 0 for the file itself
    event_id: str
    field: str
    rule: str

    def __str__(self) -> str:
        where = f"Event {self.index}" + (f" ({self.event_id})" if self.event_id else "")
        return f"{where}, {self.field}: {self.rule}" if self.index else f"{self.field}: {self.rule}"


class GatewayErrors(ImportRefused):
    def __init__(self, problems: list[GatewayProblem]) -> None:
        super().__init__("Gateway events", problems)


@dataclass(frozen=True)
class GatewayEvent:
    index: int
    event_id: str
    kind: str
    created: datetime
    intent_id: str = ""
    amount_minor: int = 0
    paid_at: datetime | None = None
    account_no: str = ""
    invoice_no: str = ""
    method: str = DEFAULT_METHOD

    @property
    def is_payment(self) -> bool:
        return self.kind in PAYMENT_EVENTS

    @property
    def is_settlement(self) -> bool:
        return self.kind in SETTLEMENT_EVENTS


@dataclass(frozen=True)
class EventOutcome:
    event_id: str
    kind: str
    result: str  # created, updated, unchanged, ignored
    payment_no: str
    detail: str


@dataclass(frozen=True)
class GatewayImportSummary:
    outcomes: tuple[EventOutcome, ...]
    settled: tuple[tuple[str, Decimal], ...]  # payment number, processing days
    changes: Changes

    def count(self, result: str) -> int:
        return sum(o.result == result for o in self.outcomes)


# parsing ---------------------------------------------------------------------------------------

def parse_events(text: str, currency: str, now: datetime) -> list[GatewayEvent]:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        raise GatewayErrors([GatewayProblem(0, "", "File", f"is not valid JSON ({error.msg}, "
                                                           f"line {error.lineno})")]) from None
    if isinstance(raw, dict) and isinstance(raw.get("data"), list):
        raw = raw["data"]  # a Stripe list response
    if not isinstance(raw, list):
        raise GatewayErrors([GatewayProblem(0, "", "File", "must hold a list of events")])
    problems: list[GatewayProblem] = []
    events = [_event(n, item, currency, now, problems) for n, item in enumerate(raw, start=1)]
    if problems:
        raise GatewayErrors(problems)
    return events


def _event(index: int, item: object, currency: str, now: datetime,
           problems: list[GatewayProblem]) -> GatewayEvent:
    def problem(field: str, rule: str) -> None:
        problems.append(GatewayProblem(index, event_id, field, rule))

    event_id = str(item.get("id") or "").strip() if isinstance(item, dict) else ""
    if not isinstance(item, dict):
        problem("event", "must be an object")
        return GatewayEvent(index, "", "", now)
    if not event_id:
        problem("id", "is required")
    kind = str(item.get("type") or "")
    if not kind:
        problem("type", "is required")
    created = _moment(item.get("created"), now, problem, "created")
    obj = (item.get("data") or {}).get("object") if isinstance(item.get("data"), dict) else None
    if kind not in PAYMENT_EVENTS and kind not in SETTLEMENT_EVENTS:
        return GatewayEvent(index, event_id, kind, created)
    if not isinstance(obj, dict):
        problem("data.object", "is required")
        return GatewayEvent(index, event_id, kind, created)
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    if kind in SETTLEMENT_EVENTS:
        intent = str(obj.get("payment_intent") or metadata.get("payment_intent") or "")
        if not intent:
            problem("data.object.payment_intent", "is required")
        return GatewayEvent(index, event_id, kind, created, intent_id=intent)
    return _payment_event(index, event_id, kind, created, obj, metadata, currency, problem)


def _payment_event(index, event_id, kind, created, obj, metadata, currency, problem) -> GatewayEvent:
    intent = str(obj.get("id") or "")
    if not intent:
        problem("data.object.id", "is required")
    amount = obj.get("amount_received") or obj.get("amount")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        problem("data.object.amount", "must be a whole number of minor units above 0")
        amount = 0
    given = str(obj.get("currency") or currency).upper()
    if given != currency:
        problem("data.object.currency", f"must be {currency}, the utility's currency")
    account = str(metadata.get("account_no") or "").strip()
    if not account:
        problem("data.object.metadata.account_no", "is required")
    return GatewayEvent(index, event_id, kind, created, intent, amount,
                        _moment(obj.get("created"), created, problem, "data.object.created"),
                        account, str(metadata.get("invoice_no") or "").strip(),
                        str(metadata.get("method") or DEFAULT_METHOD))


def _moment(value: object, default: datetime, problem, field: str) -> datetime:
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        problem(field, "must be a Unix time in seconds")
        return default
    return datetime.fromtimestamp(value, UTC)


# importing --------------------------------------------------------------------------------------

class GatewayImportService:
    def __init__(self, app: AppContext) -> None:
        self.app = app

    def import_file(self, actor: Actor, path: Path | str) -> GatewayImportSummary:
        try:
            text = Path(path).read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("Gateway events", "must be a UTF-8 JSON file") from None
        except OSError as error:
            raise ValidationError("Gateway events", f"cannot be read ({error.strerror})") from None
        return self.import_events(actor, text)

    def import_events(self, actor: Actor, text: str) -> GatewayImportSummary:
        actor.require(Permission.RECONCILE)
        with unit_of_work(self.app, actor) as work:
            settings = load_settings(work.session)
            events = parse_events(text, settings.currency, work.now)
            consumers, bills = _references(work.session, events)
            run = _Run(self.app, work, settings, consumers, bills)
            outcomes = tuple(run.apply(e) for e in sorted(events, key=lambda e: e.created))
            changed = [o for o in outcomes if o.result in (CREATED, UPDATED)]
            work.track("gateway_events_imported", events=len(outcomes), created=sum(
                o.result == CREATED for o in outcomes), updated=sum(o.result == UPDATED for o in outcomes))
        areas = (PAYMENTS, LEDGER) if changed else ()
        return GatewayImportSummary(outcomes, tuple(run.settled), Changes.of(*areas))


def _references(session: Session, events: list[GatewayEvent]) -> tuple[dict, dict]:
    """Consumers by account number and bills by (consumer, invoice); unknown ones are problems."""
    payments = [e for e in events if e.is_payment]
    accounts = {e.account_no for e in payments}
    consumers = {c.account_no: c for c in session.execute(
        select(Consumer).where(Consumer.account_no.in_(accounts))).scalars()}
    invoices = {e.invoice_no for e in payments if e.invoice_no}
    bills = {(b.consumer_id, b.invoice_no): b for b in session.execute(
        select(Bill).where(Bill.invoice_no.in_(invoices))).scalars()}
    problems = []
    for e in payments:
        consumer = consumers.get(e.account_no)
        if consumer is None:
            problems.append(GatewayProblem(e.index, e.event_id, "data.object.metadata.account_no",
                                           f"no consumer has account {e.account_no}"))
        elif e.invoice_no and (consumer.id, e.invoice_no) not in bills:
            problems.append(GatewayProblem(e.index, e.event_id, "data.object.metadata.invoice_no",
                                           f"{e.invoice_no} is not a bill of account {e.account_no}"))
    if problems:
        raise GatewayErrors(problems)
    return consumers, bills


class _Run:
    """One import: applies events in time order within the caller's transaction."""

    def __init__(self, app: AppContext, work: Work, settings: Settings, consumers: dict,
                 bills: dict) -> None:
        self.app, self.work, self.settings = app, work, settings
        self.consumers, self.bills = consumers, bills
        self.settled: list[tuple[str, Decimal]] = []

    def apply(self, event: GatewayEvent) -> EventOutcome:
        if not event.is_payment and not event.is_settlement:
            return EventOutcome(event.event_id, event.kind, IGNORED, "", "event type not handled")
        if self.work.session.get(WebhookEvent, event.event_id) is not None:
            return EventOutcome(event.event_id, event.kind, UNCHANGED, "", "already imported")
        payment = self.work.session.execute(select(Payment).where(
            Payment.gateway_ref == event.intent_id)).scalar_one_or_none()
        if event.is_settlement and payment is None:
            # not remembered, so a later file that brings the payment can apply it
            return EventOutcome(event.event_id, event.kind, IGNORED, "",
                                f"no online payment {event.intent_id} yet")
        outcome = self._payment(event, payment) if event.is_payment else self._settle(event, payment)
        self.work.session.add(WebhookEvent(event_id=event.event_id, provider=PROVIDER,
                                           event_type=event.kind, received_at=self.work.now,
                                           outcome=f"{outcome.result}: {outcome.detail}"))
        return outcome

    def _payment(self, event: GatewayEvent, payment: Payment | None) -> EventOutcome:
        state = map_payment_status(PAYMENT_EVENTS[event.kind],
                                   self.settings.get("payments.stripe_payment_statuses"))
        if payment is None:
            payment = self._new_payment(event)
            self._save(payment, state, None, event)
            self._allocate(payment, event)
            return self._outcome(event, CREATED, payment, state)
        return self._change(event, payment, state, settled=False)

    def _settle(self, event: GatewayEvent, payment: Payment) -> EventOutcome:
        previous = GatewayState(payment.webhook_status, payment.settlement_status)
        state = map_settlement_status(SETTLEMENT_EVENTS[event.kind],
                                      self.settings.get("payments.stripe_settlement_statuses"),
                                      previous)
        settled = state.settlement_status == "Success" and payment.settled_at is None
        if settled:
            payment.settled_at = max(event.created, payment.paid_at)
            self.settled.append((payment.payment_no,
                                 processing_days(payment.paid_at, payment.settled_at)))
        return self._change(event, payment, state, settled=settled)

    def _change(self, event: GatewayEvent, payment: Payment, state: GatewayState, *,
                settled: bool) -> EventOutcome:
        previous = GatewayState(payment.webhook_status, payment.settlement_status)
        if state == previous and not settled:
            return self._outcome(event, UNCHANGED, payment, state)
        self._save(payment, state, previous, event)
        return self._outcome(event, UPDATED, payment, state)

    @staticmethod
    def _outcome(event: GatewayEvent, result: str, payment: Payment,
                 state: GatewayState) -> EventOutcome:
        return EventOutcome(event.event_id, event.kind, result, payment.payment_no,
                            f"{payment.status} / {state.webhook_status} / {state.settlement_status}")

    def _new_payment(self, event: GatewayEvent) -> Payment:
        consumer = self.consumers[event.account_no]
        paid_at = event.paid_at or event.created
        on = paid_at.astimezone(zone(self.settings)).date()
        numbers = {series: issue_number(self.work.session, self.settings, series, on=on,
                                        device_code=self.app.device_code,
                                        self_lease=self.app.self_lease).text
                   for series in ("payment", "transaction", "receipt")}
        amount = Decimal(event.amount_minor).scaleb(-minor_digits(self.settings.currency))
        return Payment(payment_no=numbers["payment"], transaction_no=numbers["transaction"],
                       receipt_no=numbers["receipt"], consumer_id=consumer.id,
                       payment_type=PaymentType.BILL.value, channel=ONLINE_CHANNEL,
                       method=event.method, amount=amount, paid_at=paid_at,
                       status=PaymentStatus.PENDING.value, verification=VERIFICATION_PENDING,
                       received_by=SYSTEM_RECEIVER, gateway_ref=event.intent_id,
                       notes=f"Imported gateway event {event.event_id}")

    def _save(self, payment: Payment, state: GatewayState, previous: GatewayState | None,
              event: GatewayEvent) -> None:
        work, was = self.work, payment.status
        payment.webhook_status, payment.settlement_status = state.webhook_status, state.settlement_status
        payment.status = OUR_STATUS.get(state.webhook_status, PaymentStatus.POSTED).value
        if previous is None:
            work.record(payment)
        else:
            base = payment.version
            payment.version, payment.updated_at = base + 1, work.now
            work.record(payment, "update", base_version=base)
        self._ledger(payment, was if previous else None)
        work.audit("online_payment_imported" if previous is None else "online_payment_updated",
                   "payment", payment.id, payment_no=payment.payment_no,
                   gateway_ref=payment.gateway_ref, amount=payment.amount,
                   before=None if previous is None else f"{was} / {previous.webhook_status} / "
                                                        f"{previous.settlement_status}",
                   after=f"{payment.status} / {state.webhook_status} / {state.settlement_status}")
        if FAILED in (state.webhook_status, state.settlement_status) and (
                previous is None or FAILED not in (previous.webhook_status, previous.settlement_status)):
            self._payment_failed(payment, state, event)

    def _payment_failed(self, payment: Payment, state: GatewayState, event: GatewayEvent) -> None:
        """A payment the gateway refused (or whose payout failed) is a Payment Processing Failure
        for a billing specialist to compare with the gateway's settlement report."""
        bill = self.bills.get((payment.consumer_id, event.invoice_no))
        what = "was refused by the gateway" if state.webhook_status == FAILED else "failed at payout"
        amount = Money(payment.amount, self.settings.currency)  # "45.50 USD": screens write it
        invoice = f" for {bill.invoice_no}" if bill is not None else ""
        open_exception(self.work, consumer_id=payment.consumer_id, category=Category.PAYMENT_PROCESSING,
                       cycle_id=None if bill is None else bill.cycle_id,
                       detail=f"Online payment {payment.payment_no} ({payment.gateway_ref}) of {amount}"
                              f"{invoice} {what} (event {event.event_id}).")

    def _allocate(self, payment: Payment, event: GatewayEvent) -> None:
        """The invoice in the event's metadata gets what it still owes, at most the payment."""
        bill = self.bills.get((payment.consumer_id, event.invoice_no))
        if bill is None:
            return
        item = load_item(self.work.session, PaymentType.BILL, bill.id, self.settings.currency)
        applied = min(payment.amount, max(item.open_amount.amount, Decimal(0)))
        if applied > 0:
            self.work.record(PaymentAllocation(payment_id=payment.id, bill_id=bill.id, amount=applied))

    def _ledger(self, payment: Payment, was: str | None) -> None:
        posted = PaymentStatus.POSTED.value
        if payment.status == posted and was != posted:
            amount, text = -payment.amount, f"Online payment {payment.receipt_no}"
        elif was == posted and payment.status != posted:
            amount, text = payment.amount, f"Online payment {payment.receipt_no} {payment.status.lower()}"
        else:
            return
        kind = "payment" if amount < 0 else "payment_void"
        self.work.record(LedgerEntry(consumer_id=payment.consumer_id, entry_type=kind,
                                     amount=amount, source_type="payment", source_id=payment.id,
                                     description=text, posted_at=self.work.now))
