"""Meter read rules, consumption between reads, high/low classes and estimates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.billing.consumption import (
    ConsumptionClass,
    EstimateBasis,
    PastPeriod,
    classify,
    estimate_units,
)
from app.domain.billing.reads import (
    MeterFacts,
    Reading,
    ReadReason,
    check_read,
    interval_units,
    units_between,
)
from app.domain.core.errors import ValidationError

METER = MeterFacts("M-1", "ACC-1-E", dial_digits=5)
TODAY = date(2025, 4, 20)
PREVIOUS = Reading(date(2025, 3, 20), D(99_500))


def test_a_read_above_the_previous_is_accepted():
    check_read(Reading(date(2025, 4, 20), D("99600.5")), METER, "ACC-1-E", PREVIOUS, TODAY)


@pytest.mark.parametrize(("read", "account", "field", "words"), [
    (Reading(date(2025, 4, 20), D(100)), "ACC-2-E", "meter_no", "Meter not linked to this account"),
    (Reading(date(2025, 4, 21), D(99_600)), "ACC-1-E", "read_on", "Cannot select future date"),
    (Reading(date(2025, 3, 19), D(99_600)), "ACC-1-E", "read_on", "before the previous read"),
    (Reading(date(2025, 4, 20), D(99_000)), "ACC-1-E", "reading", "record a meter change or a rollover"),
    (Reading(date(2025, 4, 20), D(-1)), "ACC-1-E", "reading", "negative"),
    (Reading(date(2025, 4, 20), D(100_000)), "ACC-1-E", "reading", "at most 5 digits"),
    (Reading(date(2025, 4, 20), D("99600.0001")), "ACC-1-E", "reading", "3 decimal places"),
    (Reading(date(2025, 4, 20), D(1), register="peak"), "ACC-1-E", "register", "no register"),
    (Reading(date(2025, 4, 20), D(99_600), reason=ReadReason.ROLLOVER), "ACC-1-E", "reason",
     "below the previous"),
])
def test_bad_reads_name_the_field_and_the_rule(read, account, field, words):
    with pytest.raises(ValidationError) as raised:
        check_read(read, METER, account, PREVIOUS, TODAY)
    assert raised.value.field == field and words in raised.value.rule


def test_rollover_and_meter_change_allow_a_lower_read_and_count_correctly():
    rolled = Reading(date(2025, 4, 20), D(120), reason=ReadReason.ROLLOVER)
    check_read(rolled, METER, "ACC-1-E", PREVIOUS, TODAY)
    assert interval_units(PREVIOUS, rolled, 5) == D(620)  # 99,500 -> 99,999 -> 0 -> 120
    changed = Reading(date(2025, 4, 20), D(3), reason=ReadReason.METER_CHANGE)
    check_read(changed, METER, "ACC-1-E", PREVIOUS, TODAY)
    assert interval_units(PREVIOUS, changed, 5) == 0
    final_then_change = [PREVIOUS, Reading(date(2025, 4, 10), D(99_700)), changed,
                         Reading(date(2025, 4, 20), D(53))]
    assert units_between(final_then_change, 5) == D(250)


@given(st.lists(st.integers(0, 5_000), min_size=1, max_size=12))
def test_units_between_plain_reads_is_last_minus_first(steps):
    reads, value = [Reading(date(2025, 1, 1), D(0))], D(0)
    for step in steps:
        value += step
        reads.append(Reading(date(2025, 1, 1), value))
    assert units_between(reads) == value


def test_high_low_zero_and_insufficient_history():
    history = [PastPeriod(D(300), 30), PastPeriod(D(330), 33)]  # 10 a day
    assert classify(D(451), 30, history, D(150), D(50)) is ConsumptionClass.HIGH
    assert classify(D(450), 30, history, D(150), D(50)) is ConsumptionClass.NORMAL
    assert classify(D(149), 30, history, D(150), D(50)) is ConsumptionClass.LOW
    assert classify(D(0), 30, history, D(150), D(50)) is ConsumptionClass.ZERO
    assert classify(D(300), 30, [], D(150), D(50)) is ConsumptionClass.INSUFFICIENT_HISTORY


def test_estimates_prefer_last_year_then_the_recent_average():
    last_year = PastPeriod(D(310), 31)
    recent = [PastPeriod(D(200), 30), PastPeriod(D(220), 31)]
    assert estimate_units(30, last_year, recent).units == D(300)
    assert estimate_units(30, last_year, recent).basis is EstimateBasis.LAST_YEAR
    by_average = estimate_units(30, None, recent)
    assert by_average.basis is EstimateBasis.RECENT_AVERAGE
    assert by_average.units == D("206.557")  # 420 / 61 * 30
    assert estimate_units(30, None, []) is None
