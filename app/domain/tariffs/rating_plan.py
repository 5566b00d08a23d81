"""A tariff version prepared once for rating: bands, charges, price basis and limit rounding.

A bill run rates millions of reads on a handful of versions, so everything that depends on
the version alone is worked out here: the price of one billed unit (rate / price basis
quantity), line descriptions, whole-slab and fixed lines, the meter-to-price conversion.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import NamedTuple

from app.domain.core.money import Money, quantum
from app.domain.tariffs.model import (
    ENERGY_BASE,
    ChargeKind,
    LimitRounding,
    MonthDay,
    PeriodFactor,
    RateType,
    Slab,
    SlabMode,
    TariffVersion,
    season_month_days,
    slab_label,
    slab_rows,
)
from app.domain.tariffs.units import as_decimal, basis_label, exact_factor, is_terminating
from app.domain.tariffs.validation import check_tariff

ONE = Decimal(1)
ZERO = Decimal(0)
QUANTITY_QUANTUM = Decimal("0.001")  # scaled slab limits, split and converted consumption
_WHOLE_UNIT = Decimal(1)
_UTILITY_WORDS = {
    "electricity": "Energy", "water": "Water", "gas": "Gas", "sewer": "Sewer", "waste": "Waste",
}
_SCALED_CACHE_SIZE = 8192  # (table or charge, factor) pairs: a year of daily read cycles
_LIMIT_ROUNDING = {
    LimitRounding.NONE: (QUANTITY_QUANTUM, ROUND_HALF_UP),
    LimitRounding.NEAREST_UNIT: (_WHOLE_UNIT, ROUND_HALF_UP),
    LimitRounding.DOWN: (_WHOLE_UNIT, ROUND_FLOOR),
}


class LineKind(StrEnum):
    ENERGY = "energy"
    ALLOWANCE = "allowance"
    FIXED = "fixed"
    DEMAND = "demand"
    ADDER = "adder"
    MINIMUM = "minimum"
    PERCENTAGE = "percentage"


class BillLine(NamedTuple):
    """One printed line. Percentage lines: quantity is the base amount, rate the percent.

    Consumption lines give their quantity in the tariff's price unit and their rate per the
    price basis (the bill says which: RatedBill.basis). A named tuple rather than a frozen
    dataclass: a bill run makes a dozen per bill, and a tuple is made four times faster."""

    description: str
    quantity: Decimal
    rate: Decimal | None
    amount: Money
    kind: LineKind


@dataclass(frozen=True, slots=True)
class Band:
    """A slab made ready: its price per billed unit, its descriptions, its line when full."""

    upper: Decimal | None
    rate: Decimal
    price: Decimal  # rate / price basis quantity
    description: str
    volume_description: str
    full_line: BillLine | None  # with the table's own note (its season), unscaled


@dataclass(frozen=True, slots=True)
class EnergyTable:
    """The consumption price of a whole version, or of one season: a flat rate or bands."""

    name: str
    note: str  # " (Winter)" for a season, else ""
    flat_rate: Decimal | None
    flat_price: Decimal | None
    bands: tuple[Band, ...]
    allowance: Decimal = ZERO  # the units included in the fixed charge, scaled with the bands
    # the slabs a reading uses up, found by bisecting `limits`: their lines, made once, and
    # the running totals of those lines (totals[n]: the first n slabs), summed as a bill sums
    limits: tuple[Decimal, ...] = ()
    whole_lines: tuple[BillLine, ...] = ()
    whole_totals: tuple[Decimal, ...] = (ZERO,)


def with_whole_slabs(table: EnergyTable) -> EnergyTable:
    """The table with its used-up slabs' limits, lines and running totals laid out."""
    limited = [band for band in table.bands if band.upper is not None]
    totals = [ZERO]
    for band in limited:
        totals.append(totals[-1] + band.full_line.amount.amount)  # type: ignore[union-attr]
    return replace(table, limits=tuple(band.upper for band in limited),  # type: ignore[misc]
                   whole_lines=tuple(band.full_line for band in limited),  # type: ignore[misc]
                   whole_totals=tuple(totals))


