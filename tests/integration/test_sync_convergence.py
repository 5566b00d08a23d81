"""A second desktop joins a centre while the first has an open cash session and sales: everything a
pulled row refers to comes down first, and both desktops converge (#19 item 1, #10 item 8)."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.models.billing import LedgerEntry
from app.models.cash import CashMovement, CashSession
from app.models.consumers import Consumer
from app.models.payments import Payment
from app.models.reference import Counter
from app.services.cash.sessions import CashSessionsService
from app.services.core.work import unit_of_work
from tests.sync_helpers import enrolled_desktop

pytestmark = pytest.mark.postgres


def cash_sale(desktop, session_id: str, consumer_id: str, number: str, amount: str = "25.00") -> str:
    """A cash payment taken in the open session, its drawer movement and ledger entry: one unit of work."""
    with unit_of_work(desktop.runtime.app, desktop.actor) as work:
        payment = Payment(payment_no=f"PAY-{number}", transaction_no=f"TXN-{number}", receipt_no=f"R-{number}",
                          consumer_id=consumer_id, payment_type="Bill", channel="Walk-in", method="Cash",
                          amount=Decimal(amount), paid_at=work.now, received_by=desktop.actor.username,
                          cash_session_id=session_id)
        work.record(payment)
        work.record(CashMovement(session_id=session_id, kind="cash_payment", amount=Decimal(amount),
                                 payment_id=payment.id, user_name=desktop.actor.username, at=work.now))
        work.record(LedgerEntry(consumer_id=consumer_id, entry_type="payment", amount=-Decimal(amount),
                                source_type="payment", source_id=payment.id, posted_at=work.now))
        return payment.id


def counts(sessions) -> tuple[int, int, int]:
    with sessions() as session:
        return tuple(session.execute(select(func.count()).select_from(model)).scalar_one()
                     for model in (CashSession, Payment, CashMovement))


def sync_until(desktop, done, seconds: float = 15) -> None:
    """The snapshot fence may hold rows back while another transaction is open: sync again."""
    deadline = time.monotonic() + seconds
    while True:
        report = desktop.agent.sync_once()
        assert getattr(report, "quarantined", 0) == 0, "a pulled row could not be applied"
        if done() or time.monotonic() > deadline:
            return
        time.sleep(0.2)


def test_a_second_desktop_joins_while_the_first_has_an_open_session_and_both_converge(server, tmp_path):
    first = enrolled_desktop(server, tmp_path / "first")
    second = None
    try:
        first.agent.sync_once()
        opened = CashSessionsService(first.runtime.app).open_session(first.actor, {Decimal(20): 5})
        with first.runtime.app.sessions() as session:
            session_id = session.execute(select(CashSession.id)).scalar_one()
        consumers = server.world.consumer_ids
        sales = [cash_sale(first, session_id, consumers[n % len(consumers)], f"70{n:02d}") for n in range(3)]
        assert first.agent.sync_once().rejected == 0
        assert opened.session_no == 1

        second = enrolled_desktop(server, tmp_path / "second", username="supervisor")
        joined = second.agent.sync_once()
        assert joined.bootstrapped and getattr(joined, "quarantined", 0) == 0
        with second.runtime.app.sessions() as session:  # the session and its sales came down
            assert session.get(CashSession, session_id).status == "Open"
            assert {p for p in session.execute(select(Payment.id)).scalars()} == set(sales)
            assert session.execute(select(func.count()).select_from(CashMovement)).scalar_one() == 3

        later = cash_sale(first, session_id, consumers[0], "7099")  # a sale after the join
        first.agent.sync_once()
        sync_until(second, lambda: counts(second.runtime.app.sessions) == (1, 4, 4))
        assert counts(second.runtime.app.sessions) == counts(first.runtime.app.sessions) == (1, 4, 4)
        assert counts(server.central.sessions) == (1, 4, 4)
        with second.runtime.app.sessions() as session:
            assert session.get(Payment, later).cash_session_id == session_id
            assert session.execute(select(Counter)).scalars().one().id is not None
    finally:
        first.close()
        if second is not None:
            second.close()


def test_bootstrap_brings_recent_and_open_money_history_only(server, tmp_path):
    """Payments of the window and still-open ones, not every payment the centre ever took."""
    first = enrolled_desktop(server, tmp_path / "first")
    try:
        first.agent.sync_once()
        recent = cash_free_payment(first, "8001", days_ago=10)
        old = cash_free_payment(first, "8002", days_ago=200)
        pending = cash_free_payment(first, "8003", days_ago=300, status="Pending")
        first.agent.sync_once()
    finally:
        first.close()
    second = enrolled_desktop(server, tmp_path / "second", history_days=90)
    try:
        second.agent.sync_once()
        with second.runtime.app.sessions() as session:
            have = set(session.execute(select(Payment.id)).scalars())
        assert recent in have and pending in have and old not in have
    finally:
        second.close()


def cash_free_payment(desktop, number: str, *, days_ago: int, status: str = "Posted") -> str:
    consumer_id = _consumer(desktop)
    with unit_of_work(desktop.runtime.app, desktop.actor) as work:
        payment = Payment(payment_no=f"PAY-{number}", transaction_no=f"TXN-{number}", receipt_no=f"R-{number}",
                          consumer_id=consumer_id, payment_type="Bill",
                          channel="Walk-in", method="Card", amount=Decimal("5.00"), status=status,
                          paid_at=work.now - timedelta(days=days_ago), received_by=desktop.actor.username)
        work.record(payment)
        return payment.id


def _consumer(desktop) -> str:
    with desktop.runtime.app.sessions() as session:
        return session.execute(select(Consumer.id).order_by(Consumer.account_no)).scalars().first()
