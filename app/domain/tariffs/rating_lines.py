"""How one part of a billing period becomes bill lines, from a tariff version prepared once.

Every amount follows money.py's rule: computed exactly, rounded half-up to the minor unit
per line, totals summed from rounded lines. `factor` is the part's period factor (see
periods.py): slab limits, allowances, per-period and per-kW charges and minimums scale by
it; per-day charges count days; adders count units.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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


@dataclass(frozen=True, slots=True)
class RatedBill:
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
        amount = _round(quantity * table.flat_price, plan.quantum)  # type: ignore[operator]
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
    cached = unscaled and note == table.note  # whole-slab lines were built with this note
    money_quantum = plan.quantum
    for band in table.bands:
        upper = band.upper
        if upper is not None and not unscaled:
            upper = plan.scaled(upper, factor)
        last = upper is None or units <= upper
        start = lower if lower > allowance else allowance
        end = units if last else upper
        if end > start:  # type: ignore[operator]
            line = band.full_line
            if not (cached and line is not None and start == lower and end == upper):
                quantity = end - start  # type: ignore[operator]
                amount = (quantity * band.price).quantize(money_quantum, ROUND_HALF_UP)
                line = _line(plan, band.description + note, quantity, band.rate, amount,
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
    running, money_quantum = energy_total, plan.quantum  # the line rule's quantum, as _round
    for charge in plan.charges:
        kind = charge.kind
        if kind is ChargeKind.PERCENTAGE:
            base = running if charge.base_groups is None else _sum(groups, charge.base_groups)
            amount = (base * charge.fraction).quantize(money_quantum, ROUND_HALF_UP)
            line = _line(plan, charge.name + note, base, charge.value, amount,
                         LineKind.PERCENTAGE)
        elif kind is ChargeKind.PER_UNIT_ADDER:
            amount = (units * charge.fraction).quantize(money_quantum, ROUND_HALF_UP)
            line = _line(plan, charge.name + note, units, charge.value, amount, LineKind.ADDER)
        elif kind is ChargeKind.FIXED_PER_PERIOD:
            line = charge.full_line if factor is ONE and not note else _scaled_fixed(
                plan, charge, factor, note)
            assert line is not None
            amount = line.amount.amount
        else:
            line = _other_charge(plan, charge, groups, running, load_kw, days, factor, note)
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


def _scaled_fixed(plan: RatingPlan, charge: PreparedCharge, factor: Decimal,
                  note: str) -> BillLine:
    amount = _round(charge.value * factor, plan.quantum)
    quantity = factor if factor == factor.quantize(SHARE_QUANTUM) else factor.quantize(
        SHARE_QUANTUM, ROUND_HALF_UP)
    return _line(plan, charge.name + note, quantity, charge.value, amount, LineKind.FIXED)


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