@dataclass(frozen=True, slots=True)
class PreparedCharge:
    kind: ChargeKind
    name: str
    value: Decimal  # amount, rate or percent, as the kind says
    fraction: Decimal  # percent / 100 for percentages, rate / price basis for adders, else value
    base_groups: tuple[int, ...] | None  # None: every line before it
    full_line: BillLine | None  # a fixed charge over a whole period
    single_base: int = -1  # the one earlier line a percentage applies to, else -1


@dataclass(frozen=True, slots=True)
class RatingPlan:
    """A tariff version prepared for rating."""

    version: TariffVersion
    currency: str
    quantum: Decimal
    word: str
    allowance: Decimal
    volume: bool
    method: PeriodFactor
    limit_quantum: Decimal
    limit_rounding: str
    to_price: Decimal | None  # price units per meter unit; None when they are the same
    to_price_exact: bool  # False: converted consumption is rounded to 0.001 unit
    basis: str  # "per 1,000 gal"
    meter_unit: str
    billed_unit: str
    tables: tuple[EnergyTable, ...]  # one, or one per season; none for Fixed and Time-based
    season_index: Mapping[MonthDay, int]
    tou: tuple[tuple[str, Decimal, str, Decimal], ...]  # name, rate, description, price
    charges: tuple[PreparedCharge, ...]
    # (table name, factor) -> the table with its limits scaled; (charge, factor) -> its line
    scaled_cache: dict = field(default_factory=dict, compare=False, repr=False)

    def scaled(self, limit: Decimal, factor: Decimal) -> Decimal:
        """A slab limit or allowance times the period factor, rounded as the tariff says."""
        return (limit * factor).quantize(self.limit_quantum, rounding=self.limit_rounding)

    def scaled_table(self, table: EnergyTable, factor: Decimal) -> EnergyTable:
        """The table with slab limits and allowance scaled by `factor`, and its whole-slab
        lines made for them: worked out once per factor (a bill run meets few of them)."""
        key = (table.name, factor)
        scaled = self.scaled_cache.get(key)
        if scaled is None:
            scaled = _scaled_table(self, table, factor)
            self.remember(key, scaled)
        return scaled

    def remember(self, key: tuple, value: object) -> None:
        if len(self.scaled_cache) >= _SCALED_CACHE_SIZE:
            self.scaled_cache.clear()  # bill runs on worker threads: clear, never evict one
        self.scaled_cache[key] = value

    def billed(self, metered: Decimal) -> Decimal:
        """Metered consumption in the price unit, exactly where the conversion allows."""
        if self.to_price is None:
            return metered
        billed = metered * self.to_price
        return billed if self.to_price_exact else billed.quantize(QUANTITY_QUANTUM, ROUND_HALF_UP)


def prepare_plan(version: TariffVersion) -> RatingPlan:
    """Checks the version (an invalid tariff is never rated) and precomputes what it can."""
    check_tariff(version)
    limit_quantum, limit_rounding = _LIMIT_ROUNDING[version.limit_rounding]
    to_price, exact = _conversion(version)
    word = _UTILITY_WORDS[version.utility.value]
    per = version.price_per
    return RatingPlan(
        version=version, currency=version.currency, quantum=quantum(version.currency),
        word=word, allowance=version.allowance_units,
        volume=version.slab_mode is SlabMode.VOLUME, method=version.period_factor,
        limit_quantum=limit_quantum, limit_rounding=limit_rounding,
        to_price=to_price, to_price_exact=exact,
        basis=basis_label(per, version.billed_unit.value),
        meter_unit=version.unit.value, billed_unit=version.billed_unit.value,
        tables=_tables(version, word),
        season_index=_season_index(version),
        tou=tuple((period.name, period.rate, f"{word} {period.name}", _price(period.rate, per))
                  for period in version.tou_periods),
        charges=_prepared_charges(version),
    )


def _price(rate: Decimal, per: Decimal) -> Decimal:
    return rate if per == 1 else rate / per


