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
    return {"id": intent_id, "amount_received": amount, "currency": "usd", "created": int(time.time()),
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
