"""Cash at the counter: a cash payment needs an open cash session (a setting, on by default),
and change above a configurable limit needs the cashier's confirmation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.core.errors import ValidationError
from app.domain.core.settings import Settings
from app.models.payments import Payment
from app.services.cash.sessions import CashSessionsService
from app.services.payments.posting import PaymentRequest
from tests.payment_fixtures import actor, build_sample

D = Decimal
TODAY = date(2025, 4, 20)


@pytest.fixture
def sample(runtime, services):
    return build_sample(runtime, services)


@pytest.fixture
def cashier(runtime):
    return actor(runtime, "cashier")


def request(sample, **changes) -> PaymentRequest:
    return replace(PaymentRequest(consumer_id=sample.john, payment_type="Bill", method="Cash",
                                  amount=D("145.50"), paid_on=TODAY, item_id=sample.bill_mar,
                                  tendered=D("150.00")), **changes)


def payments(runtime) -> int:
    with runtime.app.sessions() as session:
        return session.execute(select(func.count(Payment.id))).scalar()


def test_cash_needs_an_open_session_by_default():
    assert Settings.from_stored({}).get("counter.cash_needs_open_session") is True
    assert Settings.from_stored({}).get("counter.change_confirm_limit") == D("2000.00")


def test_cash_without_an_open_session_is_refused_and_nothing_is_written(runtime, services, cashier,
                                                                        sample):
    services.settings.update(actor(runtime, "admin"), {"counter.cash_needs_open_session": True})
    with pytest.raises(ValidationError) as refused:
        services.payments.record_payment(cashier, request(sample))
    assert refused.value.field == "Payment method"
    assert "needs an open cash session at this counter" in refused.value.message
    assert payments(runtime) == 0
    card = services.payments.record_payment(cashier, request(sample, method="Credit Card",
                                                             tendered=None))
    assert card.receipt_no  # other methods are not held up
    opened = CashSessionsService(runtime.app).open_session(cashier, {D(20): 5})
    posted = services.payments.record_payment(cashier, request(sample, item_id=sample.bill_apr,
                                                               amount=D("152.25"),
                                                               tendered=D("160.00")))
    with runtime.app.sessions() as session:
        assert session.get(Payment, posted.details.payment.payment_id).cash_session_id \
            == opened.session_id


def test_change_above_the_limit_needs_confirming(runtime, services, cashier, sample):
    services.settings.update(actor(runtime, "admin"), {"counter.change_confirm_limit": "100.00"})
    typo = request(sample, tendered=D("1450.00"))  # 1,450 typed for 145.50 (change 1,304.50)
    with pytest.raises(ValidationError) as refused:
        services.payments.record_payment(cashier, typo)
    assert refused.value.field == "Amount received"
    assert refused.value.rule == "gives change of 1304.50, more than 100.00: check it and confirm"
    assert payments(runtime) == 0
    posted = services.payments.record_payment(cashier, replace(typo, change_confirmed=True))
    assert posted.change.amount == D("1304.50")
    small = services.payments.record_payment(cashier, request(sample, item_id=sample.bill_apr,
                                                              amount=D("152.25"),
                                                              tendered=D("200.00")))
    assert small.change.amount == D("47.75")  # under the limit: no confirmation asked