def _conversion(version: TariffVersion) -> tuple[Decimal | None, bool]:
    if version.price_unit is None or version.price_unit is version.unit:
        return None, True
    factor = exact_factor(version.unit, version.price_unit)
    if factor is None:
        return version.conversion, True
    return as_decimal(factor), is_terminating(factor)


def _tables(version: TariffVersion, word: str) -> tuple[EnergyTable, ...]:
    per = version.price_per
    if version.rate_type is RateType.FLAT:
        rate = version.unit_rate
        return (EnergyTable("", "", rate, None if rate is None else _price(rate, per), (),
                            version.allowance_units),)
    if version.rate_type is RateType.SLAB:
        return (with_whole_slabs(EnergyTable("", "", None, None,
                                             _bands(version, version.slabs, word, ""),
                                             version.allowance_units)),)
    if version.rate_type is RateType.SEASONAL:
        tables = []
        for season in version.seasons:
            note = f" ({season.name})"
            price = None if season.rate is None else _price(season.rate, per)
            tables.append(with_whole_slabs(EnergyTable(
                season.name, note, season.rate, price, _bands(version, season.slabs, word, note),
                version.allowance_units)))
        return tuple(tables)
    return ()


def _bands(version: TariffVersion, slabs: tuple[Slab, ...], word: str,
           note: str) -> tuple[Band, ...]:
    bands, lower = [], ZERO
    money_quantum = quantum(version.currency)
    for slab, row in zip(slabs, slab_rows(slabs), strict=True):
        label = slab_label(row, version.billed_unit.value)
        description = f"{word} {label}"
        price = _price(slab.rate, version.price_per)
        full_line = None
        if slab.upper is not None:
            quantity = slab.upper - lower
            amount = (quantity * price).quantize(money_quantum, ROUND_HALF_UP)
            full_line = BillLine(description + note, quantity, slab.rate,
                                 Money(amount, version.currency), LineKind.ENERGY)
        volume_description = f"{word} at the {label} rate"
        bands.append(Band(slab.upper, slab.rate, price, description, volume_description,
                          full_line))
        lower = slab.upper if slab.upper is not None else lower
    return tuple(bands)


def _season_index(version: TariffVersion) -> dict[MonthDay, int]:
    return {
        month_day: index
        for index, season in enumerate(version.seasons)
        for month_day in season_month_days(season)
    }


def _prepared_charges(version: TariffVersion) -> tuple[PreparedCharge, ...]:
    group_of = {ENERGY_BASE: 0}
    prepared = []
    for group, charge in enumerate(version.ordered_charges(), start=1):
        value = next(v for v in (charge.amount, charge.rate, charge.percent) if v is not None)
        base = tuple(group_of[name] for name in charge.base) if charge.base else None
        full_line = None
        if charge.kind is ChargeKind.FIXED_PER_PERIOD:
            full_line = BillLine(charge.name, ONE, value,
                                 Money(value, version.currency).rounded(), LineKind.FIXED)
        if charge.kind is ChargeKind.PERCENTAGE:
            fraction = value / 100
        elif charge.kind is ChargeKind.PER_UNIT_ADDER:
            fraction = _price(value, version.price_per)
        else:
            fraction = value
        single = base[0] if base is not None and len(base) == 1 else -1
        prepared.append(PreparedCharge(charge.kind, charge.name, value, fraction, base, full_line,
                                       single))
        group_of[charge.name] = group
    return tuple(prepared)


def _scaled_table(plan: RatingPlan, table: EnergyTable, factor: Decimal) -> EnergyTable:
    bands, lower = [], ZERO
    for band in table.bands:
        upper = None if band.upper is None else plan.scaled(band.upper, factor)
        full_line = None
        if upper is not None:
            quantity = upper - lower
            amount = (quantity * band.price).quantize(plan.quantum, ROUND_HALF_UP)
            full_line = BillLine(band.description + table.note, quantity, band.rate,
                                 Money(amount, plan.currency), LineKind.ENERGY)
            lower = upper
        bands.append(replace(band, upper=upper, full_line=full_line))
    allowance = plan.scaled(table.allowance, factor) if table.allowance else ZERO
    return with_whole_slabs(replace(table, bands=tuple(bands), allowance=allowance))
