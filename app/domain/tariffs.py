"""Tariff versions and the checks a tariff must pass before it is saved, published or rated.

The definitions live in `tariff_model` and are re-exported here, so callers import tariffs
from one place. Every check names the field and says the rule in the spec's words; a check
collects all problems rather than stopping at the first.

Slab rows follow one documented rule: each row's From equals the previous To + 1 when that
To is a whole number (the spec's whole-unit notation: 0-100, 101-500), or equals the previous
To (continuous notation: 0-100, 100-500). Either way a slab covers consumption above the
previous To up to its own To, and only the highest slab may be open-ended ("No limit").
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from app.domain.errors import ValidationError
from app.domain.money import MINOR_DIGITS, RATE_SCALE
from app.domain.tariff_model import (
    AMOUNT_KINDS,
    BASE_KINDS,
    ENERGY_BASE,
    FIXED_KINDS,
    RATE_KINDS,
    UNITS_BY_UTILITY,
    Charge,
    ChargeKind,
    DayType,
    LimitRounding,
    RateType,
    Season,
    Slab,
    SlabMode,
    SlabRow,
    SlabScaling,
    TariffStatus,
    TariffVersion,
    TouPeriod,
    Unit,
    Utility,
    period_hours,
    season_discount,
    season_discounts,
    season_month_days,
    slab_rows,
    slabs_from_rows,
    tariff_status,
    valid_hour_range,
)

__all__ = [  # the model, re-exported, and the checks
    "ENERGY_BASE", "Charge", "ChargeKind", "DayType", "LimitRounding", "OtherTariff", "RateType",
    "Season", "Slab", "SlabMode", "SlabRow", "SlabScaling", "TariffInvalid", "TariffRef",
    "TariffStatus", "TariffVersion", "TouPeriod", "Unit", "Utility", "check_tariff",
    "season_discount", "season_discounts", "slab_rows", "slabs_from_rows", "tariff_status",
    "validate_slab_rows", "validate_slabs", "validate_tariff",
]

SLAB_OVERLAP = "Slabs must not overlap or leave gaps"
OPEN_ENDED_ONLY_LAST = "Only the highest slab may have no upper limit"
LAST_OPEN_ENDED = "The highest slab must have no upper limit, so that all consumption is covered"

# The energy field each rate type uses; the others must stay empty.
_ENERGY_FIELDS = {
    "unit_rate": RateType.FLAT,
    "slabs": RateType.SLAB,
    "seasons": RateType.SEASONAL,
    "tou_periods": RateType.TIME_OF_USE,
}


class TariffInvalid(ValidationError):
    """A tariff with problems: field and message are the first one's, `errors` holds them all."""

    def __init__(self, errors: Sequence[ValidationError]) -> None:
        super().__init__(errors[0].field, errors[0].rule)
        self.errors = tuple(errors)


class OtherTariff(Protocol):
    """What the uniqueness and overlap checks need to know about another tariff."""

    @property
    def name(self) -> str: ...
    @property
    def utility(self) -> Utility: ...
    @property
    def rate_type(self) -> RateType: ...
    @property
    def valid_from(self) -> date: ...
    @property
    def valid_to(self) -> date | None: ...


@dataclass(frozen=True, slots=True)
class TariffRef:
    """Another tariff as the checks see it; a TariffVersion serves as well."""

    name: str
    utility: Utility
    rate_type: RateType
    valid_from: date
    valid_to: date | None = None


def check_tariff(version: TariffVersion, others: Iterable[OtherTariff] = ()) -> None:
    """Raises TariffInvalid carrying every problem, or returns quietly."""
    errors = validate_tariff(version, others)
    if errors:
        raise TariffInvalid(errors)


def validate_tariff(
    version: TariffVersion, others: Iterable[OtherTariff] = ()
) -> list[ValidationError]:
    """Every problem with a tariff version. `others` are the OTHER tariffs (not this one's
    earlier versions): their names must differ, and those of the same utility and rate type
    must not share a day of validity."""
    others = list(others)
    return [
        *_identity_errors(version, others),
        *_validity_errors(version, others),
        *_energy_errors(version),
        *_charge_errors(version),
        *_allowance_errors(version),
    ]


