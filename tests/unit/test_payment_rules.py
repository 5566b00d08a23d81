"""Payment rules: amount analysis, request validation, cash change, gateway statuses, processing time."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.core.settings import default
from app.domain.payments.rules import (
    IMMEDIATE,
    Difference,
    GatewayState,
    PaymentLimits,
    PaymentRequest,
    PaymentType,
    analyse_amount,
    check_required,
    map_payment_status,
    map_settlement_status,
    parse_amount,
    payment_ceiling,
    processing_days,
    processing_time,
    settle_cash,
    validate_request,
)

D = Decimal
TODAY = date(2025, 4, 20)


def usd(value: str) -> Money:
    return Money.of(value, "USD")


LIMITS = PaymentLimits(
    currency="USD", today=TODAY, channels=("Walk-in", "Kiosk"), default_channel="Walk-in",
    methods=("Cash", "Credit Card"), notes_max_length=25, outstanding=usd("245.75"),
    threshold=usd("500.00"), open_amount=usd("145.50"))
CASH_150 = PaymentRequest(consumer_id="c1", payment_type="Bill", method="Cash", amount="145.50",
                          paid_on=TODAY, item_id="b1", tendered="150.00",
                          notes="Customer paid in full")


# amount analysis ------------------------------------------------------------

@pytest.mark.parametrize(("paid", "kind", "difference"), [
    ("145.50", Difference.EXACT, "0.00"), ("150.00", Difference.OVER, "4.50"),
    ("100.00", Difference.UNDER, "-45.50")])
def test_amount_analysis_says_exact_over_or_under(paid, kind, difference):
    analysis = analyse_amount(usd("145.50"), usd(paid))
    assert analysis.kind is kind
    assert analysis.difference == usd(difference)


# cash: the two choices of ARCHITECTURE section 9 -----------------------------------

def test_cash_150_on_145_50_gives_4_50_change_and_pays_the_bill_exactly():
    valid = validate_request(CASH_150, LIMITS)
    assert valid.amount == usd("145.50") and valid.applied == usd("145.50")
    assert valid.cash.tendered == usd("150.00") and valid.cash.change == usd("4.50")
    assert not valid.overpaid
    assert valid.analysis.kind is Difference.EXACT


def test_cash_kept_on_account_pays_150_and_overpays_4_50():
    valid = validate_request(replace(CASH_150, keep_change_on_account=True), LIMITS)
    assert valid.amount == usd("150.00") and valid.applied == usd("145.50")
    assert valid.overpaid == usd("4.50") and not valid.cash.change
    assert valid.analysis.kind is Difference.OVER


def test_cash_tendered_defaults_to_the_amount_and_cannot_be_less():
    exact = validate_request(replace(CASH_150, tendered=None), LIMITS)
    assert exact.cash.tendered == usd("145.50") and not exact.cash.change
    with pytest.raises(ValidationError) as caught:
        validate_request(replace(CASH_150, tendered="100.00"), LIMITS)
    assert caught.value.field == "Amount received"


def test_a_card_payment_above_the_open_amount_is_an_overpayment_without_change():
    valid = validate_request(replace(CASH_150, method="Credit Card", amount="150.00",
                                     tendered=None), LIMITS)
    assert valid.cash is None and valid.overpaid == usd("4.50")


def test_an_underpayment_applies_all_of_it():
    valid = validate_request(replace(CASH_150, amount="100.00", tendered=None), LIMITS)
    assert valid.applied == usd("100.00") and not valid.overpaid
    assert valid.analysis.kind is Difference.UNDER


@given(due=st.integers(1, 10**7), extra=st.integers(0, 10**7), keep=st.booleans())
def test_change_is_never_negative_and_payment_plus_change_is_what_was_tendered(due, extra, keep):
    amount_due = Money.from_minor(due, "USD")
    tendered = Money.from_minor(due + extra, "USD")
    cash = settle_cash(amount_due, tendered, keep_on_account=keep)
    assert not cash.change.is_negative and not cash.kept_on_account.is_negative
    assert cash.payment_amount + cash.change == tendered
    assert cash.payment_amount == (tendered if keep else amount_due)


# validation -------------------------------------------------------------------

@pytest.mark.parametrize(("change", "field"), [
    ({"consumer_id": None}, "Consumer"), ({"payment_type": ""}, "Payment type"),
    ({"payment_type": "Donation"}, "Payment type"), ({"item_id": None}, "Bill"),
    ({"method": None}, "Payment method"), ({"amount": None}, "Amount"),
    ({"amount": "  "}, "Amount"), ({"paid_on": None}, "Payment date")])
def test_mandatory_fields_are_named(change, field):
    with pytest.raises(ValidationError) as caught:
        check_required(replace(CASH_150, **change))
    assert caught.value.field == field


@pytest.mark.parametrize(("amount", "rule"), [
    ("0", "more than 0"), ("-5", "more than 0"), ("10.005", "2 decimal places"),
    ("abc", "a number"), ("900.00", "outstanding balance plus the overpayment threshold")])
def test_bad_amounts_are_refused_naming_amount(amount, rule):
    with pytest.raises(ValidationError) as caught:
        validate_request(replace(CASH_150, method="Credit Card", amount=amount, tendered=None),
                         LIMITS)
    assert caught.value.field == "Amount" and rule in caught.value.rule


def test_a_float_amount_is_refused():
    with pytest.raises(ValidationError):
        parse_amount("Amount", 145.5, "USD")


def test_the_ceiling_is_outstanding_plus_threshold_and_never_below_the_threshold():
    assert payment_ceiling(usd("245.75"), usd("500.00")) == usd("745.75")
    assert payment_ceiling(usd("-20.00"), usd("500.00")) == usd("500.00")
    ok = validate_request(replace(CASH_150, method="Credit Card", amount="745.75", tendered=None),
                          LIMITS)
    assert ok.overpaid == usd("600.25")


def test_keeping_change_on_account_is_also_held_to_the_ceiling():
    with pytest.raises(ValidationError) as caught:
        validate_request(replace(CASH_150, tendered="1000.00", keep_change_on_account=True), LIMITS)
    assert caught.value.field == "Amount"


def test_future_date_method_channel_notes_and_paid_item_are_checked():
    cases = [({"paid_on": TODAY + timedelta(days=1)}, "Payment date"),
             ({"method": "Bitcoin"}, "Payment method"), ({"channel": "Telepathy"}, "Channel"),
             ({"notes": "x" * 26}, "Notes")]
    for change, field in cases:
        with pytest.raises(ValidationError) as caught:
            validate_request(replace(CASH_150, **change), LIMITS)
        assert caught.value.field == field
    with pytest.raises(ValidationError) as caught:
        validate_request(CASH_150, replace(LIMITS, open_amount=usd("0")))
    assert caught.value.field == "Bill"


def test_channel_defaults_and_past_dates_are_fine():
    valid = validate_request(replace(CASH_150, paid_on=TODAY - timedelta(days=3)), LIMITS)
    assert valid.channel == "Walk-in" and valid.payment_type is PaymentType.BILL


# online payments --------------------------------------------------------------

PAYMENT_MAP = default("payments.stripe_payment_statuses")
SETTLEMENT_MAP = default("payments.stripe_settlement_statuses")


@pytest.mark.parametrize(("stripe", "webhook", "settlement"), [
    ("Succeeded", "In Settlement", "In Progress"), ("Failed", "Failed", "N/A"),
    ("pending", "Not Confirmed", "N/A")])
def test_stripe_payment_statuses_map_per_the_spec(stripe, webhook, settlement):
    assert map_payment_status(stripe, PAYMENT_MAP) == GatewayState(webhook, settlement)


def test_stripe_settlement_statuses_map_and_failed_keeps_the_previous_webhook_status():
    previous = GatewayState("In Settlement", "In Progress")
    assert map_settlement_status("Created", SETTLEMENT_MAP, previous) == previous
    assert map_settlement_status("Paid", SETTLEMENT_MAP, previous) == GatewayState("Settled", "Success")
    assert map_settlement_status("Failed", SETTLEMENT_MAP, previous) == GatewayState(
        "In Settlement", "Failed")
    with pytest.raises(ValidationError):
        map_settlement_status("Refunded", SETTLEMENT_MAP, previous)


def test_processing_time_is_immediate_for_users_and_days_for_online():
    start = datetime(2025, 4, 18, 10, 0, tzinfo=UTC)
    assert processing_time(True, start, None, start).label == IMMEDIATE
    settled = start + timedelta(days=2, hours=7, minutes=12)
    online = processing_time(False, start, settled, settled + timedelta(days=9))
    assert online.days == D("2.3") and online.label == "2.3 days"
    assert processing_days(start, start - timedelta(hours=1)) == D("0.0")
