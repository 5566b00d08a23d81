"""Batch edits of tariffs: the rules for extending validity and changing rates by a percentage.

A rate changed by p percent is rate × (100 + p) / 100, rounded to the rate precision of 6
decimals (1/1,000,000 of the currency per unit) half up, as a utility's published tables
round: 0.1234565 → 0.123457. Energy rates change (flat, slab, season, time-of-use rates and
per-unit charges: per day, per kW, per-unit adders); fixed amounts and percentages do not.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from app.domain.core.errors import ValidationError
from app.domain.tariffs.model import RATE_KINDS, Charge, Season, Slab, TariffVersion

RATE_QUANTUM = Decimal("0.000001")
MIN_PERCENT = Decimal(-99)  # a rate never reaches zero or below by a batch change
MAX_PERCENT = Decimal(1000)


def check_percent(percent: Decimal) -> None:
    if not percent.is_finite() or not MIN_PERCENT <= percent <= MAX_PERCENT:
        raise ValidationError("percent", f"The change must be between {MIN_PERCENT}% and {MAX_PERCENT}%")
    if percent == 0:
        raise ValidationError("percent", "A change of 0% changes nothing")


def scaled_rate(rate: Decimal, percent: Decimal) -> Decimal:
    return (rate * (100 + percent) / 100).quantize(RATE_QUANTUM, rounding=ROUND_HALF_UP)


def scale_rates(version: TariffVersion, percent: Decimal) -> TariffVersion:
    """The same tariff with every energy rate changed by `percent`."""
    def rate(value: Decimal | None) -> Decimal | None:
        return None if value is None else scaled_rate(value, percent)

    def slabs(items: tuple[Slab, ...]) -> tuple[Slab, ...]:
        return tuple(Slab(slab.upper, scaled_rate(slab.rate, percent)) for slab in items)

    def charge(item: Charge) -> Charge:
        return replace(item, rate=rate(item.rate)) if item.kind in RATE_KINDS else item

    return replace(
        version, unit_rate=rate(version.unit_rate), slabs=slabs(version.slabs),
        seasons=tuple(Season(s.name, s.start, s.end, rate(s.rate), slabs(s.slabs)) for s in version.seasons),
        tou_periods=tuple(replace(p, rate=scaled_rate(p.rate, percent)) for p in version.tou_periods),
        charges=tuple(charge(c) for c in version.charges))


def extension_problem(current: TariffVersion, valid_to: date) -> str | None:
    """Why the current version's end cannot move to `valid_to`, or None."""
    if current.valid_to is None:
        return "Already valid with no end date"
    if valid_to <= current.valid_to:
        return f"Already valid to {current.valid_to.isoformat()}"
    return None
