"""Tariffs shaped like the ones utilities publish, with their bill totals worked out by hand.

Each expected total below is computed line by line in the comments (each line rounded
half-up to the cent, the total the sum of the lines), not by the engine.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.core.errors import ValidationError
from app.domain.tariffs.periods import calendar_months, period_factor
from app.domain.tariffs.rating import rate_period, rate_units
from app.domain.tariffs.validation import (
    Charge,
    ChargeKind,
    LimitRounding,
    PeriodFactor,
    RateType,
    Season,
    Slab,
    TariffVersion,
    Unit,
    Utility,
    validate_tariff,
)


def slabs(*pairs) -> tuple[Slab, ...]:
    return tuple(Slab(None if upper is None else D(upper), D(rate)) for upper, rate in pairs)


def city_water(**changes) -> TariffVersion:
    """A US city's water: read in gallons, priced per 1,000 gallons, a monthly base charge."""
    return replace(TariffVersion(
        "City Water", Utility.WATER, Unit.GALLON, RateType.SLAB, "USD", date(2025, 1, 1),
        slabs=slabs(("6000", "4.18"), ("20000", "5.27"), (None, "6.95")),
        price_per=D(1000), period_factor=PeriodFactor.CALENDAR_MONTHS,
        charges=(Charge(ChargeKind.FIXED_PER_PERIOD, "Base charge", amount=D("12.50")),)), **changes)


def uk_gas(**changes) -> TariffVersion:
    """British gas: metered in m3, sold per kWh at a 6-decimal rate, a 5-decimal daily charge."""
    return replace(TariffVersion(
        "Gas Standard Variable", Utility.GAS, Unit.M3, RateType.FLAT, "GBP", date(2025, 1, 1),
        unit_rate=D("0.061234"), price_unit=Unit.KWH, conversion=D("11.2"),
        charges=(Charge(ChargeKind.FIXED_PER_DAY, "Standing charge", rate=D("0.31432"), order=1),
                 Charge(ChargeKind.PERCENTAGE, "VAT", percent=D(5), order=2))), **changes)


def residential(**changes) -> TariffVersion:
    """An Indian state's residential tariff: 5 telescopic blocks, a fixed charge per kW of
    sanctioned load, and six percentage charges on different bases."""
    return replace(TariffVersion(
        "LT-1 Residential", Utility.ELECTRICITY, Unit.KWH, RateType.SLAB, "INR", date(2025, 4, 1),
        slabs=slabs(("100", "3.46"), ("300", "7.43"), ("500", "10.32"), ("1000", "11.71"),
                    (None, "13.20")),
        period_factor=PeriodFactor.START_MONTH,
        charges=(
            Charge(ChargeKind.PER_KW, "Fixed charge", rate=D(130), order=1),
            Charge(ChargeKind.PERCENTAGE, "Fuel adjustment", percent=D("3.2"), base=("energy",), order=2),
            Charge(ChargeKind.PERCENTAGE, "Electricity duty", percent=D(16),
                   base=("energy", "Fixed charge"), order=3),
            Charge(ChargeKind.PERCENTAGE, "Tax on sale", percent=D("0.5"), base=("energy",), order=4),
            Charge(ChargeKind.PERCENTAGE, "Green cess", percent=D(1), base=("energy",), order=5),
            Charge(ChargeKind.PERCENTAGE, "Municipal tax", percent=D(2), base=("Fixed charge",), order=6),
            Charge(ChargeKind.PERCENTAGE, "Surcharge", percent=D("1.5"),
                   base=("Electricity duty", "Fuel adjustment"), order=7),
        )), **changes)


def amounts(bill) -> list[D]:
    return [line.amount.amount for line in bill.lines]


# 1. rates with 6 decimals, 2. the price basis ---------------------------------------------------


