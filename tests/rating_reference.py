"""The rating rules written out plainly, to check the engine's prepared, cached path against.

Straight from the tariff version each time: no plan, no caches, no shortcuts. It covers the
bills the engine rates in one piece (one version all period, one energy table: Flat, Slab,
Fixed or one season all year, the meter's unit as the price unit) with every kind of charge. Lines come back as
plain tuples of (description, quantity, rate, amount, kind) with the numbers as strings, so
that a comparison also catches a change of exponent ("100" printed as "100.000").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from app.domain.core.errors import ValidationError
from app.domain.core.money import quantum
from app.domain.tariffs.model import (
    Charge,
    ChargeKind,
    LimitRounding,
    RateType,
    SlabMode,
    TariffVersion,
    slab_label,
    slab_rows,
)
from app.domain.tariffs.periods import period_factor
from app.domain.tariffs.units import basis_label

ZERO = Decimal(0)
WORDS = {"electricity": "Energy", "water": "Water", "gas": "Gas", "sewer": "Sewer", "waste": "Waste"}
LIMIT_ROUNDING = {
    LimitRounding.NONE: (Decimal("0.001"), ROUND_HALF_UP),
    LimitRounding.NEAREST_UNIT: (Decimal(1), ROUND_HALF_UP),
    LimitRounding.DOWN: (Decimal(1), ROUND_FLOOR),
}

Line = tuple[str, str, str | None, str, str]


@dataclass
class ReferenceBill:
    lines: list[Line]
    total: str
    factor: Decimal


def reference_bill(version: TariffVersion, start: date, days: int, units: Decimal,
                   load_kw: Decimal | None, *, factor: Decimal | None = None) -> ReferenceBill:
    """The bill for `days` days from `start`; `factor` overrides the tariff's period factor
    (rate_units counts every period as one month)."""
    if factor is None:
        factor = period_factor(version.period_factor, start, days)
    lines: list[tuple[str, Decimal, Decimal | None, Decimal, str]] = []
    energy = _energy(version, units, factor, lines)
    money = quantum(version.currency)
    amounts = {"energy": energy}
    for charge in sorted(version.charges, key=lambda charge: charge.order):
        line = _charge_line(charge, amounts, sum(line[3] for line in lines), units, load_kw,
                            days, factor, version, money)
        amounts[charge.name] = ZERO if line is None else line[3]
        if line is not None:
            lines.append(line)
    total = sum((line[3] for line in lines), ZERO)
    return ReferenceBill([_as_text(line) for line in lines], str(total), factor)


def _as_text(line: tuple[str, Decimal, Decimal | None, Decimal, str]) -> Line:
    description, quantity, rate, amount, kind = line
    return description, str(quantity), None if rate is None else str(rate), str(amount), kind


def _rounded(value: Decimal, money: Decimal) -> Decimal:
    return value.quantize(money, ROUND_HALF_UP)


def _price(rate: Decimal, version: TariffVersion) -> Decimal:
    return rate if version.price_per == 1 else rate / version.price_per


def _scaled(limit: Decimal, factor: Decimal, version: TariffVersion) -> Decimal:
    """A whole month keeps the tariff's own limits; any other period scales and rounds them."""
    if factor == 1:
        return limit
    step, rounding = LIMIT_ROUNDING[version.limit_rounding]
    return (limit * factor).quantize(step, rounding)


def _energy(version: TariffVersion, units: Decimal, factor: Decimal, lines: list) -> Decimal:
    """Appends the consumption lines; returns their total."""
    if version.rate_type is RateType.FIXED:
        return ZERO
    word, money = WORDS[version.utility.value], quantum(version.currency)
    rate, slabs, note = version.unit_rate, version.slabs, ""
    if version.rate_type is RateType.SEASONAL:  # one season all year: its lines say which
        season = version.seasons[0]
        rate, slabs, note = season.rate, season.slabs, f" ({season.name})"
    allowance = version.allowance_units
    if factor != 1:
        allowance = _scaled(allowance, factor, version) if allowance else ZERO
    if allowance and units > 0:
        included = units if units < allowance else allowance
        lines.append((f"Included in fixed charge{note}", included, None, ZERO, "allowance"))
    billable = units - allowance if units > allowance else ZERO
    if rate is not None:
        amount = _rounded(billable * _price(rate, version), money)
        lines.append((f"{word} charge{note}", billable, rate, amount, "energy"))
        return amount
    unit = version.billed_unit.value
    slabs = [(None if slab.upper is None else _scaled(slab.upper, factor, version), slab.rate,
              slab_label(row, unit)) for slab, row in zip(slabs, slab_rows(slabs), strict=True)]
    if version.slab_mode is SlabMode.VOLUME:
        upper, rate, label = next(slab for slab in slabs if slab[0] is None or units <= slab[0])
        amount = _rounded(billable * _price(rate, version), money)
        lines.append((f"{word} at the {label} rate{note}", billable, rate, amount, "energy"))
        return amount
    total, lower = ZERO, ZERO
    for upper, rate, label in slabs:
        used_up = upper is not None and units > upper
        begin = lower if lower > allowance else allowance
        quantity = (upper if used_up else units) - begin
        whole = used_up and lower >= allowance  # its whole width: printed even when scaled to 0
        if whole or quantity > 0:
            quantity = upper - lower if whole else quantity
            amount = _rounded(quantity * _price(rate, version), money)
            lines.append((f"{word} {label}{note}", quantity, rate, amount, "energy"))
            total += amount
        if not used_up:
            break
        lower = upper
    return total


def _charge_line(charge: Charge, amounts: dict[str, Decimal], before: Decimal, units: Decimal,
                 load_kw: Decimal | None, days: int, factor: Decimal, version: TariffVersion,
                 money: Decimal) -> tuple[str, Decimal, Decimal | None, Decimal, str] | None:
    name, kind = charge.name, charge.kind
    if kind is ChargeKind.FIXED_PER_PERIOD:
        if factor == 1:
            return name, Decimal(1), charge.amount, _rounded(charge.amount, money), "fixed"
        share = factor.quantize(Decimal("0.0001"), ROUND_HALF_UP)
        shown = factor if share == factor else share
        return name, shown, charge.amount, _rounded(charge.amount * factor, money), "fixed"
    if kind is ChargeKind.FIXED_PER_DAY:
        return name, Decimal(days), charge.rate, _rounded(days * charge.rate, money), "fixed"
    if kind is ChargeKind.PER_KW:
        if load_kw is None:
            raise ValidationError("load_kw", "a per-kW charge needs the load")
        return name, load_kw, charge.rate, _rounded(load_kw * charge.rate * factor, money), "demand"
    if kind is ChargeKind.PER_UNIT_ADDER:
        return name, units, charge.rate, _rounded(units * _price(charge.rate, version), money), "adder"
    base = before if not charge.base else sum(amounts[line] for line in charge.base)
    if kind is ChargeKind.MINIMUM:
        floor = charge.amount if factor == 1 else _rounded(charge.amount * factor, money)
        return None if base >= floor else (name, Decimal(1), None, floor - base, "minimum")
    return name, base, charge.percent, _rounded(base * charge.percent / 100, money), "percentage"


def engine_lines(bill: object) -> list[Line]:
    """A RatedBill's lines in the reference's form."""
    return [(line.description, str(line.quantity), None if line.rate is None else str(line.rate),
             str(line.amount.amount), line.kind.value) for line in bill.lines]  # type: ignore[attr-defined]


def reference_basis(version: TariffVersion) -> str:
    return basis_label(version.price_per, version.billed_unit.value)
