"""Properties of the rating engine that must hold for any tariff, not just the spec's."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.core.money import Money, line_amount, rate_from_e6
from app.domain.tariffs.document import from_document, to_document
from app.domain.tariffs.rating import RatedBill, rate_period, rate_units, split_in_proportion
from app.domain.tariffs.rating_lines import LineKind
from app.domain.tariffs.validation import (
    Charge,
    ChargeKind,
    DayType,
    LimitRounding,
    PeriodFactor,
    RateType,
    Season,
    Slab,
    SlabMode,
    TariffVersion,
    TouPeriod,
    Unit,
    Utility,
)

USD = "USD"
START = date(2024, 1, 1)

rates = st.integers(0, 500_000).map(rate_from_e6)  # 0 to 0.500000 a unit
amounts = st.integers(0, 10_000).map(lambda cents: Decimal(cents).scaleb(-2))
units = st.integers(0, 3_000_000).map(lambda milli: Decimal(milli).scaleb(-3))  # up to 3,000.000


@st.composite
def slab_tables(draw: st.DrawFn, bound_step: int = 1) -> tuple[Slab, ...]:
    bounds = sorted(draw(st.sets(st.integers(1, 30), min_size=0, max_size=4)))
    uppers = [Decimal(bound * bound_step) for bound in bounds]
    return tuple(Slab(upper, draw(rates)) for upper in [*uppers, None])


@st.composite
def monotone_charges(draw: st.DrawFn) -> tuple[Charge, ...]:
    """Charges whose bases are the energy lines or everything before them (both rise with use)."""
    palette = [
        Charge(ChargeKind.FIXED_PER_PERIOD, "Meter rent", amount=draw(amounts)),
        Charge(ChargeKind.PER_UNIT_ADDER, "Fuel adjustment", rate=draw(rates)),
        Charge(ChargeKind.MINIMUM, "Minimum", amount=draw(amounts)),
        Charge(ChargeKind.PERCENTAGE, "Duty", percent=draw(rates) * 100, base=("energy",)),
        Charge(ChargeKind.PERCENTAGE, "VAT", percent=draw(rates) * 100),
    ]
    chosen = draw(st.lists(st.sampled_from(palette), unique_by=lambda c: c.name, max_size=5))
    return tuple(replace(charge, order=order) for order, charge in enumerate(chosen))


def slab_tariff(slabs: tuple[Slab, ...], **changes: object) -> TariffVersion:
    version = TariffVersion("Slab", Utility.ELECTRICITY, Unit.KWH, RateType.SLAB, USD, START,
                            slabs=slabs)
    return replace(version, **changes)


def line_sum(bill: RatedBill) -> Money:
    return sum((line.amount for line in bill.lines), Money.zero(USD))


def just_below(bounds: list[Decimal]) -> st.SearchStrategy[Decimal]:
    """Consumption just under a slab limit, where a rising bill could most easily slip."""
    offsets = st.integers(0, 2_000).map(lambda milli: Decimal(milli).scaleb(-3))
    return st.builds(lambda bound, offset: max(Decimal(0), bound - offset),
                     st.sampled_from(bounds), offsets)


@settings(max_examples=200, deadline=None)
@given(slab_tables(bound_step=50), monotone_charges(), st.integers(0, 500), st.data())
def test_a_bill_never_falls_as_consumption_rises(slabs, charges, allowance, data) -> None:
    tariff = slab_tariff(slabs, charges=charges, allowance_units=Decimal(allowance))
    bounds = [slab.upper for slab in slabs if slab.upper is not None] or [Decimal(0)]
    low = data.draw(st.one_of(units, just_below(bounds)))
    more = data.draw(st.integers(0, 5_000).map(lambda milli: Decimal(milli).scaleb(-3)))
    assert rate_units(tariff, low).total <= rate_units(tariff, low + more).total


# with slab bounds in hundreds, a rate of at most 4 decimals makes every full slab's line exact
# to the cent, so only the last line rounds (as the flat line does); 6-decimal rates would
# round each line: a cent apart, by the line rule, not by mistake
four_decimal_rates = st.integers(0, 5_000).map(lambda units_e4: Decimal(units_e4).scaleb(-4))


@settings(max_examples=100, deadline=None)
@given(slab_tables(bound_step=100), four_decimal_rates, st.sampled_from(SlabMode), units)
def test_equal_slab_rates_bill_as_the_flat_rate(slabs, rate, mode, consumption) -> None:
    same_rate = tuple(Slab(slab.upper, rate) for slab in slabs)
    flat = slab_tariff((), rate_type=RateType.FLAT, unit_rate=rate)
    slabbed = slab_tariff(same_rate, slab_mode=mode)
    assert rate_units(slabbed, consumption).total == rate_units(flat, consumption).total


@st.composite
def split_periods(draw: st.DrawFn) -> tuple[date, date]:
    start = START + timedelta(days=draw(st.integers(0, 700)))
    return start, start + timedelta(days=draw(st.integers(0, 95)))


@settings(max_examples=100, deadline=None)
@given(slab_tables(), monotone_charges(), st.integers(1, 700), split_periods(), units,
       st.sampled_from(PeriodFactor), st.sampled_from(LimitRounding))
def test_total_is_the_sum_of_lines_across_versions(slabs, charges, boundary, period, consumption,
                                                    scaling, rounding) -> None:
    v1 = slab_tariff(slabs, charges=charges, period_factor=scaling, limit_rounding=rounding,
                     valid_to=START + timedelta(days=boundary))
    v2 = replace(v1, valid_from=v1.valid_to + timedelta(days=1), valid_to=None, version=2,
                 slabs=tuple(Slab(slab.upper, slab.rate + Decimal("0.01")) for slab in slabs))
    bill = rate_period([v1, v2], *period, units=consumption)
    assert bill.total == line_sum(bill)
    energy = sum(line.quantity for line in bill.lines if line.kind is LineKind.ENERGY)
    assert energy == consumption or not any(line.kind is LineKind.ENERGY for line in bill.lines)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 365), split_periods(), units, rates, rates)
def test_total_is_the_sum_of_lines_across_seasons(cut, period, consumption, low, high) -> None:
    first_day = date(2024, 1, 1) + timedelta(days=cut)
    last_day = first_day - timedelta(days=1)
    seasons = (Season("High", (1, 1), (last_day.month, last_day.day), rate=high),
               Season("Low", (first_day.month, first_day.day), (12, 31), rate=low))
    tariff = slab_tariff((), rate_type=RateType.SEASONAL, seasons=seasons, charges=(
        Charge(ChargeKind.FIXED_PER_DAY, "Standing charge", rate=Decimal("0.4567")),))
    bill = rate_period([tariff], *period, units=consumption)
    assert bill.total == line_sum(bill)
    assert sum(line.quantity for line in bill.lines if line.kind is LineKind.ENERGY) == consumption


@settings(max_examples=100, deadline=None)
@given(slab_tables(), units)
def test_every_energy_line_follows_the_money_rule(slabs, consumption) -> None:
    bill = rate_units(slab_tariff(slabs), consumption)
    for line in bill.lines:
        assert line.amount == line_amount(line.quantity, line.rate, USD)


@given(units, st.lists(st.integers(1, 92), min_size=1, max_size=4))
def test_a_split_keeps_every_unit(quantity, weights) -> None:
    parts = split_in_proportion(quantity, weights)
    assert sum(parts) == quantity and all(part >= 0 for part in parts)


# the stored document ---------------------------------------------------------------------------------


any_charges = st.lists(
    st.one_of(
        st.builds(Charge, st.just(ChargeKind.FIXED_PER_PERIOD), st.text(max_size=8), amount=amounts),
        st.builds(Charge, st.sampled_from([ChargeKind.FIXED_PER_DAY, ChargeKind.PER_KW,
                                           ChargeKind.PER_UNIT_ADDER]), st.text(max_size=8), rate=rates),
        st.builds(Charge, st.just(ChargeKind.PERCENTAGE), st.text(max_size=8), percent=rates,
                  base=st.lists(st.text(max_size=5), max_size=2).map(tuple), order=st.integers(-5, 5)),
    ),
    max_size=4,
).map(tuple)
periods = st.builds(TouPeriod, st.text(max_size=8),
                    st.lists(st.tuples(st.integers(0, 23), st.integers(0, 24)), max_size=3).map(tuple),
                    rates, st.sampled_from(DayType))
seasons = st.builds(Season, st.text(max_size=8), st.tuples(st.integers(1, 12), st.integers(1, 28)),
                    st.tuples(st.integers(1, 12), st.integers(1, 28)), st.one_of(st.none(), rates),
                    slab_tables())


@settings(max_examples=100, deadline=None)
@given(st.builds(
    TariffVersion,
    name=st.text(max_size=20), utility=st.sampled_from(Utility), unit=st.sampled_from(Unit),
    rate_type=st.sampled_from(RateType), currency=st.sampled_from(["USD", "INR", "JPY", "KWD"]),
    valid_from=st.dates(), valid_to=st.one_of(st.none(), st.dates()),
    unit_rate=st.one_of(st.none(), rates), slabs=slab_tables(), slab_mode=st.sampled_from(SlabMode),
    seasons=st.lists(seasons, max_size=3).map(tuple), tou_periods=st.lists(periods, max_size=3).map(tuple),
    charges=any_charges, allowance_units=units, period_factor=st.sampled_from(PeriodFactor),
    limit_rounding=st.sampled_from(LimitRounding), version=st.integers(1, 99),
))
def test_the_document_round_trips_exactly(version) -> None:
    if version.currency == "JPY":  # amounts must fit the currency's minor unit
        version = replace(version, charges=tuple(
            replace(c, amount=None if c.amount is None else c.amount.to_integral_value())
            for c in version.charges))
    document = json.loads(json.dumps(to_document(version)))
    assert from_document(document) == version
    assert to_document(from_document(document)) == document
