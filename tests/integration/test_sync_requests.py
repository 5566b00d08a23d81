"""Requests across two desktops on a live central service (PostgreSQL): the profile lock one
desk takes is seen and respected by the other, and two concurrent status changes give one
conflict, with the central version kept."""

from __future__ import annotations

import time

import pytest

from app.domain.core.errors import ConflictError
from app.models.requests import ServiceRequest
from app.services.registry import Services
from app.services.requests import RequestDraft
from tests.sync_helpers import enrolled_desktop, live_server, memory_keyring

pytestmark = pytest.mark.postgres


@pytest.fixture
def desks(pg_url, tmp_path):
    with memory_keyring(), live_server(pg_url) as server:
        counter = enrolled_desktop(server, tmp_path / "counter", "cashier")
        office = enrolled_desktop(server, tmp_path / "office", "recovery")
        try:
            for desk in (counter, office):
                desk.agent.sync_once()
            yield server, counter, office
        finally:
            counter.close()
            office.close()


def pull_until(desk, seen, attempts: int = 20) -> None:
    """The pull cursor may hold back a change for a moment (the xmin fence): sync until it arrives."""
    for _ in range(attempts):
        desk.agent.sync_once()
        if seen():
            return
        time.sleep(0.1)
    raise AssertionError("the change never arrived")


def test_the_lock_and_concurrent_status_changes_across_two_desktops(desks):
    server, counter, office = desks
    consumer_id = server.world.consumer_ids[0]
    at_counter, in_office = Services(counter.runtime.app).requests, Services(office.runtime.app).requests
    at_counter.verify_and_lock(counter.actor, consumer_id)
    assert counter.agent.sync_once().rejected == 0
    pull_until(office, lambda: in_office.lock_status(office.actor, consumer_id).holder == "cashier")
    with pytest.raises(ConflictError, match="locked by cashier"):
        in_office.verify_and_lock(office.actor, consumer_id)

    today = at_counter.form_choices(counter.actor)[3]
    created = at_counter.create_request(counter.actor, RequestDraft(
        consumer_id, "NP-001", today, "10:00-12:00", notify_customer=False))
    report = counter.agent.sync_once()
    assert (report.rejected, report.conflicts) == (0, 0)
    pull_until(office, lambda: in_office.lock_status(office.actor, consumer_id).holder is None)  # released
    seen = in_office.request_detail(office.actor, created.request_id)
    assert seen.status == "Pending"

    in_office.acknowledge(office.actor, created.request_id, seen.version)
    assert office.agent.sync_once().conflicts == 0
    # The counter, not having pulled, closes the request from its stale copy: one conflict.
    at_counter.close(counter.actor, created.request_id, "Duplicate request")
    assert counter.agent.sync_once().conflicts == 1
    with server.central.sessions() as session:
        assert session.get(ServiceRequest, created.request_id).status == "In progress"


def test_a_new_desktop_downloads_the_requests_service_orders_and_messages(desks, tmp_path):
    from app.services.requests.notes import INTERNAL

    server, counter, _office = desks
    consumer_id = server.world.consumer_ids[1]
    requests = Services(counter.runtime.app).requests
    requests.verify_and_lock(counter.actor, consumer_id)
    created = requests.create_request(counter.actor, RequestDraft(
        consumer_id, "NP-001", requests.form_choices(counter.actor)[3], "10:00-12:00",
        notify_customer=False))
    requests.acknowledge(counter.actor, created.request_id)
    order = requests.create_service_order(counter.actor, created.request_id, "Residential Disconnection",
                                          requests.form_choices(counter.actor)[3])
    requests.add_communication(counter.actor, created.request_id, INTERNAL, "Gate code 1234")
    assert counter.agent.sync_once().rejected == 0
    late = enrolled_desktop(server, tmp_path / "late", "supervisor")
    try:
        late.agent.sync_once()
        seen = Services(late.runtime.app).requests
        assert seen.lookup_order(late.actor, created.request_id, order.so_no).so_no == order.so_no
        assert [c.body for c in seen.communications(late.actor, created.request_id)] == ["Gate code 1234"]
    finally:
        late.close()
