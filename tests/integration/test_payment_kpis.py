"""Collection Rate counts the same bills on both sides, and every KPI carries the figure it is
compared with: the month before (yesterday for Received Today)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.domain.core.money import Money
from tests.integration.test_receipts import pay
from tests.payment_fixtures import actor, build_sample

APRIL, MARCH = date(2025, 4, 1), date(2025, 3, 1)


def usd(text: str) -> Money:
    return Money(Decimal(text), "USD")


@pytest.fixture
def sample(runtime, services):
    return build_sample(runtime, services)


def test_rate_is_what_was_applied_to_the_bills_due_over_their_total(runtime, services, sample):
    cashier = actor(runtime, "cashier")
    # John's March bill (due Apr 15), paid in March with 20.00 extra kept on account; Mary pays
    # 40.00 of hers (due Apr 25) yesterday; John's April bill (due May 15) paid in full today.
    pay(services, cashier, sample, amount=Decimal("165.50"), tendered=None,
        keep_change_on_account=True, paid_on=date(2025, 3, 31))
    pay(services, cashier, sample, consumer_id=sample.mary, item_id=sample.bill_mary,
        method="UPI", amount=Decimal("40.00"), tendered=None, paid_on=date(2025, 4, 19))
    pay(services, cashier, sample, item_id=sample.bill_apr, amount=Decimal("152.25"),
        tendered=None)
    april = services.payments.kpis(cashier, APRIL, date(2025, 4, 20))
    assert april.total_due == usd("225.50")  # due in April: 145.50 + 80.00
    assert april.applied_to_due == usd("185.50")  # 145.50 (not the 20.00 kept) + 40.00
    assert april.collection_rate == Decimal("82.3")
    assert april.total_collected == usd("192.25")  # paid in April, whichever bill
    assert april.collection_rate <= 100
    before = april.previous
    assert before.month == MARCH and before.total_collected == usd("165.50")
    assert before.collection_rate is None  # nothing fell due in March
    assert before.received_yesterday == usd("40.00")
    assert april.received_today == usd("152.25")
    assert before.avg_collection_days == Decimal("0.0")  # the bill date is Mar 31
