"""Payment inquiries and payment alerts through the real sync service: who may push them, and
the rules the server keeps (a resolved inquiry stays resolved; an alert is its owner's)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models.inquiries import PaymentAlert, PaymentInquiry
from app.models.system import OutboxEntry
from app.services.payments.inquiries import PaymentInquiries
from tests.factories import PASSWORD
from tests.integration.test_sync_rules import Pusher, server_row
from tests.sync_helpers import enrolled_desktop, record_payment

pytestmark = pytest.mark.postgres


@pytest.fixture
def desk(server, tmp_path):
    desk = enrolled_desktop(server, tmp_path / "desk")
    desk.agent.sync_once()
    yield desk
    desk.close()


class DeskPusher(Pusher):
    """Raw pushes under the token of whoever signed in last at this desktop, numbered after
    what the desktop (and earlier raw pushes) already sent."""

    def __init__(self, server, desk) -> None:
        super().__init__(server, desk.agent.credentials.token)
        self.desk = desk
        with desk.runtime.app.sessions() as session:
            sent = session.execute(select(func.max(OutboxEntry.seq))).scalar() or 0
        self.seq = max(sent, getattr(desk, "raw_seq", 0))

    def __call__(self, *operations):
        results = super().__call__(*operations)
        self.desk.raw_seq = self.seq
        return results


def as_user(server, desk, username: str) -> Pusher:
    desk.agent.login(username, PASSWORD)
    return DeskPusher(server, desk)


def inquiry_payload(payment_id: str) -> dict:
    return {"payment_id": payment_id, "inquiry_type": "Wrong amount", "notes": "", "status": "Open",
            "opened_at": "2025-04-01T10:00:00+00:00", "opened_by": "callcenter", "resolved_at": None,
            "resolved_by": "", "outcome": "", "escalated": False, "satisfaction": ""}


def alert_payload(server, owner: str) -> dict:
    return {"owner": owner, "centre_id": server.world.centre_id, "metric": "collection_rate",
            "threshold": "85.00", "notify_in_app": True, "notify_email": False,
            "created_at": "2025-04-01T10:00:00+00:00"}


def test_a_cashiers_inquiry_syncs_and_a_resolved_one_is_final(server, desk):
    payment_id = record_payment(desk, server.world.consumer_ids[0], "8001")
    inquiries = PaymentInquiries(desk.runtime.app)
    item = inquiries.log(desk.actor, payment_id, "Duplicate charge", "Charged twice")
    inquiries.resolve(desk.actor, item.inquiry_id, "One was voided", False, "Satisfied")
    assert desk.agent.sync_once().rejected == 0
    row = server_row(server, PaymentInquiry, item.inquiry_id)
    assert (row.status, row.outcome, row.version) == ("Resolved", "One was voided", 2)
    (again,) = as_user(server, desk, "cashier")(
        ("payment_inquiries", item.inquiry_id, "update", {"outcome": "rewritten"}, 2))
    assert again["status"] == "rejected" and "already resolved" in again["reason"]
    assert server_row(server, PaymentInquiry, item.inquiry_id).outcome == "One was voided"


def test_an_inquiry_from_a_role_that_may_not_handle_them_is_refused(server, desk):
    payment_id = record_payment(desk, server.world.consumer_ids[0], "8002")
    desk.agent.sync_once()
    (forged,) = as_user(server, desk, "callcenter")(
        ("payment_inquiries", "inq-1", "insert", inquiry_payload(payment_id), None))
    assert forged["status"] == "rejected" and "payments.inquiries" in forged["reason"]
    assert server_row(server, PaymentInquiry, "inq-1") is None


def test_an_alert_is_set_only_by_a_manager_for_themselves_and_changed_only_by_its_owner(server, desk):
    (cashiers,) = as_user(server, desk, "cashier")(
        ("payment_alerts", "al-0", "insert", alert_payload(server, "cashier"), None))
    assert cashiers["status"] == "rejected" and "dashboard.view" in cashiers["reason"]
    manager = as_user(server, desk, "manager")
    (for_someone_else,) = manager(("payment_alerts", "al-1", "insert", alert_payload(server, "specialist"), None))
    assert for_someone_else["status"] == "rejected" and "owner" in for_someone_else["reason"]
    (own,) = manager(("payment_alerts", "al-2", "insert", alert_payload(server, "manager"), None))
    assert own["status"] == "applied"
    (foreign,) = as_user(server, desk, "specialist")(("payment_alerts", "al-2", "update", {"threshold": "1.00"}, 1))
    assert foreign["status"] == "rejected" and "only its owner" in foreign["reason"]
    (given_away,) = manager(("payment_alerts", "al-2", "update", {"owner": "specialist"}, 1))
    assert given_away["status"] == "rejected"
    (edited,) = manager(("payment_alerts", "al-2", "update", {"threshold": "80.00"}, 1))
    assert edited["status"] == "applied"
    assert str(server_row(server, PaymentAlert, "al-2").threshold) == "80.00"
    assert server_row(server, PaymentAlert, "al-1") is None


def test_a_new_desk_of_the_centre_downloads_its_inquiries_and_alerts(server, desk, tmp_path):
    payment_id = record_payment(desk, server.world.consumer_ids[0], "8003")
    item = PaymentInquiries(desk.runtime.app).log(desk.actor, payment_id, "Receipt request", "")
    desk.agent.sync_once()
    (alert,) = as_user(server, desk, "manager")(
        ("payment_alerts", "al-9", "insert", alert_payload(server, "manager"), None))
    assert alert["status"] == "applied"
    other = enrolled_desktop(server, tmp_path / "other", "supervisor")
    try:
        other.agent.sync_once()
        with other.runtime.app.sessions() as session:
            assert session.get(PaymentInquiry, item.inquiry_id).status == "Open"
            assert session.get(PaymentAlert, "al-9").owner == "manager"
    finally:
        other.close()
