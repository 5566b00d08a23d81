"""Every tariff check and its message, the status rule and the stored document form."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal as D

import pytest

from app.domain.core.errors import ValidationError
from app.domain.tariffs.document import from_document, to_document
from app.domain.tariffs.validation import (
    Charge,
    ChargeKind,
    DayType,
    PeriodFactor,
    RateType,
    Season,
    Slab,
    SlabRow,
    TariffInvalid,
    TariffRef,
    TariffStatus,
    TariffVersion,
    TouPeriod,
    Unit,
    Utility,
    check_tariff,
    slab_rows,
    slabs_from_rows,
    tariff_status,
    validate_slab_rows,
    validate_tariff,
)

SPEC_SLABS = (Slab(D(100), D("0.08")), Slab(D(500), D("0.10")), Slab(D(1000), D("0.12")),
              Slab(None, D("0.15")))
WINTER = Season("Winter", (11, 1), (3, 31), rate=D("0.09"))
REGULAR = Season("Regular", (4, 1), (10, 31), rate=D("0.12"))
OFF_PEAK = TouPeriod("Off-Peak", ((22, 6),), D("0.08"))
STANDARD = TouPeriod("Standard", ((6, 16), (20, 22)), D("0.12"))
PEAK = TouPeriod("Peak", ((16, 20),), D("0.18"))


def flat(**changes: object) -> TariffVersion:
    version = TariffVersion("Standard Residential Electricity", Utility.ELECTRICITY, Unit.KWH,
                            RateType.FLAT, "USD", date(2025, 3, 15), unit_rate=D("0.12"))
    return replace(version, **changes)


def slab(**changes: object) -> TariffVersion:
    version = flat(name="Commercial Water Basic", utility=Utility.WATER, unit=Unit.KL,
                   rate_type=RateType.SLAB, unit_rate=None, slabs=SPEC_SLABS)
    return replace(version, **changes)


def seasonal(**changes: object) -> TariffVersion:
    version = flat(name="Winter Discount", rate_type=RateType.SEASONAL, unit_rate=None,
                   valid_from=date(2024, 11, 1), valid_to=date(2025, 3, 31),
                   seasons=(WINTER, REGULAR))
    return replace(version, **changes)


def tou(**changes: object) -> TariffVersion:
    version = flat(name="Peak Hour Rate", rate_type=RateType.TIME_OF_USE, unit_rate=None,
                   tou_periods=(OFF_PEAK, STANDARD, PEAK))
    return replace(version, **changes)


def problems(version: TariffVersion, others: tuple = ()) -> set[tuple[str, str]]:
    return {(error.field, error.rule) for error in validate_tariff(version, others)}


def charge(kind: ChargeKind, **fields: object) -> TariffVersion:
    return flat(charges=(Charge(kind, "Charge", **fields),))


# the spec's tariffs are valid --------------------------------------------------------------------


@pytest.mark.parametrize("version", [flat(), slab(), seasonal(), tou(), flat(
    rate_type=RateType.FIXED, unit=Unit.KWH, unit_rate=None,
    charges=(Charge(ChargeKind.FIXED_PER_PERIOD, "Base rate", amount=D("0.99")),))])
def test_the_spec_sample_tariffs_pass(version: TariffVersion) -> None:
    assert validate_tariff(version) == []
    check_tariff(version)


# identity and validity ----------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "others", "problem"), [
    (flat(name="  "), (), ("name", "Tariff name is required")),
    (flat(), (TariffRef("standard residential electricity ", Utility.GAS, RateType.SLAB,
                        date(2020, 1, 1), date(2020, 2, 1)),),
     ("name", "A tariff named 'standard residential electricity ' already exists")),
    (flat(utility=None), (), ("utility", "Select exactly one utility type")),
    (flat(utility=(Utility.WATER, Utility.GAS)), (), ("utility", "Select exactly one utility type")),
    (flat(unit=Unit.GALLON), (), ("unit", "Unit 'gal' is not used for Electricity")),
    (flat(rate_type=None), (), ("rate_type", "Select exactly one rate type")),
    (flat(currency="XYZ"), (), ("currency", "Unknown currency 'XYZ'")),
    (flat(version=0), (), ("version", "Version numbers start at 1")),
    (flat(valid_from=None), (), ("valid_from", "Start date is required")),
    (flat(valid_to=date(2025, 3, 14)), (),
     ("valid_from", "Start date must not be later than the end date")),
])
def test_identity_and_date_rules(version, others, problem) -> None:
    assert problem in problems(version, others)


def test_overlapping_validity_names_the_conflicting_tariff() -> None:
    # the spec's own sample: Seasonal Residential Electricity starts before Winter Discount ends
    seasonal_residential = seasonal(name="Seasonal Residential Electricity",
                                    valid_from=date(2025, 3, 15), valid_to=None)
    assert problems(seasonal_residential, (seasonal(),)) == {
        ("validity", "Validity overlaps with tariff 'Winter Discount'")}
    later = replace(seasonal_residential, valid_from=date(2025, 4, 1))
    assert problems(later, (seasonal(),)) == set()
    other_rate_type = TariffRef("Winter Discount", Utility.ELECTRICITY, RateType.FLAT,
                                date(2024, 11, 1), None)
    assert problems(replace(seasonal_residential, name="X"), (other_rate_type,)) == set()


def test_ongoing_tariffs_overlap_everything_after_them() -> None:
    ongoing = TariffRef("Old Residential Plan", Utility.ELECTRICITY, RateType.FLAT,
                        date(2023, 1, 1), None)
    assert ("validity", "Validity overlaps with tariff 'Old Residential Plan'") in problems(
        flat(valid_from=date(2030, 1, 1)), (ongoing,))


# rates --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "problem"), [
    (flat(unit_rate=None), ("unit_rate", "Unit rate is required")),
    (flat(unit_rate=D("-0.12")), ("unit_rate", "Unit rate must not be negative")),
    (flat(unit_rate=D("0.1234567")), ("unit_rate", "Unit rate supports up to 6 decimal places")),
    (flat(slabs=SPEC_SLABS), ("slabs", "Not used by a Flat tariff")),
    (slab(unit_rate=D(1)), ("unit_rate", "Not used by a Slab tariff")),
    (flat(rate_type=RateType.FIXED, unit_rate=None),
     ("charges", "A Fixed tariff needs a fixed charge")),
])
def test_rate_rules(version, problem) -> None:
    assert problem in problems(version)


def test_four_decimal_rates_and_zero_rates_are_fine() -> None:
    assert problems(flat(unit_rate=D("0.1234"))) == set()
    assert problems(flat(unit_rate=D(0))) == set()


# slabs --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("slabs", "problem"), [
    ((), ("slabs", "Slab rate tariffs need at least one consumption range")),
    ((Slab(D(100), D("0.08")), Slab(D(100), D("0.1")), Slab(None, D(1))),
     ("slabs[1].upper", "Slabs must not overlap or leave gaps")),
    ((Slab(None, D("0.08")), Slab(D(500), D("0.1")), Slab(None, D(1))),
     ("slabs[0].upper", "Only the highest slab may have no upper limit")),
    ((Slab(D(100), D("0.08")), Slab(D(500), D("0.1"))),
     ("slabs[1].upper", "The highest slab must have no upper limit, so that all consumption is covered")),
    ((Slab(D(100), D("-0.08")), Slab(None, D(1))), ("slabs[0].rate", "Slab rate must not be negative")),
    ((Slab(D(100), D("0.0800001")), Slab(None, D(1))),
     ("slabs[0].rate", "Slab rate supports up to 6 decimal places")),
])
def test_slab_rules(slabs, problem) -> None:
    assert problem in problems(slab(slabs=slabs))


def rows(*spec: tuple) -> list[SlabRow]:
    return [SlabRow(D(start), None if end is None else D(end), D(rate)) for start, end, rate in spec]


def test_the_spec_rows_make_the_slabs_and_back() -> None:
    spec_rows = rows((0, 100, "0.08"), (101, 500, "0.10"), (501, 1000, "0.12"), (1001, None, "0.15"))
    assert validate_slab_rows(spec_rows) == []
    assert slabs_from_rows(spec_rows) == SPEC_SLABS
    assert list(slab_rows(SPEC_SLABS)) == spec_rows


def test_continuous_rows_are_accepted_too() -> None:
    continuous = rows((0, "100.5", "0.08"), ("100.5", 500, "0.10"), (500, None, "0.15"))
    assert validate_slab_rows(continuous) == []
    assert slabs_from_rows(continuous)[0] == Slab(D("100.5"), D("0.08"))


@pytest.mark.parametrize(("spec", "problem"), [
    ([(1, 100, 1), (101, None, 1)], ("slabs[0].start", "The first slab must start from 0 units")),
    ([(0, 100, 1), (102, None, 1)], ("slabs[1].start", "Slabs must not overlap or leave gaps")),
    ([(0, 100, 1), (90, None, 1)], ("slabs[1].start", "Slabs must not overlap or leave gaps")),
    ([(0, 100, 1), (100, 100, 1), (100, None, 1)], ("slabs[1].end", "Slabs must not overlap or leave gaps")),
    ([(0, 100, 1), (101, 50, 1), (51, None, 1)], ("slabs[1].end", "'To' must not be less than 'From'")),
    ([(0, None, 1), (101, None, 1)], ("slabs[1].start", "Only the highest slab may have no upper limit")),
    ([(0, 100, 1), (101, 500, 1)],
     ("slabs[1].end", "The highest slab must have no upper limit, so that all consumption is covered")),
    ([(0, None, -1)], ("slabs[0].rate", "Slab rate must not be negative")),
    ([], ("slabs", "Slab rate tariffs need at least one consumption range")),
])
def test_slab_row_rules(spec, problem) -> None:
    found = {(error.field, error.rule) for error in validate_slab_rows(rows(*spec))}
    assert problem in found


# seasons and time periods ---------------------------------------------------------------------------


@pytest.mark.parametrize(("seasons", "problem"), [
    ((), ("seasons", "A Seasonal tariff needs at least one season")),
    ((WINTER, replace(REGULAR, end=(10, 30))),
     ("seasons", "Seasons must cover the whole year without overlap")),
    ((WINTER, replace(REGULAR, start=(3, 31))),
     ("seasons", "Seasons must cover the whole year without overlap")),
    ((replace(WINTER, start=(11, 1), end=(2, 28)), replace(REGULAR, start=(3, 1))),
     ("seasons", "Seasons must cover the whole year without overlap")),  # Feb 29 left out
    ((WINTER, replace(REGULAR, end=(10, 32))), ("seasons[1].start", "Season dates must be real calendar days")),
    ((WINTER, replace(REGULAR, name="")), ("seasons", "Season name is required")),
    ((WINTER, replace(REGULAR, name="winter")), ("seasons", "Season names must be unique")),
    ((WINTER, replace(REGULAR, rate=None)), ("seasons[1].rate", "Give the season either a rate or slabs")),
    ((WINTER, replace(REGULAR, slabs=SPEC_SLABS)), ("seasons[1].rate", "Give the season either a rate or slabs")),
    ((WINTER, replace(REGULAR, rate=D(-1))), ("seasons[1].rate", "Season rate must not be negative")),
    ((WINTER, replace(REGULAR, rate=None, slabs=SPEC_SLABS[:2])),
     ("seasons[1].slabs[1].upper", "The highest slab must have no upper limit, so that all consumption is covered")),
])
def test_season_rules(seasons, problem) -> None:
    assert problem in problems(seasonal(seasons=seasons))


def test_one_season_may_cover_the_whole_year_with_slabs() -> None:
    assert problems(seasonal(seasons=(Season("All year", (1, 1), (12, 31), slabs=SPEC_SLABS),))) == set()


COVERAGE = ("tou_periods", "Time periods must cover all 24 hours without overlap")


@pytest.mark.parametrize(("periods", "problem"), [
    ((), ("tou_periods", "A Time-based tariff needs at least one time period")),
    ((OFF_PEAK, STANDARD), COVERAGE),  # 16-20 missing
    ((OFF_PEAK, STANDARD, replace(PEAK, hours=((15, 20),))), COVERAGE),  # 15-16 twice
    ((OFF_PEAK, STANDARD, replace(PEAK, days=DayType.WEEKDAY)), COVERAGE),  # weekends lack 16-20
    ((OFF_PEAK, STANDARD, replace(PEAK, hours=((16, 25),))),
     ("tou_periods[2].hours", "Give hour ranges from 0 to 24 that do not start and end at the same hour")),
    ((OFF_PEAK, STANDARD, replace(PEAK, hours=((16, 16),))),
     ("tou_periods[2].hours", "Give hour ranges from 0 to 24 that do not start and end at the same hour")),
    ((OFF_PEAK, STANDARD, replace(PEAK, hours=())),
     ("tou_periods[2].hours", "Give hour ranges from 0 to 24 that do not start and end at the same hour")),
    ((OFF_PEAK, STANDARD, replace(PEAK, name="peak ", hours=((16, 20),)), replace(PEAK, name="Peak")),
     ("tou_periods", "Time period names must be unique")),
    ((OFF_PEAK, STANDARD, replace(PEAK, name="")), ("tou_periods", "Time period name is required")),
    ((OFF_PEAK, STANDARD, replace(PEAK, rate=D("-0.18"))),
     ("tou_periods[2].rate", "Period rate must not be negative")),
])
def test_time_period_rules(periods, problem) -> None:
    assert problem in problems(tou(tou_periods=periods))


def test_weekday_and_weekend_periods_each_cover_the_day() -> None:
    periods = (TouPeriod("Weekday peak", ((8, 20),), D("0.2"), DayType.WEEKDAY),
               TouPeriod("Weekday off-peak", ((20, 8),), D("0.1"), DayType.WEEKDAY),
               TouPeriod("Weekend", ((0, 24),), D("0.05"), DayType.WEEKEND))
    assert problems(tou(tou_periods=periods)) == set()


# charges and allowance ----------------------------------------------------------------------------


@pytest.mark.parametrize(("version", "problem"), [
    (charge(ChargeKind.FIXED_PER_PERIOD), ("charges[0].amount", "A fixed charge per period needs an amount")),
    (charge(ChargeKind.PER_KW), ("charges[0].rate", "A charge per kW needs a rate")),
    (charge(ChargeKind.PERCENTAGE), ("charges[0].percent", "A percentage charge needs a percentage")),
    (charge(ChargeKind.PERCENTAGE, percent=D(5), amount=D(1)),
     ("charges[0].amount", "Not used by a percentage charge")),
    (charge(ChargeKind.MINIMUM, amount=D(-1)), ("charges[0].amount", "Charge amount must not be negative")),
    (charge(ChargeKind.MINIMUM, amount=D("1.005")),
     ("charges[0].amount", "Charge amount has at most 2 decimal places")),
    (charge(ChargeKind.PER_UNIT_ADDER, rate=D("-0.01")), ("charges[0].rate", "Charge rate must not be negative")),
    (charge(ChargeKind.PERCENTAGE, percent=D("5.0000001")),
     ("charges[0].percent", "Percentage supports up to 6 decimal places")),
    (charge(ChargeKind.PER_UNIT_ADDER, rate=D(1), base=("energy",)),
     ("charges[0].base", "Only percentage and minimum charges have a base")),
    (charge(ChargeKind.PERCENTAGE, percent=D(5), base=("VAT",)),
     ("charges[0].base", "Base 'VAT' must name an earlier line")),
    (charge("surcharge", amount=D(1)), ("charges[0].kind", "Choose a charge type")),
    (flat(charges=(Charge(ChargeKind.FIXED_PER_PERIOD, " ", amount=D(1)),)),
     ("charges", "Charge name is required")),
    (flat(charges=(Charge(ChargeKind.FIXED_PER_PERIOD, "Energy", amount=D(1)),)),
     ("charges[0].name", "'energy' is reserved for the consumption lines")),
    (flat(charges=(Charge(ChargeKind.FIXED_PER_PERIOD, "Rent", amount=D(1)),
                   Charge(ChargeKind.FIXED_PER_DAY, "rent", rate=D(1)))),
     ("charges", "Charge names must be unique")),
    (flat(allowance_units=D(-1)), ("allowance_units", "Allowance must not be negative")),
    (tou(allowance_units=D(10)), ("allowance_units", "An allowance is not used by a Time-based tariff")),
])
def test_charge_and_allowance_rules(version, problem) -> None:
    assert problem in problems(version)


def test_a_base_names_lines_computed_before_it() -> None:
    later_tax = Charge(ChargeKind.PERCENTAGE, "VAT", percent=D(5), base=("Duty",), order=2)
    duty = Charge(ChargeKind.PERCENTAGE, "Duty", percent=D(6), base=("energy",), order=1)
    assert problems(flat(charges=(later_tax, duty))) == set()
    assert ("charges[1].base", "Base 'VAT' must name an earlier line") in problems(
        flat(charges=(later_tax, replace(duty, base=("VAT",)))))


def test_check_tariff_raises_every_problem_at_once() -> None:
    with pytest.raises(TariffInvalid) as caught:
        check_tariff(flat(name="", unit_rate=D(-1)))
    assert caught.value.field == "name" and caught.value.rule == "Tariff name is required"
    assert [error.field for error in caught.value.errors] == ["name", "unit_rate"]
    assert isinstance(caught.value, ValidationError)


# status -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("valid_to", "inactive", "today", "status"), [
    (None, False, date(2030, 1, 1), TariffStatus.ACTIVE),
    (date(2025, 3, 31), False, date(2025, 3, 31), TariffStatus.ACTIVE),
    (date(2025, 3, 31), False, date(2025, 4, 1), TariffStatus.EXPIRED),
    (date(2025, 3, 31), True, date(2025, 4, 1), TariffStatus.EXPIRED),
    (None, True, date(2025, 4, 1), TariffStatus.INACTIVE),
])
def test_status_is_computed(valid_to, inactive, today, status) -> None:
    assert tariff_status(date(2024, 11, 1), valid_to, inactive, today) is status


# the stored document -------------------------------------------------------------------------------


def test_document_uses_integers_for_rates_and_money() -> None:
    version = slab(charges=(
        Charge(ChargeKind.FIXED_PER_PERIOD, "Meter rent", amount=D("5.99"), order=1),
        Charge(ChargeKind.PERCENTAGE, "VAT", percent=D("12.5"), base=("energy",), order=2)))
    document = json.loads(json.dumps(to_document(version)))
    assert document["slabs"][1] == {"upper": "500", "rate_e6": 100000}
    assert document["slabs"][3] == {"upper": None, "rate_e6": 150000}
    assert document["charges"][0]["amount_minor"] == 599
    assert document["charges"][1]["percent_e6"] == 12500000
    assert document["valid_from"] == "2025-03-15" and document["valid_to"] is None
    assert from_document(document) == version
    assert to_document(from_document(document)) == document


def test_six_decimal_rates_are_stored_and_read_back_exactly() -> None:
    version = flat(unit_rate=D("0.123456"), charges=(
        Charge(ChargeKind.PER_UNIT_ADDER, "Fuel adjustment", rate=D("0.004217")),))
    document = json.loads(json.dumps(to_document(version)))
    assert document["unit_rate_e6"] == 123456 and document["charges"][0]["rate_e6"] == 4217
    assert from_document(document) == version


def test_a_format_1_document_reads_as_the_same_tariff() -> None:
    """What desktops stored before 6-decimal rates: 1/10,000 under _e4 keys, slab_scaling."""
    version = slab(period_factor=PeriodFactor.START_MONTH, charges=(
        Charge(ChargeKind.PERCENTAGE, "VAT", percent=D("12.5"), order=1),))
    old = to_document(version)
    old = json.loads(json.dumps(old).replace("_e6", "_e4"))
    old |= {"format": 1, "slab_scaling": "by_days"}
    for key in ("period_factor", "price_unit", "price_per", "conversion"):
        del old[key]
    old["slabs"] = [{**slab, "rate_e4": slab["rate_e4"] // 100} for slab in old["slabs"]]
    old["charges"][0]["percent_e4"] //= 100
    assert from_document(old) == version


@pytest.mark.parametrize("version", [flat(), slab(), seasonal(), tou()])
def test_spec_tariffs_round_trip(version: TariffVersion) -> None:
    assert from_document(json.loads(json.dumps(to_document(version)))) == version


@pytest.mark.parametrize("breakage", [
    lambda doc: doc.pop("name"),
    lambda doc: doc.update(utility="steam"),
    lambda doc: doc.update(unit_rate_e6=0.12),
    lambda doc: doc.update(valid_from="15/03/2025"),
    lambda doc: doc.update(format=99),
])
def test_a_malformed_document_is_refused(breakage) -> None:
    document = to_document(flat())
    breakage(document)
    with pytest.raises(ValidationError) as caught:
        from_document(document)
    assert caught.value.field == "document"
