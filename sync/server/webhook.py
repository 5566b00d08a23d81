"""The Stripe webhook: signature check, idempotent replays, online payments and their statuses."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.domain.core.money import minor_digits
from app.domain.core.numbering import NumberFormat
from app.domain.core.settings import Settings
from app.domain.payments.rules import (
    SYSTEM_RECEIVER,
    GatewayState,
    PaymentStatus,
    map_payment_status,
    map_settlement_status,
)
from app.models.billing import LedgerEntry
from app.models.central import WebhookEvent
from app.models.consumers import Consumer
from app.models.payments import Payment
from app.services.core.settings import load_settings
from sync.server.changelog import current_txid, record_change
from sync.server.errors import ApiError
from sync.server.leases import lease_blocks
from sync.server.scope import Locator

PAYMENT_EVENTS = {
    "payment_intent.succeeded": "Succeeded",
    "payment_intent.payment_failed": "Failed",
    "payment_intent.processing": "Pending",
}
SETTLEMENT_EVENTS = {"payout.created": "Created", "payout.paid": "Paid", "payout.failed": "Failed"}
OUR_STATUS = {"Failed": PaymentStatus.FAILED, "Not Confirmed": PaymentStatus.PENDING}


def verify_signature(secret: str, header: str | None, body: bytes, now: datetime,
                     tolerance: timedelta) -> None:
    """Stripe's scheme: t=<unix time>, v1=<hex HMAC-SHA256 of "t.body">; replays too old are refused."""
    if not secret:
        raise ApiError(503, "webhook_not_configured", "No webhook secret is configured on this server.")
    stamp, signatures = _parse_header(header or "")
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        raise ApiError(400, "bad_signature", "The Stripe-Signature does not match this payload.")
    if abs(now.timestamp() - stamp) > tolerance.total_seconds():
        raise ApiError(400, "stale_signature", "The event's timestamp is outside the tolerance.")


def _parse_header(header: str) -> tuple[int, list[str]]:
    pairs = [part.strip().split("=", 1) for part in header.split(",") if "=" in part]
    stamps = [value for key, value in pairs if key == "t"]
    signatures = [value for key, value in pairs if key == "v1"]
    if len(stamps) != 1 or not signatures or not stamps[0].isdigit():
        raise ApiError(400, "bad_signature", "The Stripe-Signature header is missing or malformed.")
    return int(stamps[0]), signatures


def currency_problem(session: Session, event: dict) -> str:
    """A payment event in another currency than the utility's cannot be booked: its minor units
    would be read as the utility's money. Empty when the currency is absent or the utility's.
    (event_problem has checked the event's shape and that the currency is a known code.)"""
    if event.get("type") not in PAYMENT_EVENTS.keys() | SETTLEMENT_EVENTS.keys():
        return ""
    code = ((event.get("data") or {}).get("object") or {}).get("currency")
    ours = load_settings(session).currency.upper()
    if code is None or code.upper() == ours:
        return ""
    return f"data.object.currency: {code.upper()} is not the utility's currency ({ours})"


@dataclass(frozen=True)
class Outcome:
    duplicate: bool
    text: str


def handle_event(session: Session, event: dict, now: datetime) -> Outcome:
    event_id, kind = str(event.get("id") or ""), str(event.get("type") or "")
    if not event_id:
        raise ApiError(400, "bad_event", "The event has no id.")
    if not _remember(session, event_id, kind, now):
        return Outcome(True, "already processed")
    obj = (event.get("data") or {}).get("object") or {}
    if kind in PAYMENT_EVENTS:
        text = _payment_event(session, obj, PAYMENT_EVENTS[kind], now)
    elif kind in SETTLEMENT_EVENTS:
        text = _settlement_event(session, obj, SETTLEMENT_EVENTS[kind], now)
    else:
        text = "ignored"
    session.get(WebhookEvent, event_id).outcome = text
    return Outcome(False, text)


