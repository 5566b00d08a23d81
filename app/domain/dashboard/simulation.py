"""A tariff simulation's arithmetic: rates changed by a percentage, and the summary of bills
re-composed under the changed tariff (revenue delta, a histogram of bill changes, the most
affected accounts, totals by consumer category). The bills themselves are composed by the
billing engine (app/domain/billing), once as in force and once as proposed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from app.domain.core.errors import ValidationError
from app.domain.tariffs.model import Season, Slab, TariffVersion, TouPeriod

ZERO = Decimal(0)
HUNDRED = Decimal(100)
RATE_PLACES = Decimal("0.000001")  # unit rates are stored to six decimals


def _scaled(rate: Decimal | None, factor: Decimal) -> Decimal | None:
    return None if rate is None else (rate * factor).quantize(RATE_PLACES, ROUND_HALF_UP)


def _slabs(slabs: tuple[Slab, ...], factor: Decimal) -> tuple[Slab, ...]:
    return tuple(Slab(slab.upper, _scaled(slab.rate, factor)) for slab in slabs)


def check_rate_change(percent: Decimal) -> None:
    if percent == 0:
        raise ValidationError("Rate change", "must not be 0%")
    if percent <= -HUNDRED:
        raise ValidationError("Rate change", "must be more than -100%")


def scale_rates(version: TariffVersion, percent: Decimal) -> TariffVersion:
    """The version with every energy rate (flat, slab, seasonal, time-of-use) changed by
    `percent`; fixed charges, allowances and taxes stay as they are."""
    check_rate_change(percent)
    factor = 1 + percent / HUNDRED
    return replace(
        version, unit_rate=_scaled(version.unit_rate, factor), slabs=_slabs(version.slabs, factor),
        seasons=tuple(Season(s.name, s.start, s.end, _scaled(s.rate, factor), _slabs(s.slabs, factor))
                      for s in version.seasons),
        tou_periods=tuple(TouPeriod(p.name, p.hours, _scaled(p.rate, factor), p.days)
                          for p in version.tou_periods))


@dataclass(frozen=True, slots=True)
class SimulatedBill:
    """One account's bill for the cycle as rated today and as it would be under the proposal."""

    account_no: str
    consumer: str
    segment: str  # consumer category
    current_total: Decimal
    proposed_total: Decimal
    current_energy: Decimal  # the tariff engine's lines only
    proposed_energy: Decimal

    @property
    def delta(self) -> Decimal:
        return self.proposed_total - self.current_total

    @property
    def delta_percent(self) -> Decimal | None:
        if not self.current_total:
            return None
        return (self.delta * HUNDRED / self.current_total).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class HistogramBin:
    low: Decimal  # inclusive
    high: Decimal  # exclusive (the last bin includes it)
    count: int


@dataclass(frozen=True, slots=True)
class SegmentEffect:
    segment: str
    accounts: int
    current: Decimal
    proposed: Decimal

    @property
    def delta(self) -> Decimal:
        return self.proposed - self.current


@dataclass(frozen=True, slots=True)
class SimulationSummary:
    accounts: int
    current_revenue: Decimal
    proposed_revenue: Decimal
    current_energy: Decimal
    proposed_energy: Decimal
    histogram: tuple[HistogramBin, ...]
    most_affected: tuple[SimulatedBill, ...]
    by_segment: tuple[SegmentEffect, ...]

    @property
    def revenue_delta(self) -> Decimal:
        return self.proposed_revenue - self.current_revenue

    @property
    def revenue_delta_percent(self) -> Decimal | None:
        if not self.current_revenue:
            return None
        return (self.revenue_delta * HUNDRED / self.current_revenue).quantize(Decimal("0.01"), ROUND_HALF_UP)


def histogram(deltas: Sequence[Decimal], bins: int = 10) -> tuple[HistogramBin, ...]:
    """Equal-width bins from the smallest to the largest change, rounded to the cent."""
    if not deltas:
        return ()
    low, high = min(deltas), max(deltas)
    if low == high:
        return (HistogramBin(low, high, len(deltas)),)
    width = ((high - low) / bins).quantize(Decimal("0.01"), ROUND_HALF_UP) or Decimal("0.01")
    counts = [0] * bins
    for delta in deltas:
        counts[min(int((delta - low) / width), bins - 1)] += 1
    return tuple(HistogramBin(low + width * i, high if i == bins - 1 else low + width * (i + 1), count)
                 for i, count in enumerate(counts))


def summarise(bills: Sequence[SimulatedBill], top: int = 20, bins: int = 10) -> SimulationSummary:
    segments: dict[str, list[SimulatedBill]] = defaultdict(list)
    for bill in bills:
        segments[bill.segment].append(bill)
    by_segment = tuple(SegmentEffect(name, len(rows), sum((r.current_total for r in rows), ZERO),
                                     sum((r.proposed_total for r in rows), ZERO))
                       for name, rows in sorted(segments.items()))
    ranked = sorted(bills, key=lambda b: (-abs(b.delta), b.account_no))
    return SimulationSummary(
        len(bills), sum((b.current_total for b in bills), ZERO), sum((b.proposed_total for b in bills), ZERO),
        sum((b.current_energy for b in bills), ZERO), sum((b.proposed_energy for b in bills), ZERO),
        histogram([b.delta for b in bills], bins), tuple(ranked[:top]), by_segment)
