"""The Stripe webhook: signatures, tolerance, replays, and the payment status mapping."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models.billing import LedgerEntry
from app.models.payments import Payment
from tests.sync_helpers import WEBHOOK_SECRET, enrolled_desktop

pytestmark = pytest.mark.postgres


def signed(body: bytes, *, at: int | None = None, secret: str = WEBHOOK_SECRET) -> dict[str, str]:
    stamp = int(time.time()) if at is None else at
    signature = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"Stripe-Signature": f"t={stamp},v1={signature}", "Content-Type": "application/json"}


def event(event_id: str, kind: str, obj: dict) -> bytes:
    return json.dumps({"id": event_id, "type": kind, "data": {"object": obj}}).encode()


def intent(intent_id: str = "pi_1", amount: int = 14550) -> dict:
    return {"id": intent_id, "amount_received": amount, "currency": "inr", "created": int(time.time()),
            "metadata": {"account_no": "C-0000", "method": "Credit Card"}}


def post(server, body: bytes, headers: dict[str, str]):
    with server.client() as http:
        return http.post("/v1/webhooks/stripe", content=body, headers=headers)


def payments(server, ref: str) -> list[Payment]:
    with server.central.sessions() as session:
        return session.execute(select(Payment).where(Payment.gateway_ref == ref)).scalars().all()


def test_bad_signature_is_refused(server):
    body = event("evt_1", "payment_intent.succeeded", intent())
    assert post(server, body, signed(body, secret="whsec_wrong")).json()["kind"] == "bad_signature"
    assert post(server, body, {"Stripe-Signature": "garbage"}).json()["kind"] == "bad_signature"
    assert post(server, body, {}).status_code == 400
    tampered = body.replace(b"14550", b"1")
    assert post(server, tampered, signed(body)).status_code == 400
    assert payments(server, "pi_1") == []


def test_old_timestamp_is_refused(server):
    body = event("evt_1", "payment_intent.succeeded", intent())
    response = post(server, body, signed(body, at=int(time.time()) - 301))
    assert response.status_code == 400 and response.json()["kind"] == "stale_signature"


def test_succeeded_payment_is_created_once_even_when_replayed(server):
    body = event("evt_1", "payment_intent.succeeded", intent())
    first = post(server, body, signed(body))
    replay = post(server, body, signed(body))
    assert first.json()["duplicate"] is False and replay.json()["duplicate"] is True
    (payment,) = payments(server, "pi_1")
    assert payment.amount == Decimal("145.50")
    assert (payment.status, payment.webhook_status, payment.settlement_status) == \
        ("Posted", "In Settlement", "In Progress")
    assert payment.received_by == "System" and payment.receipt_no == "R-5001"
    with server.central.sessions() as session:
        entries = session.execute(select(LedgerEntry).where(LedgerEntry.source_id == payment.id)).scalars().all()
    assert [e.amount for e in entries] == [Decimal("-145.50")]


def test_settlement_and_failure_statuses_follow_the_settings_mapping(server):
    created = event("evt_1", "payment_intent.processing", intent("pi_2"))
    post(server, created, signed(created))
    (payment,) = payments(server, "pi_2")
    assert (payment.status, payment.webhook_status) == ("Pending", "Not Confirmed")
    for n, kind in enumerate(("payment_intent.succeeded", "payout.paid"), start=2):
        obj = intent("pi_2") if kind.startswith("payment") else {"id": f"po_{n}", "payment_intent": "pi_2"}
        body = event(f"evt_{n}", kind, obj)
        assert post(server, body, signed(body)).status_code == 200
    (payment,) = payments(server, "pi_2")
    assert (payment.status, payment.webhook_status, payment.settlement_status) == ("Posted", "Settled", "Success")
    failed = event("evt_9", "payment_intent.payment_failed", intent("pi_3"))
    post(server, failed, signed(failed))
    (payment,) = payments(server, "pi_3")
    assert (payment.status, payment.webhook_status, payment.settlement_status) == ("Failed", "Failed", "N/A")


def test_online_payment_reaches_the_centres_desktops(server, tmp_path):
    desk = enrolled_desktop(server, tmp_path / "desk")
    try:
        desk.agent.sync_once()
        body = event("evt_1", "payment_intent.succeeded", intent("pi_7"))
        post(server, body, signed(body))
        desk.agent.sync_once()
        with desk.runtime.app.sessions() as session:
            payment = session.execute(select(Payment).where(Payment.gateway_ref == "pi_7")).scalar_one()
        assert payment.webhook_status == "In Settlement"
    finally:
        desk.close()


def malformed(**changes) -> bytes:
    obj = intent("pi_bad") | changes
    return json.dumps({"id": "evt_bad", "type": "payment_intent.succeeded", "data": {"object": obj}}).encode()


@pytest.mark.parametrize(("body", "reason"), [
    (b"[]", "The event must be a JSON object"),
    (b"null", "The event must be a JSON object"),
    (b"{not json", "The event is not JSON"),
    (json.dumps({"id": "evt_x", "type": "payment_intent.succeeded", "data": "x"}).encode(), "data: must be an object"),
    (json.dumps({"id": "evt_x", "type": "payment_intent.succeeded", "data": {"object": [1]}}).encode(),
     "data.object: must be an object"),
    (malformed(amount_received="a lot"), "data.object.amount_received: must be a whole number of minor units"),
    (malformed(amount_received=10**30), "data.object.amount_received: must be a whole number of minor units"),
    (malformed(metadata="C-0000"), "data.object.metadata: must be an object"),
    (malformed(metadata={"account_no": ["C-0000"]}), "data.object.metadata.account_no: must be text"),
    (malformed(metadata={"account_no": "C-0000", "method": "M" * 300}), "data.object.metadata.method: must be text"),
    (malformed(currency="xyz"), "data.object.currency: 'xyz' is not a known currency"),
    (malformed(currency="eur"), "data.object.currency: EUR is not the utility's currency (INR)"),
    (malformed(created=10**13), "data.object.created: must be a Unix time in seconds"),
    (malformed(created="yesterday"), "data.object.created: must be a Unix time in seconds"),
    (malformed(id="pi_" + "9" * 200), "data.object.id: must be text of at most 80 characters"),
    (json.dumps({"id": "e" * 200, "type": "payment_intent.succeeded"}).encode(), "id: longer than 120 characters"),
    (json.dumps({"id": 5, "type": "payment_intent.succeeded"}).encode(), "id: the event has no id"),
])
def test_a_signed_but_malformed_event_gets_a_4xx_and_is_kept_for_an_administrator(server, body, reason):
    from app.models.central import RefusedWebhook

    response = post(server, body, signed(body))
    assert response.status_code in (400, 422), response.text
    assert response.json()["kind"] == "bad_event" and response.json()["message"].startswith(reason)
    assert payments(server, "pi_bad") == []
    with server.central.sessions() as session:
        (kept,) = session.execute(select(RefusedWebhook)).scalars().all()
    assert kept.reason.startswith(reason) and kept.body == body.decode()
