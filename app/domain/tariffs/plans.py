"""Plans: the 4-step plan wizard's rules, step by step, in the spec's words.

A plan bundles consumer categories, utility services (each rated by an existing tariff)
and service charges. The rules need to know a little of the world (today, the other plan
names, the sub-categories of each category, the tariffs on offer): a PlanContext says it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from app.domain.core.errors import ValidationError
from app.domain.core.money import MINOR_DIGITS, RATE_SCALE
from app.domain.tariffs.validation import RateType, TariffStatus, Utility

SHORT_NAME_MAX = 15
COMMON_SCOPE = "Common"
STEPS = ("Basic Details", "Consumer Categories", "Utility Services", "Service Charges")


class BillingFrequency(StrEnum):
    MONTHLY = "Monthly"
    BI_MONTHLY = "Bi-monthly"
    QUARTERLY = "Quarterly"
    ANNUALLY = "Annually"


class TaxType(StrEnum):
    FLAT = "Flat"  # a fixed amount per bill
    PERCENTAGE = "Percentage"
    TIERED = "Tiered"  # a percentage: the rate of the first tier
    EXEMPT = "Exempt"


class ChargeType(StrEnum):
    FIXED = "Fixed"  # an amount per bill
    VARIABLE = "Variable"  # a rate that varies with usage conditions (e.g. peak usage)
    CONSUMPTION = "Consumption-based"  # a rate per unit consumed


@dataclass(frozen=True)
class PlanServiceChoice:
    """A utility service of the plan and the tariff (rate name) that rates it."""

    utility: Utility
    rate_type: RateType | None = None
    tariff_id: str | None = None


@dataclass(frozen=True)
class PlanChargeLine:
    name: str = ""
    scope: str = COMMON_SCOPE  # "Common" or a utility's value: the service it applies to
    charge_type: ChargeType | None = None
    amount: Decimal | None = None


@dataclass(frozen=True)
class PlanDraft:
    name: str = ""
    short_name: str = ""
    description: str = ""
    billing_frequency: BillingFrequency | None = None
    tax_type: TaxType | None = None
    tax_rate: Decimal | None = None
    valid_from: date | None = None
    valid_to: date | None = None  # None: ongoing
    categories: tuple[tuple[str, str], ...] = ()  # (category, sub-category)
    services: tuple[PlanServiceChoice, ...] = ()
    charges: tuple[PlanChargeLine, ...] = ()

    @property
    def main_categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(category for category, _ in self.categories))


@dataclass(frozen=True)
class TariffOption:
    """What the plan rules know of a tariff that a service may use."""

    id: str
    name: str
    utility: Utility
    rate_type: RateType
    status: TariffStatus
    categories: tuple[str, ...] = ()  # empty: every consumer category


@dataclass(frozen=True)
class PlanContext:
    today: date
    currency: str
    other_names: frozenset[str] = frozenset()  # other plans' names, case-folded
    sub_categories: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    tariffs: Mapping[str, TariffOption] = field(default_factory=dict)
    original_start: date | None = None  # an existing plan's start date may stay in the past


def validate_plan(draft: PlanDraft, context: PlanContext) -> list[ValidationError]:
    """Every step's problems: a plan is saved only when all four steps are complete."""
    return [error for step in range(len(STEPS)) for error in validate_step(step, draft, context)]


def validate_step(step: int, draft: PlanDraft, context: PlanContext) -> list[ValidationError]:
    checks = (_basic_errors, _category_errors, _service_errors, _charge_errors)
    return checks[step](draft, context)


def first_incomplete_step(draft: PlanDraft, context: PlanContext) -> int | None:
    for step in range(len(STEPS)):
        if validate_step(step, draft, context):
            return step
    return None


# step 1: basic details -----------------------------------------------------------------


def _basic_errors(draft: PlanDraft, context: PlanContext) -> list[ValidationError]:
    errors = []
    name = draft.name.strip()
    if not name:
        errors.append(ValidationError("name", "Plan name is required"))
    elif name.casefold() in context.other_names:
        errors.append(ValidationError("name", f"A plan named '{name}' already exists"))
    short = draft.short_name.strip()
    if not short:
        errors.append(ValidationError("short_name", "Short name is required"))
    elif len(short) > SHORT_NAME_MAX:
        errors.append(ValidationError("short_name", f"Short name is limited to {SHORT_NAME_MAX} characters"))
    if not draft.description.strip():
        errors.append(ValidationError("description", "Description is required: outline the plan's benefits"))
    if draft.billing_frequency is None:
        errors.append(ValidationError("billing_frequency", "Select a billing frequency"))
    errors += _tax_errors(draft, context.currency)
    return errors + _date_errors(draft, context)


def _tax_errors(draft: PlanDraft, currency: str) -> list[ValidationError]:
    if draft.tax_type is None:
        return [ValidationError("tax_type", "Select a tax type")]
    rate = draft.tax_rate
    if draft.tax_type is TaxType.EXEMPT:
        if rate:
            return [ValidationError("tax_rate", "An exempt plan has no tax rate")]
        return []
    if rate is None or rate <= 0:
        return [ValidationError("tax_rate", "Tax rate must be a positive number")]
    if draft.tax_type is TaxType.FLAT:
        digits = MINOR_DIGITS.get(currency, 2)
        if not _has_places(rate, digits):
            return [ValidationError("tax_rate", f"A flat tax is an amount with at most {digits} decimal places")]
        return []
    if rate > 100:
        return [ValidationError("tax_rate", "A percentage tax rate must not exceed 100")]
    if not _has_places(rate, RATE_SCALE):
        return [ValidationError("tax_rate", f"Tax rate supports up to {RATE_SCALE} decimal places")]
    return []


