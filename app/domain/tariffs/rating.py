"""Rating: a billing period's consumption under a tariff's versions becomes bill lines.

Each tariff names how a period's length counts (its period factor, periods.py): monthly
fixed charges, per-kW charges, minimums, slab limits and allowances are all scaled by that
one factor, so a quarter's slabs are three months' slabs and a fortnight pays half a month.
A period that crosses a tariff version boundary or a season boundary is split by days:
consumption is shared in proportion to the days in each part (to 0.001 unit, the parts
always summing to the reading) and each part gets its share of the factor. Consumption is
read in the meter's unit and priced in the tariff's price unit (units.py converts).
Billing periods are given by their first and last day, both inclusive.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from app.domain.core.errors import ValidationError
from app.domain.tariffs.consumption import consumption as _consumption
from app.domain.tariffs.consumption import load as _load
from app.domain.tariffs.consumption import plain as _plain
from app.domain.tariffs.consumption import quantity as _quantity
from app.domain.tariffs.model import (
    DayType,
    RateType,
    TariffVersion,
    period_hours,
)
from app.domain.tariffs.periods import part_factor, period_factor
from app.domain.tariffs.rating_lines import (
    ONE,
    QUANTITY_QUANTUM,
    ZERO,
    BillLine,
    LineKind,
    RatedBill,
    RatingPlan,
    charge_lines,
    energy_lines,
    prepare_plan,
    rounded_money,
    tou_lines,
)

__all__ = [
    "BillLine", "LineKind", "RatedBill", "RatingPlan", "Segment", "prepare", "rate_period",
    "rate_units", "sample_calculations", "split_in_proportion", "version_segments",
]

_PLANS: dict[int, RatingPlan] = {}
_PLANS_LOCK = threading.Lock()
_PLAN_CACHE_SIZE = 256
_DAYS_IN_WEEK = {DayType.ALL: 7, DayType.WEEKDAY: 5, DayType.WEEKEND: 2}


@dataclass(frozen=True, slots=True)
class Segment:
    """The days of a billing period that one tariff version rates."""

    version: TariffVersion
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def prepare(version: TariffVersion) -> RatingPlan:
    """The version checked and prepared for rating, kept for the versions used most recently."""
    plan = _PLANS.get(id(version))
    if plan is not None and plan.version is version:
        return plan
    plan = prepare_plan(version)
    with _PLANS_LOCK:  # bill runs rate on worker threads
        if len(_PLANS) >= _PLAN_CACHE_SIZE:
            _PLANS.pop(next(iter(_PLANS)))
        # the plan holds the version, so its id cannot be reused while the entry lives
        _PLANS[id(version)] = plan
    return plan


# public calls -------------------------------------------------------------------------------


def rate_units(
    version: TariffVersion,
    units: object = None,
    *,
    units_by_period: Mapping[str, object] | None = None,
    load_kw: object = None,
    days: int = 30,
    season: str | None = None,
) -> RatedBill:
    """One version over one whole billing period of `days` days (per-day charges count them).

    Seasonal tariffs need the `season` to price; Time-based ones need `units_by_period`.
    """
    plan = prepare(version)
    units, by_period = _consumption(plan, units, units_by_period)
    index = _season_named(plan, season) if version.rate_type is RateType.SEASONAL else 0
    return _rate_whole_period(plan, units, by_period, _load(load_kw), days, index)


def _rate_whole_period(plan: RatingPlan, metered: Decimal,
                       by_period: Mapping[str, Decimal] | None, load: Decimal | None,
                       days: int, table_index: int, factor: Decimal = ONE) -> RatedBill:
    """The common case, kept short: one version and one energy table all period."""
    out: list[BillLine] = []
    units = metered if plan.to_price is None else plan.billed(metered)
    if plan.tou:
        registers = _billed_registers(plan, by_period)  # type: ignore[arg-type]
        energy = tou_lines(plan, registers, "", out)
    elif plan.tables:
        table = plan.tables[table_index]
        energy = energy_lines(plan, table, units, factor, table.note, out)
    else:
        energy = ZERO
    total = charge_lines(plan, energy, units, load, days, factor, "", out)
    return _bill(plan, out, total, factor, metered, units)


_tuple = tuple.__new__


def _bill(plan: RatingPlan, out: list[BillLine], total: Decimal, factor: Decimal,
          metered: Decimal, billed: Decimal) -> RatedBill:
    return _tuple(RatedBill, (tuple(out), rounded_money(total, plan.currency), factor, metered,
                              plan.meter_unit, billed, plan.billed_unit, plan.basis))


def _billed_registers(plan: RatingPlan, by_period: Mapping[str, Decimal]) -> Mapping[str, Decimal]:
    if plan.to_price is None:
        return by_period
    return {name: plan.billed(units) for name, units in by_period.items()}


def rate_period(
    versions: Sequence[TariffVersion],
    period_start: date,
    period_end: date,
    units: object = None,
    units_by_period: Mapping[str, object] | None = None,
    load_kw: object = None,
) -> RatedBill:
    """A billing period (both days inclusive) rated under the versions in force in it."""
    only = versions[0] if len(versions) == 1 else None
    if only is not None and only.valid_from <= period_start <= period_end and (
            only.valid_to is None or only.valid_to >= period_end):
        plan = _PLANS.get(id(only))
        if plan is None or plan.version is not only:
            plan = prepare(only)
        days = (period_end - period_start).days + 1
        if len(plan.tables) <= 1:  # the usual bill: one version, no season boundary to split at
            factor = period_factor(plan.method, period_start, days)
            if _plain(units) and not plan.tou and units_by_period is None:  # checked, inline
                whole_units, by_period = units, None
            else:
                whole_units, by_period = _consumption(plan, units, units_by_period)
            load = load_kw if _plain(load_kw) else _load(load_kw)
            return _rate_whole_period(plan, whole_units, by_period, load, days, 0,  # type: ignore[arg-type]
                                      factor)
    segments = version_segments(versions, period_start, period_end)
    if len(segments) == 1:
        plan, days = prepare(segments[0].version), segments[0].days
        if len(plan.tables) <= 1:  # no season boundary to split at
            factor = period_factor(plan.method, period_start, days)
            whole_units, by_period = _consumption(plan, units, units_by_period)
            return _rate_whole_period(plan, whole_units, by_period, _load(load_kw), days, 0,
                                      factor)
    plans = [prepare(segment.version) for segment in segments]
    if len({plan.currency for plan in plans}) > 1:
        raise ValidationError("versions", "Tariff versions in one period must share a currency")
    consumption = [_consumption(plan, units, units_by_period) for plan in plans]
    total_units = consumption[0][0]
    # registers matter to the Time-based versions only; each has checked them above
    by_period = next((registers for _, registers in consumption if registers is not None), None)
    load = _load(load_kw)
    days = [segment.days for segment in segments]
    unit_parts = split_in_proportion(total_units, days)
    period_parts = _split_registers(by_period, days)
    out: list[BillLine] = []
    total = billed = factor = ZERO
    context = _PeriodContext(period_start, sum(days), len(segments) > 1)
    for plan, segment, part_units, part_by_period in zip(
        plans, segments, unit_parts, period_parts, strict=True
    ):
        part = _rate_segment(plan, segment, part_units, part_by_period, load, context, out)
        total, billed, factor = total + part[0], billed + part[1], factor + part[2]
    return _bill(plans[-1], out, total, ONE if factor == ONE else factor, total_units, billed)


def sample_calculations(
    version: TariffVersion,
    levels: Iterable[object] = (100, 200, 500),
    *,
    load_kw: object = None,
    days: int = 30,
    season: str | None = None,
) -> list[tuple[Decimal, RatedBill]]:
    """The bill at each consumption level, for the tariff screen's sample calculations.

    A Seasonal tariff is shown in `season` (the first season unless named); a Time-based one
    assumes consumption spread evenly over the hours of the week.
    """
    if version.rate_type is RateType.SEASONAL and season is None:
        season = version.seasons[0].name
    samples = []
    for level in levels:
        units = _quantity("levels", level)
        by_period = _typical_split(version, units) if version.tou_periods else None
        bill = rate_units(version, None if by_period else units, units_by_period=by_period,
                          load_kw=load_kw, days=days, season=season)
        samples.append((units, bill))
    return samples


# periods and versions -------------------------------------------------------------------------


def version_segments(versions: Sequence[TariffVersion], start: date, end: date) -> list[Segment]:
    """The versions in force over [start, end] in date order; refuses gaps and overlaps."""
    if end < start:
        raise ValidationError("period_end", "The period must not end before it starts")
    if len(versions) == 1 and versions[0].valid_from <= start:
        only = versions[0]
        if only.valid_to is None or only.valid_to >= end:
            return [Segment(only, start, end)]  # the usual case: one version all period
    in_period = sorted(
        (v for v in versions if v.valid_from <= end and (v.valid_to is None or v.valid_to >= start)),
        key=lambda version: version.valid_from,
    )
    segments: list[Segment] = []
    cursor = start
    for version in in_period:
        if version.valid_from > cursor:
            break
        if segments and version.valid_from < cursor:
            message = f"Tariff versions v{segments[-1].version.version} and v{version.version} overlap"
            raise ValidationError("versions", message)
        last = end if version.valid_to is None or version.valid_to > end else version.valid_to
        segments.append(Segment(version, cursor, last))
        cursor = last + timedelta(days=1)
    if cursor <= end:
        raise ValidationError("period", f"No tariff version is in force on {cursor.isoformat()}")
    return segments


def split_in_proportion(quantity: Decimal, weights: Sequence[int]) -> list[Decimal]:
    """`quantity` shared by weights (days), each part to 0.001 unit (or the reading's own
    precision if finer); cumulative rounding makes the parts sum exactly to `quantity`."""
    if len(weights) == 1:
        return [quantity]
    step = min(QUANTITY_QUANTUM, Decimal(1).scaleb(quantity.as_tuple().exponent))  # type: ignore[arg-type]
    whole, parts, reached, previous = sum(weights), [], 0, ZERO
    for index, weight in enumerate(weights):
        reached += weight
        if index == len(weights) - 1:
            cumulative = quantity
        else:
            cumulative = (quantity * reached / whole).quantize(step, rounding=ROUND_HALF_UP)
        parts.append(cumulative - previous)
        previous = cumulative
    return parts


@dataclass(frozen=True, slots=True)
class _PeriodContext:
    start: date
    days: int
    split_by_version: bool


def _rate_segment(plan: RatingPlan, segment: Segment, metered: Decimal,
                  by_period: Mapping[str, Decimal] | None, load: Decimal | None,
                  context: _PeriodContext, out: list[BillLine]) -> tuple[Decimal, Decimal, Decimal]:
    """One version's lines over its days; returns their total, billed units and factor."""
    version_note = [f"v{plan.version.version}", f"{segment.days} days"] if context.split_by_version else []
    whole = period_factor(plan.method, context.start, context.days)
    factor = part_factor(plan.method, whole, context.days, segment.start, segment.days)
    units = plan.billed(metered)
    if plan.tou:
        assert by_period is not None
        energy = tou_lines(plan, _billed_registers(plan, by_period), _note(version_note), out)
    else:
        energy = _energy_over_runs(plan, segment, units, context, whole, version_note[:1], out)
    total = charge_lines(plan, energy, units, load, segment.days, factor, _note(version_note), out)
    return total, units, factor


