"""How one part of a billing period becomes bill lines, from a tariff version prepared once.

Every amount follows money.py's rule: computed exactly, rounded half-up to the minor unit
per line, totals summed from rounded lines. The quantum is looked up once per tariff and
whole-slab and fixed lines are built once, because a bill run rates millions of reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money, quantum
from app.domain.tariffs.model import (
    ENERGY_BASE,
    ChargeKind,
    LimitRounding,
    MonthDay,
    RateType,
    Slab,
    SlabMode,
    SlabScaling,
    TariffVersion,
    season_month_days,
    slab_label,
    slab_rows,
)
from app.domain.tariffs.validation import check_tariff

ONE = Decimal(1)
ZERO = Decimal(0)
QUANTITY_QUANTUM = Decimal("0.001")  # scaled slab limits and split consumption
SHARE_QUANTUM = Decimal("0.0001")  # the share of a period shown on a prorated fixed line
_WHOLE_UNIT = Decimal(1)
_UTILITY_WORDS = {
    "electricity": "Energy", "water": "Water", "gas": "Gas", "sewer": "Sewer", "waste": "Waste",
}


class LineKind(StrEnum):
    ENERGY = "energy"
    ALLOWANCE = "allowance"
    FIXED = "fixed"
    DEMAND = "demand"
    ADDER = "adder"
    MINIMUM = "minimum"
    PERCENTAGE = "percentage"


@dataclass(frozen=True, slots=True)
class BillLine:
    """One printed line. Percentage lines: quantity is the base amount, rate the percent."""

    description: str
    quantity: Decimal
    rate: Decimal | None
    amount: Money
    kind: LineKind


@dataclass(frozen=True, slots=True)
class RatedBill:
    """Bill lines and their total, which is always the sum of the rounded line amounts."""

    lines: tuple[BillLine, ...]
    total: Money


@dataclass(frozen=True, slots=True)
class Band:
    """A slab made ready: its line descriptions and its line when fully used."""

    upper: Decimal | None
    rate: Decimal
    description: str
    volume_description: str
    full_line: BillLine | None


@dataclass(frozen=True, slots=True)
class EnergyTable:
    """The consumption price of a whole version, or of one season: a flat rate or bands."""

    name: str
    flat_rate: Decimal | None
    bands: tuple[Band, ...]


@dataclass(frozen=True, slots=True)
class PreparedCharge:
    kind: ChargeKind
    name: str
    value: Decimal  # amount, rate or percent, as the kind says
    fraction: Decimal  # percent / 100 for percentages, else the value
    base_groups: tuple[int, ...] | None  # None: every line before it
    full_line: BillLine | None  # a fixed charge over a whole period


@dataclass(frozen=True, slots=True)
class RatingPlan:
    """A tariff version prepared for rating."""

    version: TariffVersion
    currency: str
    quantum: Decimal
    word: str
    allowance: Decimal
    volume: bool
    scaling: bool
    limit_quantum: Decimal
    tables: tuple[EnergyTable, ...]  # one, or one per season; none for Fixed and Time-based
    season_index: Mapping[MonthDay, int]
    tou: tuple[tuple[str, Decimal, str], ...]  # name, rate, line description
    charges: tuple[PreparedCharge, ...]

    def scaled(self, limit: Decimal, factor: Decimal) -> Decimal:
        """A slab limit or allowance times the period factor, rounded as the tariff says."""
        return (limit * factor).quantize(self.limit_quantum, rounding=ROUND_HALF_UP)


# preparing ------------------------------------------------------------------------------


def prepare_plan(version: TariffVersion) -> RatingPlan:
    """Checks the version (an invalid tariff is never rated) and precomputes what it can."""
    check_tariff(version)
    currency = version.currency
    whole = version.limit_rounding is LimitRounding.NEAREST_UNIT
    return RatingPlan(
        version=version,
        currency=currency,
        quantum=quantum(currency),
        word=_word(version),
        allowance=version.allowance_units,
        volume=version.slab_mode is SlabMode.VOLUME,
        scaling=version.slab_scaling is SlabScaling.BY_DAYS,
        limit_quantum=_WHOLE_UNIT if whole else QUANTITY_QUANTUM,
        tables=_tables(version),
        season_index=_season_index(version),
        tou=tuple(
            (period.name, period.rate, f"{_word(version)} {period.name}")
            for period in version.tou_periods
        ),
        charges=_prepared_charges(version),
    )


def _word(version: TariffVersion) -> str:
    return _UTILITY_WORDS[version.utility.value]


def _tables(version: TariffVersion) -> tuple[EnergyTable, ...]:
    if version.rate_type is RateType.FLAT:
        return (EnergyTable("", version.unit_rate, ()),)
    if version.rate_type is RateType.SLAB:
        return (EnergyTable("", None, _bands(version, version.slabs)),)
    if version.rate_type is RateType.SEASONAL:
        return tuple(
            EnergyTable(season.name, season.rate, _bands(version, season.slabs))
            for season in version.seasons
        )
    return ()


def _bands(version: TariffVersion, slabs: tuple[Slab, ...]) -> tuple[Band, ...]:
    bands, lower = [], ZERO
    money_quantum = quantum(version.currency)
    for slab, row in zip(slabs, slab_rows(slabs), strict=True):
        label = slab_label(row, version.unit.value)
        description = f"{_word(version)} {label}"
        full_line = None
        if slab.upper is not None:
            quantity = slab.upper - lower
            amount = _round(quantity * slab.rate, money_quantum)
            full_line = BillLine(description, quantity, slab.rate,
                                 Money(amount, version.currency), LineKind.ENERGY)
        volume_description = f"{_word(version)} at the {label} rate"
        bands.append(Band(slab.upper, slab.rate, description, volume_description, full_line))
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
        fraction = value / 100 if charge.kind is ChargeKind.PERCENTAGE else value
        prepared.append(PreparedCharge(charge.kind, charge.name, value, fraction, base, full_line))
        group_of[charge.name] = group
    return tuple(prepared)


# lines ----------------------------------------------------------------------------------

_new = object.__new__
_set = object.__setattr__


def _round(value: Decimal, money_quantum: Decimal) -> Decimal:
    """money.py's line rule (half-up to the minor unit) with the quantum looked up once."""
    return value.quantize(money_quantum, rounding=ROUND_HALF_UP)


