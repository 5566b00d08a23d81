"""Credit note rules: how much may be credited, what remains, status, usage and applying credit.

A credit note never exceeds the payment it comes from, and what remains of
it is its amount minus what has been applied (never negative).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money
from app.domain.payments.rules import parse_amount

OVERPAYMENT = "Overpayment"


class CreditNoteStatus(StrEnum):
    ACTIVE = "Active"
    APPLIED = "Applied"
    EXPIRED = "Expired"
    VOIDED = "Voided"  # its payment was voided


class RemainingKind(StrEnum):
    FULLY_USED = "Fully Used"
    PARTIAL = "Partial Remaining"
    FULL = "Full Remaining"


class DatePreset(StrEnum):
    TODAY = "Today"
    THIS_WEEK = "This Week"
    THIS_MONTH = "This Month"
    CUSTOM = "Custom Range"


def maximum_hint(formatted_maximum: str) -> str:
    """The hint beside Credit Amount, e.g. "Maximum: $145.50" (the amount formatted at the edge)."""
    return f"Maximum: {formatted_maximum}"


def check_credit_amount(amount: object, maximum: Money) -> Money:
    """More than 0, at most two decimals (the currency's), not above the maximum."""
    money = parse_amount("Credit amount", amount, maximum.currency)
    if money > maximum:
        raise ValidationError("Credit amount", f"cannot exceed the original payment amount "
                                               f"({maximum.amount})")
    return money


def creditable(payment_amount: Money, already_credited: Money) -> Money:
    """What a new credit note on a payment may be: its amount less earlier credit notes."""
    return max(payment_amount - already_credited, Money.zero(payment_amount.currency))


def remaining_payment_value(original: Money, credit: Money) -> Money:
    """Original payment amount - credit note amount; 0 means a full reversal."""
    remaining = original - credit
    if remaining.is_negative:
        raise ValidationError("Credit amount", "cannot exceed the original payment amount")
    return remaining


def check_reason(reason: str | None, reasons: Iterable[str]) -> str:
    reasons = tuple(reasons)
    if not reason or not reason.strip():
        raise ValidationError("Reason", "is required")
    for option in reasons:
        if option.casefold() == reason.strip().casefold():
            return option
    raise ValidationError("Reason", "must be one of: " + ", ".join(reasons))


def check_remarks(remarks: str | None, max_length: int) -> str:
    text = (remarks or "").strip()
    if len(text) > max_length:
        raise ValidationError("Remarks", f"must be at most {max_length} characters")
    return text


def expiry_date(created_on: date, expiry_days: int) -> date:
    return created_on + timedelta(days=expiry_days)


def remaining(original: Money, applied: Money) -> Money:
    """Original amount - applied, never negative and never above the original."""
    if applied.is_negative or applied > original:
        raise ValidationError("Applied amount", "must be between 0 and the credit note amount")
    return original - applied


def credit_note_status(expires_on: date, remaining_amount: Money, today: date,
                       *, voided: bool = False) -> CreditNoteStatus:
    """Applied once nothing remains; Expired after its expiry date; else Active."""
    if voided:
        return CreditNoteStatus.VOIDED
    if not remaining_amount:
        return CreditNoteStatus.APPLIED
    return CreditNoteStatus.EXPIRED if today > expires_on else CreditNoteStatus.ACTIVE


def usage_percent(applied: Money, original: Money) -> Decimal:
    """(Applied / Original) x 100 with one decimal."""
    if not original:
        return Decimal("0.0")
    share = applied.amount * 100 / original.amount
    return share.quantize(Decimal("0.1"), ROUND_HALF_UP)


def remaining_kind(remaining_amount: Money, original: Money) -> RemainingKind:
    if not remaining_amount:
        return RemainingKind.FULLY_USED
    return RemainingKind.FULL if remaining_amount == original else RemainingKind.PARTIAL


@dataclass(frozen=True)
class CreditApplication:
    amount: Money
    remaining_after: Money
    open_after: Money

    @property
    def uses_all(self) -> bool:
        return not self.remaining_after


def apply_credit(remaining_amount: Money, target_open: Money,
                 amount: object | None = None) -> CreditApplication:
    """Apply part or all of a credit: never above what remains nor above the target's open amount.

    Without an amount, applies as much as both allow.
    """
    if not target_open.amount > 0:
        raise ValidationError("Apply to", "has nothing left to pay")
    if not remaining_amount.amount > 0:
        raise ValidationError("Credit note", "has no credit remaining")
    most = min(remaining_amount, target_open)
    money = most if amount is None else parse_amount("Amount to apply", amount,
                                                     remaining_amount.currency)
    if money > remaining_amount:
        raise ValidationError("Amount to apply", f"cannot exceed the remaining credit "
                                                 f"({remaining_amount.amount})")
    if money > target_open:
        raise ValidationError("Amount to apply", f"cannot exceed the open amount ({target_open.amount})")
    return CreditApplication(money, remaining_amount - money, target_open - money)


def created_range(preset: DatePreset, today: date, date_from: date | None = None,
                  date_to: date | None = None) -> tuple[date, date]:
    """The Created Date filter as an inclusive range; a custom range needs From and To in order."""
    if preset is DatePreset.TODAY:
        return today, today
    if preset is DatePreset.THIS_WEEK:
        start = today - timedelta(days=today.weekday())
        return start, start + timedelta(days=6)
    if preset is DatePreset.THIS_MONTH:
        start = today.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return start, following - timedelta(days=1)
    if date_from is None or date_to is None:
        raise ValidationError("Date range", "needs both From and To")
    if date_from > date_to:
        raise ValidationError("Date range", "From must be on or before To")
    return date_from, date_to
