"""Importing gateway events: online payments created and updated with the mapped statuses,
settlement with processing time, "keep previous" on a failed payout, idempotent replays."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.core.errors import PermissionDenied
from app.models.billing import LedgerEntry
from app.models.payments import Payment
from app.models.system import AuditEntry, OutboxEntry
from app.services.payments.gateway_import import GatewayErrors, GatewayImportService
from tests.factories import NOW
from tests.payment_fixtures import actor, build_sample

D = Decimal
T0 = int((NOW - timedelta(days=3)).timestamp())
DAY = 86400


def intent(event_id, kind, pi, amount, account="WU-10001", invoice="INV-2025-001234", at=T0):
    return {"id": event_id, "type": kind, "created": at,
            "data": {"object": {"id": pi, "amount": amount, "currency": "usd", "created": T0,
                                "metadata": {"account_no": account, "invoice_no": invoice}}}}


def payout(event_id, kind, pi, at):
    return {"id": event_id, "type": kind, "created": at,
            "data": {"object": {"id": f"po_{event_id}", "payment_intent": pi}}}


EVENTS = [
    intent("evt_1", "payment_intent.processing", "pi_1", 14550),
    intent("evt_2", "payment_intent.succeeded", "pi_1", 14550, at=T0 + 60),
    payout("evt_3", "payout.paid", "pi_1", T0 + int(2.3 * DAY)),
    intent("evt_4", "payment_intent.payment_failed", "pi_2", 8000, account="WU-10002",
           invoice="INV-2025-002000"),
    {"id": "evt_5", "type": "customer.created", "created": T0, "data": {"object": {}}},
    intent("evt_6", "payment_intent.succeeded", "pi_3", 15225, invoice="INV-2025-001567"),
    payout("evt_7", "payout.failed", "pi_3", T0 + DAY),
]


@pytest.fixture
def world(runtime, services):
    sample = build_sample(runtime, services)
    return sample, GatewayImportService(runtime.app), actor(runtime, "supervisor")


def stored(runtime) -> dict[str, Payment]:
    with runtime.app.sessions() as session:
        return {p.gateway_ref: p for p in session.execute(
            select(Payment).where(Payment.gateway_ref.is_not(None))).scalars()}


def counts(runtime) -> tuple[int, int, int]:
    with runtime.app.sessions() as session:
        return tuple(session.execute(select(func.count()).select_from(model)).scalar_one()
                     for model in (Payment, LedgerEntry, OutboxEntry))


def test_events_create_and_update_online_payments(runtime, services, world):
    _sample, gateway, supervisor = world
    summary = gateway.import_events(supervisor, json.dumps(EVENTS))
    assert [(o.event_id, o.result) for o in summary.outcomes] == [
        ("evt_1", "created"), ("evt_4", "created"), ("evt_5", "ignored"), ("evt_6", "created"),
        ("evt_2", "updated"), ("evt_7", "updated"), ("evt_3", "updated")]
    payments = stored(runtime)
    settled, failed, kept = payments["pi_1"], payments["pi_2"], payments["pi_3"]
    assert (settled.status, settled.webhook_status, settled.settlement_status) == (
        "Posted", "Settled", "Success")
    assert (failed.status, failed.webhook_status, failed.settlement_status) == ("Failed", "Failed", "N/A")
    # a failed payout keeps the webhook status and marks the settlement Failed
    assert (kept.status, kept.webhook_status, kept.settlement_status) == (
        "Posted", "In Settlement", "Failed")
    assert (settled.channel, settled.received_by, settled.verification, settled.amount) == (
        "Online Portal", "System", "Pending", D("145.50"))
    assert settled.payment_no.startswith("PAY-2025-") and settled.receipt_no.startswith("R-")
    assert summary.settled == ((settled.payment_no, D("2.3")),)
    details = services.payments.payment_details(supervisor, settled.id)
    assert details.processing.processing_time.label == "2.3 days"
    assert details.item.reference == "INV-2025-001234" and not details.item.open_amount
    assert details.processing.needs_verification


def test_replaying_events_changes_nothing(runtime, world):
    _sample, gateway, supervisor = world
    gateway.import_events(supervisor, json.dumps(EVENTS))
    before, payments = counts(runtime), stored(runtime)
    again = gateway.import_events(supervisor, json.dumps({"object": "list", "data": EVENTS}))
    assert {o.result for o in again.outcomes} == {"unchanged", "ignored"}
    assert again.count("unchanged") == 6 and not again.changes.touches("payments")
    assert counts(runtime) == before
    assert {ref: p.version for ref, p in stored(runtime).items()} == {
        ref: p.version for ref, p in payments.items()}


def test_a_payment_failing_after_success_reverses_its_ledger_credit(runtime, services, world):
    sample, gateway, supervisor = world
    balance = services.payments.account(supervisor, sample.john).balance.amount
    gateway.import_events(supervisor, json.dumps([EVENTS[1]]))
    assert services.payments.account(supervisor, sample.john).balance.amount == balance - D("145.50")
    failed = intent("evt_9", "payment_intent.payment_failed", "pi_1", 14550, at=T0 + 120)
    summary = gateway.import_events(supervisor, json.dumps([failed]))
    assert summary.outcomes[0].detail == "Failed / Failed / N/A"
    assert services.payments.account(supervisor, sample.john).balance.amount == balance


def test_a_bad_file_names_each_problem_and_imports_nothing(runtime, world):
    _sample, gateway, supervisor = world
    before = counts(runtime)
    bad = [intent("evt_1", "payment_intent.succeeded", "pi_1", 14550, account="WU-99999"),
           intent("evt_2", "payment_intent.succeeded", "pi_2", "12.50"),
           {"id": "evt_3", "type": "payout.paid", "data": {"object": {}}},
           intent("evt_4", "payment_intent.succeeded", "pi_4", 100, invoice="INV-2025-002000")]
    with pytest.raises(GatewayErrors) as caught:
        gateway.import_events(supervisor, json.dumps(bad))
    assert [str(p) for p in caught.value.problems] == [
        "Event 2 (evt_2), data.object.amount: must be a whole number of minor units above 0",
        "Event 3 (evt_3), data.object.payment_intent: is required"]
    with pytest.raises(GatewayErrors) as caught:
        gateway.import_events(supervisor, json.dumps([bad[0], bad[3]]))
    assert [str(p) for p in caught.value.problems] == [
        "Event 1 (evt_1), data.object.metadata.account_no: no consumer has account WU-99999",
        "Event 2 (evt_4), data.object.metadata.invoice_no: INV-2025-002000 is not a bill of "
        "account WU-10001"]
    with pytest.raises(GatewayErrors, match="Gateway events: 1 problem found"):
        gateway.import_events(supervisor, "{not json")
    with pytest.raises(PermissionDenied):
        gateway.import_events(actor(runtime, "cashier"), json.dumps(EVENTS))
    assert counts(runtime) == before


def test_a_refused_payment_and_a_failed_payout_each_open_one_payment_processing_exception(runtime, services,
                                                                                       world):
    from app.models.billing import BillingException

    _sample, gateway, supervisor = world
    gateway.import_events(supervisor, json.dumps(EVENTS))
    gateway.import_events(supervisor, json.dumps(EVENTS))  # a replay opens nothing new
    with runtime.app.sessions() as session:
        opened = session.execute(select(BillingException).order_by(BillingException.message)).scalars().all()
        payments = stored(runtime)
        assert [(e.category, e.severity, e.status) for e in opened] == [
            ("Payment Processing Failures", "High", "Open")] * 2
        refused, payout_failed = sorted(opened, key=lambda e: "payout" in e.message)
        assert refused.consumer_id == payments["pi_2"].consumer_id
        # stored neutrally ("80.00 USD"); the exceptions queue shows "$80.00" (Formats.text)
        assert refused.message.startswith(f"Online payment {payments['pi_2'].payment_no} (pi_2) of 80.00 USD "
                                          "for INV-2025-002000 was refused by the gateway")
        assert "failed at payout" in payout_failed.message and "(pi_3)" in payout_failed.message
        audited = session.execute(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "exception_opened")).scalar_one()
    assert audited == 2
