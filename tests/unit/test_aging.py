"""Receivables ageing: bucket edges, the report, and totals that always reconcile."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.core.money import Money, MoneyError
from app.domain.dashboard.aging import CURRENT, LABELS, age_receivables, bucket_for, days_past_due

AS_OF = date(2025, 6, 30)


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


@pytest.mark.parametrize(("days", "label"), [
    (-10, CURRENT), (-1, CURRENT), (0, "0-30"), (30, "0-30"), (31, "31-60"),
    (60, "31-60"), (61, "61-90"), (90, "61-90"), (91, ">90"), (4000, ">90"),
])
def test_bucket_edges(days, label):
    assert bucket_for(days) == label


def test_days_past_due():
    assert days_past_due(date(2025, 6, 30), AS_OF) == 0
    assert days_past_due(date(2025, 7, 5), AS_OF) == -5
    assert days_past_due(date(2025, 3, 31), AS_OF) == 91


def test_report_lists_every_bucket_in_order():
    report = age_receivables([
        (date(2025, 7, 15), usd("10.00")),   # not yet due
        (date(2025, 6, 30), usd("145.50")),  # due today
        (date(2025, 6, 1), usd("20.00")),
        (date(2025, 4, 15), usd("30.25")),   # 76 days
        (date(2024, 12, 31), usd("99.99")),
    ], AS_OF, "USD")
    assert tuple(b.label for b in report.buckets) == LABELS
    assert report.bucket("0-30").amount == usd("165.50")
    assert report.bucket("0-30").count == 2
    assert report.bucket("31-60").count == 0
    assert report.bucket("31-60").amount == usd("0")
    assert report.bucket("61-90").amount == usd("30.25")
    assert report.bucket(">90").amount == usd("99.99")
    assert report.total == usd("305.74")
    assert report.past_due == usd("295.74")


def test_empty_report():
    report = age_receivables([], AS_OF, "INR")
    assert report.total == Money.zero("INR")
    assert all(b.count == 0 for b in report.buckets)


def test_mixed_currencies_are_refused():
    with pytest.raises(MoneyError):
        age_receivables([(AS_OF, Money.of("1", "INR"))], AS_OF, "USD")


items = st.lists(st.tuples(
    st.integers(-60, 400).map(lambda days: AS_OF - timedelta(days=days)),
    st.integers(-10**7, 10**9).map(lambda cents: Money.from_minor(cents, "USD")),
), max_size=40)


@given(items)
def test_bucket_totals_sum_to_the_total(receivables):
    report = age_receivables(receivables, AS_OF, "USD")
    assert sum((b.amount for b in report.buckets), Money.zero("USD")) == report.total
    assert report.total == sum((amount for _, amount in receivables), Money.zero("USD"))
    assert sum(b.count for b in report.buckets) == len(receivables)
