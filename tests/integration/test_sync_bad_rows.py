"""One bad row blocks nothing: each failure is that operation's rejection, with a readable reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models.payments import Payment
from app.models.system import OutboxEntry
from sync import local
from tests.sync_helpers import enrolled_desktop, record_payment

pytestmark = pytest.mark.postgres


@pytest.fixture
def desktop(server, tmp_path):
    desk = enrolled_desktop(server, tmp_path / "desk")
    desk.agent.sync_once()
    yield desk
    desk.close()


def set_payload(desk, entity_id: str, change) -> None:
    with desk.runtime.app.sessions() as session, session.begin():
        entry = session.execute(select(OutboxEntry).where(OutboxEntry.entity_id == entity_id)).scalar_one()
        entry.payload = change(entry.payload)


def reasons(desk) -> dict[str, str]:
    with desk.runtime.app.sessions() as session:
        return {p.entity_id: p.reason for p in local.sync_problems(session)}


def on_server(server, *payment_ids: str) -> list[bool]:
    with server.central.sessions() as session:
        return [session.get(Payment, pid) is not None for pid in payment_ids]


@pytest.mark.parametrize(("amount", "reason"), [
    (1e30, "amount: 1e+30 is too large (at most 92233720368547758.07)"),
    ("1E+30", "amount: '1E+30' is too large (at most 92233720368547758.07)"),
    ("abc", "amount: 'abc' is not a number"),
    ("NaN", "amount: 'NaN' is not a number"),
    ("10.001", "amount: '10.001' has more than 2 decimal places"),
    ({"x": 1}, "amount: {'x': 1} is not a number"),
])
def test_a_bad_amount_among_valid_payments_is_rejected_alone(server, desktop, amount, reason):
    before = record_payment(desktop, server.world.consumer_ids[0], "1001")
    bad = record_payment(desktop, server.world.consumer_ids[0], "1002")
    after = record_payment(desktop, server.world.consumer_ids[1], "1003")
    set_payload(desktop, bad, lambda payload: payload | {"amount": amount})
    report = desktop.agent.sync_once()  # no 500: push and pull both go through
    assert (report.applied, report.rejected) == (4, 2)
    assert on_server(server, before, bad, after) == [True, False, True]
    assert reasons(desktop)[bad] == reason


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("receipt_no", "R" * 200, "receipt_no: is longer than 40 characters"),
    ("receipt_no", 12, "receipt_no: 12 is not text"),
    ("paid_at", "yesterday", "paid_at: 'yesterday' is not a valid date or time"),
    ("consumer_id", "no-such-consumer", "Refers to consumers no-such-consumer, which the server does not have"),
])
def test_bad_fields_are_rejected_with_the_field_named(server, desktop, field, value, reason):
    bad = record_payment(desktop, server.world.consumer_ids[0], "2001")
    after = record_payment(desktop, server.world.consumer_ids[1], "2002")
    set_payload(desktop, bad, lambda payload: payload | {field: value})
    report = desktop.agent.sync_once()
    assert report.applied == 2 and report.rejected >= 1
    assert on_server(server, bad, after) == [False, True]
    assert reasons(desktop)[bad].startswith(reason)


@pytest.mark.parametrize("payload", [[1, 2], "text", None, 5])
def test_an_outbox_payload_that_is_not_an_object_is_rejected_not_a_crash(server, desktop, payload):
    bad = record_payment(desktop, server.world.consumer_ids[0], "3001")
    after = record_payment(desktop, server.world.consumer_ids[1], "3002")
    set_payload(desktop, bad, lambda _: payload)
    report = desktop.agent.sync_once()
    assert (report.applied, report.rejected) == (2, 2)
    assert on_server(server, bad, after) == [False, True]
    assert reasons(desktop)[bad] == "payload: must be a JSON object of the record's fields"


def test_unknown_record_types_and_operations_are_rejected_alone(server, desktop):
    token = desktop.agent.credentials.token
    operations = [
        {"seq": 1, "entity": "x" * 500, "entity_id": "a", "operation": "insert", "payload": {}},
        {"seq": 2, "entity": "payments", "entity_id": "b" * 500, "operation": "insert", "payload": {}},
        {"seq": 3, "entity": "payments", "entity_id": "c", "operation": "command", "payload": {}},
    ]
    with server.client(token) as http:
        response = http.post("/v1/push", json={"operations": operations})
    assert response.status_code == 200
    assert [(r["status"], r["reason"][:40]) for r in response.json()["results"]] == [
        ("rejected", "Unknown record type 'xxxxxxxxxxxxxxxxxxx"),
        ("rejected", "entity_id: must be 1 to 36 characters"),
        ("rejected", "Operation 'command' is not supported"),
    ]
