"""The rules behind payment alerts and inquiries: thresholds in range per metric, breaches in the
metric's direction, resolution time in whole minutes and never negative."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.core.errors import ValidationError
from app.domain.payments.alerts import BY_KEY, breached, parse_threshold
from app.domain.payments.inquiries import resolution_minutes
from app.services.payments.drilldown import _ranges

RATE, MONEY, COUNT = BY_KEY["collection_rate"], BY_KEY["received_today"], BY_KEY["payments_today"]
CENTS = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@given(CENTS)
def test_money_with_two_places_or_fewer_reads_back_as_typed(value):
    assert parse_threshold(MONEY, f"{value:,}") == value


@given(st.decimals(min_value=Decimal("100.01"), max_value=10**6, places=2))
def test_no_percentage_above_100(value):
    with pytest.raises(ValidationError, match="between 0 and 100"):
        parse_threshold(RATE, str(value))


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=99))
def test_a_count_is_whole(whole, fraction):
    assert parse_threshold(COUNT, str(whole)) == whole
    with pytest.raises(ValidationError, match="whole number"):
        parse_threshold(COUNT, f"{whole}.{fraction}")


@given(CENTS, CENTS)
def test_below_alerts_fire_exactly_under_the_threshold(threshold, figure):
    assert breached(MONEY, threshold, figure) is (figure < threshold)
    assert breached(MONEY, threshold, None) is False


@given(st.integers(min_value=-10**7, max_value=10**7))
def test_resolution_time_is_whole_minutes_and_never_negative(seconds):
    opened = datetime(2025, 4, 20, 10, 0, tzinfo=UTC)
    minutes = resolution_minutes(opened, opened + timedelta(seconds=seconds))
    assert minutes == max(0, seconds // 60)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 40),
       st.sampled_from(["Day", "Week"]))
def test_drilldown_periods_cover_the_span_without_gaps_or_overlaps(first, days, period):
    last = first + timedelta(days=days)
    ranges = _ranges(first, last, period)
    assert ranges[0][0] == first and ranges[-1][1] == last
    for (_s1, e1), (s2, _e2) in zip(ranges, ranges[1:], strict=False):
        assert s2 == e1 + timedelta(days=1) and s2.weekday() == (0 if period == "Week" else s2.weekday())
    assert all(0 <= (end - start).days <= (0 if period == "Day" else 6) for start, end in ranges)
