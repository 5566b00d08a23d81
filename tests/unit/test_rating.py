"""The rating engine against the tariff spec's sample tables and the issue's charge rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money, line_amount
from app.domain.tariffs.rating import (
    LineKind,
    RatedBill,
    rate_period,
    rate_units,
    sample_calculations,
    split_in_proportion,
)
from app.domain.tariffs.validation import (
    Charge,
    ChargeKind,
    DayType,
    LimitRounding,
    PeriodFactor,
    RateType,
    Season,
    SlabMode,
    SlabRow,
    TariffVersion,
    TouPeriod,
    Unit,
    Utility,
    season_discount,
    season_discounts,
    slabs_from_rows,
)

USD = "USD"


def standard_residential(**changes: object) -> TariffVersion:
    version = TariffVersion(
        "Standard Residential Electricity", Utility.ELECTRICITY, Unit.KWH, RateType.FLAT, USD,
        date(2025, 3, 15), unit_rate=D("0.1200"),
    )
    return replace(version, **changes)


def commercial_water(**changes: object) -> TariffVersion:
    rows = [SlabRow(D(0), D(100), D("0.08")), SlabRow(D(101), D(500), D("0.10")),
            SlabRow(D(501), D(1000), D("0.12")), SlabRow(D(1001), None, D("0.15"))]
    version = TariffVersion(
        "Commercial Water Basic", Utility.WATER, Unit.KL, RateType.SLAB, USD,
        date(2025, 3, 15), date(2025, 5, 15), slabs=slabs_from_rows(rows),
    )
    return replace(version, **changes)


def winter_discount(**changes: object) -> TariffVersion:
    version = TariffVersion(
        "Winter Discount", Utility.ELECTRICITY, Unit.KWH, RateType.SEASONAL, USD,
        date(2024, 11, 1), None,
        seasons=(Season("Winter", (11, 1), (3, 31), rate=D("0.09")),
                 Season("Regular", (4, 1), (10, 31), rate=D("0.12"))),
    )
    return replace(version, **changes)


def peak_hour_rate(**changes: object) -> TariffVersion:
    version = TariffVersion(
        "Peak Hour Rate", Utility.ELECTRICITY, Unit.KWH, RateType.TIME_OF_USE, USD,
        date(2025, 3, 14),
        tou_periods=(TouPeriod("Off-Peak", ((22, 6),), D("0.08")),
                     TouPeriod("Standard", ((6, 16), (20, 22)), D("0.12")),
                     TouPeriod("Peak", ((16, 20),), D("0.18"))),
    )
    return replace(version, **changes)


def amounts(bill: RatedBill) -> list[D]:
    return [line.amount.amount for line in bill.lines]


def assert_sums(bill: RatedBill) -> None:
    assert bill.total == sum((line.amount for line in bill.lines), Money.zero(bill.total.currency))


# the spec's samples ------------------------------------------------------------------------------


def test_flat_rate_sample_calculations_match_the_spec() -> None:
    samples = sample_calculations(standard_residential())
    assert [(units, bill.total) for units, bill in samples] == [
        (D(100), Money.of("12.00", USD)), (D(200), Money.of("24.00", USD)),
        (D(500), Money.of("60.00", USD)),
    ]


@pytest.mark.parametrize(("units", "expected", "slab_amounts"), [
    (0, "0.00", []),
    (100, "8.00", ["8.00"]),
    (250, "23.00", ["8.00", "15.00"]),
    (500, "48.00", ["8.00", "40.00"]),
    (1000, "108.00", ["8.00", "40.00", "60.00"]),
    (1200, "138.00", ["8.00", "40.00", "60.00", "30.00"]),
    ("100.5", "8.05", ["8.00", "0.05"]),
])
def test_telescopic_slabs_of_commercial_water_basic(units, expected, slab_amounts) -> None:
    bill = rate_units(commercial_water(), units)
    assert bill.total == Money.of(expected, USD)
    assert amounts(bill) == [D(amount) for amount in slab_amounts]
    assert_sums(bill)


def test_slab_lines_say_which_slab_and_how_many_units() -> None:
    bill = rate_units(commercial_water(), 1200)
    assert [(line.description, line.quantity, line.rate) for line in bill.lines] == [
        ("Water 0-100 kL", D(100), D("0.08")), ("Water 101-500 kL", D(400), D("0.10")),
        ("Water 501-1000 kL", D(500), D("0.12")), ("Water 1001+ kL", D(200), D("0.15")),
    ]
    assert {line.kind for line in bill.lines} == {LineKind.ENERGY}


@pytest.mark.parametrize(("units", "expected"), [(100, "8.00"), (250, "25.00"), (1200, "180.00")])
def test_volume_slabs_price_all_units_at_the_reached_rate(units, expected) -> None:
    bill = rate_units(commercial_water(slab_mode=SlabMode.VOLUME), units)
    assert bill.total == Money.of(expected, USD)
    assert len(bill.lines) == 1


def test_seasonal_rates_by_month_and_prorated_across_the_season_boundary() -> None:
    tariff = winter_discount()
    january = rate_period([tariff], date(2025, 1, 1), date(2025, 1, 31), units=D(100))
    july = rate_period([tariff], date(2025, 7, 1), date(2025, 7, 31), units=D(100))
    assert january.total == Money.of("9.00", USD)
    assert july.total == Money.of("12.00", USD)
    spanning = rate_period([tariff], date(2025, 3, 15), date(2025, 4, 14), units=D(310))
    # 17 winter days and 14 regular days: 170 units at 0.09 and 140 at 0.12
    assert [(line.description, line.quantity) for line in spanning.lines] == [
        ("Energy charge (Winter, 17 days)", D(170)), ("Energy charge (Regular, 14 days)", D(140)),
    ]
    assert spanning.total == Money.of("32.10", USD)


def test_the_seasonal_discount_is_derived_from_the_rates() -> None:
    assert season_discount(D("0.09"), D("0.12")) == D(25)
    assert season_discounts(winter_discount()) == {"Winter": D(25), "Regular": D(0)}


def test_time_of_use_rates_each_register_at_its_period_rate() -> None:
    bill = rate_units(peak_hour_rate(),
                      units_by_period={"Off-Peak": 300, "Standard": 200, "Peak": 100})
    assert amounts(bill) == [D("24.00"), D("24.00"), D("18.00")]
    assert bill.total == Money.of("66.00", USD)


def test_time_of_use_samples_spread_consumption_over_the_hours() -> None:
    (_, bill), = sample_calculations(peak_hour_rate(), levels=[240])
    # 8 off-peak, 12 standard and 4 peak hours a day
    assert [line.quantity for line in bill.lines] == [D(80), D(120), D(40)]
    assert bill.total == Money.of("28.00", USD)  # 6.40 + 14.40 + 7.20


def test_time_of_use_refuses_unknown_or_missing_registers() -> None:
    with pytest.raises(ValidationError, match="Unknown time period 'Night'"):
        rate_units(peak_hour_rate(), units_by_period={"Night": 1, "Off-Peak": 1,
                                                      "Standard": 1, "Peak": 1})
    with pytest.raises(ValidationError, match="Consumption is required for time period 'Peak'"):
        rate_units(peak_hour_rate(), units_by_period={"Off-Peak": 1, "Standard": 1})
    with pytest.raises(ValidationError, match="need consumption per time period"):
        rate_units(peak_hour_rate(), 100)


def test_weekday_and_weekend_periods_are_rated_by_name() -> None:
    tariff = peak_hour_rate(tou_periods=(
        TouPeriod("Weekday peak", ((8, 20),), D("0.20"), DayType.WEEKDAY),
        TouPeriod("Weekday off-peak", ((20, 8),), D("0.10"), DayType.WEEKDAY),
        TouPeriod("Weekend", ((0, 24),), D("0.05"), DayType.WEEKEND),
    ))
    bill = rate_units(tariff, units_by_period={"Weekday peak": 10, "Weekday off-peak": 10,
                                               "Weekend": 10})
    assert bill.total == Money.of("3.50", USD)


# charges ---------------------------------------------------------------------------------------


def test_fixed_charges_per_period_and_per_day() -> None:
    tariff = standard_residential(charges=(
        Charge(ChargeKind.FIXED_PER_PERIOD, "Meter rent", amount=D("5.99")),
        Charge(ChargeKind.FIXED_PER_DAY, "Standing charge", rate=D("0.5335"), order=1),
    ))
    bill = rate_period([tariff], date(2025, 4, 1), date(2025, 4, 30), units=D(100))
    assert amounts(bill) == [D("12.00"), D("5.99"), D("16.01")]  # 30 x 0.5335 = 16.005
    assert bill.lines[2].quantity == D(30)
    assert_sums(bill)


def test_charge_per_kw_needs_the_load() -> None:
    tariff = standard_residential(charges=(Charge(ChargeKind.PER_KW, "Demand", rate=D("4.50")),))
    assert rate_units(tariff, 100, load_kw=D("7.5")).total == Money.of("45.75", USD)
    with pytest.raises(ValidationError, match="give the sanctioned load or demand"):
        rate_units(tariff, 100)


def test_minimum_charge_tops_the_bill_up_only_when_below() -> None:
    tariff = standard_residential(charges=(
        Charge(ChargeKind.MINIMUM, "Minimum charge", amount=D("10.00"), base=("energy",)),
    ))
    low = rate_units(tariff, 50)  # 6.00 of energy
    assert amounts(low) == [D("6.00"), D("4.00")]
    assert low.lines[1].kind is LineKind.MINIMUM
    assert amounts(rate_units(tariff, 100)) == [D("12.00")]


def test_allowance_units_are_included_in_the_fixed_charge() -> None:
    flat = standard_residential(allowance_units=D(50), charges=(
        Charge(ChargeKind.FIXED_PER_PERIOD, "Fixed charge", amount=D("10.00")),))
    assert rate_units(flat, 30).total == Money.of("10.00", USD)
    bill = rate_units(flat, 80)
    assert [line.kind for line in bill.lines] == [LineKind.ALLOWANCE, LineKind.ENERGY, LineKind.FIXED]
    assert bill.total == Money.of("13.60", USD)  # 30 units x 0.12 + 10.00
    # on slabs the first 50 units are free and the rest stay in their own slabs
    water = commercial_water(allowance_units=D(50))
    assert amounts(rate_units(water, 150)) == [D(0), D("4.00"), D("5.00")]


def test_adders_surcharges_and_taxes_in_declared_order_on_named_bases() -> None:
    tariff = commercial_water(charges=(
        Charge(ChargeKind.PERCENTAGE, "VAT", percent=D("5"), order=4),  # everything before it
        Charge(ChargeKind.FIXED_PER_PERIOD, "Meter rent", amount=D("5.00"), order=1),
        Charge(ChargeKind.PER_UNIT_ADDER, "Fuel adjustment", rate=D("0.0125"), order=2),
        Charge(ChargeKind.PERCENTAGE, "Duty", percent=D("6"), base=("energy", "Fuel adjustment"),
               order=3),
    ))
    bill = rate_units(tariff, 250)
    assert [line.description for line in bill.lines] == [
        "Water 0-100 kL", "Water 101-500 kL", "Meter rent", "Fuel adjustment", "Duty", "VAT"]
    # energy 23.00; fuel 250 x 0.0125 = 3.125 -> 3.13; duty 6% of 26.13 = 1.5678 -> 1.57;
    # VAT 5% of 23.00 + 5.00 + 3.13 + 1.57 = 32.70 -> 1.635 -> 1.64
    assert amounts(bill)[2:] == [D("5.00"), D("3.13"), D("1.57"), D("1.64")]
    assert bill.lines[5].quantity == D("32.70") and bill.lines[5].rate == D(5)
    assert bill.total == Money.of("34.34", USD)
    assert_sums(bill)


def test_each_energy_line_follows_the_money_line_rule() -> None:
    bill = rate_units(standard_residential(unit_rate=D("0.1237")), D("123.45"))
    line = bill.lines[0]
    assert line.amount == line_amount(line.quantity, line.rate, USD) == Money.of("15.27", USD)


# versions and partial periods ----------------------------------------------------------------------


def two_versions() -> list[TariffVersion]:
    fixed = (Charge(ChargeKind.FIXED_PER_PERIOD, "Meter rent", amount=D("6.20")),)
    v1 = standard_residential(valid_from=date(2023, 1, 1), valid_to=date(2025, 5, 9), charges=fixed)
    v2 = standard_residential(valid_from=date(2025, 5, 10), unit_rate=D("0.15"), version=2,
                              charges=fixed)
    return [v2, v1]


def test_a_period_across_a_version_boundary_is_prorated_by_days() -> None:
    bill = rate_period(two_versions(), date(2025, 5, 1), date(2025, 5, 31), units=D(310))
    assert [(line.description, line.quantity, line.amount.amount) for line in bill.lines] == [
        ("Energy charge (v1, 9 days)", D(90), D("10.80")),
        ("Meter rent (v1, 9 days)", D("0.2903"), D("1.80")),
        ("Energy charge (v2, 22 days)", D(220), D("33.00")),
        ("Meter rent (v2, 22 days)", D("0.7097"), D("4.40")),
    ]
    assert bill.total == Money.of("50.00", USD)


def test_a_period_inside_one_version_is_not_split() -> None:
    bill = rate_period(two_versions(), date(2025, 6, 1), date(2025, 6, 30), units=D(100))
    assert amounts(bill) == [D("15.00"), D("6.20")]


def test_slab_limits_are_shared_between_versions() -> None:
    v1 = commercial_water(valid_to=date(2025, 4, 15))
    v2 = commercial_water(valid_from=date(2025, 4, 16), valid_to=None, version=2)
    bill = rate_period([v1, v2], date(2025, 4, 1), date(2025, 4, 30), units=D(200))
    # 15 days each: 100 units in each half, whose first slab ends at 50
    assert amounts(bill) == [D("4.00"), D("5.00"), D("4.00"), D("5.00")]


def test_a_version_may_change_the_rate_type() -> None:
    v1 = standard_residential(valid_to=date(2025, 5, 9))
    v2 = peak_hour_rate(name=v1.name, valid_from=date(2025, 5, 10), version=2)
    registers = {"Off-Peak": D(155), "Standard": D(93), "Peak": D(62)}
    bill = rate_period([v1, v2], date(2025, 5, 1), date(2025, 5, 31), units=D(310),
                       units_by_period=registers)
    # 9 of 31 days at the flat rate, 22 of 31 of each register at its period rate
    assert [(line.description, line.quantity) for line in bill.lines] == [
        ("Energy charge (v1, 9 days)", D(90)), ("Energy Off-Peak (v2, 22 days)", D(110)),
        ("Energy Standard (v2, 22 days)", D(66)), ("Energy Peak (v2, 22 days)", D(44)),
    ]
    assert bill.total == Money.of("35.44", USD)  # 10.80 + 8.80 + 7.92 + 7.92
    assert_sums(bill)


def test_gaps_and_overlaps_between_versions_are_refused() -> None:
    v1, v2 = commercial_water(valid_to=date(2025, 4, 10)), commercial_water(
        valid_from=date(2025, 4, 20), valid_to=None, version=2)
    with pytest.raises(ValidationError, match="No tariff version is in force on 2025-04-11"):
        rate_period([v1, v2], date(2025, 4, 1), date(2025, 4, 30), units=D(1))
    v3 = replace(v2, valid_from=date(2025, 4, 5))
    with pytest.raises(ValidationError, match="Tariff versions v1 and v2 overlap"):
        rate_period([v1, v3], date(2025, 4, 1), date(2025, 4, 30), units=D(1))
    with pytest.raises(ValidationError, match="No tariff version is in force on 2025-03-01"):
        rate_period([v1], date(2025, 3, 1), date(2025, 3, 31), units=D(1))


def test_slab_limits_scale_with_the_period_factor() -> None:
    halves = commercial_water(period_factor=PeriodFactor.START_MONTH, valid_from=date(2025, 1, 1),
                              valid_to=None)
    # 14 of February's 28 days: the first slab ends at 50 units
    bill = rate_period([halves], date(2025, 2, 1), date(2025, 2, 14), units=D(120))
    assert amounts(bill) == [D("4.00"), D("7.00")]
    # 10 of March's 31 days: 100 x 10/31 = 32.258, or 32 when rounded to whole units
    exact = rate_period([halves], date(2025, 3, 1), date(2025, 3, 10), units=D(40))
    assert exact.lines[0].quantity == D("32.258")
    whole = replace(halves, limit_rounding=LimitRounding.NEAREST_UNIT)
    rounded = rate_period([whole], date(2025, 3, 1), date(2025, 3, 10), units=D(40))
    assert [line.quantity for line in rounded.lines] == [D(32), D(8)]
    full_month = rate_period([halves], date(2025, 3, 1), date(2025, 3, 31), units=D(120))
    assert amounts(full_month) == [D("8.00"), D("2.00")]


def test_a_full_period_call_matches_rate_units() -> None:
    tariff = commercial_water(valid_to=None, charges=(
        Charge(ChargeKind.FIXED_PER_DAY, "Standing charge", rate=D("0.25")),))
    by_period = rate_period([tariff], date(2025, 4, 1), date(2025, 4, 30), units=D(777))
    assert by_period == rate_units(tariff, D(777), days=30)


def test_split_in_proportion_keeps_every_unit() -> None:
    parts = split_in_proportion(D(100), [17, 14])
    assert parts == [D("54.839"), D("45.161")] and sum(parts) == 100
    assert split_in_proportion(D("1.23456"), [1, 2]) == [D("0.41152"), D("0.82304")]


# bad input -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("units", "message"), [
    (-1, "Consumption must not be negative"),
    (1.5, "never a float"),
    ("abc", "not a number"),
    (None, "Consumption is required"),
])
def test_bad_consumption_is_refused_by_field(units, message) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        rate_units(standard_residential(), units)
    assert caught.value.field == "units"


def test_a_seasonal_tariff_needs_a_season_or_dates() -> None:
    with pytest.raises(ValidationError, match="Choose one of the tariff's seasons"):
        rate_units(winter_discount(), 100)
    assert rate_units(winter_discount(), 100, season="Winter").total == Money.of("9.00", USD)
    assert sample_calculations(winter_discount())[0][1].total == Money.of("9.00", USD)


def test_an_invalid_tariff_is_never_rated() -> None:
    with pytest.raises(ValidationError, match="Unit rate must not be negative"):
        rate_units(standard_residential(unit_rate=D("-0.01")), 100)


def test_a_period_must_not_end_before_it_starts() -> None:
    with pytest.raises(ValidationError, match="must not end before it starts"):
        rate_period([standard_residential()], date(2025, 5, 2), date(2025, 5, 1), units=1)