def rounded_money(amount: Decimal, currency: str) -> Money:
    """Money for an amount this module has already rounded; skips re-checking on the hot path."""
    money = _new(Money)
    _set(money, "amount", amount)
    _set(money, "currency", currency)
    return money


def _line(plan: RatingPlan, description: str, quantity: Decimal, rate: Decimal | None,
          amount: Decimal, kind: LineKind) -> BillLine:
    money = _new(Money)  # as rounded_money, inlined: this runs for most lines of every bill
    _set(money, "amount", amount)
    _set(money, "currency", plan.currency)
    return BillLine(description, quantity, rate, money, kind)


def energy_lines(plan: RatingPlan, table: EnergyTable, units: Decimal, factor: Decimal,
                 note: str, out: list[BillLine]) -> Decimal:
    """Appends the consumption lines for `units`; `factor` scales slab limits and allowance."""
    allowance = plan.allowance
    if allowance and factor is not ONE:
        allowance = plan.scaled(allowance, factor)
    if allowance and units > 0:
        included = units if units < allowance else allowance
        out.append(_line(plan, f"Included in fixed charge{note}", included, None, ZERO,
                         LineKind.ALLOWANCE))
    if table.flat_rate is not None:
        quantity = units - allowance if units > allowance else ZERO
        amount = _round(quantity * table.flat_rate, plan.quantum)
        out.append(_line(plan, f"{plan.word} charge{note}", quantity, table.flat_rate, amount,
                         LineKind.ENERGY))
        return amount
    if plan.volume:
        return _volume_line(plan, table, units, allowance, factor, note, out)
    return _telescopic_lines(plan, table, units, allowance, factor, note, out)


def _telescopic_lines(plan: RatingPlan, table: EnergyTable, units: Decimal, allowance: Decimal,
                      factor: Decimal, note: str, out: list[BillLine]) -> Decimal:
    """Each slab's rate on the units inside it; units within the allowance are free."""
    total, lower, unscaled = ZERO, ZERO, factor is ONE
    for band in table.bands:
        upper = band.upper
        if upper is not None and not unscaled:
            upper = plan.scaled(upper, factor)
        last = upper is None or units <= upper
        start = lower if lower > allowance else allowance
        end = units if last else upper
        if end > start:
            line = band.full_line
            if not (unscaled and line is not None and start == lower and end == upper):
                amount = ((end - start) * band.rate).quantize(plan.quantum, ROUND_HALF_UP)
                line = _line(plan, band.description + note, end - start, band.rate, amount,
                             LineKind.ENERGY)
            out.append(line)
            total += line.amount.amount
        if last:
            break
        lower = upper  # type: ignore[assignment]  # only the last band is open-ended
    return total


