"""Credit note rules: amounts, remaining value, status, usage %, applying credit, date filters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.core.settings import default
from app.domain.payments.credit_notes import (
    CreditNoteStatus,
    DatePreset,
    RemainingKind,
    apply_credit,
    check_credit_amount,
    check_reason,
    check_remarks,
    created_range,
    credit_note_status,
    creditable,
    expiry_date,
    maximum_hint,
    remaining,
    remaining_kind,
    remaining_payment_value,
    usage_percent,
)

D = Decimal
TODAY = date(2025, 4, 20)
REASONS = default("credit_notes.reasons")


def usd(value: str) -> Money:
    return Money.of(value, "USD")


def test_the_maximum_hint_reads_like_the_spec():
    assert maximum_hint("$145.50") == "Maximum: $145.50"


@pytest.mark.parametrize(("amount", "rule"), [
    ("0", "more than 0"), ("-1.00", "more than 0"), ("145.51", "original payment amount"),
    ("1.234", "2 decimal places"), (None, "required"), ("x", "a number")])
def test_credit_amounts_outside_the_rules_are_refused(amount, rule):
    with pytest.raises(ValidationError) as caught:
        check_credit_amount(amount, usd("145.50"))
    assert caught.value.field == "Credit amount" and rule in caught.value.rule


def test_a_credit_may_be_the_whole_payment_which_is_a_full_reversal():
    assert check_credit_amount("145.50", usd("145.50")) == usd("145.50")
    assert not remaining_payment_value(usd("145.50"), usd("145.50"))
    assert remaining_payment_value(usd("150.00"), usd("4.50")) == usd("145.50")
    with pytest.raises(ValidationError):
        remaining_payment_value(usd("10.00"), usd("10.01"))


def test_earlier_credit_notes_lower_the_maximum():
    assert creditable(usd("150.00"), usd("4.50")) == usd("145.50")
    assert creditable(usd("150.00"), usd("150.00")) == usd("0")


def test_reason_is_required_and_from_the_list_and_remarks_are_limited():
    assert check_reason("overpayment", REASONS) == "Overpayment"
    for bad in (None, " ", "Because"):
        with pytest.raises(ValidationError) as caught:
            check_reason(bad, REASONS)
        assert caught.value.field == "Reason"
    assert check_remarks("  fine ", 500) == "fine"
    with pytest.raises(ValidationError):
        check_remarks("x" * 501, 500)


def test_status_is_active_applied_expired_or_voided():
    expires = expiry_date(TODAY, 365)
    assert expires == date(2026, 4, 20)
    assert credit_note_status(expires, usd("4.50"), TODAY) is CreditNoteStatus.ACTIVE
    assert credit_note_status(expires, usd("0"), TODAY) is CreditNoteStatus.APPLIED
    assert credit_note_status(expires, usd("4.50"), expires) is CreditNoteStatus.ACTIVE
    assert credit_note_status(expires, usd("4.50"), date(2026, 4, 21)) is CreditNoteStatus.EXPIRED
    assert credit_note_status(expires, usd("4.50"), TODAY, voided=True) is CreditNoteStatus.VOIDED


def test_usage_percent_has_one_decimal():
    assert usage_percent(usd("0"), usd("4.50")) == D("0.0")
    assert usage_percent(usd("1.50"), usd("4.50")) == D("33.3")
    assert usage_percent(usd("3.00"), usd("4.50")) == D("66.7")
    assert usage_percent(usd("4.50"), usd("4.50")) == D("100.0")


def test_remaining_kinds():
    assert remaining_kind(usd("0"), usd("4.50")) is RemainingKind.FULLY_USED
    assert remaining_kind(usd("1.00"), usd("4.50")) is RemainingKind.PARTIAL
    assert remaining_kind(usd("4.50"), usd("4.50")) is RemainingKind.FULL


def test_applying_credit_partially_then_fully():
    first = apply_credit(usd("4.50"), usd("152.25"), "2.00")
    assert first.amount == usd("2.00") and first.remaining_after == usd("2.50")
    assert first.open_after == usd("150.25") and not first.uses_all
    rest = apply_credit(first.remaining_after, first.open_after)
    assert rest.amount == usd("2.50") and rest.uses_all


def test_applying_never_exceeds_the_remaining_credit_or_the_open_amount():
    with pytest.raises(ValidationError) as caught:
        apply_credit(usd("4.50"), usd("152.25"), "5.00")
    assert "remaining credit" in caught.value.rule
    with pytest.raises(ValidationError) as caught:
        apply_credit(usd("100.00"), usd("25.00"), "30.00")
    assert "open amount" in caught.value.rule
    assert apply_credit(usd("100.00"), usd("25.00")).amount == usd("25.00")
    with pytest.raises(ValidationError):
        apply_credit(usd("0"), usd("25.00"))


def test_created_date_presets_and_custom_range():
    assert created_range(DatePreset.TODAY, TODAY) == (TODAY, TODAY)
    assert created_range(DatePreset.THIS_WEEK, TODAY) == (date(2025, 4, 14), date(2025, 4, 20))
    assert created_range(DatePreset.THIS_MONTH, TODAY) == (date(2025, 4, 1), date(2025, 4, 30))
    assert created_range(DatePreset.CUSTOM, TODAY, date(2025, 1, 1), TODAY)[0] == date(2025, 1, 1)
    for bounds in ((None, TODAY), (TODAY, date(2025, 1, 1))):
        with pytest.raises(ValidationError) as caught:
            created_range(DatePreset.CUSTOM, TODAY, *bounds)
        assert caught.value.field == "Date range"


cents = st.integers(min_value=1, max_value=10**8)


@given(payment=cents, wanted=st.integers(min_value=-10**8, max_value=2 * 10**8))
def test_a_credit_note_never_exceeds_its_payment(payment, wanted):
    maximum = Money.from_minor(payment, "USD")
    try:
        credit = check_credit_amount(Money.from_minor(wanted, "USD").amount, maximum)
    except ValidationError:
        assert wanted <= 0 or wanted > payment
    else:
        assert Money.zero("USD") < credit <= maximum
        assert not remaining_payment_value(maximum, credit).is_negative


@given(original=cents, steps=st.lists(cents, max_size=8), target=cents)
def test_remaining_is_original_minus_applied_and_never_negative(original, steps, target):
    note = Money.from_minor(original, "USD")
    left, applied = note, Money.zero("USD")
    for step in steps:
        try:
            result = apply_credit(left, Money.from_minor(target, "USD"),
                                  Money.from_minor(step, "USD").amount)
        except ValidationError:
            continue
        applied = applied + result.amount
        left = result.remaining_after
        assert not left.is_negative
        assert remaining(note, applied) == left
    assert Decimal(0) <= usage_percent(applied, note) <= Decimal(100)
