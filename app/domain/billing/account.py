"""One service account's bill for a period, decided from facts the bill run gathered.

Consumption per metered service is read from the meter: from the read that closed the
account's previous bill (or the meter's first read) to the latest read on or before the bill
date. Without an actual read it is estimated (last year's same period, else the recent
average) and the bill is Estimated; the next actual read then counts from the estimate, so
the two bills together charge what the meter measured. Anything that stops the bill raises
BillingRefused with the spec's category and a detail a specialist can act on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from app.domain.billing.compose import ComposedBill, PlanTerms, ServiceUsage, compose_bill
from app.domain.billing.consumption import PastPeriod, estimate_units
from app.domain.billing.exceptions import BillingRefused, Category
from app.domain.billing.reads import Reading, ReadReason, ReadType, units_between
from app.domain.core.errors import ValidationError
from app.domain.tariffs.model import TariffVersion

ZERO = Decimal(0)
SAME_PERIOD_TOLERANCE = timedelta(days=20)


@dataclass(frozen=True, slots=True)
class MeterHistory:
    meter_no: str
    utility: str
    registers: tuple[str, ...]
    dial_digits: int
    reads: tuple[Reading, ...]  # every register, oldest first


@dataclass(frozen=True, slots=True)
class TariffChoice:
    """The tariff that rates a service for this consumer, or why there is none."""

    name: str = ""
    versions: tuple[TariffVersion, ...] = ()
    problem: str = ""


@dataclass(frozen=True, slots=True)
class PastBill:
    period_start: date
    period_end: date
    consumption: Decimal
    closing_read_on: date | None


@dataclass(frozen=True, slots=True)
class AccountFacts:
    account_no: str
    consumer_name: str
    billing_address: str
    meters: tuple[MeterHistory, ...]
    tariffs: Mapping[str, TariffChoice]  # utility -> tariff
    plan: PlanTerms | None = None
    past_bills: tuple[PastBill, ...] = ()  # oldest first
    load_kw: Decimal | None = None
    arrears: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class EstimatedRead:
    meter_no: str
    register: str
    read_on: date
    reading: Decimal


@dataclass(frozen=True, slots=True)
class AccountBill:
    composed: ComposedBill
    estimated: bool
    closing_read_on: date
    estimated_reads: tuple[EstimatedRead, ...] = field(default=())


def bill_account(facts: AccountFacts, currency: str, period_start: date, period_end: date,
                 bill_date: date, recent_periods: int = 3) -> AccountBill:
    if not facts.billing_address.strip():
        raise BillingRefused(Category.CUSTOMER_DATA,
                             f"{facts.consumer_name} ({facts.account_no}) has no billing address")
    if not facts.meters:
        raise BillingRefused(Category.CUSTOMER_DATA, f"No meter is installed on {facts.account_no}")
    opened_on = facts.past_bills[-1].closing_read_on if facts.past_bills else None
    services, estimates, closing = [], [], []
    for meter in facts.meters:
        choice = facts.tariffs.get(meter.utility) or TariffChoice(
            problem=f"No tariff rates {meter.utility} for {facts.account_no}")
        if choice.problem:
            raise BillingRefused(Category.RATE_CALCULATION, choice.problem)
        usage, read_on, estimated = _meter_usage(facts, meter, choice, opened_on, period_start,
                                                 period_end, bill_date, recent_periods)
        services.append(usage)
        estimates.extend(estimated)
        closing.append(read_on)
    try:
        composed = compose_bill(currency, period_start, period_end, services, facts.plan, facts.arrears)
    except ValidationError as error:
        raise BillingRefused(Category.RATE_CALCULATION, f"{facts.account_no}: {error.message}") from None
    return AccountBill(composed, bool(estimates), max(closing), tuple(estimates))


def _meter_usage(facts: AccountFacts, meter: MeterHistory, choice: TariffChoice,
                 opened_on: date | None, period_start: date, period_end: date, bill_date: date,
                 recent_periods: int) -> tuple[ServiceUsage, date, list[EstimatedRead]]:
    by_register = {register: [r for r in meter.reads if r.register == register]
                   for register in meter.registers}
    units: dict[str, Decimal] = {}
    closing_on: date | None = None
    for register, reads in by_register.items():
        opening = _opening(reads, opened_on)
        later = [r for r in reads if opening is not None and opening.read_on < r.read_on <= bill_date]
        if opening is None or not later:
            break
        used = units_between([opening, *later], meter.dial_digits)
        if used < 0:
            raise BillingRefused(Category.METER_READING,
                                 f"Meter {meter.meter_no} ({register}) reads {later[-1].reading}, "
                                 f"below the read it counts from ({opening.reading})")
        units[register] = used
        closing_on = max(closing_on or later[-1].read_on, later[-1].read_on)
    if len(units) == len(by_register) and closing_on is not None:
        return _usage(facts, meter, choice, units), closing_on, []
    return _estimated(facts, meter, choice, by_register, opened_on, period_start, period_end,
                      bill_date, recent_periods)


def _opening(reads: Sequence[Reading], opened_on: date | None) -> Reading | None:
    """The read a period counts from: the previous bill's closing read, else the first read."""
    if opened_on is None:
        return reads[0] if reads else None
    at_or_before = [r for r in reads if r.read_on <= opened_on]
    return at_or_before[-1] if at_or_before else None