# identity and validity ------------------------------------------------------------------


def _identity_errors(version: TariffVersion, others: list[OtherTariff]) -> list[ValidationError]:
    errors = []
    name = (version.name or "").strip()
    if not name:
        errors.append(ValidationError("name", "Tariff name is required"))
    for other in others:
        if name and other.name.strip().casefold() == name.casefold():
            errors.append(ValidationError("name", f"A tariff named '{other.name}' already exists"))
    if not isinstance(version.utility, Utility):
        errors.append(ValidationError("utility", "Select exactly one utility type"))
    elif version.unit not in UNITS_BY_UTILITY[version.utility]:
        message = f"Unit '{version.unit}' is not used for {version.utility.label}"
        errors.append(ValidationError("unit", message))
    if not isinstance(version.rate_type, RateType):
        errors.append(ValidationError("rate_type", "Select exactly one rate type"))
    if version.currency not in MINOR_DIGITS:
        errors.append(ValidationError("currency", f"Unknown currency '{version.currency}'"))
    if not isinstance(version.version, int) or version.version < 1:
        errors.append(ValidationError("version", "Version numbers start at 1"))
    return errors


def _validity_errors(version: TariffVersion, others: list[OtherTariff]) -> list[ValidationError]:
    start, end = version.valid_from, version.valid_to
    if start is None:
        return [ValidationError("valid_from", "Start date is required")]
    if end is not None and start > end:
        return [ValidationError("valid_from", "Start date must not be later than the end date")]
    return [
        ValidationError("validity", f"Validity overlaps with tariff '{other.name}'")
        for other in others
        if other.utility == version.utility
        and other.rate_type == version.rate_type
        and _overlaps(start, end, other.valid_from, other.valid_to)
    ]


def _overlaps(start: date, end: date | None, other_start: date, other_end: date | None) -> bool:
    """Inclusive ranges; None is ongoing."""
    return (other_end is None or start <= other_end) and (end is None or other_start <= end)


# rates ------------------------------------------------------------------------------------


def rate_errors(field: str, label: str, rate: Decimal | None) -> list[ValidationError]:
    """A unit rate: present, non-negative, at most 4 decimal places."""
    if rate is None:
        return [ValidationError(field, f"{label} is required")]
    if rate < 0:
        return [ValidationError(field, f"{label} must not be negative")]
    if not _whole(rate.scaleb(RATE_SCALE)):
        return [ValidationError(field, f"{label} supports up to {RATE_SCALE} decimal places")]
    return []


def _whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


def _energy_errors(version: TariffVersion) -> list[ValidationError]:
    if not isinstance(version.rate_type, RateType):
        return []
    errors = [
        ValidationError(field, f"Not used by a {version.rate_type.label} tariff")
        for field, owner in _ENERGY_FIELDS.items()
        if owner is not version.rate_type and getattr(version, field) not in (None, ())
    ]
    if version.rate_type is RateType.FLAT:
        errors += rate_errors("unit_rate", "Unit rate", version.unit_rate)
    elif version.rate_type is RateType.SLAB:
        errors += validate_slabs(version.slabs)
    elif version.rate_type is RateType.SEASONAL:
        errors += _season_errors(version.seasons)
    elif version.rate_type is RateType.TIME_OF_USE:
        errors += _tou_errors(version.tou_periods)
    elif not any(charge.kind in FIXED_KINDS for charge in version.charges):  # Fixed
        errors.append(ValidationError("charges", "A Fixed tariff needs a fixed charge"))
    return errors


# slabs ------------------------------------------------------------------------------------


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
    return start == previous_end or (_whole(previous_end) and start == previous_end + 1)


# seasons and time periods ------------------------------------------------------------------


