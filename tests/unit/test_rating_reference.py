"""The engine's prepared, cached path rates exactly as the rules written out plainly do.

Random tariffs of every shape the engine rates in one piece (Flat, telescopic and volume
slabs, Fixed, one season all year; allowances; every charge kind with bases on any earlier lines; every period
factor and limit rounding; several currencies and price bases), each rated over several
periods so that cached slab limits and fixed lines are reused. Lines must match to the
exponent: "100" and "100.000" print differently.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.core.errors import ValidationError
from app.domain.core.money import MINOR_DIGITS, rate_from_e6
from app.domain.tariffs.rating import rate_period, rate_units
from app.domain.tariffs.validation import (
    Charge,
    ChargeKind,
    LimitRounding,
    PeriodFactor,
    RateType,
    Season,
    Slab,
    SlabMode,
    TariffVersion,
    Unit,
    Utility,
)
from bench.bench_rating import residential_tariff
from tests.rating_reference import engine_lines, reference_basis, reference_bill

D = Decimal
rates = st.integers(0, 20_000_000).map(rate_from_e6)  # 0 to 20.000000, up to 6 decimals
quantities = st.one_of(st.integers(0, 3_000).map(D),
                       st.integers(0, 3_000_000).map(lambda milli: D(milli).scaleb(-3)))


@st.composite
def slab_tables(draw: st.DrawFn) -> tuple[Slab, ...]:
    tenths = sorted(draw(st.sets(st.integers(1, 20_000), max_size=5)))
    uppers = [D(bound).scaleb(-1) if draw(st.booleans()) else D(bound) for bound in tenths]
    uppers = sorted(set(uppers))
    return tuple(Slab(upper, draw(rates)) for upper in [*uppers, None])


@st.composite
def charge_lists(draw: st.DrawFn, currency: str) -> tuple[Charge, ...]:
    """Charges in any declared order; each base names 'energy' or lines computed before it."""
    kinds = draw(st.lists(st.sampled_from(ChargeKind), max_size=8))
    orders = [draw(st.integers(0, 4)) for _ in kinds]
    computing = sorted(range(len(kinds)), key=lambda index: orders[index])
    charges: list[Charge | None] = [None] * len(kinds)
    earlier = ["energy"]
    minor = st.integers(0, 50_000).map(lambda minor: D(minor).scaleb(-MINOR_DIGITS[currency]))
    for index in computing:
        kind, name = kinds[index], f"Charge {index}"
        base = tuple(draw(st.lists(st.sampled_from(earlier), max_size=3)))
        if kind in (ChargeKind.FIXED_PER_PERIOD, ChargeKind.MINIMUM):
            value = {"amount": draw(minor)}
        elif kind is ChargeKind.PERCENTAGE:
            value = {"percent": draw(st.integers(0, 30_000_000).map(rate_from_e6))}
        else:
            value = {"rate": draw(rates)}
        has_base = kind in (ChargeKind.PERCENTAGE, ChargeKind.MINIMUM)
        charges[index] = Charge(kind, name, base=base if has_base else (), order=orders[index],
                                **value)
        earlier.append(name)
    return tuple(charge for charge in charges if charge is not None)


@st.composite
def tariffs(draw: st.DrawFn) -> TariffVersion:
    currency = draw(st.sampled_from(["USD", "INR", "JPY", "KWD"]))
    utility, unit = draw(st.sampled_from([(Utility.ELECTRICITY, Unit.KWH), (Utility.WATER, Unit.KL),
                                          (Utility.WATER, Unit.GALLON), (Utility.GAS, Unit.M3)]))
    rate_type = draw(st.sampled_from([RateType.FLAT, RateType.SLAB, RateType.FIXED,
                                      RateType.SEASONAL]))
    charges = draw(charge_lists(currency))
    if rate_type is RateType.FIXED and not any(
            charge.kind in (ChargeKind.FIXED_PER_PERIOD, ChargeKind.FIXED_PER_DAY) for charge in charges):
        charges = (*charges, Charge(ChargeKind.FIXED_PER_PERIOD, "Service charge", amount=D(5), order=9))
    slabs = draw(slab_tables()) if rate_type in (RateType.SLAB, RateType.SEASONAL) else ()
    seasons = ()
    if rate_type is RateType.SEASONAL:  # one season all year, priced flat or by slabs
        flat = draw(st.booleans())
        seasons = (Season("Winter", (1, 1), (12, 31), rate=draw(rates) if flat else None,
                          slabs=() if flat else slabs),)
        slabs = () if flat else slabs
    bounds = [slab.upper for slab in slabs if slab.upper is not None]
    allowance = D(0) if rate_type is RateType.FIXED else draw(st.one_of(
        st.just(D(0)), quantities, *([on_the_edge(bounds)] if bounds else [])))
    return TariffVersion(
        "Random", utility, unit, rate_type, currency, date(2020, 1, 1),
        unit_rate=draw(rates) if rate_type is RateType.FLAT else None,
        slabs=() if seasons else slabs, seasons=seasons,
        slab_mode=draw(st.sampled_from(SlabMode)), charges=charges, allowance_units=allowance,
        period_factor=draw(st.sampled_from(PeriodFactor)),
        limit_rounding=draw(st.sampled_from(LimitRounding)),
        price_per=draw(st.sampled_from([D(1), D(1), D(100), D(1000), D(3)])),
    )


def on_the_edge(values: list[Decimal]) -> st.SearchStrategy[Decimal]:
    """One of `values`, sometimes written with more decimals: equal, but printed differently."""
    return st.sampled_from(values).flatmap(
        lambda value: st.sampled_from([value, value.quantize(D("0.001")), value + D("0.0")]))


def edges(tariff: TariffVersion) -> list[Decimal]:
    slabs = [slab.upper for slab in (*tariff.slabs, *(s for season in tariff.seasons
                                                      for s in season.slabs))
             if slab.upper is not None]
    return [value for value in [*slabs, tariff.allowance_units] if value]


periods = st.tuples(st.dates(date(2023, 1, 1), date(2026, 12, 31)), st.integers(1, 400))
loads = st.one_of(st.none(), st.integers(0, 500).map(lambda tenths: D(tenths).scaleb(-1)))


def readings(tariff: TariffVersion) -> st.SearchStrategy[list]:
    """Periods with consumption, often right at a slab limit or the allowance."""
    units = st.one_of(quantities, on_the_edge(edges(tariff))) if edges(tariff) else quantities
    return st.lists(st.tuples(periods, units, loads), min_size=1, max_size=4)


def assert_same(bill_or_error: object, tariff: TariffVersion, start: date, days: int,
                units: Decimal, load: Decimal | None, factor: Decimal | None = None) -> None:
    try:
        reference = reference_bill(tariff, start, days, units, load, factor=factor)
    except ValidationError:
        assert isinstance(bill_or_error, ValidationError)
        assert bill_or_error.field == "load_kw"
        return
    bill = bill_or_error
    assert engine_lines(bill) == reference.lines
    assert (str(bill.total.amount), bill.total.currency) == (reference.total, tariff.currency)
    assert str(bill.factor) == str(reference.factor)
    assert (bill.metered, bill.billed) == (units, units)
    assert (bill.meter_unit, bill.billed_unit) == (tariff.unit.value, tariff.unit.value)
    assert bill.basis == reference_basis(tariff)


def rated(rate: object) -> object:
    try:
        return rate()  # type: ignore[operator]
    except ValidationError as error:
        return error


@settings(max_examples=400, deadline=None)
@given(tariffs(), st.data())
def test_rate_period_matches_the_plain_rules(tariff, data) -> None:
    reads = data.draw(readings(tariff))
    for (start, days), units, load in reads:
        end = start + timedelta(days=days - 1)
        bill = rated(lambda: rate_period([tariff], start, end, units, None, load))  # noqa: B023
        assert_same(bill, tariff, start, days, units, load)


@settings(max_examples=200, deadline=None)
@given(tariffs(), st.data())
def test_rate_units_matches_the_plain_rules(tariff, data) -> None:
    reads = data.draw(readings(tariff))
    for (start, days), units, load in reads:
        season = tariff.seasons[0].name if tariff.seasons else None
        bill = rated(lambda: rate_units(tariff, units, load_kw=load, days=days,  # noqa: B023
                                        season=season))  # noqa: B023
        assert_same(bill, tariff, start, days, units, load, factor=D(1))


@pytest.mark.parametrize(("start", "days", "units", "load"), [
    (date(2025, 6, 20), 31, D(1234), D("3.5")), (date(2025, 7, 1), 31, D("99.9"), D(5)),
    (date(2025, 1, 30), 28, D(0), D(2)), (date(2025, 4, 1), 91, D("2500.5"), D(7))])
def test_the_bench_tariff_matches(start, days, units, load) -> None:
    tariff, end = residential_tariff(), start + timedelta(days=days - 1)
    assert_same(rate_period([tariff], start, end, units, None, load), tariff, start, days, units, load)


@pytest.mark.parametrize("allowance", [D(100), D("100.000"), D("300.0"), D(0)])
@pytest.mark.parametrize("units", [D(100), D("100.0"), D("300.000"), D(300), D("512.5")])
@pytest.mark.parametrize("scaling", [PeriodFactor.NONE, PeriodFactor.CALENDAR_MONTHS])
def test_limits_and_readings_equal_but_written_differently(allowance, units, scaling) -> None:
    """Where a reading or the allowance meets a slab limit, which of two equal numbers a line
    takes decides how it prints ("200" or "200.000"): exactly as the plain rules say."""
    slabs = (Slab(D(100), D("0.5")), Slab(D(300), D("0.75")), Slab(None, D(1)))
    tariff = replace(residential_tariff(), slabs=slabs, allowance_units=allowance,
                     period_factor=scaling, charges=())
    start, end = date(2025, 3, 10), date(2025, 4, 12)
    days = (end - start).days + 1
    assert_same(rate_period([tariff], start, end, units), tariff, start, days, units, None)


def test_the_reference_itself_follows_the_spec_sample() -> None:
    """Commercial Water Basic, 1,200 kL: 8.00 + 40.00 + 60.00 + 30.00 (the spec's table)."""
    slabs = (Slab(D(100), D("0.08")), Slab(D(500), D("0.10")), Slab(D(1000), D("0.12")),
             Slab(None, D("0.15")))
    tariff = replace(residential_tariff(), utility=Utility.WATER, unit=Unit.KL, slabs=slabs,
                     charges=(), currency="USD", period_factor=PeriodFactor.NONE)
    reference = reference_bill(tariff, date(2025, 1, 1), 31, D(1200), None)
    assert [line[3] for line in reference.lines] == ["8.00", "40.00", "60.00", "30.00"]
    assert reference.total == "138.00"
