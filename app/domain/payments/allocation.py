"""One payment settling several open items (bills, service charges or installments).

The items the cashier ticked are paid oldest due first, each at most its
cap: its open amount, or the smaller amount the cashier typed for it. What
the payment applies is the sum of the allocations (never more than the
caps together); anything beyond is kept on account or handed back as change,
as for a payment of one item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from app.domain.core.errors import ValidationError
from app.domain.core.money import Money, MoneyError, minor_digits, to_decimal

LATEST = date.max


@dataclass(frozen=True)
class OpenItem:
    """What allocation needs to know of an item: which, its name, when due, what is open."""

    key: str
    reference: str
    due_date: date | None
    open_amount: Money


@dataclass(frozen=True)
class Allocation:
    key: str
    reference: str
    amount: Money


def oldest_first(items: Sequence[OpenItem]) -> list[OpenItem]:
    """By due date (undated last); items due the same day keep the order they were given in."""
    return sorted(items, key=lambda item: item.due_date or LATEST)


def item_caps(items: Sequence[OpenItem], amounts: Mapping[str, object] | None,
              field: str) -> dict[str, Money]:
    """Each item's cap: its open amount, or the amount typed for it, which must be a number
    more than 0 and at most the item's open amount. Errors name the item and the rule."""
    amounts = amounts or {}
    caps: dict[str, Money] = {}
    for item in items:
        typed = amounts.get(item.key)
        if typed is None or (isinstance(typed, str) and not typed.strip()):
            caps[item.key] = item.open_amount
            continue
        caps[item.key] = _typed_amount(item, typed, field)
    return caps


def _typed_amount(item: OpenItem, typed: object, field: str) -> Money:
    currency = item.open_amount.currency
    try:
        amount = Money(to_decimal(typed), currency)
    except MoneyError:
        raise ValidationError(field, f"{item.reference}: the amount must be a number") from None
    if amount.amount <= 0:
        raise ValidationError(field, f"{item.reference}: the amount must be more than 0 "
                                     "(untick the item not to pay it)")
    if not amount.is_exact:
        raise ValidationError(field, f"{item.reference}: the amount must have at most "
                                     f"{minor_digits(currency)} decimal places")
    if amount > item.open_amount:
        raise ValidationError(field, f"{item.reference}: the amount {amount.amount} is more than "
                                     f"its open amount {item.open_amount.amount}")
    return amount.rounded()


def allocate(applied: Money, items: Sequence[OpenItem],
             caps: Mapping[str, Money] | None = None) -> tuple[Allocation, ...]:
    """Spread what is applied over the items, oldest due first, each up to its cap. Items left
    with nothing get no allocation. The allocations sum to min(applied, the caps together)."""
    caps = caps or {}
    remaining, allocations = applied, []
    for item in oldest_first(items):
        if not remaining.amount > 0:
            break
        part = min(remaining, caps.get(item.key, item.open_amount))
        if part.amount > 0:
            allocations.append(Allocation(item.key, item.reference, part))
            remaining = remaining - part
    return tuple(allocations)
