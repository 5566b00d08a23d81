"""Batch rate changes: a percentage on every energy rate, rounded half up to 6 decimals; fixed
amounts and percentages untouched; an extension only moves an end date later."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.core.errors import ValidationError
from app.domain.tariffs.batch import check_percent, extension_problem, scale_rates, scaled_rate
from app.domain.tariffs.model import (
    Charge,
    ChargeKind,
    RateType,
    Season,
    Slab,
    TariffVersion,
    TouPeriod,
    Unit,
    Utility,
)


def version(**fields) -> TariffVersion:
    return TariffVersion("T", Utility.ELECTRICITY, Unit.KWH, RateType.SLAB, "USD", date(2025, 1, 1),
                         **fields)


def test_rates_round_half_up_to_six_decimals():
    assert scaled_rate(D("0.123456"), D(5)) == D("0.129629")  # 0.1296288 -> up
    assert scaled_rate(D("0.1"), D("2.5")) == D("0.102500")
    assert scaled_rate(D("0.000013"), D(50)) == D("0.000020")  # 0.0000195: the half goes up
    assert scaled_rate(D("0.120000"), D(-10)) == D("0.108000")


def test_every_energy_rate_changes_and_nothing_else():
    before = version(
        slabs=(Slab(D(100), D("0.08")), Slab(None, D("0.12"))),
        seasons=(Season("Winter", (11, 1), (3, 31), rate=D("0.09")),),
        tou_periods=(TouPeriod("Peak", ((16, 20),), D("0.18")),),
        charges=(Charge(ChargeKind.FIXED_PER_PERIOD, "Service", amount=D("5.00")),
                 Charge(ChargeKind.PER_KW, "Demand", rate=D("2.50")),
                 Charge(ChargeKind.PERCENTAGE, "Tax", percent=D("6.25"))))
    after = scale_rates(before, D(10))
    assert [s.rate for s in after.slabs] == [D("0.088000"), D("0.132000")]
    assert [s.upper for s in after.slabs] == [D(100), None]
    assert after.seasons[0].rate == D("0.099000") and after.tou_periods[0].rate == D("0.198000")
    assert [(c.amount, c.rate, c.percent) for c in after.charges] == [
        (D("5.00"), None, None), (None, D("2.750000"), None), (None, None, D("6.25"))]
    assert scale_rates(version(unit_rate=D("0.1200")), D(-50)).unit_rate == D("0.060000")


@settings(deadline=None)
@given(st.decimals(min_value=D("0.000001"), max_value=D(100), places=6),
       st.decimals(min_value=D(-99), max_value=D(1000), places=2))
def test_a_scaled_rate_is_within_half_a_millionth_of_the_exact_one(rate, percent):
    exact = rate * (100 + percent) / 100
    assert abs(scaled_rate(rate, percent) - exact) <= D("0.0000005")
    assert scaled_rate(rate, percent).as_tuple().exponent == -6


def test_the_percent_and_extension_rules():
    for bad in (D(0), D(-100), D("1000.01"), D("NaN")):
        with pytest.raises(ValidationError):
            check_percent(bad)
    ends = version(valid_to=date(2025, 12, 31))
    assert extension_problem(ends, date(2026, 6, 30)) is None
    assert extension_problem(ends, date(2025, 12, 31)) == "Already valid to 2025-12-31"
    assert extension_problem(version(), date(2026, 1, 1)) == "Already valid with no end date"