def _usage(facts: AccountFacts, meter: MeterHistory, choice: TariffChoice,
           units: Mapping[str, Decimal]) -> ServiceUsage:
    if meter.registers == ("total",):
        return ServiceUsage(meter.utility, choice.name, choice.versions, units=units["total"],
                            load_kw=facts.load_kw)
    return ServiceUsage(meter.utility, choice.name, choice.versions,
                        units_by_period=_period_names(choice.versions, units), load_kw=facts.load_kw)


def _period_names(versions: Sequence[TariffVersion], units: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Register 'off_peak' rates under the tariff's period 'Off-Peak'."""
    known = {_folded(p.name): p.name for version in versions for p in version.tou_periods}
    return {known.get(_folded(register), register): value for register, value in units.items()}


def _folded(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _estimated(facts: AccountFacts, meter: MeterHistory, choice: TariffChoice,
               by_register: Mapping[str, list[Reading]], opened_on: date | None,
               period_start: date, period_end: date, bill_date: date,
               recent_periods: int) -> tuple[ServiceUsage, date, list[EstimatedRead]]:
    if meter.registers != ("total",):
        raise BillingRefused(Category.MISSING_READINGS,
                             f"No read of time-of-use meter {meter.meter_no} since "
                             f"{opened_on or 'installation'}; an estimate needs each register")
    days = (period_end - period_start).days + 1
    history = [PastPeriod(b.consumption, (b.period_end - b.period_start).days + 1)
               for b in facts.past_bills]
    last_year = _same_period_last_year(facts.past_bills, period_start)
    estimate = estimate_units(days, last_year, history[-recent_periods:])
    opening = _opening(by_register["total"], opened_on)
    if estimate is None or opening is None:
        raise BillingRefused(Category.MISSING_READINGS,
                             f"No read of meter {meter.meter_no} since {opened_on or 'installation'} "
                             "and no billing history to estimate from")
    reading = opening.reading + estimate.units
    if reading >= Decimal(10) ** meter.dial_digits:
        reading -= Decimal(10) ** meter.dial_digits
    read = EstimatedRead(meter.meter_no, "total", bill_date, reading)
    usage = ServiceUsage(meter.utility, choice.name, choice.versions, units=estimate.units,
                         load_kw=facts.load_kw)
    return usage, bill_date, [read]


def _same_period_last_year(bills: Sequence[PastBill], period_start: date) -> PastPeriod | None:
    target = period_start.replace(year=period_start.year - 1) if not (
        period_start.month == 2 and period_start.day == 29) else period_start - timedelta(days=366)
    for bill in reversed(bills):
        if abs(bill.period_start - target) <= SAME_PERIOD_TOLERANCE:
            return PastPeriod(bill.consumption, (bill.period_end - bill.period_start).days + 1)
    return None


def as_reading(read_on: date, reading: Decimal, read_type: str, reason: str, register: str) -> Reading:
    return Reading(read_on, reading, ReadType(read_type), ReadReason(reason), register)
