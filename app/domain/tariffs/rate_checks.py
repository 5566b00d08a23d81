"""The checks on a tariff's rates: a unit rate, slab rows and slabs, seasons, time-of-use periods.

Slab rows follow one documented rule: each row's From equals the previous To + 1 when that
To is a whole number (the spec's whole-unit notation: 0-100, 101-500), or equals the previous
To (continuous notation: 0-100, 100-500). Either way a slab covers consumption above the
previous To up to its own To, and only the highest slab may be open-ended ("No limit").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from decimal import Decimal

from app.domain.core.errors import ValidationError
from app.domain.core.money import RATE_SCALE
from app.domain.tariffs.model import (
    UNITS_BY_UTILITY,
    DayType,
    Season,
    Slab,
    SlabRow,
    TariffVersion,
    TouPeriod,
    Unit,
    period_hours,
    season_month_days,
    valid_hour_range,
)
from app.domain.tariffs.units import dimension, exact_factor

SLAB_OVERLAP = "Slabs must not overlap or leave gaps"
OPEN_ENDED_ONLY_LAST = "Only the highest slab may have no upper limit"
LAST_OPEN_ENDED = "The highest slab must have no upper limit, so that all consumption is covered"


def rate_errors(field: str, label: str, rate: Decimal | None) -> list[ValidationError]:
    """A unit rate: present, non-negative, at most 6 decimal places (RATE_SCALE)."""
    if rate is None:
        return [ValidationError(field, f"{label} is required")]
    if rate < 0:
        return [ValidationError(field, f"{label} must not be negative")]
    if not is_whole(rate.scaleb(RATE_SCALE)):
        return [ValidationError(field, f"{label} supports up to {RATE_SCALE} decimal places")]
    return []


def is_whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


def validate_slabs(slabs: Sequence[Slab], field: str = "slabs") -> list[ValidationError]:
    """Slabs as (upper, rate): bounds rising, only the highest (and it must) open-ended."""
    if not slabs:
        return [ValidationError(field, "Slab rate tariffs need at least one consumption range")]
    errors = []
    previous = Decimal(0)
    for index, slab in enumerate(slabs):
        errors += rate_errors(f"{field}[{index}].rate", "Slab rate", slab.rate)
        if slab.upper is None and index < len(slabs) - 1:
            errors.append(ValidationError(f"{field}[{index}].upper", OPEN_ENDED_ONLY_LAST))
        elif slab.upper is not None and slab.upper <= previous:
            errors.append(ValidationError(f"{field}[{index}].upper", SLAB_OVERLAP))
        elif slab.upper is not None:
            previous = slab.upper
    if slabs[-1].upper is not None:
        errors.append(ValidationError(f"{field}[{len(slabs) - 1}].upper", LAST_OPEN_ENDED))
    return errors


def validate_slab_rows(rows: Sequence[SlabRow], field: str = "slabs") -> list[ValidationError]:
    """The spec's From/To rows, under the rule in this module's docstring."""
    if not rows:
        return [ValidationError(field, "Slab rate tariffs need at least one consumption range")]
    errors = []
    if rows[0].start != 0:
        errors.append(ValidationError(f"{field}[0].start", "The first slab must start from 0 units"))
    for index, row in enumerate(rows):
        errors += rate_errors(f"{field}[{index}].rate", "Slab rate", row.rate)
        errors += _row_errors(rows, index, f"{field}[{index}]")
    if rows[-1].end is not None:
        errors.append(ValidationError(f"{field}[{len(rows) - 1}].end", LAST_OPEN_ENDED))
    return errors


def _row_errors(rows: Sequence[SlabRow], index: int, field: str) -> list[ValidationError]:
    row, previous_end = rows[index], Decimal(0)
    if index:
        previous_end = rows[index - 1].end
        if previous_end is None:
            return [ValidationError(f"{field}.start", OPEN_ENDED_ONLY_LAST)]
        if not _follows(previous_end, row.start):
            return [ValidationError(f"{field}.start", SLAB_OVERLAP)]
    if row.end is not None and row.end < row.start:
        return [ValidationError(f"{field}.end", "'To' must not be less than 'From'")]
    if row.end is not None and row.end <= previous_end:
        return [ValidationError(f"{field}.end", SLAB_OVERLAP)]  # an empty slab
    return []


def _follows(previous_end: Decimal, start: Decimal) -> bool:
    return start == previous_end or (is_whole(previous_end) and start == previous_end + 1)


def season_errors(seasons: Sequence[Season]) -> list[ValidationError]:
    if not seasons:
        return [ValidationError("seasons", "A Seasonal tariff needs at least one season")]
    errors = name_errors([season.name for season in seasons], "seasons", "Season")
    covered: Counter[tuple[int, int]] = Counter()
    dates_ok = True
    for index, season in enumerate(seasons):
        errors += _season_rate_errors(season, f"seasons[{index}]")
        try:
            covered.update(season_month_days(season))
        except (TypeError, ValueError):
            dates_ok = False
            message = "Season dates must be real calendar days"
            errors.append(ValidationError(f"seasons[{index}].start", message))
    if dates_ok and (len(covered) != 366 or max(covered.values()) > 1):
        message = "Seasons must cover the whole year without overlap"
        errors.append(ValidationError("seasons", message))
    return errors


def _season_rate_errors(season: Season, field: str) -> list[ValidationError]:
    if (season.rate is None) == (not season.slabs):
        return [ValidationError(f"{field}.rate", "Give the season either a rate or slabs")]
    if season.rate is not None:
        return rate_errors(f"{field}.rate", "Season rate", season.rate)
    return validate_slabs(season.slabs, f"{field}.slabs")


def tou_errors(periods: Sequence[TouPeriod]) -> list[ValidationError]:
    if not periods:
        message = "A Time-based tariff needs at least one time period"
        return [ValidationError("tou_periods", message)]
    errors = name_errors([period.name for period in periods], "tou_periods", "Time period")
    hours_ok = True
    for index, period in enumerate(periods):
        errors += rate_errors(f"tou_periods[{index}].rate", "Period rate", period.rate)
        if not period.hours or not all(valid_hour_range(*span) for span in period.hours):
            hours_ok = False
            message = "Give hour ranges from 0 to 24 that do not start and end at the same hour"
            errors.append(ValidationError(f"tou_periods[{index}].hours", message))
    if hours_ok and not _covers_each_day(periods):
        message = "Time periods must cover all 24 hours without overlap"
        errors.append(ValidationError("tou_periods", message))
    return errors


def _covers_each_day(periods: Sequence[TouPeriod]) -> bool:
    for day_type in (DayType.WEEKDAY, DayType.WEEKEND):
        hours = Counter(
            hour
            for period in periods
            if period.days in (DayType.ALL, day_type)
            for hour in period_hours(period)
        )
        if sorted(hours) != list(range(24)) or max(hours.values()) > 1:
            return False
    return True


def name_errors(names: list[str], field: str, label: str) -> list[ValidationError]:
    errors = []
    if any(not (name or "").strip() for name in names):
        errors.append(ValidationError(field, f"{label} name is required"))
    folded = [(name or "").strip().casefold() for name in names]
    if len(set(folded)) != len(folded):
        errors.append(ValidationError(field, f"{label} names must be unique"))
    return errors


def basis_errors(version: TariffVersion) -> list[ValidationError]:
    """The meter's unit and the price basis: units of the utility, a positive quantity, and a
    conversion factor exactly when the two units measure different things."""
    units = UNITS_BY_UTILITY[version.utility]
    label = version.utility.label
    errors = []
    if version.unit not in units:
        errors.append(ValidationError("unit", f"Unit '{version.unit}' is not used for {label}"))
    price_unit = version.price_unit
    if price_unit is not None and price_unit not in units:
        errors.append(ValidationError("price_unit", f"Unit '{price_unit}' is not used for {label}"))
    per = version.price_per
    if not isinstance(per, Decimal) or not per.is_finite() or per <= 0:
        errors.append(ValidationError("price_per", "The price basis quantity must be more than 0"))
    elif not is_whole(per.scaleb(RATE_SCALE)):
        message = f"The price basis quantity supports up to {RATE_SCALE} decimal places"
        errors.append(ValidationError("price_per", message))
    if errors or price_unit is None:
        return errors + _conversion_errors(version.conversion, None)
    return _conversion_errors(version.conversion, (version.unit, price_unit))


def _conversion_errors(conversion: Decimal | None,
                       units: tuple[Unit, Unit] | None) -> list[ValidationError]:
    needed = units is not None and exact_factor(*units) is None
    if conversion is None:
        if needed:
            meter, price = units  # type: ignore[misc]
            message = (f"Give how many {price} one {meter} makes: {dimension(meter)} and "
                       f"{dimension(price)} have no fixed conversion")
            return [ValidationError("conversion", message)]
        return []
    if not needed:
        message = "A conversion factor is only used between a volume and an energy unit"
        return [ValidationError("conversion", message)]
    if not conversion.is_finite() or conversion <= 0:
        return [ValidationError("conversion", "The conversion factor must be more than 0")]
    if not is_whole(conversion.scaleb(RATE_SCALE)):
        message = f"The conversion factor supports up to {RATE_SCALE} decimal places"
        return [ValidationError("conversion", message)]
    return []