def _energy_over_runs(plan: RatingPlan, segment: Segment, units: Decimal,
                      context: _PeriodContext, whole: Decimal, version_note: list[str],
                      out: list[BillLine]) -> Decimal:
    """Energy lines for each run of days under one table (one per season met)."""
    if not plan.tables:
        return ZERO
    runs = _season_runs(plan, segment)
    run_units = split_in_proportion(units, [days for _, days in runs])
    energy, run_start = ZERO, segment.start
    split = len(runs) > 1 or context.split_by_version
    for (index, days), part in zip(runs, run_units, strict=True):
        factor = part_factor(plan.method, whole, context.days, run_start, days)
        run_start += timedelta(days=days)
        table = plan.tables[index]
        note = _note([*version_note, *([table.name] if table.name else []),
                      *([f"{days} days"] if split else [])])
        energy += energy_lines(plan, table, part, ONE if factor == 1 else factor, note, out)
    return energy


def _season_runs(plan: RatingPlan, segment: Segment) -> list[tuple[int, int]]:
    """(table index, days) for each run of consecutive days in one season."""
    if len(plan.tables) == 1:
        return [(0, segment.days)]
    runs: list[list[int]] = []
    day = segment.start
    for _ in range(segment.days):
        index = plan.season_index[(day.month, day.day)]
        if runs and runs[-1][0] == index:
            runs[-1][1] += 1
        else:
            runs.append([index, 1])
        day += timedelta(days=1)
    return [(index, days) for index, days in runs]


def _note(parts: list[str]) -> str:
    return f" ({', '.join(parts)})" if parts else ""


def _split_registers(by_period: Mapping[str, Decimal] | None, days: list[int]
                     ) -> list[dict[str, Decimal] | None]:
    if by_period is None:
        return [None] * len(days)
    shares = {name: split_in_proportion(units, days) for name, units in by_period.items()}
    return [{name: parts[index] for name, parts in shares.items()} for index in range(len(days))]


def _season_named(plan: RatingPlan, season: str | None) -> int:
    for index, table in enumerate(plan.tables):
        if table.name == season:
            return index
    raise ValidationError("season", "Choose one of the tariff's seasons to price a Seasonal tariff")


def _typical_split(version: TariffVersion, units: Decimal) -> dict[str, Decimal]:
    """Units spread evenly over the hours of a week, as the sample calculation assumes."""
    weights = [len(period_hours(p)) * _DAYS_IN_WEEK[p.days] for p in version.tou_periods]
    parts = split_in_proportion(units, weights)
    return {period.name: part for period, part in zip(version.tou_periods, parts, strict=True)}
