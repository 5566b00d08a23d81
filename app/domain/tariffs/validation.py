"""Tariff versions and the checks a tariff must pass before it is saved, published or rated.

The definitions live in `tariff_model` and are re-exported here, so callers import tariffs
from one place. Every check names the field and says the rule in the spec's words; a check
collects all problems rather than stopping at the first.

The checks on the rates themselves (slabs, seasons, time-of-use) are in `rate_checks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from app.domain.core.errors import ValidationError
from app.domain.core.money import MINOR_DIGITS
from app.domain.tariffs.model import (
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
    PeriodFactor,
    RateType,
    Season,
    Slab,
    SlabMode,
    SlabRow,
    TariffStatus,
    TariffVersion,
    TouPeriod,
    Unit,
    Utility,
    season_discount,
    season_discounts,
    slab_rows,
    slabs_from_rows,
    tariff_status,
)
from app.domain.tariffs.rate_checks import (
    basis_errors,
    is_whole,
    name_errors,
    rate_errors,
    season_errors,
    tou_errors,
    validate_slab_rows,
    validate_slabs,
)

__all__ = [  # the model, re-exported, and the checks
    "ENERGY_BASE", "Charge", "ChargeKind", "DayType", "LimitRounding", "OtherTariff",
    "PeriodFactor", "RateType", "Season", "Slab", "SlabMode", "SlabRow", "TariffInvalid", "TariffRef",
    "TariffStatus", "TariffVersion", "TouPeriod", "Unit", "Utility", "check_tariff",
    "season_discount", "season_discounts", "slab_rows", "slabs_from_rows", "tariff_status",
    "UNITS_BY_UTILITY", "validate_slab_rows", "validate_slabs", "validate_tariff",
]


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
    else:
        errors += basis_errors(version)
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
        errors += season_errors(version.seasons)
    elif version.rate_type is RateType.TIME_OF_USE:
        errors += tou_errors(version.tou_periods)
    elif not any(charge.kind in FIXED_KINDS for charge in version.charges):  # Fixed
        errors.append(ValidationError("charges", "A Fixed tariff needs a fixed charge"))
    return errors


# slabs ------------------------------------------------------------------------------------


# seasons and time periods ------------------------------------------------------------------


# charges and allowance -----------------------------------------------------------------------


def _charge_errors(version: TariffVersion) -> list[ValidationError]:
    charges = version.charges
    errors = name_errors([charge.name for charge in charges], "charges", "Charge")
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
    elif currency in MINOR_DIGITS and not is_whole(value.scaleb(MINOR_DIGITS[currency])):
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
