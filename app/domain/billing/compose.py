"""A bill composed from its services' consumption, the customer's plan and the ledger.

Each metered service is rated by the tariff engine (rating.rate_period) over the bill's
period, so a bill's energy lines are exactly the tariff quote for the same consumption and
period, prorated across versions and seasons; each line records the tariff version that
rated it. The plan's service charges follow; tax is computed once on the base of every
service's lines (one VAT on a gas-and-electricity bill, rounded once). Every line is rounded
half-up to the minor unit, and the bill total is the sum of its lines. Arrears are carried
forward beside the total (amount due = total + arrears), never as a line of this bill,
since they are already on the ledger.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money, minor_digits, round_half_up
from app.domain.tariffs.model import TariffVersion
from app.domain.tariffs.plans import COMMON_SCOPE, ChargeType, TaxType
from app.domain.tariffs.rating import rate_period, version_segments

ZERO = Decimal(0)
HUNDRED = Decimal(100)
_VERSION_NOTE = re.compile(r"\(v(\d+)[,)]")


class LineGroup(StrEnum):
    """What a bill line is, for its GL posting and its place on the printed bill."""

    CONSUMPTION = "consumption"  # lines from the tariff engine
    SERVICE_CHARGE = "service_charge"  # the plan's charges
    TAX = "tax"


@dataclass(frozen=True, slots=True)
class ServiceUsage:
    """One metered service of the bill: its consumption and the tariff that rates it."""

    utility: str
    tariff: str
    versions: tuple[TariffVersion, ...]
    units: Decimal | None = None
    units_by_period: Mapping[str, Decimal] | None = None
    load_kw: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PlanCharge:
    name: str
    scope: str  # "Common" or a utility
    charge_type: ChargeType
    amount: Decimal  # an amount per bill (Fixed) or a rate per unit


@dataclass(frozen=True, slots=True)
class PlanTerms:
    name: str
    tax_type: TaxType
    tax_rate: Decimal
    charges: tuple[PlanCharge, ...] = ()


@dataclass(frozen=True, slots=True)
class ComposedLine:
    group: LineGroup
    kind: str
    description: str
    quantity: Decimal | None
    rate: Decimal | None
    amount: Decimal
    utility: str = ""
    tariff_version: int | None = None


@dataclass(frozen=True, slots=True)
class ComposedBill:
    currency: str
    period_start: date
    period_end: date
    lines: tuple[ComposedLine, ...]
    total: Money
    arrears: Money
    consumption: Decimal
    versions: tuple[tuple[str, int], ...] = field(default=())  # (tariff, version) in force last

    @property
    def amount_due(self) -> Money:
        return self.total + self.arrears


def compose_bill(currency: str, period_start: date, period_end: date,
                 services: Sequence[ServiceUsage], plan: PlanTerms | None = None,
                 arrears: Decimal = ZERO) -> ComposedBill:
    if not services:
        raise ValidationError("services", "A bill needs at least one metered service")
    lines: list[ComposedLine] = []
    versions = []
    for service in services:
        lines.extend(_rated_lines(service, period_start, period_end))
        last = version_segments(service.versions, period_start, period_end)[-1].version
        versions.append((service.tariff, last.version))
    if plan is not None:
        lines.extend(_plan_charge_lines(plan, services, currency))
        lines.extend(_tax_lines(plan, lines, currency))
    total = Money(sum((line.amount for line in lines), ZERO), currency)
    consumption = sum((_units(service) for service in services), ZERO)
    return ComposedBill(currency, period_start, period_end, tuple(lines), total,
                        Money(arrears, currency), consumption, tuple(versions))


def _units(service: ServiceUsage) -> Decimal:
    if service.units is not None:
        return service.units
    return sum((service.units_by_period or {}).values(), ZERO)


def _rated_lines(service: ServiceUsage, start: date, end: date) -> list[ComposedLine]:
    rated = rate_period(service.versions, start, end, service.units, service.units_by_period,
                        service.load_kw)
    last = version_segments(service.versions, start, end)[-1].version.version
    lines = []
    for line in rated.lines:
        noted = _VERSION_NOTE.search(line.description)
        lines.append(ComposedLine(LineGroup.CONSUMPTION, line.kind.value, line.description,
                                  line.quantity, line.rate, line.amount.amount, service.utility,
                                  int(noted.group(1)) if noted else last))
    return lines


def _plan_charge_lines(plan: PlanTerms, services: Sequence[ServiceUsage],
                       currency: str) -> list[ComposedLine]:
    lines = []
    for charge in plan.charges:
        in_scope = [s for s in services if charge.scope in (COMMON_SCOPE, s.utility)]
        if not in_scope:
            continue
        if charge.charge_type is ChargeType.FIXED:
            scope = "" if charge.scope == COMMON_SCOPE else in_scope[0].utility
            lines.append(ComposedLine(LineGroup.SERVICE_CHARGE, "plan_charge", charge.name, None,
                                      None, _money(charge.amount, currency), scope))
            continue
        for service in in_scope:
            units = _charged_units(charge, service)
            lines.append(ComposedLine(LineGroup.SERVICE_CHARGE, "plan_charge",
                                      f"{charge.name} ({service.utility})", units, charge.amount,
                                      _money(units * charge.amount, currency), service.utility))
    return lines


def _charged_units(charge: PlanCharge, service: ServiceUsage) -> Decimal:
    """Consumption-based: every unit. Variable (peak usage): the peak period's units where the
    meter has registers, else every unit."""
    if charge.charge_type is ChargeType.VARIABLE and service.units_by_period:
        peak = [units for name, units in service.units_by_period.items()
                if name.casefold().replace("-", "").replace("_", "") == "peak"]
        if peak:
            return peak[0]
    return _units(service)


def _tax_lines(plan: PlanTerms, lines: list[ComposedLine], currency: str) -> list[ComposedLine]:
    if plan.tax_type is TaxType.EXEMPT or plan.tax_rate == 0:
        return []
    if plan.tax_type is TaxType.FLAT:
        return [ComposedLine(LineGroup.TAX, "tax", "Tax", None, None,
                             _money(plan.tax_rate, currency))]
    base = sum((line.amount for line in lines), ZERO)
    percent = plan.tax_rate.normalize()
    return [ComposedLine(LineGroup.TAX, "tax", f"Tax ({percent}% of {base})", base, plan.tax_rate,
                         _money(base * plan.tax_rate / HUNDRED, currency))]


def _money(value: Decimal, currency: str) -> Decimal:
    return round_half_up(value, minor_digits(currency))