def test_gas_metered_in_m3_is_priced_per_kwh_at_six_decimals() -> None:
    bill = rate_period([uk_gas()], date(2025, 1, 1), date(2025, 1, 31), units=D(100))
    # 100 m3 x 11.2 = 1,120 kWh x 0.061234 = 68.58208 -> 68.58; 31 days x 0.31432 = 9.74392
    # -> 9.74; VAT 5% of 78.32 = 3.916 -> 3.92; total 82.24
    assert amounts(bill) == [D("68.58"), D("9.74"), D("3.92")]
    assert bill.total.amount == D("82.24")
    assert (bill.metered, bill.meter_unit, bill.billed, bill.billed_unit) == (D(100), "m3", D("1120.0"), "kWh")
    assert bill.lines[0].rate == D("0.061234") and bill.basis == "per kWh"


def test_water_priced_per_thousand_gallons() -> None:
    bill = rate_period([city_water()], date(2025, 6, 1), date(2025, 6, 30), units=D(14300))
    # 6,000 x 4.18 / 1,000 = 25.08; 8,300 x 5.27 / 1,000 = 43.741 -> 43.74; base 12.50
    assert amounts(bill) == [D("25.08"), D("43.74"), D("12.50")]
    assert bill.total.amount == D("81.32")
    assert bill.basis == "per 1,000 gal"
    assert bill.lines[0].description == "Water 0-6000 gal"


def test_a_meter_in_ccf_converts_exactly_to_gallons_shown_on_the_bill() -> None:
    tariff = city_water(unit=Unit.CCF, price_unit=Unit.GALLON)
    bill = rate_period([tariff], date(2025, 6, 1), date(2025, 6, 30), units=D(10))
    # 10 ccf = 10 x 2,831.6846592 L / 3.785411784 L = 7,480.519480... gal -> 7,480.519
    # 6,000 x 4.18 / 1,000 = 25.08; 1,480.519 x 5.27 / 1,000 = 7.80233... -> 7.80; base 12.50
    assert bill.billed == D("7480.519") and bill.billed_unit == "gal" and bill.meter_unit == "ccf"
    assert bill.total.amount == D("45.38")


def test_units_of_the_same_kind_convert_without_a_factor_and_others_need_one() -> None:
    assert validate_tariff(city_water(unit=Unit.KL, price_unit=Unit.GALLON)) == []
    problems = {(e.field, e.rule) for e in validate_tariff(uk_gas(conversion=None))}
    assert ("conversion", "Give how many kWh one m3 makes: volume and energy have no fixed "
                          "conversion") in problems
    problems = {(e.field, e.rule) for e in validate_tariff(city_water(conversion=D(2)))}
    assert ("conversion", "A conversion factor is only used between a volume and an energy unit") in problems
    problems = {(e.field, e.rule) for e in validate_tariff(city_water(price_per=D(0)))}
    assert ("price_per", "The price basis quantity must be more than 0") in problems
    problems = {(e.field, e.rule) for e in validate_tariff(city_water(price_unit=Unit.KWH))}
    assert ("price_unit", "Unit 'kWh' is not used for Water") in problems


# 3. fixed and per-kW charges over a part of a month, 4. the tariff's own factor ---------------


def test_a_residential_bill_for_a_whole_month() -> None:
    bill = rate_period([residential()], date(2025, 6, 1), date(2025, 6, 30), units=D(420), load_kw=D(5))
    # 346.00 + 1,486.00 + 1,238.40 (120 x 10.32) = 3,070.40 energy; 5 kW x 130 = 650.00;
    # fuel 3.2% of 3,070.40 = 98.25; duty 16% of 3,720.40 = 595.26; tax 0.5% = 15.35;
    # cess 1% = 30.70; municipal 2% of 650 = 13.00; surcharge 1.5% of 693.51 = 10.40
    assert amounts(bill) == [D("346.00"), D("1486.00"), D("1238.40"), D("650.00"), D("98.25"),
                             D("595.26"), D("15.35"), D("30.70"), D("13.00"), D("10.40")]
    assert bill.total.amount == D("4483.36") and bill.factor == 1


