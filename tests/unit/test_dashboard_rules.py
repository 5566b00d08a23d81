"""The dashboard's rules on constructed figures: the spec's formula, consumption classes,
GL codes, reconciliation, staleness and cycle progress."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from app.domain.core.errors import ValidationError
from app.domain.dashboard.consumption import ConsumptionClass, classify
from app.domain.dashboard.freshness import (
    CycleProgress,
    data_age,
    deadline_near,
    in_business_hours,
    is_stale,
)
from app.domain.dashboard.ledger_codes import UNMAPPED, is_late_payment, line_gl_code
from app.domain.dashboard.metrics import PeriodFigures, build_metrics, success_rate_text
from app.domain.dashboard.reconcile import reconcile

D = Decimal
C = ConsumptionClass
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def test_success_rate_follows_the_formula_not_the_sample_table():
    sample = PeriodFigures(bills_generated=26410, bills_not_generated=68)
    assert success_rate_text(sample.success_rate) == "99.74%"  # the table says 98.2%
    assert success_rate_text(PeriodFigures(bills_generated=12497, bills_not_generated=3).success_rate) \
        == "99.98%"  # the cycle sample's figure, which does follow the formula
    assert success_rate_text(PeriodFigures().success_rate) == "—"


def test_average_bill_is_billed_over_bills_to_the_cent():
    assert PeriodFigures(bills_generated=3, total_billed=D("100.00")).average_bill_amount == D("33.33")
    assert PeriodFigures().average_bill_amount is None


def test_metrics_compare_with_previous_cycle_and_last_year_and_colour_by_good_direction():
    now = PeriodFigures(bills_generated=26410, bills_not_generated=68, total_billed=D("12650000"),
                        outstanding_amount=D("4328000"))
    before = PeriodFigures(bills_generated=25892, bills_not_generated=103, total_billed=D("12250000"),
                           outstanding_amount=D("4532000"))
    year_ago = PeriodFigures(bills_generated=24150, bills_not_generated=125, total_billed=D("11450000"),
                             outstanding_amount=D("3892000"))
    metrics = build_metrics(now, before, year_ago)
    not_generated = metrics["bills_not_generated"].trends
    assert not_generated.vs_previous_cycle.highlight == "green"  # -34% is good news
    assert metrics["outstanding_amount"].trends.vs_last_year.highlight == "red"  # +11.2%
    assert metrics["outstanding_amount"].trends.vs_previous_cycle.highlight is None  # -4.5%: under 5
    assert metrics["bills_generated"].trends.vs_previous_cycle.highlight is None  # +2%
    assert metrics["bills_generated"].trends.vs_last_year.highlight == "green"  # +9.4%
    assert metrics["success_rate"].current == D(26410) * 100 / D(26478)
    assert metrics["total_billed"].is_money and metrics["total_billed"].section == "Financial Summary"


def test_no_comparison_without_an_earlier_period():
    metric = build_metrics(PeriodFigures(bills_generated=5), None, None)["bills_generated"]
    assert metric.trends.vs_previous_cycle is None and metric.trends.vs_last_year is None


@pytest.mark.parametrize(("current", "history", "previous", "expected"), [
    (160, [100], [90, 95], C.HIGH),
    (150, [100], [90, 95], C.NORMAL),  # exactly 150%: not exceeding
    (49, [100], [90, 95], C.LOW),
    (50, [100], [90, 95], C.NORMAL),
    (160, [], [90, 95], C.INSUFFICIENT_HISTORY),  # no same period in an earlier year
    (100, [80, 120], [90, 95], C.NORMAL),  # the average of earlier years
    (0, [100], [90, 95], C.ZERO),
    (0, [], [90, 95], C.ZERO),  # zero needs the previous two cycles, not last year
    (0, [100], [0, 95], C.LOW),  # not flagged as zero: it was zero before too
    (0, [], [95], C.INSUFFICIENT_HISTORY),
])
def test_consumption_classes(current, history, previous, expected):
    assert classify(current, [D(v) for v in history], [D(v) for v in previous]) is expected


def test_gl_codes_of_lines_and_what_counts_as_late_payment():
    assert line_gl_code("energy", "Electricity") == "4000"
    assert line_gl_code("adder", "water") == "4010"
    assert line_gl_code("fixed", "gas") == "4100"
    assert line_gl_code("percentage", "gas") == "2200"
    assert line_gl_code("mystery", "gas") == UNMAPPED
    assert is_late_payment("4200") and not is_late_payment("4300")


def test_reconciliation_reports_a_planted_mismatch_with_both_sides():
    fine = reconcile(D("300.00"), D("300.00"), {"4000": D("250.00"), "2200": D("50.00")},
                     D("120.00"), D("120.00"))
    assert fine.ok
    planted = reconcile(D("300.00"), D("300.00"), {"4000": D("250.00"), "2200": D("49.99")},
                        D("120.00"), D("125.00"))
    assert [check.name for check in planted.mismatches] == ["Bill lines", "Outstanding"]
    assert planted.mismatches[0].difference == D("-0.01")
    assert "ledger balance 120.00 but bills and charges less payments 125.00" \
        in planted.mismatches[1].describe()


def test_stale_after_thirty_minutes_and_data_age():
    assert not is_stale(NOW - timedelta(minutes=30), NOW)
    assert is_stale(NOW - timedelta(minutes=31), NOW)
    assert is_stale(None, NOW)
    assert data_age(NOW - timedelta(minutes=31), NOW) == "31 minutes ago"


def test_cycle_metrics_only_from_eighty_percent_and_deadline_alert():
    assert not CycleProgress(expected=100, billed=79).metrics_ready()
    assert CycleProgress(expected=100, billed=80).metrics_ready()
    assert not CycleProgress(expected=100, billed=80).metrics_ready(Decimal(90))
    assert CycleProgress(expected=0, billed=0).percent == 0
    assert deadline_near(NOW + timedelta(hours=47), "Running", NOW)
    assert not deadline_near(NOW + timedelta(hours=49), "Running", NOW)
    assert deadline_near(NOW - timedelta(hours=1), "Running", NOW)  # overdue
    assert not deadline_near(NOW + timedelta(hours=1), "Completed", NOW)


def test_business_hours():
    hours = (time(9), time(18))
    assert in_business_hours(datetime(2026, 5, 4, 9, 0), hours)
    assert not in_business_hours(datetime(2026, 5, 4, 18, 0), hours)
    with pytest.raises(ValidationError, match="Business hours"):
        in_business_hours(datetime(2026, 5, 4, 9, 0), (time(18), time(9)))


def test_season_adjusted_consumption_and_significance():
    from app.domain.dashboard.seasonality import METHOD, read, seasonal_indices

    # two years where July is always double January: adjusted, the months are level
    monthly = {f"{year}-{month:02d}": D(200 if month == 7 else 100) for year in (2024, 2025)
               for month in range(1, 13)}
    indices = seasonal_indices(monthly)
    assert indices[7] == 2 * indices[1]
    july = read(monthly, "2025-07")
    assert july.vs_previous_month == 0  # +100% plain, but that is the season
    assert july.vs_last_year == 0 and not july.significant  # level history: no z
    monthly["2025-12"] = D(400)
    spike = read(monthly, "2025-12")
    assert spike.significant and spike.z > 2 and "z-score" in METHOD
    assert read(monthly, "2023-01").z is None