def _volume_line(plan: RatingPlan, table: EnergyTable, units: Decimal, allowance: Decimal,
                 factor: Decimal, note: str, out: list[BillLine]) -> Decimal:
    """One rate for all billable units: the rate of the slab the total falls in."""
    for band in table.bands:
        upper = band.upper
        if upper is not None and factor is not ONE:
            upper = plan.scaled(upper, factor)
        if upper is None or units <= upper:
            break
    quantity = units - allowance if units > allowance else ZERO
    amount = _round(quantity * band.rate, plan.quantum)
    out.append(_line(plan, band.volume_description + note, quantity, band.rate, amount,
                     LineKind.ENERGY))
    return amount


def tou_lines(plan: RatingPlan, units_by_period: Mapping[str, Decimal], note: str,
              out: list[BillLine]) -> Decimal:
    """One line per time period: its register's consumption at its rate."""
    total = ZERO
    for name, rate, description in plan.tou:
        quantity = units_by_period[name]
        amount = _round(quantity * rate, plan.quantum)
        out.append(_line(plan, description + note, quantity, rate, amount, LineKind.ENERGY))
        total += amount
    return total


def charge_lines(plan: RatingPlan, energy_total: Decimal, units: Decimal,
                 load_kw: Decimal | None, days: int, share: Decimal, note: str,
                 out: list[BillLine]) -> Decimal:
    """Appends the charges in computing order; returns the running total of all lines.

    `share` is this part's fraction of the billing period: per-period amounts, demand charges
    and minimums are prorated by it; per-day charges count `days`; adders count `units`.
    """
    groups = [energy_total]  # each charge's amount, so a base can name earlier lines
    running, money_quantum = energy_total, plan.quantum  # the line rule's quantum, as _round
    for charge in plan.charges:
        kind, value = charge.kind, charge.value
        if kind is ChargeKind.PERCENTAGE:
            base = running if charge.base_groups is None else _sum(groups, charge.base_groups)
            amount = (base * charge.fraction).quantize(money_quantum, ROUND_HALF_UP)
            line = _line(plan, charge.name + note, base, value, amount, LineKind.PERCENTAGE)
        elif kind is ChargeKind.PER_UNIT_ADDER:
            amount = (units * value).quantize(money_quantum, ROUND_HALF_UP)
            line = _line(plan, charge.name + note, units, value, amount, LineKind.ADDER)
        elif kind is ChargeKind.FIXED_PER_PERIOD:
            line = charge.full_line if share is ONE else _prorated_fixed(plan, charge, share, note)
            assert line is not None
            amount = line.amount.amount
        else:
            line = _other_charge(plan, charge, groups, running, load_kw, days, share, note)
            amount = ZERO if line is None else line.amount.amount
        groups.append(amount)
        if line is not None:
            out.append(line)
            running += amount
    return running


def _sum(groups: list[Decimal], indexes: tuple[int, ...]) -> Decimal:
    total = ZERO
    for index in indexes:
        total += groups[index]
    return total


def _prorated_fixed(plan: RatingPlan, charge: PreparedCharge, share: Decimal,
                    note: str) -> BillLine:
    amount = _round(charge.value * share, plan.quantum)
    return _line(plan, charge.name + note, share.quantize(SHARE_QUANTUM), charge.value, amount,
                 LineKind.FIXED)


def _other_charge(plan: RatingPlan, charge: PreparedCharge, groups: list[Decimal],
                  running: Decimal, load_kw: Decimal | None, days: int, share: Decimal,
                  note: str) -> BillLine | None:
    """Per-day, per-kW and minimum charges: rarer, so kept off the common path."""
    description = charge.name + note
    if charge.kind is ChargeKind.FIXED_PER_DAY:
        amount = _round(days * charge.value, plan.quantum)
        return _line(plan, description, Decimal(days), charge.value, amount, LineKind.FIXED)
    if charge.kind is ChargeKind.PER_KW:
        if load_kw is None:
            message = f"'{charge.name}' is charged per kW: give the sanctioned load or demand"
            raise ValidationError("load_kw", message)
        amount = _round(load_kw * charge.value * share, plan.quantum)
        return _line(plan, description, load_kw, charge.value, amount, LineKind.DEMAND)
    base = running if charge.base_groups is None else _sum(groups, charge.base_groups)
    floor = charge.value if share is ONE else _round(charge.value * share, plan.quantum)
    if base >= floor:
        return None  # the minimum only shows when it tops the bill up
    return _line(plan, description, ONE, None, floor - base, LineKind.MINIMUM)
