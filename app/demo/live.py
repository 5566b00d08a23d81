"""Today's activity, recorded through the product's own services rather than in bulk: a few
counter payments and online payments in every gateway status, as a live counter would see them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.demo.regions import Region
from app.domain.payments.rules import PaymentRequest
from app.models.consumers import Consumer
from app.services.cash.sessions import CashSessionsService
from app.services.core.auth import actor_of
from app.services.core.context import Actor, AppContext
from app.services.payments.gateway_import import GatewayImportService
from app.services.payments.posting import PaymentsService

# (intent event, payout event or None): one online payment per gateway status of the spec.
GATEWAY_STORIES = (
    ("payment_intent.succeeded", "payout.paid"),      # In Settlement -> Settled / Success
    ("payment_intent.succeeded", "payout.created"),   # In Settlement / In Progress
    ("payment_intent.succeeded", None),               # In Settlement / In Progress
    ("payment_intent.processing", None),              # Not Confirmed / N/A
    ("payment_intent.payment_failed", None),          # Failed / N/A
    ("payment_intent.succeeded", "payout.failed"),    # keeps In Settlement / Failed
)


@dataclass(frozen=True)
class LiveActivity:
    counter_payments: int
    online_payments: int


def record_live_activity(app: AppContext, today: date, now: datetime, region: Region) -> LiveActivity:
    counter_methods = region.counter_methods
    payments = PaymentsService(app)
    cashier, supervisor = actor_of(app, "cashier"), actor_of(app, "supervisor")
    open_bills = _consumers_with_open_bills(payments, cashier, len(counter_methods) + len(GATEWAY_STORIES))
    counter, online = open_bills[:len(counter_methods)], open_bills[len(counter_methods):]
    _open_the_counter(app, cashier)  # cash is taken in an open cash session
    for (consumer, item), method in zip(counter, counter_methods, strict=False):
        amount = item.open_amount.amount
        tendered = (amount // 10 + 1) * 10 if method == "Cash" else None
        payments.record_payment(cashier, PaymentRequest(
            consumer_id=consumer.id, payment_type="Bill", method=method, amount=str(amount),
            paid_on=today, item_id=item.item_id, channel="Walk-in",
            tendered=None if tendered is None else str(tendered), notes="Paid at the counter"))
    events = _gateway_events(online, now)
    if events:
        GatewayImportService(app).import_events(supervisor, json.dumps(events))
    return LiveActivity(len(counter), len(online))


def _open_the_counter(app: AppContext, cashier: Actor) -> None:
    """Today's cash session at the cashier's counter, with a float of five of each note."""
    cash = CashSessionsService(app)
    state = cash.counter_state(cashier)
    if state.session is None:
        cash.open_session(cashier, {d.value: 5 for d in state.denominations if d.kind == "note"})


def _consumers_with_open_bills(payments: PaymentsService, actor: Actor, wanted: int) -> list:
    with payments.app.sessions() as session:
        candidates = session.execute(
            select(Consumer).where(Consumer.status == "Active", Consumer.vip.is_(False))
            .order_by(Consumer.account_no.desc()).limit(wanted * 6)).scalars().all()
    found = []
    for consumer in candidates:
        items = [i for i in payments.payable_items(actor, consumer.id, "Bill") if i.payable]
        if items:
            found.append((consumer, items[0]))
        if len(found) == wanted:
            break
    return found


def _gateway_events(online: list, now: datetime) -> list[dict]:
    events = []
    for n, ((consumer, item), (intent, payout)) in enumerate(zip(online, GATEWAY_STORIES, strict=False)):
        created = int((now - timedelta(days=3, hours=n)).timestamp())
        intent_id = f"pi_demo_{consumer.account_no}"
        events.append({"id": f"evt_demo_{n}_intent", "type": intent, "created": created, "data": {"object": {
            "id": intent_id, "amount": int(item.open_amount.to_minor()), "created": created,
            "metadata": {"account_no": consumer.account_no, "invoice_no": item.reference,
                         "method": "Credit Card"}}}})
        if payout:
            events.append({"id": f"evt_demo_{n}_payout", "type": payout,
                           "created": created + int(2.3 * 86400),
                           "data": {"object": {"id": f"po_demo_{n}", "payment_intent": intent_id}}})
    return events