def test_half_a_month_halves_the_blocks_and_the_per_kw_charge() -> None:
    bill = rate_period([residential()], date(2025, 6, 1), date(2025, 6, 15), units=D(420), load_kw=D(5))
    # factor 15 / 30 = 0.5: blocks 50, 150, 250, 500 kWh
    # 173.00 + 743.00 + 1,032.00 + 1,990.70 (170 x 11.71) = 3,938.70; fixed 650 x 0.5 = 325.00
    # fuel 126.04; duty 16% of 4,263.70 = 682.19; tax 19.69; cess 39.39; municipal 6.50;
    # surcharge 1.5% of 808.23 = 12.12
    assert bill.factor == D("0.5")
    assert amounts(bill) == [D("173.00"), D("743.00"), D("1032.00"), D("1990.70"), D("325.00"),
                             D("126.04"), D("682.19"), D("19.69"), D("39.39"), D("6.50"), D("12.12")]
    assert bill.total.amount == D("5149.63")


def test_two_weeks_of_a_31_day_month_pay_14_31_of_the_monthly_charges() -> None:
    tariff = TariffVersion(
        "Small Commercial", Utility.ELECTRICITY, Unit.KWH, RateType.FLAT, "USD", date(2025, 1, 1),
        unit_rate=D("0.10"), period_factor=PeriodFactor.START_MONTH,
        charges=(Charge(ChargeKind.FIXED_PER_PERIOD, "Customer charge", amount=D(20), order=1),
                 Charge(ChargeKind.PER_KW, "Demand charge", rate=D("8.50"), order=2)))
    bill = rate_period([tariff], date(2025, 1, 1), date(2025, 1, 14), units=D(200), load_kw=D(10))
    # energy 20.00; 20 x 14/31 = 9.032 -> 9.03; 8.50 x 10 x 14/31 = 38.387 -> 38.39
    assert amounts(bill) == [D("20.00"), D("9.03"), D("38.39")]
    assert bill.total.amount == D("67.42")
    assert bill.lines[1].quantity == D("0.4516")  # the factor, as the line shows it
    unscaled = rate_period([replace(tariff, period_factor=PeriodFactor.NONE)],
                           date(2025, 1, 1), date(2025, 1, 14), units=D(200), load_kw=D(10))
    assert unscaled.total.amount == D("125.00")  # "none": each period is a whole month


@pytest.mark.parametrize(("rounding", "lines", "total"), [
    # June 20 - July 19: 11/30 + 19/31 = 0.979570 months; the 500 kWh block is 489.785 kWh
    (LimitRounding.NEAREST_UNIT, [D("49.00"), D("16.50")], D("75.30")),  # 490 / 110 kWh
    (LimitRounding.DOWN, [D("48.90"), D("16.65")], D("75.35")),  # 489 / 111 kWh
    (LimitRounding.NONE, [D("48.98"), D("16.53")], D("75.31")),  # 489.785 / 110.215 kWh
])
def test_calendar_months_take_each_months_days_over_its_length(rounding, lines, total) -> None:
    tariff = TariffVersion(
        "Residential Tiered", Utility.ELECTRICITY, Unit.KWH, RateType.SLAB, "USD", date(2025, 1, 1),
        slabs=slabs(("500", "0.10"), (None, "0.15")), period_factor=PeriodFactor.CALENDAR_MONTHS,
        limit_rounding=rounding,
        charges=(Charge(ChargeKind.FIXED_PER_PERIOD, "Customer charge", amount=D(10)),))
    bill = rate_period([tariff], date(2025, 6, 20), date(2025, 7, 19), units=D(600))
    assert amounts(bill)[:2] == lines
    assert amounts(bill)[2] == D("9.80")  # 10 x 0.979570
    assert bill.total.amount == total
    assert bill.factor == D(11) / 30 + D(19) / 31


def test_days_over_30() -> None:
    tariff = city_water(period_factor=PeriodFactor.DAYS_30)
    bill = rate_period([tariff], date(2025, 1, 1), date(2025, 2, 14), units=D(0))  # 45 days
    assert bill.factor == D("1.5") and bill.total.amount == D("18.75")


