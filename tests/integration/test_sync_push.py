"""Pushing outboxes to the live central service on PostgreSQL: idempotent, ordered, never blocked."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.models.payments import Payment
from app.models.system import OutboxEntry
from sync import local
from tests.sync_helpers import (
    FaultProxy,
    enrolled_desktop,
    record_payment,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def desktop(server, tmp_path):
    desk = enrolled_desktop(server, tmp_path / "desk")
    desk.agent.sync_once()  # bootstrap: consumers arrive
    yield desk
    desk.close()


def payments_on_server(server, payment_id: str) -> int:
    with server.central.sessions() as session:
        return session.execute(select(func.count()).where(Payment.id == payment_id)).scalar_one()


def test_response_lost_after_commit_then_retried_gives_one_record(server, tmp_path):
    proxy = FaultProxy(server.url)
    desk = enrolled_desktop(server, tmp_path / "desk", server_url=proxy.url)
    try:
        desk.agent.sync_once()
        payment_id = record_payment(desk, server.world.consumer_ids[0], "1001")
        proxy.drop_responses(1)  # the push commits; its answer is lost; the agent retries
        report = desk.agent.sync_once()
        assert report.applied == 2 and report.duplicates == 0  # the first answer, kept and given again
        assert payments_on_server(server, payment_id) == 1
        with desk.runtime.app.sessions() as session:
            states = session.execute(select(OutboxEntry.state)).scalars().all()
        assert states == ["Applied", "Applied"]
    finally:
        desk.close()
        proxy.close()


def test_push_fails_offline_then_succeeds_once_on_the_next_sync(server, tmp_path):
    proxy = FaultProxy(server.url)
    desk = enrolled_desktop(server, tmp_path / "desk", server_url=proxy.url)
    try:
        desk.agent.sync_once()
        payment_id = record_payment(desk, server.world.consumer_ids[0], "1002")
        proxy.drop_responses(3)  # every attempt of this sync loses its answer
        with pytest.raises(Exception, match="cannot be reached"):
            desk.agent.sync_once()
        report = desk.agent.sync_once()
        assert report.pushed == 2 and report.applied == 2
        assert payments_on_server(server, payment_id) == 1
    finally:
        desk.close()
        proxy.close()


def test_same_outbox_pushed_twice_concurrently_gives_one_record(server, desktop):
    payment_id = record_payment(desktop, server.world.consumer_ids[0], "2001")
    with desktop.runtime.app.sessions() as session:
        operations = local.pending_operations(session, 100)
    body = {"operations": [op.model_dump(mode="json") for op in operations]}
    token = desktop.agent.credentials.token
    answers: list[dict] = []

    def push() -> None:
        with server.client(token) as http:
            answers.append(http.post("/v1/push", json=body).json())

    threads = [threading.Thread(target=push) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The second push waits for the first, then gets the first one's answers back.
    assert answers[0] == answers[1]
    assert [r["status"] for r in answers[0]["results"]] == ["applied", "applied"]
    assert payments_on_server(server, payment_id) == 1


def test_one_invalid_operation_is_rejected_and_later_ones_apply(server, desktop):
    first = record_payment(desktop, server.world.consumer_ids[0], "3001")
    invalid = record_payment(desktop, server.world.consumer_ids[0], "3002")
    last = record_payment(desktop, server.world.consumer_ids[1], "3003")
    with desktop.runtime.app.sessions() as session, session.begin():
        # Tampered to a consumer of another centre: outside this desktop's scope.
        for entry in session.execute(select(OutboxEntry).where(OutboxEntry.payload["consumer_id"].as_string()
                                                               == server.world.consumer_ids[0])).scalars():
            if invalid in (entry.entity_id, entry.payload.get("source_id")):
                entry.payload = entry.payload | {"consumer_id": server.world.other_consumer_id}
    report = desktop.agent.sync_once()
    assert (report.applied, report.rejected) == (4, 2)  # the payment and its ledger entry
    assert payments_on_server(server, first) == 1
    assert payments_on_server(server, last) == 1
    assert payments_on_server(server, invalid) == 0
    with desktop.runtime.app.sessions() as session:
        problems = local.sync_problems(session)
    assert [p.entity_id for p in problems if p.entity == "payments"] == [invalid]
    assert all(p.state == "Rejected" for p in problems)
    assert "service centre" in problems[0].reason and "Depends on" in problems[1].reason
    # Rejected operations stay on the desktop and are not sent again.
    assert desktop.agent.sync_once().pushed == 0


def test_bad_payload_is_rejected_with_the_field_named(server, desktop):
    record_payment(desktop, server.world.consumer_ids[0], "4001")
    with desktop.runtime.app.sessions() as session, session.begin():
        entry = session.execute(select(OutboxEntry).where(OutboxEntry.entity == "payments")).scalar_one()
        entry.payload = entry.payload | {"amount": "ten dollars"}
    report = desktop.agent.sync_once()
    assert report.rejected == 2  # and its ledger entry with it
    with desktop.runtime.app.sessions() as session:
        problem, _ = local.sync_problems(session)
    assert problem.reason.startswith("amount:")


def test_a_database_refusal_rejects_only_that_operation(server, desktop, tmp_path):
    first = record_payment(desktop, server.world.consumer_ids[0], "9001")
    other = enrolled_desktop(server, tmp_path / "other")
    try:
        other.agent.sync_once()  # before the first payment reaches the server (bootstrap would bring it)
        desktop.agent.sync_once()
        # A receipt number the first desktop already used: UNIQUE refuses it on the server.
        again = record_payment(other, server.world.consumer_ids[0], "9001")
        after = record_payment(other, server.world.consumer_ids[1], "9002")
        report = other.agent.sync_once()
        assert (report.applied, report.rejected) == (2, 2)  # the payment and its ledger entry
        assert payments_on_server(server, first) == payments_on_server(server, after) == 1
        assert payments_on_server(server, again) == 0
        with other.runtime.app.sessions() as session:
            payment, entry = local.sync_problems(session)
        assert payment.entity_id == again and "Refused by the database" in payment.reason
        assert entry.entity == "ledger_entries" and f"Depends on record {again}" in entry.reason
    finally:
        other.close()
