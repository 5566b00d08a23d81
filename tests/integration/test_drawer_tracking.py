"""The drawer's expected notes and coins all shift: each cash payment records the notes received
(the cashier's count, else the fewest pieces making the amount received) and the change handed
back (the cashier's pieces, else the advice from what the drawer holds), so the change advice
and the X/Z reports keep knowing what is in the drawer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.domain.core.errors import ValidationError
from app.models.payments import Payment
from app.services.cash.sessions import CashSessionsService
from app.services.payments.posting import PaymentRequest
from tests.payment_fixtures import actor, build_sample

D = Decimal
TODAY = date(2025, 4, 20)
FLOAT = {D(20): 5, D(10): 5, D(5): 5, D(1): 10, D("0.25"): 20}  # $205.00


@pytest.fixture
def sample(runtime, services):
    return build_sample(runtime, services)


@pytest.fixture
def cash(runtime):
    return CashSessionsService(runtime.app)


@pytest.fixture
def cashier(runtime):
    return actor(runtime, "cashier")


def request(sample, **changes) -> PaymentRequest:
    return replace(PaymentRequest(consumer_id=sample.john, payment_type="Bill", method="Cash",
                                  amount=D("145.50"), paid_on=TODAY, item_id=sample.bill_mar,
                                  tendered=D("150.00")), **changes)


def expected(cash, cashier, session_id) -> dict:
    return cash.x_report(cashier, session_id).expected_counts


def test_the_drawer_stays_known_after_cash_payments_and_change(services, cash, cashier, sample):
    opened = cash.open_session(cashier, FLOAT)
    services.payments.record_payment(cashier, request(sample))  # pad skipped, advice followed
    after_first = {**FLOAT, D(100): 1, D(50): 1, D(1): 10 - 4, D("0.25"): 20 - 2}
    assert expected(cash, cashier, opened.session_id) == after_first
    advice = cash.change_for(cashier, "55.00")  # the $50 note received is there to give
    assert advice.exact_possible and advice.pieces == ((D(50), 1), (D(5), 1))

    services.payments.record_payment(cashier, request(
        sample, item_id=sample.bill_apr, amount=D("152.25"), tendered=D("160.00"),
        received_pieces={D(20): 8}, change_pieces={D(5): 1, D(1): 2, D("0.25"): 3}))
    after_second = {**after_first, D(20): 5 + 8, D(5): 5 - 1, D(1): 6 - 2, D("0.25"): 18 - 3}
    assert expected(cash, cashier, opened.session_id) == after_second
    document = cash.report_document(cashier, cash.x_report(cashier, opened.session_id))
    [pieces] = [s for s in document.sections if s.heading == "Expected notes and coins"]
    assert ("Not known", "a movement did not record its pieces") not in pieces.rows
    assert ("$20.00 x 13", "$260.00") in pieces.rows


def test_pieces_that_do_not_add_up_or_are_not_in_the_drawer_are_refused(runtime, services, cash,
                                                                        cashier, sample):
    cash.open_session(cashier, {D(20): 5})
    with pytest.raises(ValidationError) as wrong:
        services.payments.record_payment(cashier, request(sample, received_pieces={D(100): 1}))
    assert (wrong.value.field, wrong.value.rule) == (
        "Notes received", "add up to 100.00, not the amount received 150.00")
    with pytest.raises(ValidationError) as missing:
        services.payments.record_payment(cashier, request(
            sample, received_pieces={D(50): 3}, change_pieces={D(1): 4, D("0.25"): 2}))
    assert missing.value.field == "Change given" and "does not hold enough" in missing.value.rule
    with runtime.app.sessions() as session:
        assert session.execute(select(func.count(Payment.id))).scalar() == 0


def test_exact_change_impossible_says_so_and_the_drawer_is_then_unknown(services, cash, cashier,
                                                                        sample):
    opened = cash.open_session(cashier, {D(20): 5})
    assert not cash.change_for(cashier, "4.50").exact_possible
    services.payments.record_payment(cashier, request(sample))  # change counted by hand
    assert expected(cash, cashier, opened.session_id) is None