def _date_errors(draft: PlanDraft, context: PlanContext) -> list[ValidationError]:
    start, end = draft.valid_from, draft.valid_to
    if start is None:
        return [ValidationError("valid_from", "Start date is required")]
    if start < context.today and start != context.original_start:
        return [ValidationError("valid_from", "Cannot select past date")]
    if end is not None and start > end:
        return [ValidationError("valid_to", "Start date cannot be later than the end date")]
    return []


def _has_places(value: Decimal, places: int) -> bool:
    scaled = value.scaleb(places)
    return scaled == scaled.to_integral_value()


# step 2: consumer categories ---------------------------------------------------------------


def _category_errors(draft: PlanDraft, context: PlanContext) -> list[ValidationError]:
    if not draft.categories:
        return [ValidationError("categories", "Select at least one consumer category")]
    errors = []
    for category, sub in draft.categories:
        if category not in context.sub_categories:
            errors.append(ValidationError("categories", f"'{category}' is not a consumer category"))
        elif not sub.strip():
            errors.append(ValidationError("sub_categories",
                                          f"Select at least one sub category for {category}"))
        elif sub not in context.sub_categories[category]:
            errors.append(ValidationError("sub_categories", f"'{sub}' is not a sub category of {category}"))
    return errors


# step 3: utility services -----------------------------------------------------------------


def _service_errors(draft: PlanDraft, context: PlanContext) -> list[ValidationError]:
    if not draft.services:
        return [ValidationError("services", "Select at least one utility service")]
    errors = []
    seen: set[Utility] = set()
    for index, service in enumerate(draft.services):
        field = f"services[{index}]"
        label = service.utility.label
        if service.utility in seen:
            errors.append(ValidationError(field, f"{label} is selected more than once"))
        seen.add(service.utility)
        if service.rate_type is None:
            errors.append(ValidationError(f"{field}.rate_type", f"Select a rate type for {label}"))
        elif service.tariff_id is None:
            errors.append(ValidationError(f"{field}.tariff", f"Select a rate name for {label}"))
        else:
            errors += _tariff_errors(service, draft, context, f"{field}.tariff")
    return errors


def _tariff_errors(service: PlanServiceChoice, draft: PlanDraft, context: PlanContext,
                   field: str) -> list[ValidationError]:
    tariff = context.tariffs.get(service.tariff_id or "")
    if tariff is None:
        return [ValidationError(field, "Plans must reference an existing tariff")]
    if tariff.utility is not service.utility or tariff.rate_type is not service.rate_type:
        rate = service.rate_type.label if service.rate_type else ""
        return [ValidationError(field, f"'{tariff.name}' is not a {rate} tariff for {service.utility.label}")]
    if tariff.status is TariffStatus.EXPIRED:
        return [ValidationError(field, f"'{tariff.name}' has expired and cannot be assigned to a plan")]
    if tariff.status is TariffStatus.INACTIVE:
        return [ValidationError(field, f"'{tariff.name}' is inactive: only active tariffs can be applied")]
    outside = [c for c in draft.main_categories if tariff.categories and c not in tariff.categories]
    if outside:
        return [ValidationError(field, f"'{tariff.name}' does not apply to {', '.join(outside)} consumers")]
    return []


# step 4: service charges ------------------------------------------------------------------


def _charge_errors(draft: PlanDraft, context: PlanContext) -> list[ValidationError]:
    errors = []
    scopes = {COMMON_SCOPE} | {service.utility.value for service in draft.services}
    names = [charge.name.strip().casefold() for charge in draft.charges]
    for index, charge in enumerate(draft.charges):
        field = f"charges[{index}]"
        if not charge.name.strip():
            errors.append(ValidationError(f"{field}.name", "Charge name is required"))
        elif names.count(charge.name.strip().casefold()) > 1:
            errors.append(ValidationError(f"{field}.name", "Charge names must be unique"))
        if charge.scope not in scopes:
            errors.append(ValidationError(f"{field}.scope", "A service-specific charge needs one of the plan's services"))
        if charge.charge_type is None:
            errors.append(ValidationError(f"{field}.charge_type", "Select a charge type"))
        errors += _charge_amount_errors(charge, f"{field}.amount", context.currency)
    return errors


def _charge_amount_errors(charge: PlanChargeLine, field: str, currency: str) -> list[ValidationError]:
    amount = charge.amount
    if amount is None:
        return [ValidationError(field, "Rate amount is required")]
    if amount < 0:
        return [ValidationError(field, "Rate amount must not be negative")]
    places = MINOR_DIGITS.get(currency, 2) if charge.charge_type is ChargeType.FIXED else RATE_SCALE
    if not _has_places(amount, places):
        return [ValidationError(field, f"Rate amount supports up to {places} decimal places")]
    return []


def version_label(number: int) -> str:
    """Plan versions read 1.0, 1.1, 1.2 …: the spec's numbering."""
    return f"1.{number - 1}"
