"""Every answer is kept: retries after a lost response, skipped sequences, refused dependents."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from app.models.billing import LedgerEntry
from app.models.central import Device
from app.models.payments import Payment
from app.models.system import OutboxEntry
from app.services.payments import PaymentsService
from sync import local
from sync.desktop import SyncStatusService
from tests.sync_helpers import FaultProxy, enrolled_desktop, record_payment

pytestmark = pytest.mark.postgres


def states(desk) -> list[str]:
    with desk.runtime.app.sessions() as session:
        return list(session.execute(select(OutboxEntry.state).order_by(OutboxEntry.seq)).scalars())


def tamper_to_other_centre(desk, server, payment_id: str) -> None:
    with desk.runtime.app.sessions() as session, session.begin():
        for entry in session.execute(select(OutboxEntry)).scalars():
            if payment_id in (entry.entity_id, entry.payload.get("source_id")):
                entry.payload = entry.payload | {"consumer_id": server.world.other_consumer_id}


def test_a_rejection_stays_a_rejection_when_the_answer_is_lost(server, tmp_path):
    proxy = FaultProxy(server.url)
    desk = enrolled_desktop(server, tmp_path / "desk", server_url=proxy.url)
    try:
        desk.agent.sync_once()
        record_payment(desk, server.world.consumer_ids[0], "1001")
        tampered = record_payment(desk, server.world.consumer_ids[0], "1002")
        record_payment(desk, server.world.consumer_ids[1], "1003")
        tamper_to_other_centre(desk, server, tampered)
        proxy.drop_responses(1)  # the push commits; its answer is lost; the agent retries
        report = desk.agent.sync_once()
        assert (report.applied, report.rejected, report.duplicates) == (4, 2, 0)
        assert states(desk) == ["Applied", "Applied", "Rejected", "Rejected", "Applied", "Applied"]
        with desk.runtime.app.sessions() as session:
            reasons = [p.reason for p in local.sync_problems(session)]
        assert reasons == ["Outside this desktop's service centre", f"Depends on record {tampered}, which was rejected"]
    finally:
        desk.close()
        proxy.close()


def void(desk, payment_id: str) -> None:
    PaymentsService(desk.runtime.app).void_payment(desk.actor, payment_id, "Wrong account")


def ledger_rows(session, payment_id: str, entry_type: str) -> int:
    return session.execute(select(func.count()).where(
        LedgerEntry.source_id == payment_id, LedgerEntry.entry_type == entry_type)).scalar_one()


def test_a_conflicting_void_posts_no_second_reversal_even_when_its_answer_is_lost(server, tmp_path):
    first = enrolled_desktop(server, tmp_path / "first", "supervisor")
    proxy = FaultProxy(server.url)
    second = enrolled_desktop(server, tmp_path / "second", "supervisor", server_url=proxy.url)
    try:
        first.agent.sync_once()
        second.agent.sync_once()
        payment_id = record_payment(first, server.world.consumer_ids[0], "2001")
        first.agent.sync_once()
        pull_until_present(second, payment_id)  # both desktops now hold the payment
        void(first, payment_id)
        void(second, payment_id)  # offline, on the same version
        first.agent.sync_once()
        proxy.drop_responses(1)
        report = second.agent.sync_once()
        assert (report.conflicts, report.rejected) == (1, 1)
        with second.runtime.app.sessions() as session:
            problems = {p.entity: p for p in local.sync_problems(session)}
            own_reversal = session.get(LedgerEntry, problems["ledger_entries"].entity_id)
            local_voids = ledger_rows(session, payment_id, "payment_void")
        assert problems["payments"].state == "Conflict"
        assert problems["ledger_entries"].reason == (f"Depends on record {payment_id}, whose change was "
                                                      "refused as a conflict (taken out of this desktop's "
                                                      "records with it)")
        with server.central.sessions() as session:
            assert ledger_rows(session, payment_id, "payment_void") == 1
            assert session.get(Payment, payment_id).status == "Voided"
        # The losing desktop's own reversal is gone from its ledger (the winner's comes by pull,
        # as soon as the change log's snapshot fence lets it through).
        assert own_reversal is None and local_voids <= 1
    finally:
        first.close()
        second.close()
        proxy.close()


def pull_until_present(desk, payment_id: str, seconds: float = 15) -> None:
    """The change log hands out a commit once no older transaction of this database is still
    running (the snapshot fence): on a busy server that can take a moment."""
    deadline = time.monotonic() + seconds
    while True:
        desk.agent.sync_once()
        with desk.runtime.app.sessions() as session:
            if session.get(Payment, payment_id) is not None:
                return
        assert time.monotonic() < deadline, "the payment never reached the second desktop"
        time.sleep(0.2)


def push(server, token: str, operations: list[dict]) -> list[dict]:
    with server.client(token) as http:
        response = http.post("/v1/push", json={"operations": operations})
    assert response.status_code == 200, response.text
    return response.json()["results"]


@pytest.mark.parametrize("seq", [2**63 - 1, 10**19])
def test_a_sequence_that_skips_ahead_is_refused_and_moves_nothing(server, tmp_path, seq):
    desk = enrolled_desktop(server, tmp_path / "desk")
    try:
        desk.agent.sync_once()
        forged = {"seq": seq, "entity": "tariffs", "entity_id": "t-1", "operation": "insert",
                  "payload": {"id": "t-1"}}
        (answer,) = push(server, desk.agent.credentials.token, [forged])
        assert answer["status"] == "rejected" and answer["reason"].startswith(f"seq: {seq} skips ahead")
        with server.central.sessions() as session:
            assert session.get(Device, desk.runtime.app.device_id).applied_seq == 0
        payment_id = record_payment(desk, server.world.consumer_ids[0], "3001")
        assert desk.agent.sync_once().applied == 2  # the real payments still arrive
        with server.central.sessions() as session:
            assert session.get(Payment, payment_id) is not None
    finally:
        desk.close()


def test_a_sequence_reused_for_another_operation_is_refused(server, tmp_path):
    desk = enrolled_desktop(server, tmp_path / "desk")
    try:
        desk.agent.sync_once()
        record_payment(desk, server.world.consumer_ids[0], "4001")
        desk.agent.sync_once()
        other = {"seq": 1, "entity": "payments", "entity_id": "someone-else", "operation": "insert",
                 "payload": {}}
        (answer,) = push(server, desk.agent.credentials.token, [other])
        assert answer["status"] == "rejected" and "already used by another operation" in answer["reason"]
    finally:
        desk.close()


def lost_void(server, tmp_path):
    """Two desktops void the same payment; the second's void comes back as a conflict."""
    first = enrolled_desktop(server, tmp_path / "first", "supervisor")
    second = enrolled_desktop(server, tmp_path / "second", "supervisor")
    first.agent.sync_once()
    second.agent.sync_once()
    payment_id = record_payment(first, server.world.consumer_ids[0], "5001")
    first.agent.sync_once()
    pull_until_present(second, payment_id)
    void(first, payment_id)
    void(second, payment_id)
    first.agent.sync_once()
    assert second.agent.sync_once().conflicts == 1
    return first, second, payment_id


