"""Payment plan rules: the terms, installment amounts and due dates, and compliance.

Amounts: what is spread (total less down payment) is split into equal installments
rounded DOWN to the minor unit, and the rounding remainder goes on the last one, so
the installments always add up to exactly what is owed.

Compliance: an unpaid installment is Overdue the day after it falls due and Missed
once the grace period has passed too; a plan with MISSED_TO_DEFAULT missed
installments is Defaulted, and one whose installments are all paid is Completed.
No utility setting exists yet for the grace period or the default threshold: they
are the module constants GRACE_DAYS and MISSED_TO_DEFAULT below.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money, MoneyError, minor_digits, quantum, to_decimal

GRACE_DAYS = 5  # days after the due date before an unpaid installment counts as missed
MISSED_TO_DEFAULT = 3  # missed installments that put a plan in default
MAX_INSTALLMENTS = 60
REASON_MAX_LENGTH = 500
DOWN_PAYMENT_NUMBER = 0  # the down payment is installment #0, due the day the plan is agreed


class Frequency(StrEnum):
    WEEKLY = "Weekly"
    FORTNIGHTLY = "Fortnightly"
    MONTHLY = "Monthly"


class PlanStatus(StrEnum):
    ACTIVE = "Active"
    COMPLETED = "Completed"
    DEFAULTED = "Defaulted"


class InstallmentState(StrEnum):
    PAID = "Paid"
    UPCOMING = "Upcoming"
    OVERDUE = "Overdue"  # past due, still inside the grace period
    MISSED = "Missed"


@dataclass(frozen=True)
class ScheduledInstallment:
    number: int
    amount: Money
    due_date: date


# amounts and dates -------------------------------------------------------------

def split_amount(amount: Money, count: int) -> list[Money]:
    """`count` equal parts rounded down; the remainder on the last. Sum == amount exactly."""
    if count < 1:
        raise ValidationError("Number of installments", "must be at least 1")
    minor = amount.to_minor()
    base, remainder = divmod(minor, count)
    if base < 1:
        raise ValidationError("Number of installments",
                              f"is too many: each installment would be less than {quantum(amount.currency)}")
    parts = [base] * count
    parts[-1] += remainder
    return [Money.from_minor(part, amount.currency) for part in parts]


def split_by_installment(amount: Money, installment: Money) -> list[Money]:
    """Installments of a given amount until `amount` is covered; the last one takes what is left."""
    if installment.amount <= 0:
        raise ValidationError("Installment amount", "must be more than 0")
    if installment > amount:
        raise ValidationError("Installment amount", f"cannot exceed the amount to spread ({amount.amount})")
    whole, rest = divmod(amount.to_minor(), installment.to_minor())
    if whole + bool(rest) > MAX_INSTALLMENTS:
        raise ValidationError("Installment amount",
                              f"is too small: it would take more than {MAX_INSTALLMENTS} installments")
    parts = [installment] * whole
    if rest:
        parts.append(Money.from_minor(rest, amount.currency))
    return parts


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_dates(first: date, frequency: Frequency, count: int) -> list[date]:
    """Anchored on the first due date, so a short month never shifts the later ones."""
    if frequency is Frequency.MONTHLY:
        return [add_months(first, n) for n in range(count)]
    step = 7 if frequency is Frequency.WEEKLY else 14
    return [first + timedelta(days=step * n) for n in range(count)]


# the terms -----------------------------------------------------------------------

@dataclass(frozen=True)
class PlanTerms:
    """What the Create plan form holds, as typed."""

    total: object
    down_payment: object
    count: object
    frequency: object
    start_date: date | None


@dataclass(frozen=True)
class ValidTerms:
    total: Money
    down_payment: Money
    count: int
    frequency: Frequency
    start_date: date

    @property
    def financed(self) -> Money:
        return self.total - self.down_payment


def parse_money(field: str, value: object, currency: str, *, blank_is_zero: bool = False) -> Money:
    if value is None or (isinstance(value, str) and not value.strip()):
        if blank_is_zero:
            return Money.zero(currency)
        raise ValidationError(field, "is required")
    try:
        money = Money(to_decimal(value), currency)
    except MoneyError:
        raise ValidationError(field, "must be a number") from None
    if not money.is_exact:
        raise ValidationError(field, f"must have at most {minor_digits(currency)} decimal places")
    return money


def parse_count(value: object, field: str = "Number of installments") -> int:
    text = str(value).strip() if value is not None else ""
    if not text:
        raise ValidationError(field, "is required")
    if not text.isdigit():
        raise ValidationError(field, "must be a whole number")
    count = int(text)
    if not 1 <= count <= MAX_INSTALLMENTS:
        raise ValidationError(field, f"must be between 1 and {MAX_INSTALLMENTS}")
    return count


def parse_frequency(value: object) -> Frequency:
    try:
        return Frequency(str(value))
    except ValueError:
        raise ValidationError("Frequency", "must be Weekly, Fortnightly or Monthly") from None


def check_not_past(field: str, day: date | None, today: date) -> date:
    if day is None:
        raise ValidationError(field, "is required")
    if day < today:
        raise ValidationError(field, "Cannot select past date")
    return day


def validate_terms(terms: PlanTerms, *, outstanding: Money, today: date) -> ValidTerms:
    """Total 0 < t <= outstanding balance, 0 <= down payment < total, 1..60 installments of at
    least one minor unit, a frequency, and a start date that is not in the past."""
    currency = outstanding.currency
    total = parse_money("Total amount", terms.total, currency)
    if total.amount <= 0:
        raise ValidationError("Total amount", "must be more than 0")
    if total > outstanding:
        raise ValidationError("Total amount",
                              f"cannot exceed the outstanding balance ({max(outstanding.amount, 0)})")
    down = parse_money("Down payment", terms.down_payment, currency, blank_is_zero=True)
    if down.is_negative:
        raise ValidationError("Down payment", "cannot be negative")
    if down >= total:
        raise ValidationError("Down payment", "must be less than the total amount")
    count = parse_count(terms.count)
    frequency = parse_frequency(terms.frequency)
    start = check_not_past("Start date", terms.start_date, today)
    split_amount(total - down, count)  # refuses installments below one minor unit
    return ValidTerms(total, down, count, frequency, start)


def plan_schedule(terms: ValidTerms, today: date) -> list[ScheduledInstallment]:
    """The down payment (#0, due today) when there is one, then installments 1..n from the start."""
    schedule = []
    if terms.down_payment:
        schedule.append(ScheduledInstallment(DOWN_PAYMENT_NUMBER, terms.down_payment, today))
    amounts = split_amount(terms.financed, terms.count)
    for n, (amount, due) in enumerate(zip(amounts, due_dates(terms.start_date, terms.frequency,
                                                             terms.count), strict=True), start=1):
        schedule.append(ScheduledInstallment(n, amount, due))
    return schedule


# modification ------------------------------------------------------------------------

@dataclass(frozen=True)
class ModifyTerms:
    """A new schedule for what is still unpaid: a number of installments, or an amount per
    installment (then the number follows), a frequency, the first due date and a reason."""

    count: object
    frequency: object
    first_due: date | None
    reason: str
    installment_amount: object = None


def check_reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise ValidationError("Reason", "is required")
    if len(text) > REASON_MAX_LENGTH:
        raise ValidationError("Reason", f"must be at most {REASON_MAX_LENGTH} characters")
    return text


def reschedule(unpaid: Money, terms: ModifyTerms, today: date,
               first_number: int) -> list[ScheduledInstallment]:
    """New installments for the unpaid rest, numbered on from the ones kept."""
    check_reason(terms.reason)
    if unpaid.amount <= 0:
        raise ValidationError("Plan", "has no unpaid installments left to change")
    frequency = parse_frequency(terms.frequency)
    first = check_not_past("First due date", terms.first_due, today)
    amount_text = terms.installment_amount
    if amount_text is not None and str(amount_text).strip():
        amounts = split_by_installment(
            unpaid, parse_money("Installment amount", amount_text, unpaid.currency))
    else:
        amounts = split_amount(unpaid, parse_count(terms.count))
    dates = due_dates(first, frequency, len(amounts))
    return [ScheduledInstallment(first_number + n, amount, due)
            for n, (amount, due) in enumerate(zip(amounts, dates, strict=True))]


# compliance --------------------------------------------------------------------------

def missed_cutoff(today: date, grace_days: int = GRACE_DAYS) -> date:
    """Installments due before this day and still unpaid are missed."""
    return today - timedelta(days=grace_days)


def installment_state(due: date, open_amount: Money, today: date,
                      grace_days: int = GRACE_DAYS) -> InstallmentState:
    if open_amount.amount <= 0:
        return InstallmentState.PAID
    if due < missed_cutoff(today, grace_days):
        return InstallmentState.MISSED
    if due < today:
        return InstallmentState.OVERDUE
    return InstallmentState.UPCOMING


def plan_outcome(states: Sequence[InstallmentState],
                 missed_to_default: int = MISSED_TO_DEFAULT) -> PlanStatus:
    """What an active plan becomes: Completed when all is paid, Defaulted after N missed."""
    if states and all(state is InstallmentState.PAID for state in states):
        return PlanStatus.COMPLETED
    if sum(state is InstallmentState.MISSED for state in states) >= missed_to_default:
        return PlanStatus.DEFAULTED
    return PlanStatus.ACTIVE
