"""Bill composition: rated lines from the engine, plan charges, one tax, arrears, versions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.billing.compose import (
    LineGroup,
    PlanCharge,
    PlanTerms,
    ServiceUsage,
    compose_bill,
)
from app.domain.core.errors import ValidationError
from app.domain.tariffs.plans import ChargeType, TaxType
from app.domain.tariffs.rating import rate_period
from app.domain.tariffs.validation import (
    Charge,
    ChargeKind,
    RateType,
    Season,
    Slab,
    TariffVersion,
    Unit,
    Utility,
)

USD = "USD"


def flat(rate: str, start: date, end: date | None = None, version: int = 1) -> TariffVersion:
    return TariffVersion("Flat Electricity", Utility.ELECTRICITY, Unit.KWH, RateType.FLAT, USD,
                         start, end, unit_rate=D(rate), version=version)


def gas(rate: str = "0.4500") -> TariffVersion:
    return TariffVersion("Gas", Utility.GAS, Unit.M3, RateType.FLAT, USD, date(2024, 1, 1),
                         unit_rate=D(rate),
                         charges=(Charge(ChargeKind.FIXED_PER_PERIOD, "Supply", amount=D("12.00")),))


def seasonal() -> TariffVersion:
    return TariffVersion("Seasonal", Utility.ELECTRICITY, Unit.KWH, RateType.SEASONAL, USD,
                         date(2024, 1, 1),
                         seasons=(Season("Winter", (11, 1), (3, 31), rate=D("0.09")),
                                  Season("Regular", (4, 1), (10, 31), rate=D("0.12"))))


def test_the_spec_sample_100_units_flat_is_12_dollars():
    bill = compose_bill(USD, date(2025, 4, 1), date(2025, 4, 30),
                        [ServiceUsage("electricity", "Flat", (flat("0.1200", date(2025, 1, 1)),),
                                      units=D(100))])
    assert bill.total.amount == D("12.00")
    assert [line.tariff_version for line in bill.lines] == [1]
    assert bill.versions == (("Flat", 1),)


def test_a_version_boundary_prorates_by_days_and_records_each_lines_version():
    versions = (flat("0.1000", date(2025, 1, 1), date(2025, 4, 15), 1),
                flat("0.2000", date(2025, 4, 16), None, 2))
    bill = compose_bill(USD, date(2025, 4, 1), date(2025, 4, 30),
                        [ServiceUsage("electricity", "Flat", versions, units=D(300))])
    # 15 days at 0.10 and 15 days at 0.20: 150 units each
    assert [(line.quantity, line.tariff_version) for line in bill.lines] == [(D(150), 1), (D(150), 2)]
    assert bill.total.amount == D("45.00")
    assert bill.versions == (("Flat", 2),)


def test_a_season_boundary_prorates_by_days():
    bill = compose_bill(USD, date(2025, 3, 17), date(2025, 4, 15),
                        [ServiceUsage("electricity", "Seasonal", (seasonal(),), units=D(300))])
    # 15 winter days at 0.09, 15 regular days at 0.12
    assert [line.quantity for line in bill.lines] == [D(150), D(150)]
    assert bill.total.amount == D("13.50") + D("18.00")


def test_one_tax_over_every_service_rounded_once():
    plan = PlanTerms("Dual fuel", TaxType.PERCENTAGE, D(5), (
        PlanCharge("Administrative Fee", "Common", ChargeType.FIXED, D("5.99")),
        PlanCharge("Peak Usage Fee", "electricity", ChargeType.CONSUMPTION, D("0.0150")),
    ))
    services = [ServiceUsage("electricity", "Flat", (flat("0.1234", date(2024, 1, 1)),), units=D(101)),
                ServiceUsage("gas", "Gas", (gas(),), units=D(33))]
    bill = compose_bill(USD, date(2025, 4, 1), date(2025, 4, 30), services, plan, arrears=D("20.00"))
    groups = [line.group for line in bill.lines]
    assert groups.count(LineGroup.TAX) == 1
    tax = bill.lines[-1]
    base = sum(line.amount for line in bill.lines[:-1])
    # 12.46 + 14.85 + 12.00 + 5.99 + 1.52 = 46.82; 5% = 2.341 -> 2.34, rounded once
    assert base == D("46.82") and tax.amount == D("2.34")
    assert bill.total.amount == base + tax.amount
    assert bill.amount_due.amount == bill.total.amount + D("20.00")


def test_a_plan_charge_for_a_service_the_bill_lacks_is_not_charged():
    plan = PlanTerms("P", TaxType.EXEMPT, D(0),
                     (PlanCharge("Water meter rent", "water", ChargeType.FIXED, D("3.00")),))
    bill = compose_bill(USD, date(2025, 4, 1), date(2025, 4, 30),
                        [ServiceUsage("electricity", "Flat", (flat("0.12", date(2024, 1, 1)),),
                                      units=D(10))], plan)
    assert [line.group for line in bill.lines] == [LineGroup.CONSUMPTION]


def test_a_period_without_a_version_in_force_is_refused():
    with pytest.raises(ValidationError, match="No tariff version is in force"):
        compose_bill(USD, date(2024, 12, 1), date(2024, 12, 31),
                     [ServiceUsage("electricity", "Flat", (flat("0.12", date(2025, 1, 1)),),
                                   units=D(10))])


quantities = st.integers(0, 2_000_000).map(lambda milli: D(milli).scaleb(-3))
starts = st.dates(date(2024, 1, 1), date(2026, 6, 1))


@settings(max_examples=150, deadline=None)
@given(units=quantities, start=starts, days=st.integers(1, 62),
       rate1=st.integers(1, 5000), rate2=st.integers(1, 5000), upper=st.integers(1, 400),
       split=st.integers(0, 90))
def test_bill_total_is_the_sum_of_lines_and_the_tariff_quote(units, start, days, rate1, rate2,
                                                              upper, split):
    from datetime import timedelta
    boundary = start + timedelta(days=split)
    first = TariffVersion("Slab", Utility.ELECTRICITY, Unit.KWH, RateType.SLAB, USD,
                          date(2023, 1, 1), boundary - timedelta(days=1),
                          slabs=(Slab(D(upper), D(rate1).scaleb(-4)), Slab(None, D(rate2).scaleb(-4))),
                          charges=(Charge(ChargeKind.FIXED_PER_PERIOD, "Meter", amount=D("2.50")),))
    second = TariffVersion("Slab", Utility.ELECTRICITY, Unit.KWH, RateType.SLAB, USD, boundary, None,
                           slabs=(Slab(D(upper), D(rate2).scaleb(-4)), Slab(None, D(rate1).scaleb(-4))),
                           version=2)
    end = start + timedelta(days=days - 1)
    versions = (first, second)
    bill = compose_bill(USD, start, end, [ServiceUsage("electricity", "Slab", versions, units=units)])
    quote = rate_period(versions, start, end, units)
    assert bill.total == quote.total
    assert bill.total.amount == sum(line.amount for line in bill.lines)
    assert [line.amount for line in bill.lines] == [line.amount.amount for line in quote.lines]
    assert all(line.tariff_version in (1, 2) for line in bill.lines)
