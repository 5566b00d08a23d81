"""Payment plan rules: installment amounts add up exactly, due dates, terms, compliance states."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.payments import installments as rules
from app.domain.payments.installments import (
    Frequency,
    InstallmentState,
    ModifyTerms,
    PlanStatus,
    PlanTerms,
)

TODAY = date(2025, 4, 20)


def usd(value: str) -> Money:
    return Money.of(value, "USD")


def cents(minor: int) -> Money:
    return Money.from_minor(minor, "USD")


@given(total=st.integers(1, 10**9), down=st.integers(0, 10**9), count=st.integers(1, 60))
def test_installments_sum_to_total_less_down_payment_exactly(total, down, count):
    financed = total - down
    if financed < count:  # each installment must be at least one cent
        return
    parts = rules.split_amount(cents(financed), count)
    assert len(parts) == count
    assert sum(p.to_minor() for p in parts) == financed
    assert len({p for p in parts[:-1]}) <= 1  # equal, except the last
    assert 0 <= parts[-1].to_minor() - parts[0].to_minor() < count  # the remainder goes last
    assert all(p.is_exact and p.amount > 0 for p in parts)


@given(amount=st.integers(1, 10**8), each=st.integers(1, 10**6))
def test_splitting_by_installment_amount_covers_the_amount(amount, each):
    if each > amount or -(-amount // each) > rules.MAX_INSTALLMENTS:
        with pytest.raises(ValidationError):
            rules.split_by_installment(cents(amount), cents(each))
        return
    parts = rules.split_by_installment(cents(amount), cents(each))
    assert sum(p.to_minor() for p in parts) == amount
    assert all(p == cents(each) for p in parts[:-1]) and 0 < parts[-1].to_minor() <= each


@given(start=st.dates(date(2020, 1, 1), date(2035, 12, 31)), count=st.integers(1, 60),
       frequency=st.sampled_from(list(Frequency)))
def test_due_dates_start_on_the_start_date_and_increase(start, count, frequency):
    dates = rules.due_dates(start, frequency, count)
    assert dates[0] == start and len(dates) == count
    assert all(a < b for a, b in zip(dates, dates[1:], strict=False))
    if frequency is not Frequency.MONTHLY:
        step = 7 if frequency is Frequency.WEEKLY else 14
        assert all((b - a).days == step for a, b in zip(dates, dates[1:], strict=False))


def test_the_specs_sample_plan_three_monthly_installments_of_67_50():
    terms = rules.validate_terms(PlanTerms("202.50", "", "3", "Monthly", date(2025, 4, 20)),
                                 outstanding=usd("300.00"), today=TODAY)
    schedule = rules.plan_schedule(terms, TODAY)
    assert [(s.number, s.amount, s.due_date) for s in schedule] == [
        (1, usd("67.50"), date(2025, 4, 20)), (2, usd("67.50"), date(2025, 5, 20)),
        (3, usd("67.50"), date(2025, 6, 20))]


def test_rounding_remainder_and_the_down_payment():
    terms = rules.validate_terms(PlanTerms("100.00", "10.00", "7", "Weekly", TODAY),
                                 outstanding=usd("100.00"), today=TODAY)
    schedule = rules.plan_schedule(terms, TODAY)
    assert schedule[0].number == 0 and schedule[0].amount == usd("10.00")
    assert [s.amount.amount for s in schedule[1:]] == [Decimal("12.85")] * 6 + [Decimal("12.90")]


def test_month_ends_are_clamped_but_the_anchor_day_is_kept():
    assert rules.due_dates(date(2025, 1, 31), Frequency.MONTHLY, 4) == [
        date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)]


@pytest.mark.parametrize(("terms", "field", "rule"), [
    (PlanTerms("", "", "3", "Monthly", TODAY), "Total amount", "is required"),
    (PlanTerms("abc", "", "3", "Monthly", TODAY), "Total amount", "must be a number"),
    (PlanTerms("0", "", "3", "Monthly", TODAY), "Total amount", "must be more than 0"),
    (PlanTerms("10.005", "", "3", "Monthly", TODAY), "Total amount",
     "must have at most 2 decimal places"),
    (PlanTerms("500.01", "", "3", "Monthly", TODAY), "Total amount",
     "cannot exceed the outstanding balance (500.00)"),
    (PlanTerms("100", "100", "3", "Monthly", TODAY), "Down payment",
     "must be less than the total amount"),
    (PlanTerms("100", "-1", "3", "Monthly", TODAY), "Down payment", "cannot be negative"),
    (PlanTerms("100", "", "0", "Monthly", TODAY), "Number of installments",
     "must be between 1 and 60"),
    (PlanTerms("100", "", "2.5", "Monthly", TODAY), "Number of installments",
     "must be a whole number"),
    (PlanTerms("0.05", "", "6", "Monthly", TODAY), "Number of installments",
     "is too many: each installment would be less than 0.01"),
    (PlanTerms("100", "", "3", "Daily", TODAY), "Frequency",
     "must be Weekly, Fortnightly or Monthly"),
    (PlanTerms("100", "", "3", "Monthly", TODAY - timedelta(days=1)), "Start date",
     "Cannot select past date"),
    (PlanTerms("100", "", "3", "Monthly", None), "Start date", "is required"),
])
def test_bad_terms_name_the_field_and_the_rule(terms, field, rule):
    with pytest.raises(ValidationError) as caught:
        rules.validate_terms(terms, outstanding=usd("500.00"), today=TODAY)
    assert (caught.value.field, caught.value.rule) == (field, rule)


def test_installment_states_around_the_grace_period():
    due, owed, paid = date(2025, 4, 10), usd("10.00"), usd("0")
    assert rules.installment_state(due, paid, date(2025, 5, 30)) is InstallmentState.PAID
    assert rules.installment_state(due, owed, due) is InstallmentState.UPCOMING
    assert rules.installment_state(due, owed, due + timedelta(days=1)) is InstallmentState.OVERDUE
    assert rules.installment_state(due, owed, due + timedelta(days=rules.GRACE_DAYS)) \
        is InstallmentState.OVERDUE
    assert rules.installment_state(due, owed, due + timedelta(days=rules.GRACE_DAYS + 1)) \
        is InstallmentState.MISSED


def test_plan_outcome():
    paid, missed, upcoming = InstallmentState.PAID, InstallmentState.MISSED, InstallmentState.UPCOMING
    assert rules.plan_outcome([paid, paid]) is PlanStatus.COMPLETED
    assert rules.plan_outcome([paid, missed, upcoming]) is PlanStatus.ACTIVE
    assert rules.plan_outcome([missed] * rules.MISSED_TO_DEFAULT) is PlanStatus.DEFAULTED
    assert rules.plan_outcome([]) is PlanStatus.ACTIVE


def test_reschedule_by_count_or_by_amount_and_reason_required():
    by_count = rules.reschedule(usd("135.00"), ModifyTerms("4", "Fortnightly", TODAY, "Lost job"),
                                TODAY, first_number=4)
    assert [(s.number, s.amount.amount) for s in by_count] == [
        (4, Decimal("33.75")), (5, Decimal("33.75")), (6, Decimal("33.75")), (7, Decimal("33.75"))]
    assert by_count[-1].due_date == TODAY + timedelta(days=42)
    by_amount = rules.reschedule(usd("135.00"), ModifyTerms("", "Monthly", TODAY, "Lost job", "50"),
                                 TODAY, first_number=2)
    assert [s.amount.amount for s in by_amount] == [Decimal(50), Decimal(50), Decimal(35)]
    with pytest.raises(ValidationError, match="Reason: is required"):
        rules.reschedule(usd("135.00"), ModifyTerms("4", "Monthly", TODAY, "  "), TODAY, 2)
    with pytest.raises(ValidationError, match="First due date: Cannot select past date"):
        rules.reschedule(usd("135.00"), ModifyTerms("4", "Monthly", date(2025, 1, 1), "x"), TODAY, 2)
