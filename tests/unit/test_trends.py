"""Dashboard trends: the spec's sample tables, colours by good direction, periods."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.core.errors import ValidationError
from app.domain.core.money import MoneyError
from app.domain.dashboard.trends import (
    METRICS,
    ChangeKind,
    GoodDirection,
    Granularity,
    Period,
    compare,
    percent_change,
    period_containing,
    previous_period,
    rounded,
    same_period_last_year,
    success_rate,
    trend,
)

D = Decimal


# percent change -------------------------------------------------------------

# (metric, current, previous cycle, % change, same period last year, YoY % change)
SAMPLES = [
    ("bills_generated", 26410, 25892, "2.0", 24150, "9.4"),
    ("bills_not_generated", 68, 103, "-34.0", 125, "-45.6"),
    ("average_bill_amount", 1168, 1142, "2.3", 1050, "11.2"),
    ("total_consumption", 8765320, 8530420, "2.8", 8120500, "7.9"),
    ("high_consumption_accounts", 1187, 1120, "6.0", 980, "21.1"),
    ("low_consumption_accounts", 711, 665, "6.9", 820, "-13.3"),
    ("zero_consumption_accounts", 150, 178, "-15.7", 142, "5.6"),
    ("total_billed", 12650000, 12250000, "3.3", 11450000, "10.5"),
    ("service_charges", 1897500, 1837500, "3.3", 1717500, "10.5"),
    ("late_payment_revenue", 285600, 265300, "7.7", 245000, "16.6"),
]


@pytest.mark.parametrize(("metric", "current", "previous", "change", "last_year", "yoy"), SAMPLES)
def test_spec_sample_tables(metric, current, previous, change, last_year, yoy):
    pair = compare(metric, D(current), D(previous), D(last_year))
    assert rounded(pair.vs_previous_cycle.percent) == D(change)
    assert rounded(pair.vs_last_year.percent) == D(yoy)


def test_percent_is_exact_inside_and_rounded_half_up_at_the_edge():
    change = percent_change(D("102.05"), D(100))
    assert change == D("2.05")
    assert rounded(change) == D("2.1")
    assert rounded(percent_change(D("97.95"), D(100))) == D("-2.1")
    assert rounded(None) is None


def test_no_percent_without_a_previous_value():
    assert percent_change(D(5), D(0)) is None
    assert percent_change(D(5), None) is None


def test_sign_follows_the_number_when_previous_is_negative():
    assert percent_change(D(-50), D(-100)) == D(50)


def test_floats_are_refused():
    with pytest.raises(MoneyError):
        percent_change(1.5, D(1))


# success rate -----------------------------------------------------------------

def test_success_rate_north_zone_sample():
    assert rounded(success_rate(12497, 3), 2) == D("99.98")
    assert rounded(success_rate(12251, 52), 2) == D("99.58")


def test_success_rate_change_is_in_points_as_the_sample_shows():
    pair = compare("success_rate", D("98.2"), D("96.4"), D("95.8"))
    assert pair.vs_previous_cycle.percent == D("1.8")
    assert pair.vs_last_year.percent == D("2.4")
    assert pair.vs_previous_cycle.change is ChangeKind.POINTS


def test_success_rate_edges():
    assert success_rate(0, 0) is None
    assert success_rate(0, 5) == 0
    assert success_rate(7, 0) == 100
    with pytest.raises(ValidationError):
        success_rate(-1, 3)


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_success_rate_is_between_0_and_100(generated, failed):
    rate = success_rate(generated, failed)
    assert rate is None or D(0) <= rate <= D(100)


# verdicts and colours --------------------------------------------------------

def test_bills_not_generated_falling_34_percent_is_green():
    t = trend("bills_not_generated", 68, 103)
    assert (t.arrow, t.verdict, t.highlight) == ("down", "good", "green")


def test_outstanding_rising_is_red():
    t = trend("outstanding_amount", D(4328000), D(3892000))
    assert (t.arrow, t.verdict, t.highlight) == ("up", "bad", "red")


def test_within_threshold_has_no_colour():
    t = trend("outstanding_amount", D(4328000), D(4532000))
    assert (t.arrow, t.verdict, t.highlight) == ("down", "good", None)


def test_threshold_must_be_strictly_exceeded():
    assert trend("total_billed", 105, 100).highlight is None
    assert trend("total_billed", D("105.01"), 100).highlight == "green"
    assert trend("total_billed", 94, 100).highlight == "red"
    assert trend("total_billed", 102, 100, threshold=D(1)).highlight == "green"


def test_neutral_metrics_are_never_coloured():
    t = trend("late_payment_revenue", 285600, 265300)
    assert (t.arrow, t.verdict, t.highlight) == ("up", "neutral", None)


def test_flat_is_neutral():
    t = trend("bills_generated", 10, 10)
    assert (t.arrow, t.verdict, t.highlight, t.percent) == ("flat", "neutral", None, 0)


def test_growth_from_zero_has_no_percent_but_is_coloured():
    t = trend("bills_not_generated", 4, 0)
    assert (t.percent, t.arrow, t.verdict, t.highlight) == (None, "up", "bad", "red")


def test_missing_comparison_gives_no_trend():
    pair = compare("bills_generated", 10, None, 8)
    assert pair.vs_previous_cycle is None
    assert pair.vs_last_year.arrow == "up"


def test_unknown_metric_is_refused():
    with pytest.raises(ValidationError) as error:
        trend("happiness", 1, 2)
    assert error.value.field == "Metric"


def test_every_catalogued_metric_declares_a_direction():
    assert len(METRICS) == 19  # the dashboard's 15, the tariff overview's 3 totals, Received Today
    assert METRICS["received_today"].good is GoodDirection.UP_IS_GOOD
    assert METRICS["active_subscribers"].good is GoodDirection.UP_IS_GOOD
    assert METRICS["avg_collection_time"].good is GoodDirection.DOWN_IS_GOOD
    assert METRICS["collection_rate"].change is ChangeKind.POINTS


@given(st.sampled_from(sorted(METRICS)), st.integers(-10**9, 10**9), st.integers(-10**9, 10**9))
def test_colour_agrees_with_verdict(metric, current, previous):
    t = trend(metric, current, previous)
    assert (t.highlight == "green") <= (t.verdict == "good")
    assert (t.highlight == "red") <= (t.verdict == "bad")
    assert (t.arrow == "flat") == (current == previous)


# periods ---------------------------------------------------------------------

def p(start: str, end: str) -> Period:
    return Period(date.fromisoformat(start), date.fromisoformat(end))


@pytest.mark.parametrize(("period", "granularity", "expected"), [
    (p("2025-03-12", "2025-03-12"), Granularity.DAILY, p("2025-03-11", "2025-03-11")),
    (p("2025-03-10", "2025-03-16"), Granularity.WEEKLY, p("2025-03-03", "2025-03-09")),
    (p("2025-03-01", "2025-03-31"), Granularity.MONTHLY, p("2025-02-01", "2025-02-28")),
    (p("2024-03-01", "2024-03-31"), Granularity.MONTHLY, p("2024-02-01", "2024-02-29")),
    (p("2025-04-01", "2025-04-30"), Granularity.MONTHLY, p("2025-03-01", "2025-03-31")),
    (p("2025-03-31", "2025-03-31"), Granularity.MONTHLY, p("2025-02-28", "2025-02-28")),
    (p("2025-03-01", "2025-03-15"), Granularity.MONTHLY, p("2025-02-01", "2025-02-15")),
    (p("2025-01-01", "2025-01-31"), Granularity.MONTHLY, p("2024-12-01", "2024-12-31")),
    (p("2025-04-01", "2025-06-30"), Granularity.QUARTERLY, p("2025-01-01", "2025-03-31")),
    (p("2025-01-01", "2025-12-31"), Granularity.YEARLY, p("2024-01-01", "2024-12-31")),
])
def test_previous_period(period, granularity, expected):
    assert previous_period(period, granularity) == expected


@pytest.mark.parametrize(("period", "expected"), [
    (p("2025-02-01", "2025-02-28"), p("2024-02-01", "2024-02-29")),
    (p("2024-02-01", "2024-02-29"), p("2023-02-01", "2023-02-28")),
    (p("2024-02-29", "2024-02-29"), p("2023-02-28", "2023-02-28")),
    (p("2025-02-28", "2025-02-28"), p("2024-02-28", "2024-02-28")),
    (p("2025-05-01", "2025-05-31"), p("2024-05-01", "2024-05-31")),
])
def test_same_period_last_year(period, expected):
    assert same_period_last_year(period) == expected


def test_a_period_longer_than_its_step_is_refused():
    with pytest.raises(ValidationError):
        previous_period(p("2025-03-01", "2025-03-10"), Granularity.WEEKLY)
    with pytest.raises(ValidationError):
        Period(date(2025, 3, 2), date(2025, 3, 1))


def test_period_containing():
    day = date(2025, 5, 14)  # a Wednesday
    assert period_containing(day, Granularity.DAILY) == p("2025-05-14", "2025-05-14")
    assert period_containing(day, Granularity.WEEKLY) == p("2025-05-12", "2025-05-18")
    assert period_containing(day, Granularity.MONTHLY) == p("2025-05-01", "2025-05-31")
    assert period_containing(day, Granularity.QUARTERLY) == p("2025-04-01", "2025-06-30")
    assert period_containing(day, Granularity.YEARLY) == p("2025-01-01", "2025-12-31")


@given(st.dates(date(1990, 1, 1), date(2090, 12, 31)), st.sampled_from(list(Granularity)))
def test_previous_of_a_calendar_period_is_the_calendar_period_before(day, granularity):
    period = period_containing(day, granularity)
    before = period_containing(period.start - timedelta(days=1), granularity)
    assert previous_period(period, granularity) == before