def _season_errors(seasons: Sequence[Season]) -> list[ValidationError]:
    if not seasons:
        return [ValidationError("seasons", "A Seasonal tariff needs at least one season")]
    errors = _name_errors([season.name for season in seasons], "seasons", "Season")
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


def _tou_errors(periods: Sequence[TouPeriod]) -> list[ValidationError]:
    if not periods:
        message = "A Time-based tariff needs at least one time period"
        return [ValidationError("tou_periods", message)]
    errors = _name_errors([period.name for period in periods], "tou_periods", "Time period")
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


def _name_errors(names: list[str], field: str, label: str) -> list[ValidationError]:
    errors = []
    if any(not (name or "").strip() for name in names):
        errors.append(ValidationError(field, f"{label} name is required"))
    folded = [(name or "").strip().casefold() for name in names]
    if len(set(folded)) != len(folded):
        errors.append(ValidationError(field, f"{label} names must be unique"))
    return errors


# charges and allowance -----------------------------------------------------------------------


def _charge_errors(version: TariffVersion) -> list[ValidationError]:
    charges = version.charges
    errors = _name_errors([charge.name for charge in charges], "charges", "Charge")
    computing_order = sorted(range(len(charges)), key=lambda index: charges[index].order)
    for position, index in enumerate(computing_order):
        charge, field = charges[index], f"charges[{index}]"
        if (charge.name or "").strip().casefold() == ENERGY_BASE:
            message = f"'{ENERGY_BASE}' is reserved for the consumption lines"
            errors.append(ValidationError(f"{field}.name", message))
        if not isinstance(charge.kind, ChargeKind):
            errors.append(ValidationError(f"{field}.kind", "Choose a charge type"))
            continue
        earlier = {charges[other].name for other in computing_order[:position]}
        errors += _charge_value_errors(charge, field, version.currency)
        errors += _base_errors(charge, field, earlier)
    return errors


def _charge_value_errors(charge: Charge, field: str, currency: str) -> list[ValidationError]:
    used = _value_field(charge.kind)
    errors = [
        ValidationError(f"{field}.{name}", f"Not used by {charge.kind.label.lower()}")
        for name in ("amount", "rate", "percent")
        if name != used and getattr(charge, name) is not None
    ]
    value = getattr(charge, used)
    if value is None:
        noun = {"amount": "an amount", "rate": "a rate", "percent": "a percentage"}[used]
        return [*errors, ValidationError(f"{field}.{used}", f"{charge.kind.label} needs {noun}")]
    if used != "amount":
        label = "Charge rate" if used == "rate" else "Percentage"
        return errors + rate_errors(f"{field}.{used}", label, value)
    if value < 0:
        errors.append(ValidationError(f"{field}.amount", "Charge amount must not be negative"))
    elif currency in MINOR_DIGITS and not _whole(value.scaleb(MINOR_DIGITS[currency])):
        message = f"Charge amount has at most {MINOR_DIGITS[currency]} decimal places"
        errors.append(ValidationError(f"{field}.amount", message))
    return errors


def _value_field(kind: ChargeKind) -> str:
    if kind in AMOUNT_KINDS:
        return "amount"
    return "rate" if kind in RATE_KINDS else "percent"


def _base_errors(charge: Charge, field: str, earlier: set[str]) -> list[ValidationError]:
    if charge.base and charge.kind not in BASE_KINDS:
        message = "Only percentage and minimum charges have a base"
        return [ValidationError(f"{field}.base", message)]
    return [
        ValidationError(f"{field}.base", f"Base '{name}' must name an earlier line")
        for name in charge.base
        if name != ENERGY_BASE and name not in earlier
    ]


def _allowance_errors(version: TariffVersion) -> list[ValidationError]:
    allowance = version.allowance_units
    if allowance is None or allowance < 0:
        return [ValidationError("allowance_units", "Allowance must not be negative")]
    if allowance and version.rate_type in (RateType.FIXED, RateType.TIME_OF_USE):
        message = f"An allowance is not used by a {version.rate_type.label} tariff"
        return [ValidationError("allowance_units", message)]
    return []
