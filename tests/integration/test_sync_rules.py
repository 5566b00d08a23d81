"""Business rules on pushed operations: the request status lifecycle and consumer profile locks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models.consumers import Consumer
from app.models.requests import ServiceRequest
from tests.sync_helpers import enrolled_desktop, live_server, memory_keyring

pytestmark = pytest.mark.postgres


@pytest.fixture
def world(pg_url, tmp_path):
    """A live server, a cashier's enrolled desktop, and a way to push raw operations with its token."""
    with memory_keyring(), live_server(pg_url) as server:
        desk = enrolled_desktop(server, tmp_path / "desk")
        try:
            yield server, desk, Pusher(server, desk.agent.credentials.token)
        finally:
            desk.close()


class Pusher:
    def __init__(self, server, token: str) -> None:
        self.server, self.token, self.seq = server, token, 0

    def __call__(self, *operations: tuple[str, str, str, dict, int | None]) -> list[dict]:
        body = []
        for entity, entity_id, kind, payload, base_version in operations:
            self.seq += 1
            body.append({"seq": self.seq, "entity": entity, "entity_id": entity_id, "operation": kind,
                         "payload": payload | {"id": entity_id}, "base_version": base_version})
        with self.server.client(self.token) as http:
            response = http.post("/v1/push", json={"operations": body})
        response.raise_for_status()
        return response.json()["results"]


def request_payload(server, number: str, status: str = "Pending") -> dict:
    return {"request_no": f"DR-{number}", "consumer_id": server.world.consumer_ids[0],
            "request_type": "Disconnection", "reason_code": "NP", "reason": "Non-payment",
            "priority": "Normal", "status": status, "created_by": "cashier"}


def server_row(server, cls, row_id):
    with server.central.sessions() as session:
        return session.get(cls, row_id)


def test_status_moves_follow_the_lifecycle(world):
    server, _, push = world
    (created,) = push(("service_requests", "sr-1", "insert", request_payload(server, "1"), None))
    assert created["status"] == "applied"
    legal, illegal, later = push(
        ("service_requests", "sr-1", "update", {"status": "In progress"}, 1),
        ("service_requests", "sr-1", "update", {"status": "Pending"}, 2),
        ("service_requests", "sr-1", "update", {"status": "On hold"}, 2),
    )
    assert legal["status"] == "applied" and legal["version"] == 2
    assert illegal["status"] == "rejected"
    assert illegal["reason"] == "Status: cannot move from In progress to Pending"
    assert later["status"] == "applied"
    assert server_row(server, ServiceRequest, "sr-1").status == "On hold"


def test_illegal_move_on_a_stale_version_is_a_rule_not_a_conflict(world):
    server, _, push = world
    push(("service_requests", "sr-2", "insert", request_payload(server, "2"), None))
    push(("service_requests", "sr-2", "update", {"status": "Closed"}, 1))
    (stale,) = push(("service_requests", "sr-2", "update", {"status": "In progress"}, 1))
    assert stale["status"] == "rejected" and stale["reason"] == "Status: cannot move from Closed to In progress"


def test_a_request_must_be_created_pending(world):
    server, _, push = world
    (result,) = push(("service_requests", "sr-3", "insert", request_payload(server, "3", "In progress"), None))
    assert result["status"] == "rejected" and "starts as Pending" in result["reason"]
    assert server_row(server, ServiceRequest, "sr-3") is None


def test_a_locked_consumer_profile_is_changed_only_by_the_lock_holder(world, tmp_path):
    server, desk, push = world
    consumer_id = server.world.consumer_ids[1]
    with server.central.sessions() as session, session.begin():
        consumer = session.get(Consumer, consumer_id)
        consumer.locked_by, consumer.locked_until = "supervisor", server.central.now() + timedelta(minutes=10)
        version = consumer.version
    (refused,) = push(("consumers", consumer_id, "update", {"phone": "555-0100"}, version))
    assert refused["status"] == "rejected"
    assert refused["reason"].startswith("Consumer profile is locked by supervisor until ")
    assert server_row(server, Consumer, consumer_id).phone != "555-0100"

    holder = enrolled_desktop(server, tmp_path / "holder", "supervisor")
    try:
        by_holder = Pusher(server, holder.agent.credentials.token)
        edit, unlock = by_holder(("consumers", consumer_id, "update", {"phone": "555-0101"}, version),
                                 ("consumers", consumer_id, "update",
                                  {"locked_by": None, "locked_until": None}, version + 1))
    finally:
        holder.close()
    assert (edit["status"], unlock["status"]) == ("applied", "applied")
    row = server_row(server, Consumer, consumer_id)
    assert (row.phone, row.locked_by, row.locked_until) == ("555-0101", None, None)
    (after,) = push(("consumers", consumer_id, "update", {"phone": "555-0102"}, version + 2))
    assert after["status"] == "applied"


def notice_payload(recipient: str) -> dict:
    return {"recipient": recipient, "kind": "sla_breach", "subject": "SLA breached: DR-1", "body": "",
            "link": "", "event_key": "sla_breach:sr-1", "created_at": "2025-04-01T10:00:00+00:00",
            "read_at": None}


def test_a_notice_is_taken_once_and_marked_read_only_by_its_recipient(world):
    from app.models.notices import Notice

    server, _, push = world
    raised, again = push(("notices", "n-1", "insert", notice_payload("supervisor"), None),
                         ("notices", "n-1", "insert", notice_payload("supervisor"), None))
    assert (raised["status"], again["status"]) == ("applied", "duplicate")  # two desks, one event
    (foreign,) = push(("notices", "n-1", "update", {"read_at": "2025-04-01T11:00:00+00:00"}, 1))
    assert foreign["status"] == "rejected" and "only its recipient" in foreign["reason"]
    push(("notices", "n-2", "insert", notice_payload("cashier"), None))
    (own,) = push(("notices", "n-2", "update", {"read_at": "2025-04-01T11:00:00+00:00",
                                                "subject": "rewritten"}, 1))
    assert own["status"] == "applied"
    (other_desk,) = push(("notices", "n-2", "update", {"read_at": "2025-04-01T11:05:00+00:00"}, 1))
    assert other_desk["status"] == "duplicate"  # read on two desks: no conflict for anyone to settle
    row = server_row(server, Notice, "n-2")
    assert row.read_at is not None and row.subject == "SLA breached: DR-1"  # only the read mark is taken
    assert server_row(server, Notice, "n-1").read_at is None
