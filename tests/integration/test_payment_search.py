"""The payments list's search through the FTS5 trigram index (migration 0014): partial and
case-insensitive over consumer name, account number and receipt number, kept in step by
triggers when payments arrive or leave and when a consumer is renamed."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import delete, text, update

from app.models.consumers import Consumer
from app.models.payments import Payment
from app.services.payments.listing import PaymentFilter, Sort
from tests.integration.test_receipts import pay
from tests.payment_fixtures import actor, build_sample


@pytest.fixture
def sample(runtime, services):
    return build_sample(runtime, services)


@pytest.fixture
def cashier(runtime):
    return actor(runtime, "cashier")


def receipts(services, cashier, words: str) -> list[str]:
    flt = PaymentFilter(text=words)
    rows = services.payments.list_payments(cashier, flt, sort=Sort("receipt", descending=False))
    assert services.payments.count_payments(cashier, flt) == len(rows)
    return [r.receipt_no for r in rows]


def indexed(runtime) -> int:
    with runtime.app.sessions() as session:
        return session.execute(text("SELECT count(*) FROM payment_search")).scalar()


def test_a_fragment_is_found_through_the_index_and_follows_a_renamed_consumer(
        runtime, services, cashier, sample):
    first = pay(services, cashier, sample).receipt_no
    second = pay(services, cashier, sample, consumer_id=sample.mary, item_id=sample.bill_mary,
                 amount=Decimal("80.00"), tendered=None).receipt_no
    assert indexed(runtime) == 2
    assert receipts(services, cashier, "OHN D") == [first]  # a fragment across the two names
    assert receipts(services, cashier, "wu-1000") == [first, second]
    assert receipts(services, cashier, first.lower()) == [first]
    assert receipts(services, cashier, 'a"b') == []  # a quote is text, not FTS syntax
    assert receipts(services, cashier, "ry") == [second]  # two characters: LIKE
    with runtime.app.sessions() as session, session.begin():
        session.execute(update(Consumer).where(Consumer.id == sample.john)
                        .values(name="Johnny Walker"))
    assert receipts(services, cashier, "walker") == [first]
    assert receipts(services, cashier, "john doe") == []
    with runtime.app.sessions() as session, session.begin():  # a row as a pull writes it
        session.add(Payment(payment_no="PAY-X", transaction_no="TXN-X", receipt_no="R-PULLED-7",
                            consumer_id=sample.mary, payment_type="Bill", channel="Walk-in",
                            method="Cash", amount=Decimal("1.00"), paid_at=datetime.now(UTC),
                            received_by="x"))
    assert receipts(services, cashier, "pulled") == ["R-PULLED-7"] and indexed(runtime) == 3
    with runtime.app.sessions() as session, session.begin():
        session.execute(delete(Payment).where(Payment.receipt_no == "R-PULLED-7"))
    assert indexed(runtime) == 2 and receipts(services, cashier, "pulled") == []