# 5. periods longer than a month ----------------------------------------------------------


@pytest.mark.parametrize("method", [PeriodFactor.CALENDAR_MONTHS, PeriodFactor.START_MONTH])
def test_a_monthly_tier_over_a_quarter_and_a_year(method) -> None:
    tariff = TariffVersion(
        "Monthly Tier", Utility.ELECTRICITY, Unit.KWH, RateType.SLAB, "USD", date(2024, 1, 1),
        slabs=slabs(("1000", "0.10"), (None, "0.20")), period_factor=method,
        charges=(Charge(ChargeKind.FIXED_PER_PERIOD, "Customer charge", amount=D(10)),))
    quarter = rate_period([tariff], date(2025, 1, 1), date(2025, 3, 31), units=D(3500))
    # 3,000 x 0.10 + 500 x 0.20 + 3 x 10 = 430.00
    assert quarter.factor == 3 and quarter.total.amount == D("430.00")
    year = rate_period([tariff], date(2025, 1, 1), date(2025, 12, 31), units=D(15000))
    # 12,000 x 0.10 + 3,000 x 0.20 + 12 x 10 = 1,920.00
    assert year.factor == 12 and year.total.amount == D("1920.00")
    assert year.lines[0].description == "Energy 0-1000 kWh" and year.lines[0].quantity == D(12000)


def test_start_month_counts_whole_months_from_the_start_then_the_rest() -> None:
    assert period_factor(PeriodFactor.START_MONTH, date(2025, 1, 15), 31) == 1  # Jan 15 - Feb 14
    assert period_factor(PeriodFactor.START_MONTH, date(2025, 1, 10), 15) == D(15) / 31
    # Feb 1 - Mar 2: all of February, then 2 days of March's 31
    assert period_factor(PeriodFactor.START_MONTH, date(2025, 2, 1), 30) == 1 + D(2) / 31
    assert period_factor(PeriodFactor.NONE, date(2025, 2, 1), 90) == 1


@given(st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.integers(1, 400), st.integers(1, 399))
def test_calendar_months_of_two_parts_add_up_to_the_whole(start, days, cut) -> None:
    cut = min(cut, days - 1) if days > 1 else 0
    whole = calendar_months(start, days)
    if cut:
        parts = calendar_months(start, cut) + calendar_months(start + timedelta(days=cut), days - cut)
        assert abs(parts - whole) < D("1e-20")
    close = D("1e-20")  # divisions are to the context's precision
    assert D(days) / 31 - close <= whole <= D(days) / 28 + close


# 6. season labels ---------------------------------------------------------------------------


def test_a_single_season_quote_labels_every_block_with_its_season() -> None:
    tariff = TariffVersion(
        "Seasonal Blocks", Utility.ELECTRICITY, Unit.KWH, RateType.SEASONAL, "USD", date(2024, 1, 1),
        seasons=(Season("Winter", (11, 1), (3, 31), slabs=slabs(("250", "0.08"), ("700", "0.10"), (None, "0.12"))),
                 Season("Summer", (4, 1), (10, 31), rate=D("0.14"))))
    for bill in (rate_units(tariff, 800, season="Winter"),
                 rate_period([tariff], date(2025, 1, 1), date(2025, 1, 31), units=D(800))):
        assert [line.description for line in bill.lines] == [
            "Energy 0-250 kWh (Winter)", "Energy 251-700 kWh (Winter)", "Energy 701+ kWh (Winter)"]
        assert bill.total.amount == D("77.00")  # 20.00 + 45.00 + 12.00


def test_a_rate_with_seven_decimals_is_refused_not_cut() -> None:
    with pytest.raises(ValidationError) as caught:
        rate_units(uk_gas(unit_rate=D("0.0612345")), 100)
    assert caught.value.rule == "Unit rate supports up to 6 decimal places"
