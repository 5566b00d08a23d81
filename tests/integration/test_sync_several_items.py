"""A payment settling two bills, recorded on a desktop and pushed: the central service (here on
SQLite) validates and applies the payment and both of its allocation rows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models.billing import Bill
from app.models.consumers import ServiceAccount
from app.models.payments import PaymentAllocation
from app.models.system import OutboxEntry
from app.services.payments.posting import PaymentRequest
from app.services.registry import Services
from tests.sync_helpers import enrolled_desktop, live_server, memory_keyring


@pytest.fixture
def server(tmp_path):
    with memory_keyring(), live_server(f"sqlite:///{tmp_path / 'central.sqlite3'}") as live:
        yield live


def two_bills(server) -> tuple[str, str, str]:
    consumer_id = server.world.consumer_ids[0]
    with server.central.sessions() as session, session.begin():
        account = ServiceAccount(consumer_id=consumer_id, utility="Water", account_no="C-0000-W",
                                 connected_on=date(2020, 1, 1))
        session.add(account)
        session.flush()
        bills = [Bill(invoice_no=f"INV-{n}", consumer_id=consumer_id, service_account_id=account.id,
                      period_start=date(2025, n, 1), period_end=date(2025, n, 28),
                      bill_date=date(2025, n, 28), due_date=date(2025, n + 1, 10),
                      consumption=Decimal("10"), total=Decimal(total), status="Approved")
                 for n, total in ((2, "40.00"), (3, "60.00"))]
        session.add_all(bills)
        session.flush()
        return consumer_id, bills[0].id, bills[1].id


def test_a_payment_of_two_bills_is_applied_on_the_central_service(server, tmp_path):
    consumer_id, february, march = two_bills(server)
    desk = enrolled_desktop(server, tmp_path / "desk")
    try:
        desk.agent.sync_once()
        services = Services(desk.runtime.app)
        posted = services.payments.record_payment(desk.actor, PaymentRequest(
            consumer_id=consumer_id, payment_type="Bill", method="UPI", amount=Decimal("70.00"),
            paid_on=date.today() - timedelta(days=1), item_id=None, item_ids=(march, february)))
        desk.agent.sync_once()
        with desk.runtime.app.sessions() as session:
            pushed = session.execute(select(OutboxEntry.entity, OutboxEntry.state)).all()
        assert [entity for entity, _ in pushed].count("payment_allocations") == 2
        assert {state for _, state in pushed} == {"Applied"}
        with server.central.sessions() as session:
            rows = session.execute(select(PaymentAllocation).where(
                PaymentAllocation.payment_id == posted.details.payment.payment_id)).scalars().all()
            assert {(r.bill_id, r.amount) for r in rows} == {(february, Decimal("40.00")),
                                                             (march, Decimal("30.00"))}
    finally:
        desk.close()
