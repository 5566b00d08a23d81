"""The final bill's figures and read checks: the deposit applied never exceeds what is held nor
what is owed; Final Amount Due = (Billed + Outstanding) - Deposit Applied."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.requests.execution import LinkedMeter
from app.domain.requests.final_bill import (
    FinalFigures,
    FinalRead,
    check_final_reads,
    final_period,
    parse_reading,
    period_text,
)

TODAY = date(2025, 4, 20)
LINKED = (LinkedMeter("m1", "EM-1001", "DEV-9001", "Single-phase", "Electricity"),
          LinkedMeter("m2", "WM-2001", "DEV-9002", "Water 15mm", "Water"))


def usd(text: str) -> Money:
    return Money(Decimal(text), "USD")


def test_the_spec_sample():
    figures = FinalFigures(usd("27.00"), usd("456.78"), usd("200.00"), use_in_bill=True)
    assert figures.deposit_applied == usd("200.00") and figures.amount_due == usd("283.78")
    assert figures.payment_required and figures.deposit_refund == usd("0.00")
    off = FinalFigures(usd("27.00"), usd("456.78"), usd("200.00"), use_in_bill=False)
    assert off.deposit_applied == usd("0") and off.amount_due == usd("483.78")


def test_a_deposit_larger_than_what_is_owed_settles_to_zero_and_the_rest_is_refunded():
    figures = FinalFigures(usd("27.00"), usd("50.00"), usd("200.00"), use_in_bill=True)
    assert figures.deposit_applied == usd("77.00") and figures.amount_due == usd("0.00")
    assert figures.deposit_refund == usd("123.00") and not figures.payment_required


cents = st.integers(min_value=0, max_value=10**7).map(lambda c: Money(Decimal(c).scaleb(-2), "USD"))


@given(cents, cents, cents, st.booleans())
def test_applied_never_exceeds_held_or_owed_and_due_is_never_negative(billed, outstanding, held, use):
    figures = FinalFigures(billed, outstanding, held, use)
    assert Money.zero("USD") <= figures.deposit_applied <= held
    assert figures.deposit_applied <= billed + outstanding
    assert figures.amount_due.amount >= 0
    assert figures.amount_due == billed + outstanding - figures.deposit_applied


def test_ac015_ac016_reads_are_checked_against_the_linked_meters():
    reads = (FinalRead("em-1001", Decimal(1), TODAY), FinalRead("WM-2001", Decimal(2), TODAY))
    checked = check_final_reads(reads, LINKED, TODAY)
    assert [c.meter.device_no for c in checked] == ["DEV-9001", "DEV-9002"]
    with pytest.raises(ValidationError, match="Meter not linked to this account"):
        check_final_reads((FinalRead("WM-3001", Decimal(1), TODAY), reads[0]), LINKED, TODAY)
    with pytest.raises(ValidationError, match="Cannot select future date") as future:
        check_final_reads((FinalRead("EM-1001", Decimal(1), TODAY + timedelta(days=1)), reads[1]),
                          LINKED, TODAY)
    assert future.value.field == "Electricity reading date"
    with pytest.raises(ValidationError, match="read once"):
        check_final_reads((reads[0], reads[0]), LINKED, TODAY)


@pytest.mark.parametrize("text", ["abc", "-1", "NaN", ""])
def test_a_reading_is_a_plain_non_negative_number(text):
    with pytest.raises(ValidationError, match="Water last reading"):
        parse_reading(text, "Water")


def test_the_period_runs_from_the_day_after_the_last_bill_to_the_disconnection():
    assert final_period(date(2025, 3, 31), date(2024, 1, 15), TODAY) == (date(2025, 4, 1), TODAY)
    assert final_period(None, date(2024, 1, 15), TODAY) == (date(2024, 1, 15), TODAY)
    assert period_text(date(2025, 3, 1), TODAY) == "March 2025 – April 2025"
