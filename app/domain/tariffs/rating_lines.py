"""How one part of a billing period becomes bill lines, from a tariff version prepared once.

Every amount follows money.py's rule: computed exactly, rounded half-up to the minor unit
per line, totals summed from rounded lines. `factor` is the part's period factor (see
periods.py): slab limits, allowances, per-period and per-kW charges and minimums scale by
it; per-day charges count days; adders count units.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.tariffs.model import ChargeKind
from app.domain.tariffs.rating_plan import (
    ONE,
    QUANTITY_QUANTUM,
    ZERO,
    BillLine,
    EnergyTable,
    LineKind,
    PreparedCharge,
    RatingPlan,
    prepare_plan,
)

__all__ = [
    "ONE", "QUANTITY_QUANTUM", "SHARE_QUANTUM", "ZERO", "BillLine", "LineKind", "RatedBill",
    "RatingPlan", "charge_lines", "energy_lines", "prepare_plan", "rounded_money", "tou_lines",
]

SHARE_QUANTUM = Decimal("0.0001")  # the period factor shown on a scaled fixed line


class RatedBill(NamedTuple):
    """Bill lines and their total, which is always the sum of the rounded line amounts.

    `factor` is the period factor the tariff's method gave (1 for a whole month); `metered`
    is the consumption as read, in `meter_unit`; the consumption lines are in `billed_unit`,
    priced `basis` ("per 1,000 gal")."""

    lines: tuple[BillLine, ...]
    total: Money
    factor: Decimal = ONE
    metered: Decimal | None = None
    meter_unit: str = ""
    billed: Decimal | None = None
    billed_unit: str = ""
    basis: str = ""


_new = object.__new__
_tuple = tuple.__new__
# Money is a frozen dataclass: its slots are set directly, as its own __init__ would after
# checking, for amounts this module has already rounded (a bill run makes millions)
_set_amount = Money.__dict__["amount"].__set__
_set_currency = Money.__dict__["currency"].__set__


def _round(value: Decimal, money_quantum: Decimal) -> Decimal:
    """money.py's line rule (half-up to the minor unit) with the quantum looked up once."""
    return value.quantize(money_quantum, rounding=ROUND_HALF_UP)


def rounded_money(amount: Decimal, currency: str) -> Money:
    """Money for an amount this module has already rounded; skips re-checking on the hot path."""
    money = _new(Money)
    _set_amount(money, amount)
    _set_currency(money, currency)
    return money


def _line(plan: RatingPlan, description: str, quantity: Decimal, rate: Decimal | None,
          amount: Decimal, kind: LineKind) -> BillLine:
    money = _new(Money)  # as rounded_money, inlined: this runs for most lines of every bill
    _set_amount(money, amount)
    _set_currency(money, plan.currency)
    return _tuple(BillLine, (description, quantity, rate, money, kind))


def energy_lines(plan: RatingPlan, table: EnergyTable, units: Decimal, factor: Decimal,
                 note: str, out: list[BillLine]) -> Decimal:
    """Appends the consumption lines for `units`; `factor` scales slab limits and allowance."""
    if factor is not ONE and factor != ONE:
        table = plan.scaled_cache.get((table.name, factor)) or plan.scaled_table(table, factor)
    allowance = table.allowance
    if allowance and units > 0:
        included = units if units < allowance else allowance
        out.append(_line(plan, f"Included in fixed charge{note}", included, None, ZERO,
                         LineKind.ALLOWANCE))
    if table.flat_rate is not None:
        quantity = units - allowance if units > allowance else ZERO
        amount = _round(quantity * table.flat_price, plan.quantum)  # type: ignore[operator]
        out.append(_line(plan, f"{plan.word} charge{note}", quantity, table.flat_rate, amount,
                         LineKind.ENERGY))
        return amount
    if plan.volume:
        return _volume_line(plan, table, units, allowance, note, out)
    return _telescopic_lines(plan, table, units, allowance, note, out)


def _telescopic_lines(plan: RatingPlan, table: EnergyTable, units: Decimal, allowance: Decimal,
                      note: str, out: list[BillLine]) -> Decimal:
    """Each slab's rate on the units inside it; units within the allowance are free."""
    cached = note == table.note  # whole-slab lines were built with the table's own note
    if cached and not allowance:  # the usual bill: the used-up slabs' lines are ready made
        used = bisect_left(table.limits, units)  # the slabs whose limit the reading passes
        if used:
            out.extend(table.whole_lines[:used])
        return _last_slab_line(plan, table, used, units, allowance, note, out)
    total, lower = ZERO, ZERO
    money_quantum, currency = plan.quantum, plan.currency
    append = out.append
    for band in table.bands:
        upper = band.upper
        if upper is not None and units > upper:  # the slab is used up to its limit
            if lower >= allowance and cached:
                line = band.full_line
                append(line)
                total += line.amount.amount  # type: ignore[union-attr]
                lower = upper
                continue
            end, last = upper, False
        else:
            end, last = units, True
        start = lower if lower > allowance else allowance
        if end > start:
            quantity = end - start
            amount = (quantity * band.price).quantize(money_quantum, ROUND_HALF_UP)
            money = _new(Money)
            _set_amount(money, amount)
            _set_currency(money, currency)
            append(_tuple(BillLine, (band.description + note, quantity, band.rate, money,
                                     LineKind.ENERGY)))
            total += amount
        if last:
            break
        lower = upper  # type: ignore[assignment]
    return total