def test_a_void_sent_again_on_an_already_voided_payment_posts_no_second_reversal(server, tmp_path):
    first, second, payment_id = lost_void(server, tmp_path)
    try:
        with server.central.sessions() as session:
            current = session.get(Payment, payment_id).version
            applied = session.get(Device, second.runtime.app.device_id).applied_seq
        with second.runtime.app.sessions() as session:
            sent = {e.entity: e.payload for e in session.execute(select(OutboxEntry)).scalars()}
        reversal = sent["ledger_entries"] | {"id": "second-reversal"}
        again = [{"seq": applied + 1, "entity": "payments", "entity_id": payment_id, "operation": "update",
                  "payload": sent["payments"], "base_version": current, "actor": "supervisor"},
                 {"seq": applied + 2, "entity": "ledger_entries", "entity_id": "second-reversal",
                  "operation": "insert", "payload": reversal, "actor": "supervisor"}]
        answers = push(server, second.agent.credentials.token, again)
        assert [a["status"] for a in answers] == ["rejected", "rejected"]
        assert answers[0]["reason"].startswith("Payment: already voided")
        with server.central.sessions() as session:
            assert ledger_rows(session, payment_id, "payment_void") == 1
    finally:
        first.close()
        second.close()


def test_retrying_a_lost_void_from_sync_problems_reverses_the_payment_once(server, tmp_path):
    first, second, payment_id = lost_void(server, tmp_path)
    try:
        service = SyncStatusService(second.runtime.app)
        (problem,) = [p for p in service.problems() if p.entity == "payments"]
        service.retry(second.actor, [problem.seq])
        second.agent.sync_once()
        with second.runtime.app.sessions() as session:
            assert ledger_rows(session, payment_id, "payment_void") <= 1
            assert session.get(Payment, payment_id).status == "Voided"
        with server.central.sessions() as session:
            assert ledger_rows(session, payment_id, "payment_void") == 1
        assert service.overview().problems == 0  # the payment is voided: nothing is left to do
    finally:
        first.close()
        second.close()