def _remember(session: Session, event_id: str, kind: str, now: datetime) -> bool:
    """Insert the event id; False when it was there already (a replay, maybe concurrent)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stored = session.execute(
        insert(WebhookEvent).values(event_id=event_id, provider="stripe", event_type=kind,
                                    received_at=now, outcome="")
        .on_conflict_do_nothing(index_elements=["event_id"]).returning(WebhookEvent.event_id)
    ).scalar_one_or_none()
    return stored is not None


def _payment_event(session: Session, obj: dict, gateway_status: str, now: datetime) -> str:
    settings = load_settings(session)
    state = map_payment_status(gateway_status, settings.get("payments.stripe_payment_statuses"))
    intent_id = str(obj.get("id") or "")
    payment = _by_gateway_ref(session, intent_id)
    if payment is None:
        consumer = _consumer_of(session, obj.get("metadata") or {})
        if consumer is None:
            return "ignored: no consumer in the event's metadata"
        payment = _new_payment(session, settings, obj, consumer, now)
        return _save(session, payment, state, now, "insert")
    return _save(session, payment, state, now, "update")


def _settlement_event(session: Session, obj: dict, gateway_status: str, now: datetime) -> str:
    settings = load_settings(session)
    intent_id = str(obj.get("payment_intent") or (obj.get("metadata") or {}).get("payment_intent") or "")
    payment = _by_gateway_ref(session, intent_id)
    if payment is None:
        return f"ignored: no payment for {intent_id or 'an unnamed intent'}"
    previous = GatewayState(payment.webhook_status, payment.settlement_status)
    state = map_settlement_status(gateway_status, settings.get("payments.stripe_settlement_statuses"),
                                  previous)
    return _save(session, payment, state, now, "update")


def _by_gateway_ref(session: Session, ref: str) -> Payment | None:
    if not ref:
        return None
    return session.execute(select(Payment).where(Payment.gateway_ref == ref)
                           .with_for_update()).scalar_one_or_none()


def _consumer_of(session: Session, metadata: dict) -> Consumer | None:
    if metadata.get("consumer_id"):
        return session.get(Consumer, str(metadata["consumer_id"]))
    if metadata.get("account_no"):
        return session.execute(select(Consumer).where(
            Consumer.account_no == str(metadata["account_no"]))).scalar_one_or_none()
    return None


def _new_payment(session: Session, settings: Settings, obj: dict, consumer: Consumer,
                 now: datetime) -> Payment:
    currency = str(obj.get("currency") or settings.currency).upper()
    minor = int(obj.get("amount_received") or obj.get("amount") or 0)
    created = datetime.fromtimestamp(int(obj.get("created") or now.timestamp()), UTC)
    metadata = obj.get("metadata") or {}
    numbers = {series: _server_number(session, settings, series, created, now)
               for series in ("payment", "transaction", "receipt")}
    return Payment(
        payment_no=numbers["payment"], transaction_no=numbers["transaction"],
        receipt_no=numbers["receipt"], consumer_id=consumer.id,
        payment_type=str(metadata.get("payment_type") or "Bill"), channel="Online Portal",
        method=str(metadata.get("method") or "Credit Card"),
        amount=Decimal(minor).scaleb(-minor_digits(currency)), paid_at=created,
        status=PaymentStatus.PENDING.value, received_by=SYSTEM_RECEIVER,
        gateway_ref=str(obj["id"]), version=0, updated_at=now)


def _server_number(session: Session, settings: Settings, series: str, on: datetime,
                   now: datetime) -> str:
    # The service leases itself a block of one: its numbers never collide with a desktop's.
    block = lease_blocks(session, series, 1, None, now, size=1)[0]
    return NumberFormat.parse(settings.number_format(series)).format(block.first, on.date())


def _save(session: Session, payment: Payment, state: GatewayState, now: datetime, operation: str) -> str:
    was_posted = payment.status == PaymentStatus.POSTED.value
    payment.webhook_status, payment.settlement_status = state.webhook_status, state.settlement_status
    payment.status = OUR_STATUS.get(state.webhook_status, PaymentStatus.POSTED).value
    if payment.status == PaymentStatus.POSTED.value and payment.settled_at is None \
            and state.settlement_status == "Success":
        payment.settled_at = now
    payment.version, payment.updated_at = (payment.version or 0) + 1, now
    session.add(payment)
    session.flush()
    txid, location = current_txid(session), Locator(session).locate("payments", {"consumer_id": payment.consumer_id})
    record_change(session, payment, operation, location, txid=txid, now=now)
    if payment.status == PaymentStatus.POSTED.value and not was_posted:
        entry = LedgerEntry(consumer_id=payment.consumer_id, entry_type="payment", amount=-payment.amount,
                            source_type="payment", source_id=payment.id,
                            description=f"Online payment {payment.receipt_no}", posted_at=now)
        session.add(entry)
        session.flush()
        record_change(session, entry, "insert", location, txid=txid, now=now)
    return f"payment {payment.payment_no}: {payment.status} / {state.webhook_status} / {state.settlement_status}"