def _last_slab_line(plan: RatingPlan, table: EnergyTable, index: int, units: Decimal,
                    allowance: Decimal, note: str, out: list[BillLine]) -> Decimal:
    """The line of the slab a reading ends in, after `index` used-up slabs; returns the
    energy total."""
    total = table.whole_totals[index]
    lower = table.limits[index - 1] if index else ZERO
    start = lower if lower > allowance else allowance
    if units <= start:
        return total
    band = table.bands[index]
    quantity = units - start
    amount = (quantity * band.price).quantize(plan.quantum, ROUND_HALF_UP)
    out.append(_line(plan, band.description + note, quantity, band.rate, amount, LineKind.ENERGY))
    return total + amount


def _volume_line(plan: RatingPlan, table: EnergyTable, units: Decimal, allowance: Decimal,
                 note: str, out: list[BillLine]) -> Decimal:
    """One rate for all billable units: the rate of the slab the total falls in."""
    for band in table.bands:
        if band.upper is None or units <= band.upper:
            break
    quantity = units - allowance if units > allowance else ZERO
    amount = _round(quantity * band.price, plan.quantum)
    out.append(_line(plan, band.volume_description + note, quantity, band.rate, amount,
                     LineKind.ENERGY))
    return amount


def tou_lines(plan: RatingPlan, units_by_period: Mapping[str, Decimal], note: str,
              out: list[BillLine]) -> Decimal:
    """One line per time period: its register's consumption at its rate."""
    total = ZERO
    for name, rate, description, price in plan.tou:
        quantity = units_by_period[name]
        amount = _round(quantity * price, plan.quantum)
        out.append(_line(plan, description + note, quantity, rate, amount, LineKind.ENERGY))
        total += amount
    return total


def charge_lines(plan: RatingPlan, energy_total: Decimal, units: Decimal,
                 load_kw: Decimal | None, days: int, factor: Decimal, note: str,
                 out: list[BillLine]) -> Decimal:
    """Appends the charges in computing order; returns the running total of all lines.

    `factor` is this part's period factor: per-period amounts, demand charges and minimums
    scale by it; per-day charges count `days`; adders count `units` (in the price unit).
    """
    groups = [energy_total]  # each charge's amount, so a base can name earlier lines
    running, money_quantum, currency = energy_total, plan.quantum, plan.currency
    append, remember = out.append, groups.append
    for charge in plan.charges:
        kind = charge.kind
        if kind is _PERCENTAGE:
            single, indexes = charge.single_base, charge.base_groups
            if single >= 0:
                base = groups[single]
            elif indexes is None:
                base = running
            else:
                base = ZERO
                for index in indexes:
                    base += groups[index]
            amount = (base * charge.fraction).quantize(money_quantum, ROUND_HALF_UP)
            money = _new(Money)
            _set_amount(money, amount)
            _set_currency(money, currency)
            append(_tuple(BillLine, (charge.name + note if note else charge.name, base,
                                     charge.value, money, _PERCENTAGE_LINE)))
            remember(amount)
            running += amount
            continue
        if kind is _PER_KW and load_kw is not None:
            amount = (load_kw * charge.value * factor).quantize(money_quantum, ROUND_HALF_UP)
            money = _new(Money)
            _set_amount(money, amount)
            _set_currency(money, currency)
            append(_tuple(BillLine, (charge.name + note if note else charge.name, load_kw,
                                     charge.value, money, _DEMAND_LINE)))
            remember(amount)
            running += amount
            continue
        if kind is ChargeKind.PER_UNIT_ADDER:
            amount = (units * charge.fraction).quantize(money_quantum, ROUND_HALF_UP)
            line: BillLine | None = _line(plan, charge.name + note, units, charge.value, amount,
                                          LineKind.ADDER)
        elif kind is ChargeKind.FIXED_PER_PERIOD:
            line = charge.full_line if factor is ONE and not note else _scaled_fixed(
                plan, charge, factor, note)
            amount = line.amount.amount  # type: ignore[union-attr]
        else:
            line = _other_charge(plan, charge, groups, running, load_kw, days, factor, note)
            amount = ZERO if line is None else line.amount.amount
        remember(amount)
        if line is not None:
            append(line)
            running += amount
    return running


_PERCENTAGE, _PER_KW = ChargeKind.PERCENTAGE, ChargeKind.PER_KW
_PERCENTAGE_LINE, _DEMAND_LINE = LineKind.PERCENTAGE, LineKind.DEMAND


def _sum(groups: list[Decimal], indexes: tuple[int, ...]) -> Decimal:
    total = ZERO
    for index in indexes:
        total += groups[index]
    return total


def _scaled_fixed(plan: RatingPlan, charge: PreparedCharge, factor: Decimal,
                  note: str) -> BillLine:
    key = (charge.name, factor, note)  # a bill run meets few factors: made once each
    line = plan.scaled_cache.get(key)
    if line is None:
        amount = _round(charge.value * factor, plan.quantum)
        quantity = factor if factor == factor.quantize(SHARE_QUANTUM) else factor.quantize(
            SHARE_QUANTUM, ROUND_HALF_UP)
        line = _line(plan, charge.name + note, quantity, charge.value, amount, LineKind.FIXED)
        plan.remember(key, line)
    return line


def _other_charge(plan: RatingPlan, charge: PreparedCharge, groups: list[Decimal],
                  running: Decimal, load_kw: Decimal | None, days: int, factor: Decimal,
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
        amount = _round(load_kw * charge.value * factor, plan.quantum)
        return _line(plan, description, load_kw, charge.value, amount, LineKind.DEMAND)
    base = running if charge.base_groups is None else _sum(groups, charge.base_groups)
    floor = charge.value if factor is ONE else _round(charge.value * factor, plan.quantum)
    if base >= floor:
        return None  # the minimum only shows when it tops the bill up
    return _line(plan, description, ONE, None, floor - base, LineKind.MINIMUM)

