"""Printing a bill marks it printed: an administrator or a supervisor, who do not bill, push that
mark, and the central service takes from them only who printed or sent it and when."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models.billing import Bill
from app.models.consumers import ServiceAccount
from app.services.core.work import unit_of_work
from tests.sync_helpers import enrolled_desktop

pytestmark = pytest.mark.postgres


def _account(server) -> str:
    with server.central.sessions() as session, session.begin():
        account = ServiceAccount(consumer_id=server.world.consumer_ids[0], utility="Electricity",
                                 account_no="C-0000-E", connected_on=date(2020, 1, 1))
        session.add(account)
        session.flush()
        return account.id


def _bill_on_server(server, invoice_no: str) -> Bill:
    with server.central.sessions() as session:
        return session.execute(select(Bill).where(Bill.invoice_no == invoice_no)).scalar_one()


@pytest.mark.forged_push  # the total change is one the server must leave out
@pytest.mark.parametrize("username", ["admin", "supervisor"])
def test_a_printed_mark_is_taken_and_nothing_else(server, tmp_path, username):
    account_id = _account(server)
    manager = enrolled_desktop(server, tmp_path / "manager", "manager")
    marker = enrolled_desktop(server, tmp_path / username, username)
    try:
        manager.agent.sync_once()
        with unit_of_work(manager.runtime.app, manager.actor) as work:
            work.record(Bill(invoice_no="INV-1", consumer_id=server.world.consumer_ids[0],
                             service_account_id=account_id, period_start=date(2025, 3, 1),
                             period_end=date(2025, 3, 31), bill_date=date(2025, 4, 1),
                             due_date=date(2025, 4, 15), consumption=Decimal(120),
                             total=Decimal("48.20"), approved_by="manager"))
        assert manager.agent.sync_once().applied == 1
        marker.agent.sync_once()
        with unit_of_work(marker.runtime.app, marker.actor) as work:
            bill = work.session.execute(select(Bill).where(Bill.invoice_no == "INV-1")).scalar_one()
            base = bill.version
            bill.printed_at, bill.printed_by = work.now, username
            bill.total = Decimal("1.00")  # as a tampered desktop could
            work.record(bill, "update", base_version=base)
        assert marker.agent.sync_once().applied == 1
        stored = _bill_on_server(server, "INV-1")
        assert (stored.printed_by, stored.total) == (username, Decimal("48.20"))
        assert stored.printed_at is not None
    finally:
        manager.close()
        marker.close()
